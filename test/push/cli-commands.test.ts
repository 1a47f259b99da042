/*
 * The operator's commands as processes: `sincro sync partial` pushes what
 * waits and records the run (exit 0; exit 1 when orders could not reach the
 * ERP), and `sincro worker` pushes in real time and stops gracefully on
 * SIGTERM (exit 0).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, insertStoreOrder, pushStates, registerCompany, startPushHarness, type PushHarness } from "./harness";
import { startSincro } from "../support/cli";

function sincro(harness: PushHarness, args: readonly string[]) {
  return startSincro({ hubUrl: harness.hub.url, erpUrl: harness.erpUrl, erpToken: harness.erpToken }, args, { erpTimeoutMs: 1000 });
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
});
