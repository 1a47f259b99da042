/*
 * Total rebuild with deletions and a concurrent reader. 20,000 articles, a
 * rebuild, 100 deleted in the ERP, a second rebuild: exactly those 100 become
 * tombstones with new change numbers, a consumer following all_changes_since
 * sees the 100 deletions and nothing else, and a reader counting live
 * articles during the second rebuild never sees fewer than 19,900 (a
 * half-deleted or empty table). An interrupted rebuild tombstones nothing, uses
 * no quota, leaves the ERP cursor alone, and the next rebuild completes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRebuild, type RebuildProgress } from "../../src/sync/rebuild";
import { SyncFailedError } from "../../src/sync/runs";
import { erpCursorOf, lastChangeNumber, quotaOf, registerSyncCompany, runsOf, startSyncHarness, type SyncHarness } from "./harness";

const AZI = "R1";
const ARTICLES = 20_000;

interface Change {
  entity: string;
  id_sincro: string;
  deleted: boolean;
  key: Record<string, string>;
}

/** A consumer: everything above its cursor, in pages, and the new cursor. */
async function follow(harness: SyncHarness, cursor: number): Promise<{ changes: Change[]; cursor: number }> {
  const changes: Change[] = [];
  for (;;) {
    const page = await harness.pool.query<Change>("select entity, id_sincro, deleted, key from sincro.all_changes_since($1, $2, 5000)", [AZI, cursor]);
    if (page.rows.length === 0) return { changes, cursor };
    changes.push(...page.rows);
    cursor = Number(page.rows[page.rows.length - 1]!.id_sincro);
  }
}

async function liveArticles(harness: SyncHarness): Promise<number> {
  return (await harness.pool.query<{ n: number }>("select count(*)::int as n from sincro.articoli where azi = $1 and not deleted", [AZI])).rows[0]!.n;
}

/** The ERP's article codes, as its snapshot lists them. */
async function erpArticleCodes(harness: SyncHarness): Promise<string[]> {
  const codes: string[] = [];
  for await (const batch of (await harness.erp.openSnapshot(AZI, "article")).batches()) codes.push(...batch.map((row) => row.key.cod_art ?? ""));
  return codes.sort();
}

describe("total rebuild", () => {
  let harness: SyncHarness;
  let consumerCursor = 0;
  let deleted: string[] = [];

  beforeAll(async () => {
    harness = await startSyncHarness("sync_rebuild");
    await registerSyncCompany(harness.pool, AZI, 100);
    await harness.erpCall("POST", `/_admin/companies/${AZI}/seed`, { articles: ARTICLES });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("the first rebuild brings every article; the consumer reads them all", async () => {
    const progress: RebuildProgress[] = [];
    const result = await runRebuild(harness.pool, harness.erp, AZI, { onProgress: (p) => progress.push(p) });
    // TEST: the progress of each entity is measured against the row count its snapshot announced
    const articles = progress.filter((p) => p.phase === "article");
    expect(articles.every((p) => p.entityExpected === ARTICLES && p.entityCount === 9)).toBe(true);
    expect(articles.map((p) => p.entityReceived)).toEqual([...articles.map((p) => p.entityReceived)].sort((a, b) => a - b));
    expect(articles.at(-1)?.entityReceived).toBe(ARTICLES);
    expect(progress.filter((p) => p.phase === "customer").every((p) => p.entityExpected === 0)).toBe(true);
    expect(progress.at(-1)?.phase).toBe("sweep");
    expect(result).toMatchObject({ received: ARTICLES, changed: ARTICLES, tombstoned: 0 });
    expect(result.entities.article).toEqual({ received: ARTICLES, changed: ARTICLES });
    expect(await liveArticles(harness)).toBe(ARTICLES);
    // TEST: the hub holds the ERP's cursor for the next sync for changes
    expect(await erpCursorOf(harness.pool, AZI)).toBe(result.cursor);
    const read = await follow(harness, 0);
    expect(read.changes.filter((change) => change.entity === "article" && !change.deleted)).toHaveLength(ARTICLES);
    consumerCursor = read.cursor;
  });

  it("100 deleted in the ERP: the second rebuild tombstones exactly those, which the consumer sees; a reader never sees a half-empty table", async () => {
    const codes = await erpArticleCodes(harness);
    deleted = codes.filter((_, index) => index % 200 === 7).slice(0, 100);
    expect(deleted).toHaveLength(100);
    for (const code of deleted) await harness.erpCall("DELETE", `/operator/companies/${AZI}/records/article`, { key: { cod_art: code } });
    const counterBefore = await lastChangeNumber(harness.pool, AZI);

    // a reader polling the live count while the rebuild runs
    let reading = true;
    const seen: number[] = [];
    const reader = (async () => {
      while (reading) {
        seen.push(await liveArticles(harness));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const result = await runRebuild(harness.pool, harness.erp, AZI, { batchSize: 2000 });
    reading = false;
    await reader;

    // TEST: exactly the 100, nothing else changed, each tombstone a new change number
    expect(result).toMatchObject({ received: ARTICLES - 100, changed: 0, tombstoned: 100 });
    expect(await lastChangeNumber(harness.pool, AZI)).toBe(counterBefore + 100);
    const tombstones = await harness.pool.query<{ cod_art: string; id_sincro: string }>(
      "select cod_art, id_sincro from sincro.articoli where azi = $1 and deleted order by cod_art",
      [AZI],
    );
    expect(tombstones.rows.map((row) => row.cod_art)).toEqual([...deleted].sort());
    expect(tombstones.rows.every((row) => Number(row.id_sincro) > consumerCursor)).toBe(true);
    expect(await liveArticles(harness)).toBe(ARTICLES - 100);

    // TEST: the consumer sees the 100 deletions and nothing else
    const read = await follow(harness, consumerCursor);
    expect(read.changes.every((change) => change.entity === "article" && change.deleted)).toBe(true);
    expect(read.changes.map((change) => change.key.cod_art).sort()).toEqual([...deleted].sort());
    consumerCursor = read.cursor;

    // TEST: the reader never saw a half-deleted or empty table: all of them, then (at the sweep's commit) all but the 100
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(ARTICLES - 100);
    expect(seen.filter((count) => count !== ARTICLES && count !== ARTICLES - 100)).toEqual([]);
  });

  it("an interrupted rebuild tombstones nothing and uses no quota; the next one completes", async () => {
    const codes = await erpArticleCodes(harness);
    const more = codes.slice(0, 10);
    for (const code of more) await harness.erpCall("DELETE", `/operator/companies/${AZI}/records/article`, { key: { cod_art: code } });
    const quotaBefore = await quotaOf(harness.pool, AZI);
    const cursorBefore = await erpCursorOf(harness.pool, AZI);
    const counterBefore = await lastChangeNumber(harness.pool, AZI);

    const abort = new AbortController();
    let batches = 0;
    const error = await runRebuild(harness.pool, harness.erp, AZI, {
      batchSize: 1000,
      signal: abort.signal,
      onProgress: (progress) => {
        if (progress.phase === "article" && progress.received > 0 && ++batches === 3) abort.abort(new Error("operator pressed Ctrl-C"));
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncFailedError);
    expect(String((error as Error).message)).toContain("Ctrl-C");
    // TEST: nothing tombstoned, nothing bumped, cursor and quota as they were, the run failed
    expect(await liveArticles(harness)).toBe(ARTICLES - 100);
    expect(await lastChangeNumber(harness.pool, AZI)).toBe(counterBefore);
    expect(await erpCursorOf(harness.pool, AZI)).toBe(cursorBefore);
    expect(await quotaOf(harness.pool, AZI)).toEqual(quotaBefore);
    expect((await runsOf(harness.pool, AZI)).at(-1)).toMatchObject({ kind: "rebuild", state: "failed" });

    // TEST: the next rebuild starts afresh and completes: the 10 become tombstones
    const result = await runRebuild(harness.pool, harness.erp, AZI);
    expect(result).toMatchObject({ received: ARTICLES - 110, changed: 0, tombstoned: 10 });
    expect(await liveArticles(harness)).toBe(ARTICLES - 110);
    expect(await quotaOf(harness.pool, AZI)).toMatchObject({ sync_used: quotaBefore.sync_used + 1 });
    const read = await follow(harness, consumerCursor);
    expect(read.changes.map((change) => change.key.cod_art).sort()).toEqual([...more].sort());
  });
});
