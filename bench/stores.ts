/*
 * Stores: WooCommerce webhooks offered at a steady rate to the hub's HTTP
 * server (`sincro http`, its own process), with `sincro worker` (its own
 * process) turning them into orders and pushing them to the reference ERP (its
 * own process):
 *
 *   - accepted, at 200/s offered: from sending a signed delivery to its 2xx
 *     (signature checked, inbox row committed, worker rung), with the worker
 *     stopped (the receiving side alone) for a webhooks-only store (durable
 *     commit) and a reconciled store (asynchronous commit, see
 *     sql/stores/store_webhook_receive.sql), and for the reconciled store
 *     with the worker on (pushing the orders as they come: the issue's
 *     target), while the worker drains a backlog on the same cores (from its
 *     first acquired order on: its start is not the drain), and last under
 *     `sincro start` (the HTTP server and the worker in one process, as a
 *     user's hub runs them); baseline in the same run and at the same rate:
 *     the same route and one SQL call for an unknown store (404, nothing
 *     stored). Each with how busy the cores were meanwhile;
 *   - webhook → ack_gest = 1 visible (inbox → order → ERP → answer written
 *     back), at 20/s (the push alone drains ~270 orders/s on this machine, see
 *     the push section: at 200/s the figure would be a queue's length);
 *     baseline in the same run: store orders written straight into the tables
 *     at the same rate, insert commit → ack_gest = 1. Measured first, after
 *     the warm-up: the steady state, not the aftermath of the backlog the
 *     accepted measures leave (autovacuum of thousands of new rows). Split
 *     into its stages from the rows' own times (received, applied, claimed
 *     for the ERP, acquired).
 *
 * BENCH_WC sets the worker's concurrency (default 8, the worker's own default).
 * BENCH_TRACE=1 prints, for each offered measure, when in it the requests over
 * 20 ms were sent and how long they took, with the hub's own Server-Timing (a
 * stall of the machine shows as a run of them; a cold start as the first
 * ones), and the CPU each process took.
 *
 * The worker runs with its defaults (SINCRO_PUSH_BATCH 50: orders that wait go together).
 * "Visible" is timed by a bench-only trigger that NOTIFYs when ack_gest turns 1.
 * Targets (issue 13): accepted p99 <= 20 ms at 200 webhooks/s; webhook → ack p99 <= 100 ms.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import http from "node:http";
import { createServer } from "node:net";
import { PerformanceObserver } from "node:perf_hooks";
import path from "node:path";
import { Client, Pool } from "pg";
import { PROJECT_ROOT } from "../src/db/migrate";
import { startFakeStore } from "../src/fake-store/server";
import { sign } from "../src/fake-store/webhook";
import { createTestDatabase } from "../test/support/database";
import { analyzeAsAutovacuumWould } from "./autovacuum";
import { busyBetween, cpuTicks, processTicks, topProcesses } from "./cpu";
import { spawnReferenceErp } from "./push";

export interface StoresBenchOptions {
  /** Webhooks per second offered for the accepted latency (issue 13: 200). */
  readonly rate: number;
  /** Webhooks (and direct inserts) per second for the latency to ack_gest = 1, below the push's throughput so that it measures latency, not a queue. */
  readonly ackRate: number;
  readonly seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SECRET = "bench-webhook-secret";
const AZI = "B1";

interface Latency {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** How busy the machine's cores were while the requests were offered (0-1), where this is such a measure. */
  readonly busy?: number;
}

function summarize(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

const ACK_NOTIFY = `
  create function public.bench_notify_ack() returns trigger language plpgsql as $$
  begin perform pg_notify('bench_ack', new.id_int); return null; end $$;
  create trigger bench_ack after update on sincro.arportes for each row
    when (old.ack_gest = 0 and new.ack_gest = 1) execute function public.bench_notify_ack();
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function spawnSincro(args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "sincro"), ...args], {
    env: { ...process.env, SINCRO_LOG_LEVEL: "error", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** BENCH_TRACE: this process's garbage-collection pauses, to tell them from the hub's latency. */
const gcPauses: { at: number; ms: number }[] = [];
if (process.env.BENCH_TRACE) {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.duration > 5) gcPauses.push({ at: entry.startTime, ms: entry.duration });
  }).observe({ entryTypes: ["gc"] });
}

/** How busy the machine's cores were during the last measure offered. */
let lastMeasureBusy = Number.NaN;

/** The latencies of the measure just offered, with how busy the machine was meanwhile. */
const offered = (samples: readonly number[]): Latency => ({ ...summarize(samples), busy: lastMeasureBusy });

/** Sends one request every 1000/rate ms for `seconds`, without waiting for answers (an open loop, as shops do); resolves with each request's latency. */
async function offer(rate: number, seconds: number, send: (index: number) => Promise<string | void>): Promise<number[]> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now();
  const ticksBefore = cpuTicks();
  const processesBefore = process.env.BENCH_TRACE ? processTicks() : undefined;
  const pending: Promise<number>[] = [];
  const timings: (string | void)[] = [];
  for (let index = 0; index < total; index++) {
    const due = start + index * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sentAt = performance.now();
    pending.push(send(index).then((timing) => {
      timings[index] = timing;
      return performance.now() - sentAt;
    }));
  }
  const all = await Promise.all(pending);
  const ticksAfter = cpuTicks();
  lastMeasureBusy = busyBetween(ticksBefore, ticksAfter);
  if (processesBefore) console.error(`CPU by process during the measure (% of one core):\n  ${topProcesses(processesBefore, processTicks(), (performance.now() - start) / 1000)}`);
  if (process.env.BENCH_TRACE) {
    console.error(`gc pauses over 5 ms in this process during the measure: ${gcPauses.filter((g) => g.at >= start).map((g) => `${Math.round(g.at - start)}:${Math.round(g.ms)}`).join(" ")}`);
    gcPauses.length = 0;
    // with the hub's own timing (its Server-Timing header): in its SQL call / from its arrival to its answer
    const own = (timing: string | void) => {
      const dur = (name: string) => timing?.match(new RegExp(`${name};dur=([0-9.]+)`))?.[1];
      return timing ? `(${Math.round(Number(dur("db")))}/${Math.round(Number(dur("handler")))})` : "";
    };
    const slow = all.flatMap((latency, index) => (latency > 20 ? [`${Math.round(index * interval)}:${Math.round(latency)}${own(timings[index])}`] : []));
    console.error(`requests over 20 ms (sent at ms into the measure: took ms (in the hub's SQL call/in the hub)): ${slow.join(" ")}`);
  }
  return all;
}

export async function runStoresBench(options: StoresBenchOptions): Promise<string> {
  const hub = await createTestDatabase("bench_stores");
  const erpDb = await createTestDatabase("bench_stores_erp", { migrate: false });
  const token = randomBytes(8).toString("hex");
  const erp = await spawnReferenceErp(erpDb.url, token);
  const pool = new Pool({ connectionString: hub.url, max: 8 });
  const listener = new Client({ connectionString: hub.url });
  const children: ChildProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    await pool.query(ACK_NOTIFY);
    await pool.query("insert into sincro.apstatosyn (azi) values ($1)", [AZI]);
    // woo1 is reconciled (an API URL: a fake shop with no orders; no status back, which would only load it), so its
    // deliveries are committed asynchronously; woo-hooks receives webhooks only, committed durably
    const shop = await startFakeStore({ platform: "woocommerce", apiKey: "ck_bench", apiSecret: "cs_bench", webhookSecret: SECRET });
    closers.push(() => shop.close());
    await pool.query(
      `select sincro.store_add(store_id => 'woo1', azi => $1, platform => 'woocommerce', secret => $2, api_url => $3, api_key => 'ck_bench', api_secret => 'cs_bench',
                               settings => '{"status_back": false}')`, [AZI, SECRET, shop.url]);
    await pool.query("select sincro.store_add(store_id => 'woo-hooks', azi => $1, platform => 'woocommerce', secret => $2, id_int_prefix => 'H')", [AZI, SECRET]);

    const port = await freePort();
    let hubUrl = `http://127.0.0.1:${port}/`;
    const httpServer = spawnSincro(["http"], { DATABASE_URL: hub.url, SINCRO_HTTP_PORT: String(port), SINCRO_CONSOLE: "off", SINCRO_METRICS: "off" });
    children.push(httpServer);
    const answering = async (url: string) => {
      for (let attempt = 0; ; attempt++) {
        try {
          await fetch(url);
          return;
        } catch (error) {
          if (attempt > 200) throw error;
          await sleep(100);
        }
      }
    };
    const startWorker = () => {
      // the worker's defaults (batches of up to 50 orders; the reference ERP takes overlapping batches without deadlock since
      // its batch takes every web-ID lock first: test/erp/order-batches.test.ts)
      const child = spawnSincro(["worker"], {
        DATABASE_URL: hub.url, SINCRO_ERP_URL: erp.url, SINCRO_ERP_TOKEN: token, SINCRO_WORKER_CONCURRENCY: process.env.BENCH_WC ?? "8",
      });
      children.push(child);
      return child;
    };
    let worker = startWorker();
    await answering(hubUrl);

    // acks, by id_int
    const sentAt = new Map<string, number>();
    const ackLatency = new Map<string, number>();
    await listener.connect();
    await listener.query("listen bench_ack");
    listener.on("notification", (message) => {
      const at = performance.now();
      const start = sentAt.get(message.payload ?? "");
      if (start !== undefined) ackLatency.set(message.payload ?? "", at - start);
    });
    const waitForAcks = async (ids: readonly string[], what: string) => {
      const deadline = Date.now() + 60_000 + ids.length * 100; // the drain of a backlog is measured, not raced
      while (ids.some((id) => !ackLatency.has(id))) {
        if (Date.now() > deadline) {
          const missing = ids.filter((id) => !ackLatency.has(id));
          const states = await pool.query<{ state: string; n: number; error: string | null }>(
            `select coalesce(p.state, i.state) as state, count(*)::int as n, max(coalesce(p.last_error, p.erp_message, i.error)) as error
             from sincro.store_inbox i left join sincro.order_push p on p.azi = i.azi and p.id_pub = i.id_pub
             where i.platform_order_id = any ($1::text[]) or 'H' || i.platform_order_id = any ($1::text[]) group by 1`, [missing]);
          throw new Error(`${what}: ${missing.length} orders never acquired: ${JSON.stringify(states.rows)}`);
        }
        await sleep(50);
      }
      return ids.map((id) => ackLatency.get(id) ?? Number.NaN);
    };

    const template = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "test", "fixtures", "stores", "woocommerce-registered-company.json"), "utf8")) as Record<string, unknown>;
    let nextId = 100_000;
    // the deliveries of a measure are built and signed before it (its own allocations would be garbage to collect
    // while the measure runs: a pause of the bench's process shows as latency of the hub), and sent over kept-alive
    // connections with node:http (fetch allocates several times more per request)
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    closers.push(async () => agent.destroy());
    interface Delivery { readonly storeId: string; readonly key: string; readonly body: Buffer; readonly signature: string }
    const prepare = (storeId: string, ids: readonly number[]): Delivery[] =>
      ids.map((id) => {
        const body = Buffer.from(JSON.stringify({ ...template, id, number: String(id) }));
        return { storeId, key: storeId === "woo-hooks" ? `H${id}` : String(id), body, signature: sign(SECRET, body) };
      });
    const deliver = (delivery: Delivery): Promise<string | void> =>
      new Promise((resolve, reject) => {
        sentAt.set(delivery.key, performance.now());
        const request = http.request(new URL(`stores/woocommerce/${delivery.storeId}/webhook`, hubUrl), {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json", "content-length": delivery.body.length,
            "x-wc-webhook-topic": "order.created", "x-wc-webhook-signature": delivery.signature,
          },
        }, (response) => {
          response.resume();
          response.on("end", () => {
            if (delivery.storeId !== "unknown-store" && response.statusCode !== 200) reject(new Error(`webhook answered ${response.statusCode}`));
            else resolve(response.headers["server-timing"]?.toString());
          });
        });
        request.on("error", reject);
        request.end(delivery.body);
      });

    // warm-up: connections, plans, the worker's first jobs (2 s of webhooks)
    const warm = Array.from({ length: options.rate * 2 }, () => nextId++);
    const warmDeliveries = prepare("woo1", warm);
    await offer(options.rate, 2, (i) => deliver(warmDeliveries[i]!));
    await waitForAcks(warm.map(String), "warm-up");
    if (process.env.BENCH_NO_ANALYZE === undefined) await analyzeAsAutovacuumWould(hub.url, erpDb.url);
    if (process.env.BENCH_TRACE) {
      // per function and per table, from here on: where the drain's time goes (printed at the end)
      for (const db of [hub, erpDb]) {
        const admin = new Client({ connectionString: db.url });
        await admin.connect();
        await admin.query(`alter database "${new URL(db.url).pathname.slice(1)}" set track_functions = 'all'`);
        await admin.query("select pg_stat_reset()");
        await admin.end();
      }
    }

    // first the steady state: webhook → ack at a pace the worker keeps up with, and its baseline (before the backlog
    // below, whose aftermath, autovacuum of thousands of new rows among it, is not the steady state)
    const slow = Array.from({ length: Math.round(options.ackRate * options.seconds) }, () => nextId++);
    const slowDeliveries = prepare("woo1", slow);
    await offer(options.ackRate, options.seconds, (i) => deliver(slowDeliveries[i]!));
    const webhookToAck = offered(await waitForAcks(slow.map(String), "webhooks"));
    // where that time goes, from the rows' own times (each a transaction's start, on the database's clock)
    const stages = await pool.query<{ applied: number[]; claimed: number[]; acquired: number[] }>(
      `select array_agg(extract(epoch from i.processed_at - i.received_at) * 1000) as applied,
              array_agg(extract(epoch from p.last_attempt_at - i.processed_at) * 1000) as claimed,
              array_agg(extract(epoch from p.acquired_at - p.last_attempt_at) * 1000) as acquired
       from sincro_private.store_inbox i join sincro.order_push p on p.azi = i.azi and p.id_pub = i.id_pub
       where i.store_id = 'woo1' and i.platform_order_id = any ($1::text[])`, [slow.map(String)]);
    const stage = (values: number[] | undefined) => summarize((values ?? []).map(Number));
    const [toApply, toClaim, toAcquire] = [stage(stages.rows[0]?.applied), stage(stages.rows[0]?.claimed), stage(stages.rows[0]?.acquired)];

    // baseline: store orders written straight into the tables at the same rate
    const direct = Array.from({ length: Math.round(options.ackRate * options.seconds) }, (_, i) => `D${i}`);
    await offer(options.ackRate, options.seconds, async (i) => {
      const idInt = direct[i]!;
      const client = await pool.connect();
      try {
        await client.query("begin");
        const header = await client.query<{ id_pub: string }>(
          "insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ($1, 'S', $2, 'C', '0') returning id_pub", [AZI, idInt]);
        await client.query(
          "insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ($1, $2, 1, 'ART1', 2, 10.5), ($1, $2, 2, 'ART2', 1, 3)",
          [AZI, header.rows[0]?.id_pub]);
        sentAt.set(idInt, performance.now()); // before the commit: its ack cannot come earlier
        await client.query("commit");
      } finally {
        client.release();
      }
    });
    const directToAck = offered(await waitForAcks(direct, "direct inserts"));

    // the hub as it runs: 200/s offered with the worker on, turning them into orders and pushing them as they come
    const running = Array.from({ length: Math.round(options.rate * options.seconds) }, () => nextId++);
    const runningDeliveries = prepare("woo1", running);
    const acceptedRunning = offered(await offer(options.rate, options.seconds, (i) => deliver(runningDeliveries[i]!)));
    const runningToAck = offered(await waitForAcks(running.map(String), "webhooks at the full rate"));

    // the receiving side alone (the worker stopped: the rows wait in the inbox), and its baseline
    await stop(worker);
    const unknownDeliveries = prepare("unknown-store", Array.from({ length: Math.round(options.rate * options.seconds) }, () => nextId++));
    const unknown = offered(await offer(options.rate, options.seconds, (i) => deliver(unknownDeliveries[i]!)));
    const durable = Array.from({ length: Math.round(options.rate * options.seconds) }, () => nextId++);
    const durableDeliveries = prepare("woo-hooks", durable);
    const acceptedDurable = offered(await offer(options.rate, options.seconds, (i) => deliver(durableDeliveries[i]!)));
    const alone = Array.from({ length: Math.round(options.rate * options.seconds) }, () => nextId++);
    const aloneDeliveries = prepare("woo1", alone);
    const acceptedAlone = offered(await offer(options.rate, options.seconds, (i) => deliver(aloneDeliveries[i]!)));

    // the same while the worker drains what came in (the rows above, then these), on the same two cores
    const ids = Array.from({ length: Math.round(options.rate * options.seconds) }, () => nextId++);
    const idsDeliveries = prepare("woo1", ids);
    worker = startWorker();
    const drainStart = performance.now();
    // once it drains: the first order of the backlog acquired (a worker's start, its code loaded and its connections
    // opened, is not what this measures: a hub starts its worker once, not while shops send)
    while (!alone.some((id) => ackLatency.has(String(id))) && !durable.some((id) => ackLatency.has(`H${id}`))) {
      if (performance.now() - drainStart > 60_000) throw new Error("the worker drained nothing in 60 s");
      await sleep(5);
    }
    const drainingAfter = performance.now() - drainStart;
    const accepted = offered(await offer(options.rate, options.seconds, (i) => deliver(idsDeliveries[i]!)));
    await waitForAcks([...alone, ...ids].map(String), "webhooks");
    await waitForAcks(durable.map((id) => `H${id}`), "webhooks-only store");
    const drainedPerSecond = (durable.length + alone.length + ids.length) / ((performance.now() - drainStart) / 1000);

    // the hub as `sincro start` runs it: the HTTP server and the worker in one process (one event loop), 200/s offered
    await stop(worker);
    await stop(httpServer);
    const startPort = await freePort();
    children.push(spawnSincro(["start"], {
      DATABASE_URL: hub.url, SINCRO_ERP_URL: erp.url, SINCRO_ERP_TOKEN: token, SINCRO_WORKER_CONCURRENCY: process.env.BENCH_WC ?? "8",
      SINCRO_HTTP_PORT: String(startPort), SINCRO_CONSOLE: "off", SINCRO_METRICS: "off",
      SINCRO_DATA_DIR: mkdtempSync(path.join(tmpdir(), "sincro-bench-")), // nothing of the checkout's .sincro/
    }));
    hubUrl = `http://127.0.0.1:${startPort}/`;
    await answering(hubUrl);
    const warmStart = prepare("woo1", Array.from({ length: options.rate }, () => nextId++));
    await offer(options.rate, 1, (i) => deliver(warmStart[i]!)); // its pools' connections, its first plans
    const together = Array.from({ length: Math.round(options.rate * options.seconds) }, () => nextId++);
    const togetherDeliveries = prepare("woo1", together);
    const acceptedTogether = offered(await offer(options.rate, options.seconds, (i) => deliver(togetherDeliveries[i]!)));
    const togetherToAck = offered(await waitForAcks(together.map(String), "webhooks to sincro start"));
    if (process.env.BENCH_TRACE) {
      for (const db of [hub, erpDb]) {
        const admin = new Client({ connectionString: db.url });
        await admin.connect();
        const functions = await admin.query(
          `select schemaname || '.' || funcname as f, calls, round(total_time) as total_ms, round(self_time) as self_ms
           from pg_stat_user_functions order by self_time desc limit 15`);
        // the dispatcher's looks (each a wake-up of the worker and a backend), whatever their own time
        const looks = await admin.query(
          `select schemaname || '.' || funcname as f, calls, round(total_time) as total_ms from pg_stat_user_functions
           where funcname in ('dispatch_poll', 'ring_dispatcher')`);
        console.error(JSON.stringify(looks.rows, null, 0));
        const tables = await admin.query(
          `select schemaname || '.' || relname as t, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_ins, n_tup_upd
           from pg_stat_user_tables order by seq_tup_read + coalesce(idx_tup_fetch, 0) desc limit 12`);
        console.error(`${db.url}\n${JSON.stringify(functions.rows, null, 0)}\n${JSON.stringify(tables.rows, null, 0)}`);
        await admin.end();
      }
    }

    const row = (what: string, l: Latency, target?: number) =>
      `| ${what} | ${l.n} | ${l.p50.toFixed(1)} | ${l.p95.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.max.toFixed(1)} | ${l.busy === undefined ? "" : `${Math.round(l.busy * 100)} %`} | ${target === undefined ? "" : l.p99 <= target ? `met (≤ ${target})` : `MISSED (> ${target})`} |`;
    return [
      `WooCommerce order (4 lines, a new customer), ${options.seconds} s per measure; worker concurrency 8; reference ERP at no added latency`,
      "",
      "| measure (ms) | n | p50 | p95 | p99 | max | cores busy | target |",
      "|---|---|---|---|---|---|---|---|",
      row(`webhook accepted (signature, inbox row, 2xx) at ${options.rate}/s, worker stopped, webhooks-only store (durable commit)`, acceptedDurable, 20),
      row(`webhook accepted at ${options.rate}/s, worker stopped, reconciled store (asynchronous commit)`, acceptedAlone, 20),
      row(`webhook accepted at ${options.rate}/s, reconciled store, the worker on (pushing them as they come)`, acceptedRunning, 20),
      row(`webhook accepted at ${options.rate}/s, reconciled store, while the worker drains a backlog of ${durable.length + alone.length}`, accepted),
      row(`webhook accepted at ${options.rate}/s, reconciled store, \`sincro start\` (HTTP server and worker in one process)`, acceptedTogether),
      row(`baseline: unknown store (same route, one SQL call, 404) at ${options.rate}/s, worker stopped`, unknown),
      row(`webhook → ack_gest = 1 at ${options.ackRate}/s`, webhookToAck, 100),
      row(`baseline: direct store insert commit → ack_gest = 1 at ${options.ackRate}/s`, directToAck),
      row(`webhook → ack_gest = 1 at ${options.rate}/s (the worker on)`, runningToAck),
      row(`webhook → ack_gest = 1 at ${options.rate}/s, \`sincro start\``, togetherToAck),
      row(`  of webhook → ack: received → applied (the dispatcher's ring, the job's pick-up)`, toApply),
      row(`  of webhook → ack: applied → claimed for the ERP (the dispatcher's poll)`, toClaim),
      row(`  of webhook → ack: claimed → acquired (the ERP request, the write-back)`, toAcquire),
      "",
      `the ${durable.length + alone.length + ids.length} webhooks of the accepted measures became acquired orders at ${drainedPerSecond.toFixed(0)}/s (worker started → last ack; the first after ${drainingAfter.toFixed(0)} ms, when the measure while it drains began)`,
      `ratios (p99): accepted, worker stopped / unknown store: durable ${(acceptedDurable.p99 / unknown.p99).toFixed(2)}, asynchronous ${(acceptedAlone.p99 / unknown.p99).toFixed(2)}; webhook → ack / direct insert → ack ${(webhookToAck.p99 / directToAck.p99).toFixed(2)}`,
    ].join("\n");
  } finally {
    await listener.end().catch(() => undefined);
    for (const close of closers) await close();
    for (const child of children) await stop(child);
    await pool.end();
    erp.process.kill("SIGTERM");
    await new Promise((resolve) => erp.process.once("exit", resolve));
    await hub.drop();
    await erpDb.drop();
  }
}
