/*
 * Which operations use the contracted sync quota: a completed sync for changes
 * and a completed total rebuild use one unit each; a partial sync (SQL
 * sincro.partial_sync through the worker, or runPartialSync) and a real-time
 * push use none, and a partial sync pulls nothing from the ERP. A run refused
 * for lack of quota (SY121) changes nothing; a second concurrent run of a
 * company is refused (SY120); a run that fails (ERP down) uses no quota.
 */
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ErpChangeBatch, ErpConnector } from "../../src/erp/connector";
import { beginPartialSync, runPartialSync } from "../../src/push/partial-sync";
import { runChangesSync } from "../../src/sync/changes";
import { runRebuild } from "../../src/sync/rebuild";
import { SyncFailedError, SyncRefusedError } from "../../src/sync/runs";
import { startWorker, type RunningWorker } from "../../src/worker/run-worker";
import { eventually, insertStoreOrder, pushStates, registerCompany } from "../push/harness";
import { erpCursorOf, quotaOf, registerSyncCompany, runsOf, setSyncQuota, startSyncHarness, type SyncHarness } from "./harness";

const silent = pino({ level: "silent" });

async function refusal(promise: Promise<unknown>): Promise<SyncRefusedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SyncRefusedError);
  return error as SyncRefusedError;
}

/** Everything a refused run must leave as it was. */
async function hubState(harness: SyncHarness, azi: string) {
  const { pool } = harness;
  const counts = await pool.query(
    `select (select count(*) from sincro.arportes where azi = $1)::int as orders,
            (select count(*) from sincro.clienti where azi = $1)::int as customers,
            (select count(*) from sincro.articoli where azi = $1)::int as articles,
            (select count(*) from sincro.sync_runs where azi = $1)::int as runs,
            (select last_id_sincro from sincro.apstatosyn where azi = $1)::text as last_id_sincro`,
    [azi],
  );
  return { ...counts.rows[0], cursor: await erpCursorOf(pool, azi), quota: await quotaOf(pool, azi) };
}

/** A connector whose pullChanges waits at a gate (the first run holds the company while the test tries a second). */
function gatedPulls(erp: ErpConnector) {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let entered: () => void = () => undefined;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const connector: ErpConnector = {
    createOrder: erp.createOrder.bind(erp),
    health: erp.health.bind(erp),
    openSnapshot: erp.openSnapshot.bind(erp),
    async pullChanges(...args: Parameters<ErpConnector["pullChanges"]>): Promise<ErpChangeBatch> {
      entered();
      await gate;
      return erp.pullChanges(...args);
    },
  };
  return { connector, inside, open: () => open() };
}

describe("sync quota", () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness("sync_quota");
  });

  afterEach(() => {
    harness.setFaults({ down: false, errorRate: 0, latencyMs: 0 });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("a completed sync for changes and a completed rebuild use one unit each", async () => {
    const { pool, erp } = harness;
    await registerSyncCompany(pool, "Q1", 5);
    await harness.erpCall("PUT", "/operator/companies/Q1/customers/C1", { ragione_sociale: "Rossi srl" });
    expect(await quotaOf(pool, "Q1")).toEqual({ sync_quota: 5, sync_used: 0, sync_remaining: 5 });

    await runChangesSync(pool, erp, "Q1");
    // TEST: one unit for the sync for changes
    expect(await quotaOf(pool, "Q1")).toEqual({ sync_quota: 5, sync_used: 1, sync_remaining: 4 });
    await runRebuild(pool, erp, "Q1");
    // TEST: one more for the rebuild
    expect(await quotaOf(pool, "Q1")).toEqual({ sync_quota: 5, sync_used: 2, sync_remaining: 3 });
    // TEST: the second sync for changes with nothing new still counts (it ran)
    await runChangesSync(pool, erp, "Q1");
    expect(await quotaOf(pool, "Q1")).toMatchObject({ sync_used: 3 });
    expect((await runsOf(pool, "Q1")).map((run) => [run.kind, run.state, run.uses_quota])).toEqual([
      ["changes", "succeeded", true],
      ["rebuild", "succeeded", true],
      ["changes", "succeeded", true],
    ]);
  });

  it("partial syncs (SQL and TypeScript) and real-time pushes use none, and a partial sync pulls nothing", async () => {
    const { pool, erp } = harness;
    await registerCompany(pool, "Q2", "auto");
    await setSyncQuota(pool, "Q2", 3);
    // the ERP has an operator order and a customer the hub has not synced
    await harness.erpCall("POST", "/operator/companies/Q2/orders", { operatore_cod: "75", conferma: "CK3", lines: [{ articolo: "ART9", quantita: 4 }] });
    await harness.erpCall("PUT", "/operator/companies/Q2/customers/C9", { ragione_sociale: "Bianchi spa" });

    // a partial sync in TypeScript, with pending orders (auto mode, but no worker yet)
    await insertStoreOrder(pool, "Q2", "p1");
    const runId = await beginPartialSync(pool, "Q2");
    expect(await runPartialSync(pool, erp, "Q2", runId)).toMatchObject({ pushed: 1, failed: 0 });

    // real-time pushes and the SQL partial sync, through the worker
    const worker: RunningWorker = await startWorker({ connectionString: harness.hub.url, erp, logger: silent, concurrency: 2, pollInterval: 100, sweep: false });
    try {
      await insertStoreOrder(pool, "Q2", "rt1");
      await insertStoreOrder(pool, "Q2", "rt2");
      await eventually("pushed in real time", () => pushStates(pool, "Q2"), (states) => states.acquired === 3);
      const sqlRun = (await pool.query<{ run_id: string }>("select sincro.partial_sync('Q2') as run_id")).rows[0]!.run_id;
      await eventually(
        "the SQL partial sync to finish",
        async () => (await pool.query<{ state: string }>("select state from sincro.sync_runs where azi = 'Q2' and run_id = $1", [sqlRun])).rows[0]?.state,
        (state) => state === "succeeded",
      );
    } finally {
      await worker.stop();
    }

    // TEST: no quota used by any of them
    expect(await quotaOf(pool, "Q2")).toEqual({ sync_quota: 3, sync_used: 0, sync_remaining: 3 });
    expect((await runsOf(pool, "Q2")).map((run) => [run.kind, run.state, run.uses_quota])).toEqual([
      ["partial", "succeeded", false],
      ["partial", "succeeded", false],
    ]);
    // TEST: nothing was pulled: the operator's order and customer are not in the hub, the ERP cursor did not move
    expect((await pool.query("select 1 from sincro.arportes where azi = 'Q2' and prov_tipo = 'G'")).rowCount).toBe(0);
    expect((await pool.query("select 1 from sincro.clienti where azi = 'Q2'")).rowCount).toBe(0);
    expect(await erpCursorOf(pool, "Q2")).toBe("");

    // TEST: a sync for changes does pull them, and uses one unit
    await runChangesSync(pool, erp, "Q2");
    expect((await pool.query("select 1 from sincro.arportes where azi = 'Q2' and prov_tipo = 'G'")).rowCount).toBe(1);
    expect(await quotaOf(pool, "Q2")).toMatchObject({ sync_used: 1 });
  });

  it("quota used up: changes and rebuild are refused with SY121 and change nothing", async () => {
    const { pool, erp } = harness;
    await registerSyncCompany(pool, "Q3", 1);
    await harness.erpCall("PUT", "/operator/companies/Q3/customers/C1", { ragione_sociale: "Verdi snc" });
    await runChangesSync(pool, erp, "Q3");
    // new ERP data the refused runs must not bring
    await harness.erpCall("PUT", "/operator/companies/Q3/customers/C2", { ragione_sociale: "Neri sas" });
    await harness.erpCall("POST", "/operator/companies/Q3/orders", { operatore_cod: "75", lines: [{ articolo: "ART1", quantita: 1 }] });
    const before = await hubState(harness, "Q3");
    expect(before.quota).toEqual({ sync_quota: 1, sync_used: 1, sync_remaining: 0 });

    // TEST: SY121 for both kinds
    expect((await refusal(runChangesSync(pool, erp, "Q3"))).code).toBe("SY121");
    expect((await refusal(runRebuild(pool, erp, "Q3"))).code).toBe("SY121");
    // TEST: the same with the raw SQL
    await expect(pool.query("select sincro.sync_run_begin('Q3', 'changes')")).rejects.toMatchObject({ code: "SY121" });
    // TEST: nothing changed: cursor, tables, change counter, runs, quota
    expect(await hubState(harness, "Q3")).toEqual(before);

    // TEST: a partial sync is still allowed
    const runId = await beginPartialSync(pool, "Q3");
    expect(await runPartialSync(pool, erp, "Q3", runId)).toMatchObject({ failed: 0 });
    // TEST: a bigger contract lets the sync run
    await setSyncQuota(pool, "Q3", 2);
    await runChangesSync(pool, erp, "Q3");
    expect((await pool.query("select cod_cli from sincro.clienti where azi = 'Q3' order by cod_cli")).rows).toEqual([{ cod_cli: "C1" }, { cod_cli: "C2" }]);
  });

  it("two concurrent syncs of a company: the second is refused with SY120, whatever its kind", async () => {
    const { pool, erp } = harness;
    await registerSyncCompany(pool, "Q4", 10);
    await harness.erpCall("PUT", "/operator/companies/Q4/customers/C1", { ragione_sociale: "Gialli srl" });
    const gated = gatedPulls(erp);
    const first = runChangesSync(pool, gated.connector, "Q4");
    await gated.inside;
    const before = await hubState(harness, "Q4");
    // TEST: another sync for changes, and a rebuild, are refused while the first runs
    expect((await refusal(runChangesSync(pool, erp, "Q4"))).code).toBe("SY120");
    expect((await refusal(runRebuild(pool, erp, "Q4"))).code).toBe("SY120");
    // TEST: the refusals wrote nothing
    expect(await hubState(harness, "Q4")).toEqual(before);
    // TEST: another company is not held up
    await registerSyncCompany(pool, "Q5", 10);
    await runChangesSync(pool, erp, "Q5");
    gated.open();
    await first;
    expect(await quotaOf(pool, "Q4")).toMatchObject({ sync_used: 1 });
    expect((await runsOf(pool, "Q4")).map((run) => run.state)).toEqual(["succeeded"]);
  });

  it("a run that fails (ERP down) uses no quota, and the next one goes through", async () => {
    const { pool, erp } = harness;
    await registerSyncCompany(pool, "Q6", 10);
    await harness.erpCall("PUT", "/operator/companies/Q6/customers/C1", { ragione_sociale: "Blu spa" });
    harness.setFaults({ down: true });
    await expect(runChangesSync(pool, erp, "Q6")).rejects.toBeInstanceOf(SyncFailedError);
    await expect(runRebuild(pool, erp, "Q6")).rejects.toBeInstanceOf(SyncFailedError);
    // TEST: both runs failed, with the ERP's error, and no quota used
    const runs = await runsOf(pool, "Q6");
    expect(runs.map((run) => [run.kind, run.state])).toEqual([
      ["changes", "failed"],
      ["rebuild", "failed"],
    ]);
    expect(runs[0]?.error).toMatch(/503|down/);
    expect(await quotaOf(pool, "Q6")).toMatchObject({ sync_used: 0 });
    expect(await erpCursorOf(pool, "Q6")).toBe("");
    harness.setFaults({ down: false });
    await runChangesSync(pool, erp, "Q6");
    expect(await quotaOf(pool, "Q6")).toMatchObject({ sync_used: 1 });
  });
});
