/*
 * The dispatcher (issue 15): an order's insert sends no NOTIFY (PostgreSQL serialises the commits
 * of notifying transactions, which defeats group commit); the worker's dispatcher takes the new
 * orders and pushes them without a job. Orders written while no worker runs wait in order_push and
 * are pushed when it starts; a failed push is retried by a job.
 */
import pino from "pino";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "../../src/worker/run-worker";
import { eventually, insertStoreOrder, pushStates, registerCompany, startPushHarness, type PushHarness } from "./harness";

const silent = pino({ level: "silent" });

describe("push dispatcher", () => {
  let harness: PushHarness;

  beforeAll(async () => {
    harness = await startPushHarness("push_dispatch");
    await registerCompany(harness.pool, "C00001");
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("an order's insert sends no NOTIFY", async () => {
    const listener = new Client({ connectionString: harness.hub.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (message) => heard.push(message.channel));
    await listener.query('listen "jobs:insert"');
    try {
      // TEST: three committed orders, nothing heard
      for (const id of ["n1", "n2", "n3"]) await insertStoreOrder(harness.pool, "C00001", id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual([]);
      // TEST: (the listener does hear a NOTIFY on that channel)
      await harness.pool.query(`select pg_notify('jobs:insert', '{"count":0}')`);
      await eventually("a notification", async () => heard.length, (n) => n >= 1, 2000);
      expect(heard).toEqual(["jobs:insert"]);
    } finally {
      await listener.end();
    }
  });

  it("orders written while no worker runs are pushed when one starts", async () => {
    await registerCompany(harness.pool, "C00002");
    for (const id of ["w1", "w2", "w3", "w4"]) await insertStoreOrder(harness.pool, "C00002", id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // TEST: no worker: they wait, recorded, no job
    expect(await pushStates(harness.pool, "C00002")).toEqual({ pending: 4 });
    const jobs = await harness.pool.query("select 1 from graphile_worker.jobs where key like 'push_order:C00002:%'");
    expect(jobs.rowCount).toBe(0);
    // TEST: a worker starts (sweeps off: the dispatcher alone): all acquired
    const worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 2, sweep: false });
    try {
      await eventually("all acquired", () => pushStates(harness.pool, "C00002"), (states) => states.acquired === 4, 10_000);
      expect((await harness.erpOrders("C00002")).length).toBe(4);
      // TEST: the first pushes needed no job at all
      const done = await harness.pool.query("select 1 from graphile_worker.jobs where key like 'push_order:%'");
      expect(done.rowCount).toBe(0);
    } finally {
      await worker.stop();
    }
  });
});

describe("dispatcher, ERP down", () => {
  let harness: PushHarness;

  beforeAll(async () => {
    harness = await startPushHarness("push_dispatch_down", { timeoutMs: 300 });
    await registerCompany(harness.pool, "A00001");
    await registerCompany(harness.pool, "M00001", "manual");
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("a failed first push gets a retry job in auto mode, which pushes it once the ERP is back; none in manual mode", async () => {
    harness.setFaults({ down: true });
    const worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 2, pollInterval: 200, sweep: false });
    try {
      const auto = await insertStoreOrder(harness.pool, "A00001", "a1");
      const manual = await insertStoreOrder(harness.pool, "M00001", "m1");
      // TEST: both tried once and failed; the auto one has a job, the manual one waits for a partial sync
      await eventually("both tried", async () =>
        (await harness.pool.query<{ n: number }>("select count(*)::int as n from sincro.order_events where event = 'push_failed'")).rows[0]?.n, (n) => n === 2, 10_000);
      const jobs = await eventually(
        "the retry job",
        async () => (await harness.pool.query<{ key: string; max_attempts: number }>("select key, max_attempts from graphile_worker.jobs where key like 'push_order:%'")).rows,
        (rows) => rows.length > 0,
        5000,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(jobs).toEqual([{ key: `push_order:A00001:${auto}`, max_attempts: 25 }]);
      expect((await harness.pool.query("select 1 from graphile_worker.jobs where key like 'push_order:M00001:%'")).rowCount).toBe(0);
      expect(await pushStates(harness.pool, "M00001")).toEqual({ pending: 1 });
      // TEST: the ERP back: the job pushes the auto one; the manual one still waits
      harness.setFaults({ down: false });
      await eventually("auto acquired", () => pushStates(harness.pool, "A00001"), (states) => states.acquired === 1, 15_000);
      expect(await pushStates(harness.pool, "M00001")).toEqual({ pending: 1 });
      expect(manual).toBeGreaterThan(0);
    } finally {
      await worker.stop();
    }
  });
});
