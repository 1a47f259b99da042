/*
 * `sincro http`: the hub's HTTP server alone (operator console and GET
 * /metrics) for the database named by DATABASE_URL, at SINCRO_HTTP_HOST:
 * SINCRO_HTTP_PORT (127.0.0.1:8787 unless told), until SIGINT or SIGTERM.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { hubUrl } from "../hub";
import { httpService } from "../http-service";
import { Shutdown } from "../shutdown";

export function registerHttpCommand(program: Command, context: CliContext): void {
  program
    .command("http")
    .description("serve the operator console and /metrics alone (needs DATABASE_URL; SINCRO_HTTP_HOST/SINCRO_HTTP_PORT, default 127.0.0.1:8787)")
    .action(async () => {
      const { logger } = context;
      const databaseUrl = hubUrl(context, "http");
      const shutdown = new Shutdown(logger);
      const running = await httpService.start({ env: context.env, databaseUrl, logger });
      const reason = await shutdown.requested;
      await running.stop();
      shutdown.dispose();
      if (reason.kind === "failure") throw reason.error;
    });
}
