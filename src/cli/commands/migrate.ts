/*
 * `sincro migrate`: bring the database named by DATABASE_URL to the current
 * schema (graphile-worker's, then sincro's committed migrations) and say what
 * was applied. Deliberately no default database: migrating is an explicit act.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { readSettings, redactPassword } from "../environment";
import { UsageError } from "../errors";
import { applyMigrations } from "../migrations";

export function registerMigrateCommand(program: Command, context: CliContext): void {
  program
    .command("migrate")
    .description("apply sincro's migrations to the database named by DATABASE_URL")
    .action(async () => {
      const { logger } = context;
      const { databaseUrl } = readSettings(context.env);
      if (databaseUrl === undefined) {
        throw new UsageError(
          "DATABASE_URL is not set: `sincro migrate` applies migrations to the database it names, " +
            "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/sincro npx sincro migrate",
        );
      }
      logger.info({ event: "migrating", url: redactPassword(databaseUrl) }, `migrating ${redactPassword(databaseUrl)}`);
      await applyMigrations(databaseUrl, logger);
    });
}
