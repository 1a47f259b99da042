/*
 * The worker service: graphile-worker's runner with sincro's tasks. Signals
 * are handled by the caller (the CLI), which stops the runner gracefully.
 */
import { Logger as WorkerLogger, run, type Runner, type TaskList } from "graphile-worker";
import { Pool } from "pg";
import type { Logger } from "pino";
import type { ErpConnector } from "../erp/connector";
import { compactMetricsTask } from "./tasks/compact_metrics";
import { endOverdueSessionsTask } from "./tasks/end_overdue_sessions";
import { partialSyncTask } from "./tasks/partial_sync";
import { pushOrderTask } from "./tasks/push_order";
import { storeInboxApplyTask } from "./tasks/store_inbox_apply";
import { storeReconcileTask } from "./tasks/store_reconcile";
import { storeStatusBackTask } from "./tasks/store_status_back";
import { storeSweepTask } from "./tasks/store_sweep";
import { purgeTombstonesTask } from "./tasks/purge_tombstones";
import { deviceHistoryAdvanceTask } from "./tasks/device_history_advance";
import { sweepPushesTask } from "./tasks/sweep_pushes";
import { syncPullTask } from "./tasks/sync_pull";
import { startDispatcher } from "./dispatcher";

export interface WorkerOptions {
  readonly connectionString: string;
  readonly erp: ErpConnector;
  /** Jobs run at once (default 8). */
  readonly concurrency?: number;
  readonly logger: Logger;
  /** Poll interval in ms when LISTEN/NOTIFY misses (default 2000). */
  readonly pollInterval?: number;
  /** Run the scheduled jobs: the every-minute push sweep, sweep of overdue client sessions, compaction of the metrics' deltas and store sweep (lost doorbells, reconciliations due), the daily tombstone purge (default true). */
  readonly sweep?: boolean;
  /**
   * Most orders one push sends in one ERP request (default 1: one request per order). Above 1, a
   * push_order job also takes other new orders of its company, when the ERP offers batches.
   */
  readonly pushBatch?: number;
  /** Pause of the idle dispatcher between takes that found no new order, in ms (default 20; a tenth of it within a second of a find; src/worker/dispatcher.ts). */
  readonly dispatchIntervalMs?: number;
}

export function sincroTaskList(erp: ErpConnector, options: { readonly pushBatch?: number } = {}): TaskList {
  return {
    push_order: pushOrderTask(erp, options.pushBatch ?? 1),
    partial_sync: partialSyncTask(erp),
    sync_pull: syncPullTask(erp),
    sweep_pushes: sweepPushesTask,
    purge_tombstones: purgeTombstonesTask,
    device_history_advance: deviceHistoryAdvanceTask,
    end_overdue_sessions: endOverdueSessionsTask,
    compact_metrics: compactMetricsTask,
    store_inbox_apply: storeInboxApplyTask,
    store_reconcile: storeReconcileTask(),
    store_status_back: storeStatusBackTask(),
    store_sweep: storeSweepTask,
  };
}

/** A job named in a log line: never its whole row (its payload, ~1 kB an order at info level, issue 15). */
function jobSummary(job: unknown): unknown {
  if (typeof job !== "object" || job === null) return job;
  const { id, task_identifier, attempts, max_attempts } = job as Record<string, unknown>;
  return { id, task_identifier, attempts, max_attempts };
}

function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields: Record<string, unknown> = { component: "worker", ...scope, ...meta };
    if ("job" in fields) fields.job = jobSummary(fields.job);
    // a job's success is our task's own line (what it did, e.g. "order 12 of C00001: acquired"): graphile-worker's goes to debug
    if (level === "info" && meta?.success === true) return logger.debug(fields, message);
    switch (level) {
      case "error":
        return logger.error(fields, message);
      case "warning":
        return logger.warn(fields, message);
      case "info":
        return logger.info(fields, message);
      default:
        return logger.debug(fields, message);
    }
  });
}

export interface RunningWorker {
  /** Settles when the runner stops (or fails). */
  readonly promise: Promise<void>;
  /** Stops taking jobs, waits for running ones, then closes the connections. */
  stop(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const concurrency = options.concurrency ?? 8;
  // Our own pool, closed after the runner stops: a connection dropped while stopping
  // (the database shutting down) is expected then, not a crash.
  const pool = new Pool({ connectionString: options.connectionString, max: 2 * concurrency + 3 });
  pool.on("error", (error) => options.logger.debug({ err: error }, "worker pool: idle connection lost"));
  pool.on("connect", (client) => client.on("error", () => undefined));
  let runner: Runner;
  try {
    runner = await startRunner(options, pool, concurrency);
  } catch (error) {
    await pool.end();
    throw error;
  }
  // new orders: taken and pushed by the dispatcher, not rung by the inserts (issue 15)
  const dispatcher = startDispatcher(pool, options.connectionString, options.erp, options.logger, {
    intervalMs: options.dispatchIntervalMs ?? 20,
    concurrency,
    pushBatch: options.pushBatch ?? 1,
  });
  return {
    promise: runner.promise,
    stop: async () => {
      await dispatcher.stop();
      await runner.stop();
      await pool.end();
    },
  };
}

function startRunner(options: WorkerOptions, pool: Pool, concurrency: number): Promise<Runner> {
  return run({
    pgPool: pool,
    concurrency,
    pollInterval: options.pollInterval ?? 2000,
    noHandleSignals: true,
    logger: workerLogger(options.logger),
    taskList: sincroTaskList(options.erp, { pushBatch: options.pushBatch ?? 1 }),
    // one attempt per sweep: a failed sweep is simply run again the next minute; the purge runs at 03:17 daily,
    // the devices' history window moves at 03:23
    ...(options.sweep === false
      ? {}
      : {
          crontab:
            "* * * * * sweep_pushes ?max=1\n* * * * * end_overdue_sessions ?max=1\n* * * * * compact_metrics ?max=1\n* * * * * store_sweep ?max=1\n17 3 * * * purge_tombstones ?max=3\n23 3 * * * device_history_advance ?max=3\n",
        }),
  });
}
