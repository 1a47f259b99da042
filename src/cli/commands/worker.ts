/*
 * `sincro worker`: the graphile-worker service alone, pushing orders of the
 * database named by DATABASE_URL to the ERP at SINCRO_ERP_URL, until SIGINT or
 * SIGTERM (jobs in progress finish first).
 */
import type { Command } from "commander";
import { createHttpConnector } from "../../erp/http-connector";
import { readErpSettings } from "../../erp/settings";
import { startWorker } from "../../worker/run-worker";
import type { CliContext } from "../context";
import { readSettings, redactPassword } from "../environment";
import { UsageError } from "../errors";
import { Shutdown } from "../shutdown";

export function registerWorkerCommand(program: Command, context: CliContext): void {
  program
    .command("worker")
    .description("push new orders to the ERP in real time (needs DATABASE_URL and SINCRO_ERP_URL)")
    .action(async () => {
      const { logger } = context;
      const { databaseUrl } = readSettings(context.env);
      const erpSettings = readErpSettings(context.env);
      if (databaseUrl === undefined || erpSettings.url === undefined) {
        throw new UsageError(
          "`sincro worker` needs DATABASE_URL (the hub) and SINCRO_ERP_URL (the ERP's API; SINCRO_ERP_TOKEN its bearer token). " +
            "`sincro start` runs a worker against the reference ERP without them.",
        );
      }
      const erp = createHttpConnector({ baseUrl: erpSettings.url, token: erpSettings.token ?? "", timeoutMs: erpSettings.timeoutMs });
      const shutdown = new Shutdown(logger);
      const runner = await startWorker({ connectionString: databaseUrl, erp, logger, concurrency: erpSettings.workerConcurrency });
      logger.info(
        { event: "worker_ready", url: redactPassword(databaseUrl), erp: erpSettings.url },
        `worker pushing orders of ${redactPassword(databaseUrl)} to ${erpSettings.url}`,
      );
      void runner.promise.catch((error: unknown) => shutdown.fail(error instanceof Error ? error : new Error(String(error))));
      const reason = await shutdown.requested;
      await runner.stop();
      shutdown.dispose();
      if (reason.kind === "failure") throw reason.error;
    });
}
