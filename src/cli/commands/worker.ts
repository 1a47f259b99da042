/*
 * `sincro worker`: the graphile-worker service alone, pushing orders of the
 * database named by DATABASE_URL to the ERP at SINCRO_ERP_URL, until SIGINT or
 * SIGTERM (jobs in progress finish first).
 */
import type { Command } from "commander";
import { startWorker } from "../../worker/run-worker";
import type { CliContext } from "../context";
import { redactPassword } from "../environment";
import { hubUrl, openErp } from "../hub";
import { Shutdown } from "../shutdown";

export function registerWorkerCommand(program: Command, context: CliContext): void {
  program
    .command("worker")
    .description("push new orders to the ERP in real time (needs DATABASE_URL and SINCRO_ERP_URL)")
    .action(async () => {
      const { logger } = context;
      const databaseUrl = hubUrl(context, "worker");
      const erp = openErp(context, "worker", ". `sincro start` runs a worker against the reference ERP without it.");
      const shutdown = new Shutdown(logger);
      const runner = await startWorker({
        connectionString: databaseUrl,
        erp: erp.connector,
        logger,
        concurrency: erp.settings.workerConcurrency,
        pushBatch: erp.settings.pushBatch,
        dispatchIntervalMs: erp.settings.pushPollMs,
      });
      const shown = { url: redactPassword(databaseUrl), erp: redactPassword(erp.url) };
      logger.info({ event: "worker_ready", ...shown }, `worker pushing orders of ${shown.url} to ${shown.erp}`);
      void runner.promise.catch((error: unknown) => shutdown.fail(error instanceof Error ? error : new Error(String(error))));
      const reason = await shutdown.requested;
      await runner.stop();
      shutdown.dispose();
      if (reason.kind === "failure") throw reason.error;
    });
}
