/*
 * The worker killed while it turns inbox rows into orders. A shop delivers 120
 * orders, each twice; `sincro worker` processes take the jobs while the test
 * holds the company's public-ID counter, so the apply under way (one job at a
 * time per company) is caught half-way (its order insert waiting); then the
 * workers are SIGKILLed. Their database
 * sessions end (client_connection_check_interval), their transactions roll
 * back, and the jobs they held stay locked — for 4 hours, by graphile-worker's
 * rule. A new worker alone would not touch them: store_sweep rings again for
 * rows still received (seen failing, timing out, with the sweep's inbox part
 * removed). Then more workers are killed at random while the rest is worked.
 *
 * In the end every order exists once, with its lines; each delivery is either
 * the order's creation or a duplicate; every order reaches the ERP.
 */
import type { ChildProcess } from "node:child_process";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "../../src/fake-store/webhook";
import { eventually, startPushHarness, type PushHarness } from "../push/harness";
import { startSincro } from "../support/cli";
import { fixtureOrder } from "./fixtures";

const ORDERS = 120;
const AZI = "K1";
const SECRET = "kill-test-secret";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("store inbox with the worker killed", () => {
  let harness: PushHarness;
  const workers = new Set<ChildProcess>();

  function startWorkerProcess(): ChildProcess {
    const child = startSincro({ hubUrl: harness.hub.url, erpUrl: harness.erpUrl, erpToken: harness.erpToken }, ["worker"], {
      quiet: true, env: { SINCRO_WORKER_CONCURRENCY: "4", SINCRO_LOG_LEVEL: "silent" },
    }).child;
    workers.add(child);
    child.on("exit", () => workers.delete(child));
    return child;
  }

  const count = async (sql: string, values: unknown[] = []) => (await harness.pool.query<{ n: number }>(sql, values)).rows[0]?.n ?? -1;

  beforeAll(async () => {
    harness = await startPushHarness("stores_killed");
    // a session whose client died is noticed while it waits, and ended
    await harness.pool.query(`alter database "${harness.hub.name}" set client_connection_check_interval = '100ms'`);
    await harness.pool.query("insert into sincro.apstatosyn (azi) values ($1)", [AZI]);
    await harness.pool.query("select sincro.store_add(store_id => 'woo1', azi => $1, platform => 'woocommerce', secret => $2)", [AZI, SECRET]);
  });

  afterAll(async () => {
    for (const child of workers) child.kill("SIGKILL");
    await harness?.stop();
  });

  it("takes each order once", async () => {
    const base = fixtureOrder("woocommerce-registered-company");
    for (let i = 0; i < ORDERS; i++) {
      const body = JSON.stringify({ ...base, id: 10_000 + i, number: String(10_000 + i) });
      const headers = JSON.stringify({ "x-wc-webhook-topic": "order.created", "x-wc-webhook-signature": sign(SECRET, body) });
      for (let copy = 0; copy < 2; copy++) {
        // the call the HTTP route makes for each delivery
        const result = await harness.pool.query<{ status: number }>(
          "select status from sincro.store_webhook_receive('woocommerce', 'woo1', convert_to($1, 'UTF8'), $2::jsonb)", [body, headers]);
        expect(result.rows[0]?.status).toBe(200);
      }
    }

    // every apply caught half-way, then the workers killed
    const blocker = new Client({ connectionString: harness.hub.url });
    await blocker.connect();
    await blocker.query("begin");
    await blocker.query("select 1 from sincro_private.id_pub_counter where azi = $1 for update", [AZI]);
    startWorkerProcess();
    startWorkerProcess();
    // one apply job of the company under way (its chain: sincro.store_inbox_dispatch), caught half-way
    await eventually("its apply waiting", () => count("select count(*)::int as n from graphile_worker.jobs where locked_at is not null"), (n) => n === 1, 30_000);
    for (const child of workers) child.kill("SIGKILL");
    await eventually("their sessions ended",
      () => count("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"), (n) => n === 0, 30_000);
    await blocker.query("rollback");
    await blocker.end();
    expect(await count("select count(*)::int as n from sincro.store_inbox where state <> 'received'")).toBe(0);

    // a new worker, killed at random now and then, and the minute round (here: at once, nothing counted as stale)
    let killing = true;
    const killer = (async () => {
      // a new worker starts, then the oldest is killed: one is always up (a worker takes a second or two to start)
      while (killing) {
        startWorkerProcess();
        await sleep(2500);
        if (!killing) break;
        [...workers][0]?.kill("SIGKILL");
      }
    })();
    try {
      await eventually(
        "every inbox row handled",
        async () => {
          await harness.pool.query("select sincro.store_sweep(interval '0 seconds')");
          return count("select count(*)::int as n from sincro.store_inbox where state = 'received'");
        },
        (n) => n === 0,
        150_000,
      ).catch(async (error: unknown) => {
        // what the rows left received wait for: their jobs (attempts, last error, next run)
        const left = await harness.pool.query(
          `select i.inbox_id, i.doorbell_rung, j.attempts, j.max_attempts, j.locked_at is not null as locked, j.run_at, j.last_error
           from sincro_private.store_inbox i
           left join graphile_worker._private_jobs j
             on j.key = 'store_inbox:' || i.inbox_id or (j.payload::jsonb -> 'inbox_ids') @> pg_catalog.to_jsonb(i.inbox_id)
           where i.state = 'received'`);
        throw new Error(`${error instanceof Error ? error.message : String(error)}: ${JSON.stringify(left.rows)}`);
      });
    } finally {
      killing = false;
      await killer;
    }
    const states = (await harness.pool.query<{ state: string; n: number }>("select state, count(*)::int as n from sincro.store_inbox group by state order by state")).rows;
    expect(states).toEqual([{ state: "created", n: ORDERS }, { state: "duplicate", n: ORDERS }]);
    const orders = (await harness.pool.query<{ n: number; distinct_ids: number; lines: number }>(
      "select count(*)::int as n, count(distinct id_int)::int as distinct_ids, (select count(*)::int from sincro.arporrig where azi = $1) as lines from sincro.arportes where azi = $1", [AZI])).rows[0];
    expect(orders).toEqual({ n: ORDERS, distinct_ids: ORDERS, lines: ORDERS * 4 });
    await eventually(
      "every order acquired by the ERP",
      async () => {
        await harness.pool.query("select sincro.sweep_pushes(interval '0 seconds')");
        return count("select count(*)::int as n from sincro.arportes where azi = $1 and ack_gest = 1", [AZI]);
      },
      (n) => n === ORDERS,
      90_000,
    );
    expect(await harness.erpOrders(AZI)).toHaveLength(ORDERS);
  }, 330_000);
});
