/*
 * migrateDatabase() with a report: which of sincro's migrations it applied and
 * what it did to graphile-worker's schema, read from the two migration tables
 * before and after.
 */
import { Client } from "pg";
import { migrateDatabase } from "../db/migrate";
import { UsageError } from "./errors";
import type { Logger } from "./logger";

interface MigrationState {
  /** Committed sincro migrations applied, in order. */
  readonly sincro: readonly string[];
  /** graphile-worker's schema version, undefined when not installed. */
  readonly worker: number | undefined;
}

async function migrationState(url: string): Promise<MigrationState> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ migrate: boolean; worker: boolean }>(
      `select pg_catalog.to_regclass('graphile_migrate.migrations') is not null as migrate,
              pg_catalog.to_regclass('graphile_worker.migrations') is not null as worker`,
    );
    const present = tables.rows[0];
    const sincro = present?.migrate
      ? (await client.query<{ filename: string }>("select filename from graphile_migrate.migrations order by date, filename")).rows.map(
          (row) => row.filename,
        )
      : [];
    const worker = present?.worker
      ? (await client.query<{ version: number | null }>("select max(id) as version from graphile_worker.migrations")).rows[0]?.version ?? undefined
      : undefined;
    return { sincro, worker };
  } finally {
    await client.end();
  }
}

/** SQLSTATE invalid_catalog_name: the database in the URL does not exist. */
const NO_SUCH_DATABASE = "3D000";

export async function applyMigrations(url: string, logger: Logger): Promise<void> {
  let before: MigrationState;
  try {
    before = await migrationState(url);
  } catch (error) {
    if ((error as { code?: unknown }).code === NO_SUCH_DATABASE) {
      throw new UsageError(`${(error as Error).message}: create it first (e.g. createdb), or point DATABASE_URL at an existing database`);
    }
    throw error;
  }
  await migrateDatabase(url, { verbose: false });
  const after = await migrationState(url);

  if (after.worker !== before.worker) {
    logger.info(
      { event: "worker_schema_migrated", from: before.worker ?? null, to: after.worker ?? null },
      before.worker === undefined
        ? `installed graphile-worker's schema (version ${after.worker ?? "?"})`
        : `upgraded graphile-worker's schema from version ${before.worker} to ${after.worker ?? "?"}`,
    );
  }
  const applied = after.sincro.filter((file) => !before.sincro.includes(file));
  for (const file of applied) {
    logger.info({ event: "migration_applied", file }, `applied migration ${file}`);
  }
  if (applied.length === 0 && after.worker === before.worker) {
    logger.info(
      { event: "migrations_up_to_date", migrations: after.sincro.length, workerSchema: after.worker ?? null },
      `schema up to date (${after.sincro.length} sincro migration${after.sincro.length === 1 ? "" : "s"}, graphile-worker schema version ${after.worker ?? "?"})`,
    );
  }
}
