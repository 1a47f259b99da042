/*
 * The worker service: graphile-worker's runner with sincro's tasks. Signals
 * are handled by the caller (the CLI), which stops the runner gracefully.
 */
import { Logger as WorkerLogger, run, type Runner, type TaskList } from "graphile-worker";
import type { Logger } from "pino";
import type { ErpConnector } from "../erp/connector";
import { partialSyncTask } from "../../tasks/partial_sync";
import { pushOrderTask } from "../../tasks/push_order";
import { sweepPushesTask } from "../../tasks/sweep_pushes";

export interface WorkerOptions {
  readonly connectionString: string;
  readonly erp: ErpConnector;
  /** Jobs run at once (default 8). */
  readonly concurrency?: number;
  readonly logger: Logger;
  /** Poll interval in ms when LISTEN/NOTIFY misses (default 2000). */
  readonly pollInterval?: number;
  /** Run the every-minute sweep (default true). */
  readonly sweep?: boolean;
}

export function sincroTaskList(erp: ErpConnector): TaskList {
  return {
    push_order: pushOrderTask(erp),
    partial_sync: partialSyncTask(erp),
    sweep_pushes: sweepPushesTask,
  };
}

function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { component: "worker", ...scope, ...meta };
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

export async function startWorker(options: WorkerOptions): Promise<Runner> {
  return run({
    connectionString: options.connectionString,
    concurrency: options.concurrency ?? 8,
    pollInterval: options.pollInterval ?? 2000,
    noHandleSignals: true,
    logger: workerLogger(options.logger),
    taskList: sincroTaskList(options.erp),
    // one attempt per sweep: a failed sweep is simply run again the next minute
    ...(options.sweep === false ? {} : { crontab: "* * * * * sweep_pushes ?max=1\n" }),
  });
}
