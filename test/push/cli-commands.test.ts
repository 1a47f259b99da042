/*
 * The operator's commands as processes: `sincro sync partial` pushes what
 * waits and records the run (exit 0; exit 1 when orders could not reach the
 * ERP), stops between orders on SIGINT (exit 1, its run failed, nothing left
 * in flight, the next run finishes the job), and `sincro worker` pushes in
 * real time and stops gracefully on SIGTERM (exit 0).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, insertStoreOrder, pushStates, registerCompany, startPushHarness, type PushHarness } from "./harness";
import { startSincro } from "../support/cli";

function sincro(harness: PushHarness, args: readonly string[]) {
  return startSincro({ hubUrl: harness.hub.url, erpUrl: harness.erpUrl, erpToken: harness.erpToken }, args, { erpTimeoutMs: 1000 });
}

/** The JSON log lines of a run (stdout is not a terminal, so pino writes JSON). */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("sincro sync partial / sincro worker", () => {
  let harness: PushHarness;

  beforeAll(async () => {
    harness = await startPushHarness("push_cli");
    await registerCompany(harness.pool, "C00001", "manual");
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("sync partial: exit 1 while the ERP is down (orders stay pending), exit 0 once it is up", async () => {
    harness.setFaults({ down: true });
    await insertStoreOrder(harness.pool, "C00001", "p1");
    await insertStoreOrder(harness.pool, "C00001", "p2");
    const failed = await sincro(harness, ["sync", "partial", "--azi", "C00001"]).finished;
    expect(failed.code, failed.output).toBe(1);
    expect(await pushStates(harness.pool, "C00001")).toEqual({ pending: 2 });

    harness.setFaults({ down: false });
    const done = await sincro(harness, ["sync", "partial"]).finished;
    expect(done.code, done.output).toBe(0);
    expect(done.output).toContain("2 pushed");
    expect(await pushStates(harness.pool, "C00001")).toEqual({ acquired: 2 });
    const runs = await harness.pool.query("select state, orders_pushed, orders_failed, uses_quota from sincro.sync_runs order by run_id");
    expect(runs.rows).toEqual([
      { state: "failed", orders_pushed: 0, orders_failed: 2, uses_quota: false },
      { state: "succeeded", orders_pushed: 2, orders_failed: 0, uses_quota: false },
    ]);
  });

  it("worker: pushes a new order, then stops on SIGTERM with exit 0", async () => {
    await harness.pool.query("update sincro.apstatosyn set push_mode = 'auto' where azi = 'C00001'");
    const worker = sincro(harness, ["worker"]);
    await eventually("the worker to be ready", async () => worker.output(), (output) => output.includes("worker_ready"), 15_000);
    await insertStoreOrder(harness.pool, "C00001", "w1");
    await eventually("acquired", () => pushStates(harness.pool, "C00001"), (states) => states.acquired === 3, 10_000);
    worker.child.kill("SIGTERM");
    const stopped = await worker.finished;
    expect(stopped.code, stopped.output).toBe(0);
  });

  it("sync partial, SIGINT half-way: stops between orders, exit 1 with one error line, run failed, nothing in flight; the next run pushes the rest", async () => {
    await registerCompany(harness.pool, "C00002", "manual");
    for (let n = 1; n <= 40; n++) await insertStoreOrder(harness.pool, "C00002", `i${n}`);
    harness.setFaults({ latencyMs: 100 });
    try {
      const run = sincro(harness, ["sync", "partial", "--azi", "C00002"]);
      await eventually("a few orders pushed", () => pushStates(harness.pool, "C00002"), (states) => (states.acquired ?? 0) >= 3, 20_000);
      run.child.kill("SIGINT");
      const stopped = await run.finished;
      // TEST: the process ended itself (not killed by the signal), non-zero, with one error line
      expect(stopped.code, stopped.output).toBe(1);
      expect(logLines(stopped.output).filter((line) => line.level === 50), stopped.output).toHaveLength(1);
      // TEST: it stopped early, its run is failed (not running), no order is left in flight
      const states = await pushStates(harness.pool, "C00002");
      expect(states.acquired ?? 0).toBeLessThan(40);
      expect(states.in_flight).toBeUndefined();
      const runs = await harness.pool.query<{ state: string; error: string | null }>("select state, error from sincro.sync_runs where azi = 'C00002' order by run_id");
      expect(runs.rows).toMatchObject([{ state: "failed" }]);
      expect(runs.rows[0]?.error).toContain("SIGINT");
    } finally {
      harness.setFaults({ latencyMs: 0 });
    }
    // TEST: the next partial sync is not refused and pushes the rest
    const next = await sincro(harness, ["sync", "partial", "--azi", "C00002"]).finished;
    expect(next.code, next.output).toBe(0);
    expect(await pushStates(harness.pool, "C00002")).toEqual({ acquired: 40 });
    expect((await harness.pool.query("select state from sincro.sync_runs where azi = 'C00002' order by run_id")).rows).toEqual([
      { state: "failed" },
      { state: "succeeded" },
    ]);
  });

  it("sync partial, SIGKILL half-way (no chance to clean up): the next partial sync runs at once, closes the dead run and pushes the rest, the held order included", async () => {
    await registerCompany(harness.pool, "C00003", "manual");
    for (let n = 1; n <= 40; n++) await insertStoreOrder(harness.pool, "C00003", `k${n}`);
    harness.setFaults({ latencyMs: 200 });
    try {
      const run = sincro(harness, ["sync", "partial", "--azi", "C00003"]);
      await eventually("a few orders pushed", () => pushStates(harness.pool, "C00003"), (states) => (states.acquired ?? 0) >= 3, 20_000);
      run.child.kill("SIGKILL");
      await run.finished;
    } finally {
      harness.setFaults({ latencyMs: 0 });
    }
    // the killed process's run is still "running": nobody closed it
    const left = await harness.pool.query<{ state: string }>("select state from sincro.sync_runs where azi = 'C00003'");
    expect(left.rows).toEqual([{ state: "running" }]);
    // TEST: the next partial sync is not refused (its session is gone), and pushes everything, the order left in flight too
    // (the server ends the killed process's backend when it sees the socket close; wait for that, not for a clock)
    await eventually(
      "the killed process's sessions to end on the server",
      async () =>
        (await harness.pool.query<{ n: number }>(
          "select count(*)::int as n from sincro.sync_runs r join pg_stat_activity a on a.pid = r.backend_pid where r.azi = 'C00003'",
        )).rows[0]?.n,
      (n) => n === 0,
      10_000,
    );
    const next = await sincro(harness, ["sync", "partial", "--azi", "C00003"]).finished;
    expect(next.code, next.output).toBe(0);
    expect(await pushStates(harness.pool, "C00003")).toEqual({ acquired: 40 });
    const runs = await harness.pool.query<{ state: string; error: string | null }>("select state, error from sincro.sync_runs where azi = 'C00003' order by run_id");
    expect(runs.rows).toEqual([
      { state: "failed", error: "abandoned: the session that ran it is gone" },
      { state: "succeeded", error: null },
    ]);
  });
});
