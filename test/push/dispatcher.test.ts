/*
 * The dispatcher (issue 15): an order's insert sends no NOTIFY (PostgreSQL serialises the commits
 * of notifying transactions, which defeats group commit); the worker's dispatcher takes the new
 * orders and pushes them without a job. Orders written while no worker runs wait in order_push and
 * are pushed when it starts; a failed push is retried by a job. A dispatcher that found nothing dozes
 * and is rung by the inserts themselves (NOTIFY sincro_dispatch, sent only while one dozes:
 * sql/push/dispatcher_doorbell.sql), with no order missed.
 */
import { createHmac, randomBytes } from "node:crypto";
import pino from "pino";
import { Client, type Pool } from "pg";
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

  it("an insert rings only while a dispatcher dozes, once per transaction", async () => {
    const dozer = new Client({ connectionString: harness.hub.url });
    await dozer.connect();
    const heard: string[] = [];
    dozer.on("notification", (message) => heard.push(message.channel));
    await dozer.query("listen sincro_dispatch");
    try {
      // TEST: nobody dozes: an order's insert sends nothing
      await insertStoreOrder(harness.pool, "C00001", "r1");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual([]);
      // TEST: a dispatcher dozes (it holds the doze lock): a transaction of two orders rings it once
      await dozer.query("select pg_advisory_lock(1397313091, 1)");
      const client = await harness.pool.connect();
      try {
        await client.query("begin");
        for (const id of ["r2", "r3"]) {
          const header = await client.query<{ id_pub: string }>(
            "insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', $1, 'C', '0') returning id_pub", [id]);
          await client.query("insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('C00001', $1, 1, 'A1', 1, 1)",
            [header.rows[0]?.id_pub]);
        }
        await client.query("commit");
      } finally {
        client.release();
      }
      await eventually("the doorbell", async () => heard.length, (n) => n >= 1, 2000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual(["sincro_dispatch"]);
      // TEST: so does a webhook delivery of an order (the inbox row is the dispatcher's to ring for)
      await harness.pool.query("select sincro.store_add(store_id => 'woo-ring', azi => 'C00001', platform => 'woocommerce', secret => 'secret-of-woo-ring')");
      const deliver = async (id: number) => {
        const body = Buffer.from(JSON.stringify({ id, date_modified_gmt: "2026-11-30T09:00:01", status: "processing" }));
        const signature = createHmac("sha256", "secret-of-woo-ring").update(body).digest("base64");
        const delivered = await harness.pool.query<{ status: number }>(
          "select status from sincro.store_webhook_receive('woocommerce', 'woo-ring', $1, $2::jsonb)",
          [body, JSON.stringify({ "x-wc-webhook-topic": "order.created", "x-wc-webhook-signature": signature })]);
        expect(delivered.rows[0]?.status).toBe(200);
      };
      await deliver(7001);
      await eventually("the webhook's doorbell", async () => heard.length, (n) => n >= 2, 2000);
      expect(heard).toEqual(["sincro_dispatch", "sincro_dispatch"]);
      // TEST: not while the company's chain of store_inbox_apply jobs is under way (its gate held): the chain's job
      // takes the delivery as it commits; the dispatcher, rung, would find the gate held and nothing to do
      await harness.pool.query("insert into sincro_private.store_inbox_gate (azi, job_key, rung_at) values ('C00001', 'store_inbox:test', now())");
      try {
        await deliver(7002);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(heard).toEqual(["sincro_dispatch", "sincro_dispatch"]);
        // TEST: a gate older than 10 s is free (its job died): the delivery rings again
        await harness.pool.query("update sincro_private.store_inbox_gate set rung_at = now() - interval '11 seconds' where azi = 'C00001'");
        await deliver(7003);
        await eventually("the doorbell past a stale gate", async () => heard.length, (n) => n >= 3, 2000);
        expect(heard).toEqual(["sincro_dispatch", "sincro_dispatch", "sincro_dispatch"]);
      } finally {
        await harness.pool.query("delete from sincro_private.store_inbox_gate where azi = 'C00001'");
      }
      // TEST: awake again (the lock released): nothing
      await dozer.query("select pg_advisory_unlock(1397313091, 1)");
      await insertStoreOrder(harness.pool, "C00001", "r4");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual(["sincro_dispatch", "sincro_dispatch", "sincro_dispatch"]);
    } finally {
      await dozer.end();
    }
  });

  it("a dozing dispatcher is rung: orders arriving one by one and from eight writers at once are all pushed, with its own looks a minute apart", async () => {
    await registerCompany(harness.pool, "C00003");
    // a dispatcher whose only look without a doorbell would come a minute later (and graphile-worker's poll as far)
    const worker = await startWorker({
      connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 2, sweep: false, dispatchIntervalMs: 60_000, pollInterval: 60_000,
    });
    const dozing = (pool: Pool) => pool.query(
      "select 1 from pg_locks where locktype = 'advisory' and classid = 1397313091 and objid = 1 and objsubid = 2 and mode = 'ExclusiveLock' and granted");
    try {
      // TEST: orders one at a time, each written while the dispatcher dozes, each pushed
      for (let index = 0; index < 3; index++) {
        await eventually("the dispatcher dozes", async () => (await dozing(harness.pool)).rowCount, (n) => n === 1, 5000);
        await insertStoreOrder(harness.pool, "C00003", `one-${index}`);
        await eventually(`order ${index} acquired`, () => pushStates(harness.pool, "C00003"), (states) => states.acquired === index + 1, 5000);
      }
      // TEST: an order whose transaction is still open while the dispatcher finishes the previous push and goes to
      // doze: pushed at its commit (its insert found nobody dozing, so it does not ring: the doze waits for it)
      for (let index = 0; index < 4; index++) {
        await insertStoreOrder(harness.pool, "C00003", `open-${index}-a`);
        const client = await harness.pool.connect();
        try {
          await client.query("begin");
          const header = await client.query<{ id_pub: string }>(
            "insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00003', 'S', $1, 'C', '0') returning id_pub", [`open-${index}-b`]);
          await new Promise((resolve) => setTimeout(resolve, 150));
          await client.query("insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('C00003', $1, 1, 'A1', 1, 1)",
            [header.rows[0]?.id_pub]);
          await client.query("commit");
        } finally {
          client.release();
        }
        await eventually(`round ${index} acquired`, () => pushStates(harness.pool, "C00003"), (states) => states.acquired === 5 + 2 * index, 5000);
      }
      // TEST: eight writers at once, at random moments: none waits for a look a minute away
      // (an insert racing the dispatcher's doze neither rings nor is seen by its last look, unless the lock orders them)
      await Promise.all(Array.from({ length: 8 }, async (_, writer) => {
        for (let index = 0; index < 12; index++) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 25));
          await insertStoreOrder(harness.pool, "C00003", `w${writer}-${index}`);
        }
      }));
      await eventually("all acquired", () => pushStates(harness.pool, "C00003"), (states) => states.acquired === 3 + 8 + 96, 15_000);
    } finally {
      await worker.stop();
    }
  });

  it("a login holding the doze key delays no order (the lock guards latency only)", async () => {
    await registerCompany(harness.pool, "C00004");
    await registerCompany(harness.pool, "C00005");
    const login = `t_doze_squatter_${randomBytes(4).toString("hex")}`; // roles are the server's, not the database's
    await harness.pool.query("select sincro.create_login($1, 'store', 'C00004', password => 'pw-squatter')", [login]);
    const url = new URL(harness.hub.url);
    url.username = login;
    url.password = "pw-squatter";
    const squatter = new Client({ connectionString: url.toString() });
    await squatter.connect();
    const worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 2, sweep: false });
    try {
      // a store login of another company takes the key, exclusively: no dispatcher can doze, every insert rings
      expect((await squatter.query<{ locked: boolean }>("select pg_try_advisory_lock(1397313091, 1) as locked")).rows[0]?.locked).toBe(true);
      for (const id of ["s1", "s2", "s3"]) await insertStoreOrder(harness.pool, "C00005", id);
      // TEST: the orders are pushed all the same (the dispatcher looks at its own pace)
      await eventually("pushed with the key held", () => pushStates(harness.pool, "C00005"), (states) => states.acquired === 3, 10_000);
      // TEST: and with the key held in share mode (the dispatcher cannot doze: it looks at its own pace)
      // (shared taken before the exclusive is let go: a dispatcher looking in between would take the key to doze,
      // and the squatter's lock_timeout would end its wait)
      await squatter.query("select pg_advisory_lock_shared(1397313091, 1)");
      expect((await squatter.query<{ unlocked: boolean }>("select pg_advisory_unlock(1397313091, 1) as unlocked")).rows[0]?.unlocked).toBe(true);
      for (const id of ["s4", "s5"]) await insertStoreOrder(harness.pool, "C00005", id);
      await eventually("pushed with the key shared", () => pushStates(harness.pool, "C00005"), (states) => states.acquired === 5, 10_000);
    } finally {
      await worker.stop();
      await squatter.end();
      await harness.pool.query(`drop owned by "${login}"`);
      await harness.pool.query(`drop role if exists "${login}"`);
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
