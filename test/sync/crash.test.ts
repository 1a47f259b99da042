/*
 * A sync for changes that dies half-way loses nothing and repeats nothing:
 * the batches committed before the failure stay (each moved the ERP cursor in
 * its own transaction), the run is failed without quota, and the next run
 * continues from the stored cursor. Every change is applied exactly once:
 * each changed row gets one new change number, and the hub ends equal to the
 * ERP with the cursor at the ERP's last entry. Failures: the connector
 * throwing on its 3rd pull, the ERP going down after the first batch, and a
 * real `sincro sync changes` process SIGKILLed mid-run.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/migrate";
import { runChangesSync } from "../../src/sync/changes";
import { SyncFailedError } from "../../src/sync/runs";
import { eventually } from "../push/harness";
import { erpCursorOf, failingPullsFrom, lastChangeNumber, quotaOf, registerSyncCompany, runsOf, startSyncHarness, type SyncHarness } from "./harness";

interface ArticleRow {
  cod_art: string;
  descrizione: string | null;
  prezzo: string | null;
  id_sincro: string;
}

/** The ERP's articles (its snapshot) as cod_art → descrizione / prezzo, numbers normalised. */
async function erpArticles(harness: SyncHarness, azi: string): Promise<Map<string, string>> {
  const snapshot = await harness.erp.openSnapshot(azi, "article");
  const articles = new Map<string, string>();
  for await (const batch of snapshot.batches()) {
    for (const row of batch) articles.set(row.key.cod_art ?? "", `${row.data.descrizione ?? null}|${Number(row.data.prezzo ?? Number.NaN)}`);
  }
  return articles;
}

async function hubArticles(harness: SyncHarness, azi: string): Promise<Map<string, string>> {
  const rows = await harness.pool.query<ArticleRow>("select cod_art, descrizione, prezzo, id_sincro from sincro.articoli where azi = $1 and not deleted", [azi]);
  return new Map(rows.rows.map((row) => [row.cod_art, `${row.descrizione}|${Number(row.prezzo ?? Number.NaN)}`]));
}

/** The ERP's last change-log position, read through the API: a pull from it brings nothing. */
async function erpEnd(harness: SyncHarness, azi: string): Promise<string> {
  let cursor = "";
  for (;;) {
    const batch = await harness.erp.pullChanges(azi, cursor, 10_000);
    cursor = batch.next_cursor;
    if (!batch.more) return cursor;
  }
}

describe("a sync for changes interrupted half-way", () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness("sync_crash");
  });

  afterEach(() => {
    harness.setFaults({ down: false, latencyMs: 0, errorRate: 0 });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("the connector fails on its 3rd pull: 2 batches stay, the rerun applies the rest, each change once", async () => {
    const { pool } = harness;
    await registerSyncCompany(pool, "K1");
    await harness.erpCall("POST", "/_admin/companies/K1/seed", { articles: 100, log: true });
    const counterBefore = await lastChangeNumber(pool, "K1");

    const failing = failingPullsFrom(harness.erp, 3);
    const error = await runChangesSync(pool, failing, "K1", { batchSize: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncFailedError);
    // TEST: the two committed batches stay; the run failed; no quota used
    expect((await pool.query("select count(*)::int as n from sincro.articoli where azi = 'K1'")).rows[0]).toEqual({ n: 20 });
    expect(await lastChangeNumber(pool, "K1")).toBe(counterBefore + 20);
    const cursorAfterCrash = await erpCursorOf(pool, "K1");
    expect(cursorAfterCrash).not.toBe("");
    expect((await runsOf(pool, "K1")).map((run) => run.state)).toEqual(["failed"]);
    expect(await quotaOf(pool, "K1")).toMatchObject({ sync_used: 0 });

    // TEST: a stale applier cannot apply a batch again: the cursor moved (SY122)
    await expect(
      pool.query("select sincro.sync_changes_apply('K1', $1, '', $2, '[]'::jsonb)", [(await runsOf(pool, "K1"))[0]!.run_id, cursorAfterCrash]),
    ).rejects.toMatchObject({ code: "SY122" });

    const result = await runChangesSync(pool, harness.erp, "K1", { batchSize: 10 });
    // TEST: the rerun starts at the stored cursor: it receives the 80 left, not 100
    expect(result.received).toBe(80);
    // TEST: every change applied exactly once: 100 rows, 100 change numbers, hub = ERP, cursor at the ERP's end
    expect(await lastChangeNumber(pool, "K1")).toBe(counterBefore + 100);
    const distinct = await pool.query("select count(distinct id_sincro)::int as n from sincro.articoli where azi = 'K1'");
    expect(distinct.rows[0]).toEqual({ n: 100 });
    expect(await hubArticles(harness, "K1")).toEqual(await erpArticles(harness, "K1"));
    expect(await erpCursorOf(pool, "K1")).toBe(await erpEnd(harness, "K1"));
    expect(await quotaOf(pool, "K1")).toMatchObject({ sync_used: 1 });
  });

  it("the ERP goes down after the first batch: the rerun brings the rest; touched rows bumped once each", async () => {
    const { pool } = harness;
    await registerSyncCompany(pool, "K2");
    await harness.erpCall("POST", "/_admin/companies/K2/seed", { articles: 200, log: true });
    await runChangesSync(pool, harness.erp, "K2", { batchSize: 100 });
    const counterBefore = await lastChangeNumber(pool, "K2");

    await harness.erpCall("POST", "/_admin/companies/K2/touch", { entity: "article", count: 60 });
    const error = await runChangesSync(pool, harness.erp, "K2", {
      batchSize: 20,
      onProgress: (progress) => {
        if (progress.batches === 1) harness.setFaults({ down: true });
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncFailedError);
    // TEST: the first batch is in: 20 rows bumped
    expect(await lastChangeNumber(pool, "K2")).toBe(counterBefore + 20);

    harness.setFaults({ down: false });
    await runChangesSync(pool, harness.erp, "K2", { batchSize: 20 });
    // TEST: 60 touched rows, 60 change numbers, hub = ERP
    expect(await lastChangeNumber(pool, "K2")).toBe(counterBefore + 60);
    expect(await hubArticles(harness, "K2")).toEqual(await erpArticles(harness, "K2"));
    expect(await erpCursorOf(pool, "K2")).toBe(await erpEnd(harness, "K2"));
    expect((await runsOf(pool, "K2")).map((run) => run.state)).toEqual(["succeeded", "failed", "succeeded"]);
  });

  it("a `sincro sync changes` process SIGKILLed mid-run: the next run is not blocked and finishes the job, once", async () => {
    const { pool } = harness;
    await registerSyncCompany(pool, "K3");
    await harness.erpCall("POST", "/_admin/companies/K3/seed", { articles: 300, log: true });
    const counterBefore = await lastChangeNumber(pool, "K3");
    harness.setFaults({ latencyMs: 150 });

    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "sincro"), "sync", "changes", "--azi", "K3", "--batch-size", "10"], {
      env: { ...process.env, DATABASE_URL: harness.hub.url, SINCRO_ERP_URL: harness.erpUrl, SINCRO_ERP_TOKEN: harness.erpToken },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await eventually("a few batches applied", () => lastChangeNumber(pool, "K3"), (n) => n >= counterBefore + 30, 30_000);
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const applied = (await lastChangeNumber(pool, "K3")) - counterBefore;
    expect(applied).toBeLessThan(300);
    // the killed run is left "running"; its session is gone
    expect((await runsOf(pool, "K3")).map((run) => run.state)).toEqual(["running"]);

    harness.setFaults({ latencyMs: 0 });
    // TEST: the next run is not refused as concurrent (SY120): the dead run is closed as abandoned
    const result = await eventually(
      "a run to be allowed",
      () => runChangesSync(pool, harness.erp, "K3", { batchSize: 100 }).catch((caught: unknown) => caught),
      (value) => !(value instanceof Error),
      10_000,
    );
    expect(result).toMatchObject({ received: 300 - applied });
    // TEST: exactly once: 300 rows, 300 change numbers, hub = ERP, no quota for the dead run
    expect(await lastChangeNumber(pool, "K3")).toBe(counterBefore + 300);
    expect(await hubArticles(harness, "K3")).toEqual(await erpArticles(harness, "K3"));
    expect(await erpCursorOf(pool, "K3")).toBe(await erpEnd(harness, "K3"));
    expect((await runsOf(pool, "K3")).map((run) => run.state)).toEqual(["failed", "succeeded"]);
    expect(await quotaOf(pool, "K3")).toMatchObject({ sync_used: 1 });
  });
});
