/*
 * Rules 1 and 2 of the protocol (docs/protocol.md) against a real reference ERP over HTTP and a
 * real graphile-worker: an order reaches the ERP at once when it is reachable;
 * when it is not, it waits (nothing lost) and a partial sync pushes it later;
 * manual mode, rejections and timeouts.
 */
import pino from "pino";
import type { RunningWorker } from "../../src/worker/run-worker";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { beginPartialSync, runPartialSync } from "../../src/push/partial-sync";
import { startWorker } from "../../src/worker/run-worker";
import { eventually, insertStoreOrder, pushStates, registerCompany, startPushHarness, type PushHarness } from "./harness";

const silent = pino({ level: "silent" });

describe("real-time push to the ERP", () => {
  let harness: PushHarness;
  let worker: RunningWorker;

  beforeAll(async () => {
    harness = await startPushHarness("push_rt", { timeoutMs: 500 });
    worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 4, pollInterval: 200, sweep: false });
  });

  afterEach(() => {
    harness.setFaults({ down: false, latencyMs: 0, errorRate: 0, dieAfterCommitRate: 0 });
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.stop();
  });

  it("a new order and its new customer reach the ERP within seconds; the answer is written back", async () => {
    await registerCompany(harness.pool, "C00001");
    const idPub = await insertStoreOrder(harness.pool, "C00001", "150", { newCustomer: "Mario Rossi" });
    const row = await eventually(
      "ack_gest = 1",
      async () =>
        (
          await harness.pool.query<{ ack_gest: number; tor_chia: string | null; autore_cod: string; cliente_cod: string | null; cod_cli: string | null; id_sincro: string }>(
            `select a.ack_gest, a.tor_chia, a.autore_cod, a.cliente_cod, c.cod_cli, a.id_sincro
             from sincro.arportes a left join sincro.new_customers c on c.azi = a.azi and c.customer_id = a.new_customer_id
             where a.azi = 'C00001' and a.id_pub = $1`,
            [idPub],
          )
        ).rows[0],
      (value) => value?.ack_gest === 1,
      5000,
    );
    // TEST: a well-formed key, the customer's code on order and customer record, a change number
    expect(row?.tor_chia).toMatch(/^C\d{4}\d{8}$/);
    expect(row?.cliente_cod).toMatch(/^\d+$/);
    expect(row?.cod_cli).toBe(row?.cliente_cod);
    expect(row?.autore_cod).toBe(row?.cliente_cod);
    expect(Number(row?.id_sincro)).toBeGreaterThan(0);
    // TEST: the ERP holds it once, under its web ID
    const erpOrders = await harness.erpOrders("C00001");
    expect(erpOrders.map((order) => [order.web_id, order.tor_chia])).toEqual([[idPub, row?.tor_chia]]);
    expect(await pushStates(harness.pool, "C00001")).toEqual({ acquired: 1 });
  });

  it("ERP down: orders wait, none lost; ERP up: a partial sync pushes them all, once", async () => {
    await registerCompany(harness.pool, "C00002");
    harness.setFaults({ down: true });
    const ids: number[] = [];
    for (let index = 0; index < 5; index++) ids.push(await insertStoreOrder(harness.pool, "C00002", `down-${index}`));
    // TEST: every push attempt fails, and the orders wait in pending_gest
    await eventually(
      "a failed attempt on each order",
      async () => (await harness.pool.query<{ n: string }>("select count(*) as n from sincro.order_push where azi = 'C00002' and attempts >= 1 and state = 'pending'")).rows[0]?.n,
      (n) => Number(n) === 5,
      5000,
    );
    const pending = await harness.pool.query<{ id_pub: string }>("select id_pub from sincro.pending_gest where azi = 'C00002' order by id_pub");
    expect(pending.rows.map((row) => Number(row.id_pub))).toEqual(ids);
    expect(await harness.erpOrders("C00002")).toEqual([]);

    harness.setFaults({ down: false });
    const runId = await beginPartialSync(harness.pool, "C00002");
    const result = await runPartialSync(harness.pool, harness.erp, "C00002", runId);
    // TEST: all pushed by the partial sync (a retry racing it may have taken some: together, all of them)
    await eventually("all acquired", () => pushStates(harness.pool, "C00002"), (states) => states.acquired === 5, 5000);
    expect(result.failed).toBe(0);
    const erpOrders = await harness.erpOrders("C00002");
    expect(erpOrders.map((order) => order.web_id).sort((a, b) => Number(a) - Number(b))).toEqual(ids);
    // TEST: the run is recorded, without quota
    const run = await harness.pool.query("select kind, state, uses_quota from sincro.sync_runs where azi = 'C00002' and run_id = $1", [runId]);
    expect(run.rows).toEqual([{ kind: "partial", state: "succeeded", uses_quota: false }]);
  });

  it("manual mode: one attempt, then the order waits for a partial sync", async () => {
    await registerCompany(harness.pool, "C00003", "manual");
    harness.setFaults({ errorRate: 1 });
    const idPub = await insertStoreOrder(harness.pool, "C00003", "m1");
    await eventually(
      "the single attempt to fail",
      // the worker's dispatcher makes the one attempt; it failed once the order is pending again with its error
      async () => (await harness.pool.query<{ attempts: number; state: string; last_error: string | null }>("select attempts, state, last_error from sincro.order_push where azi = 'C00003' and id_pub = $1", [idPub])).rows[0],
      (push) => push !== undefined && push.attempts === 1 && push.state === "pending" && push.last_error !== null,
      5000,
    );
    // TEST: no retry job in manual mode (a moment for the dispatcher to have added one, were it wrong)
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await harness.pool.query("select 1 from graphile_worker.jobs where key = $1", [`push_order:C00003:${idPub}`])).rowCount).toBe(0);
    harness.setFaults({ errorRate: 0 });
    // TEST: the sweep leaves manual-mode orders alone; they stay pending
    expect((await harness.pool.query<{ swept: number }>("select sincro.sweep_pushes() as swept")).rows[0]?.swept).toBe(0);
    expect(await pushStates(harness.pool, "C00003")).toEqual({ pending: 1 });
    // TEST: the partial sync pushes it
    const runId = await beginPartialSync(harness.pool, "C00003");
    const result = await runPartialSync(harness.pool, harness.erp, "C00003", runId);
    expect(result).toMatchObject({ pushed: 1, rejected: 0, failed: 0 });
    expect(await pushStates(harness.pool, "C00003")).toEqual({ acquired: 1 });
  });

  it("a rejected order keeps the ERP's message, is not retried, and does not block the others", async () => {
    await registerCompany(harness.pool, "C00004");
    const bad = await insertStoreOrder(harness.pool, "C00004", "bad", { clienteCod: "UNKNOWN" });
    const good = await insertStoreOrder(harness.pool, "C00004", "good");
    await eventually("both settled", () => pushStates(harness.pool, "C00004"), (states) => states.rejected === 1 && states.acquired === 1, 5000);
    const problem = await harness.pool.query("select id_pub, state, erp_message from sincro.push_problems where azi = 'C00004'");
    expect(problem.rows).toEqual([{ id_pub: String(bad), state: "rejected", erp_message: "customer UNKNOWN does not exist in the ERP" }]);
    // TEST: no retry queued
    const jobs = await harness.pool.query("select key from graphile_worker.jobs where key = $1", [`push_order:C00004:${bad}`]);
    expect(jobs.rows).toEqual([]);
    expect((await harness.erpOrders("C00004")).map((order) => order.web_id)).toEqual([good]);
  });

  it("a timeout is a failure to reach the ERP: pending, retried, then acquired once", async () => {
    await registerCompany(harness.pool, "C00005");
    harness.setFaults({ latencyMs: 1500 });
    const idPub = await insertStoreOrder(harness.pool, "C00005", "slow");
    const failed = await eventually(
      "a timed-out attempt",
      async () => (await harness.pool.query<{ last_error: string | null }>("select last_error from sincro.order_push where azi = 'C00005' and id_pub = $1", [idPub])).rows[0],
      (row) => row?.last_error != null,
      5000,
    );
    expect(failed?.last_error).toMatch(/no answer within 500 ms/);
    harness.setFaults({ latencyMs: 0 });
    // graphile-worker retries after exp(1) s
    await eventually("acquired", () => pushStates(harness.pool, "C00005"), (states) => states.acquired === 1, 15_000);
    // TEST: the slow first request may have been committed by the ERP too: still one order
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await harness.erpOrders("C00005")).map((order) => order.web_id)).toEqual([idPub]);
  });
});
