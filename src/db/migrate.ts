/*
 * Brings a database to the current schema: graphile-worker's own schema first
 * (the insert trigger calls graphile_worker.add_job, so it must exist before any
 * order is written), then sincro's committed graphile-migrate migrations.
 */
import path from "node:path";
import { Pool } from "pg";
import { Logger, runMigrations } from "graphile-worker";
import { migrate as graphileMigrate } from "graphile-migrate";
// Not re-exported by graphile-migrate's index; typed, so if it moves `npm run typecheck` says so.
import { clearAllPools } from "graphile-migrate/dist/pgReal";

import { PROJECT_ROOT } from "../project-root";

export { PROJECT_ROOT };

export interface MigrateOptions {
  /** Print graphile-migrate's progress lines (the CLI does; tests do not). */
  readonly verbose?: boolean;
  /**
   * A graphile-migrate migrations folder (holding `committed/`) to apply instead of the
   * project's own `migrations/`: test/upgrade builds a 0.1 hub from the frozen files.
   */
  readonly migrationsFolder?: string;
}

const silentWorkerLogger = new Logger(() => () => undefined);

export async function migrateDatabase(connectionString: string, options: MigrateOptions = {}): Promise<void> {
  const pool = new Pool({ connectionString, max: 1 });
  // An idle client dropped by the server (e.g. a test database dropped with FORCE) is not our error.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  try {
    await runMigrations({ pgPool: pool, logger: silentWorkerLogger });
  } finally {
    await pool.end();
  }
  const previousCwd = process.cwd();
  // graphile-migrate resolves ./migrations against the working directory.
  process.chdir(PROJECT_ROOT);
  try {
    await graphileMigrate(
      {
        connectionString,
        migrationsFolder: options.migrationsFolder ?? path.join(PROJECT_ROOT, "migrations"),
        pgSettings: { search_path: "pg_catalog" },
        placeholders: {},
        afterReset: [],
        afterAllMigrations: [],
        afterCurrent: [],
        // graphile-worker re-exports @graphile/logger's Logger, which graphile-migrate also takes.
        ...(options.verbose ? {} : { logger: silentWorkerLogger }),
      },
      false,
      false,
    );
  } finally {
    process.chdir(previousCwd);
    // graphile-migrate keeps its pool open ~200 ms after use and exits the process on any error
    // of an idle client (the server stopping, the database being dropped): close it now.
    clearAllPools();
  }
}
