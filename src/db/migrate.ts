/*
 * Brings a database to the current schema: graphile-worker's own schema first
 * (the insert trigger calls graphile_worker.add_job, so it must exist before any
 * order is written), then sincro's committed graphile-migrate migrations.
 */
import path from "node:path";
import { Logger, runMigrations } from "graphile-worker";
import { migrate as graphileMigrate } from "graphile-migrate";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export async function migrateDatabase(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quietWorkerLogger() });
  const previousCwd = process.cwd();
  // graphile-migrate resolves ./migrations against the working directory.
  process.chdir(PROJECT_ROOT);
  try {
    await graphileMigrate(
      {
        connectionString,
        migrationsFolder: path.join(PROJECT_ROOT, "migrations"),
        pgSettings: { search_path: "pg_catalog" },
        placeholders: {},
        afterReset: [],
        afterAllMigrations: [],
        afterCurrent: [],
      },
      false,
      false,
    );
  } finally {
    process.chdir(previousCwd);
  }
}


function quietWorkerLogger(): Logger {
  return new Logger(() => () => {
    /* schema installation is not worth a log line per step */
  });
}
