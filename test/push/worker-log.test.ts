/*
 * The worker's log at info level: one short line per pushed order (what happened to it), never a
 * job's row with its payload (graphile-worker's "Completed task" line carries the whole job: ~1 kB
 * an order, written synchronously; issue 15). Failures stay at warning/error with their reason.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "../../src/worker/run-worker";
import { eventually, insertStoreOrder, pushStates, registerCompany, startPushHarness, type PushHarness } from "./harness";

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

describe("the worker's log", () => {
  let harness: PushHarness;

  beforeAll(async () => {
    harness = await startPushHarness("worker_log", { timeoutMs: 2000 });
    await registerCompany(harness.pool, "C00001");
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("says one short line per pushed order at info, without the job's payload", async () => {
    const raw: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void raw.push(line) });
    const worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger, concurrency: 2, pollInterval: 200, sweep: false });
    try {
      for (let index = 1; index <= 5; index++) await insertStoreOrder(harness.pool, "C00001", `log-${index}`);
      await eventually("all acquired", () => pushStates(harness.pool, "C00001"), (states) => states.acquired === 5);
      await eventually("five order lines", async () => raw.filter((line) => line.includes("of C00001: ")).length, (n) => n === 5);
    } finally {
      await worker.stop();
    }
    const lines = raw.map((line) => JSON.parse(line) as LogLine);
    const aboutJobs = lines.filter((line) => line.job !== undefined || /Completed task|order \d+ of/.test(line.msg));
    // TEST: one line per order, saying what happened to it
    expect(aboutJobs.map((line) => line.msg).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `order ${n} of C00001: acquired`).sort());
    // TEST: no line carries a job's payload, and none is long
    expect(raw.filter((line) => line.includes("payload"))).toEqual([]);
    expect(Math.max(...raw.map((line) => line.length))).toBeLessThan(400);
  });
});
