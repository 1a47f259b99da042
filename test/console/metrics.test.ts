/*
 * GET /metrics after a scripted scenario, parsed as Prometheus text: every
 * series of docs/operations.md exists with the value the scenario implies,
 * read from the hub at scrape time; SINCRO_METRICS=off turns the route off.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubHttpServer, type HubHttpServer } from "../../src/http/server";
import { readHttpSettings } from "../../src/http/settings";
import { beginPartialSync, runPartialSync } from "../../src/push/partial-sync";
import { startWorker, type RunningWorker } from "../../src/worker/run-worker";
import { eventually, insertStoreOrder, pushStates, registerCompany, startPushHarness, type PushHarness } from "../push/harness";
import { parsePrometheusText } from "./prometheus-text";

const silent = pino({ level: "silent" });

describe("GET /metrics", () => {
  let harness: PushHarness;
  let worker: RunningWorker;
  let server: HubHttpServer;

  beforeAll(async () => {
    harness = await startPushHarness("metrics", { timeoutMs: 500 });
    worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 2, pollInterval: 100, sweep: false });
    server = await startHubHttpServer({ databaseUrl: harness.hub.url, settings: readHttpSettings({ SINCRO_HTTP_PORT: "0", SINCRO_CONSOLE: "off" }), logger: silent });

    // M1: two orders acquired, one rejected by the ERP; a store cursor; a partial sync with nothing to push; quota 3
    await registerCompany(harness.pool, "M1");
    await harness.pool.query("select sincro.set_sync_contract(azi => 'M1', sync_quota => 3)");
    await insertStoreOrder(harness.pool, "M1", "1");
    await insertStoreOrder(harness.pool, "M1", "2");
    await insertStoreOrder(harness.pool, "M1", "bad", { clienteCod: "UNKNOWN" });
    await eventually("M1 settled", () => pushStates(harness.pool, "M1"), (s) => s.acquired === 2 && s.rejected === 1);
    const first = await harness.pool.query<{ id_sincro: string }>("select min(id_sincro)::text as id_sincro from sincro.arportes where azi = 'M1' and id_sincro > 0");
    await harness.pool.query("select sincro.advance_consumer_cursor('M1', 'store', $1)", [first.rows[0]?.id_sincro]);
    const runId = await beginPartialSync(harness.pool, "M1");
    await runPartialSync(harness.pool, harness.erp, "M1", runId);

    // M2 (manual push: one attempt per job): the ERP is down, the order's one push fails
    await registerCompany(harness.pool, "M2", "manual");
    harness.setFaults({ down: true });
    await insertStoreOrder(harness.pool, "M2", "1");
    await eventually(
      "M2's push failed",
      async () => (await harness.pool.query<{ n: string }>("select count(*) as n from sincro.order_events where azi = 'M2' and event = 'push_failed'")).rows[0]?.n,
      (n) => Number(n) === 1,
    );
    await eventually(
      "no job may run any more",
      async () => (await harness.pool.query<{ n: string }>("select count(*) as n from graphile_worker.jobs where attempts < max_attempts")).rows[0]?.n,
      (n) => Number(n) === 0,
    );
  });

  afterAll(async () => {
    await server?.close();
    await worker?.stop();
    await harness?.stop();
  });

  it("reports every series with the scenario's values, read from the hub at scrape time", async () => {
    const response = await fetch(`${server.url}metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheusText(await response.text());

    // TEST: types
    expect(metrics.types.get("sincro_orders_pending")).toBe("gauge");
    expect(metrics.types.get("sincro_push_total")).toBe("counter");
    expect(metrics.types.get("sincro_push_duration_seconds")).toBe("histogram");
    expect(metrics.types.get("sincro_sync_runs_total")).toBe("counter");

    // TEST: pending per party (store orders: the store acked at insert; the apps have not acquired the two published ones)
    expect(metrics.value("sincro_orders_pending", { azi: "M1", party: "erp" })).toBe(1);
    expect(metrics.value("sincro_orders_pending", { azi: "M1", party: "store" })).toBe(0);
    expect(metrics.value("sincro_orders_pending", { azi: "M1", party: "app" })).toBe(2);
    expect(metrics.value("sincro_orders_pending", { azi: "M2", party: "erp" })).toBe(1);
    expect(metrics.value("sincro_oldest_pending_seconds", { azi: "M2", party: "erp" })).toBeGreaterThan(0);
    expect(metrics.value("sincro_oldest_pending_seconds", { azi: "M1", party: "store" })).toBe(0);

    // TEST: push outcomes and the insert → acquired histogram
    expect(metrics.value("sincro_push_total", { azi: "M1", outcome: "acquired" })).toBe(2);
    expect(metrics.value("sincro_push_total", { azi: "M1", outcome: "rejected" })).toBe(1);
    expect(metrics.value("sincro_push_total", { azi: "M1", outcome: "failed" })).toBe(0);
    expect(metrics.value("sincro_push_total", { azi: "M2", outcome: "failed" })).toBe(1);
    expect(metrics.value("sincro_push_total", { azi: "M2", outcome: "acquired" })).toBe(0);
    expect(metrics.value("sincro_push_duration_seconds_count", { azi: "M1" })).toBe(2);
    expect(metrics.value("sincro_push_duration_seconds_bucket", { azi: "M1", le: "+Inf" })).toBe(2);
    expect(metrics.value("sincro_push_duration_seconds_bucket", { azi: "M2", le: "+Inf" })).toBe(0);
    expect(metrics.value("sincro_push_duration_seconds_sum", { azi: "M1" })).toBeGreaterThan(0);
    const buckets = metrics.samples.filter((s) => s.name === "sincro_push_duration_seconds_bucket" && s.labels.azi === "M1").map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));

    // TEST: runs, rows, quota, consumer lag, queue
    expect(metrics.value("sincro_sync_runs_total", { azi: "M1", kind: "partial", state: "succeeded" })).toBe(1);
    expect(metrics.types.get("sincro_sync_runs_running")).toBe("gauge");
    expect(metrics.value("sincro_sync_rows_total", { azi: "M1", kind: "partial" })).toBe(0);
    expect(metrics.value("sincro_quota_remaining", { azi: "M1" })).toBe(3);
    expect(metrics.value("sincro_quota_total", { azi: "M1" })).toBe(3);
    const last = await harness.pool.query<{ last_id_sincro: string }>("select last_id_sincro from sincro.apstatosyn where azi = 'M1'");
    const cursor = await harness.pool.query<{ id_sincro_read: string }>("select id_sincro_read from sincro.consumer_cursors where azi = 'M1' and consumer = 'store'");
    expect(metrics.value("sincro_consumer_lag", { azi: "M1", consumer: "store" })).toBe(Number(last.rows[0]?.last_id_sincro) - Number(cursor.rows[0]?.id_sincro_read));
    expect(metrics.value("sincro_consumer_lag", { azi: "M1", consumer: "store" })).toBeGreaterThan(0);
    expect(metrics.value("sincro_jobs_queued")).toBe(0);

    // TEST: the process defaults
    expect(metrics.types.get("process_cpu_user_seconds_total")).toBe("counter");
    expect(metrics.samples.some((s) => s.name === "nodejs_heap_size_used_bytes")).toBe(true);
  });

  it("reads the hub at each scrape: a new order shows at once", async () => {
    await insertStoreOrder(harness.pool, "M2", "2");
    const metrics = parsePrometheusText(await (await fetch(`${server.url}metrics`)).text());
    // TEST: M2's second order is pending for the ERP (ERP down, manual mode)
    expect(metrics.value("sincro_orders_pending", { azi: "M2", party: "erp" })).toBe(2);
  });

  it("a run under way is a gauge; the runs counter counts it once it has ended, and never goes down", async () => {
    const scrape = async () => parsePrometheusText(await (await fetch(`${server.url}metrics`)).text());
    const runId = await beginPartialSync(harness.pool, "M1");
    const during = await scrape();
    // TEST: under way: the gauge says 1, the counter has no running series and keeps its finished runs
    expect(during.value("sincro_sync_runs_running", { azi: "M1", kind: "partial" })).toBe(1);
    expect(during.samples.some((s) => s.name === "sincro_sync_runs_total" && s.labels.state === "running")).toBe(false);
    expect(during.value("sincro_sync_runs_total", { azi: "M1", kind: "partial", state: "succeeded" })).toBe(1);
    await runPartialSync(harness.pool, harness.erp, "M1", runId);
    const after = await scrape();
    // TEST: ended: counted as succeeded, the gauge back to nothing under way
    expect(after.value("sincro_sync_runs_total", { azi: "M1", kind: "partial", state: "succeeded" })).toBe(2);
    expect(after.samples.some((s) => s.name === "sincro_sync_runs_running" && s.labels.azi === "M1" && s.value > 0)).toBe(false);
  });

  it("SINCRO_METRICS=off: no /metrics", async () => {
    const off = await startHubHttpServer({ databaseUrl: harness.hub.url, settings: readHttpSettings({ SINCRO_HTTP_PORT: "0", SINCRO_METRICS: "off", SINCRO_CONSOLE: "off" }), logger: silent });
    try {
      // TEST: 404
      expect((await fetch(`${off.url}metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
