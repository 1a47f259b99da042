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

/**
 * A hub needs autovacuum, and not only to clean up: it is what analyzes a table
 * once rows have come. A table never analyzed gives the planner no statistics,
 * and the plans each connection keeps for the session (the triggers', the
 * foreign-key checks') are then made for an empty table: on sincro.arportes a
 * lookup by (azi, id_pub) can take the index on (azi, data_ordine) and read
 * every order of the company, six times per order inserted (docs/performance.md,
 * "Ingest"). With autovacuum on, a table is analyzed after its first ~50 rows
 * and the plans are made again. Checked at every migrate and start, since only
 * the server's configuration can change it.
 */
async function warnAboutServerSettings(url: string, logger: Logger): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const settings = await client.query<{ autovacuum: string; track_counts: string }>(
      "select pg_catalog.current_setting('autovacuum') as autovacuum, pg_catalog.current_setting('track_counts') as track_counts",
    );
    const row = settings.rows[0];
    if (row?.autovacuum !== "on" || row.track_counts !== "on") {
      const off = row?.autovacuum !== "on" ? "autovacuum" : "track_counts";
      logger.warn(
        { event: "autovacuum_off", setting: off },
        `${off} is off on this PostgreSQL server: tables are never analyzed, and inserting orders slows down as they grow ` +
          "(plans made for empty tables). Set autovacuum = on and track_counts = on in postgresql.conf, " +
          "or analyze the database regularly (vacuumdb --analyze-only, e.g. every few minutes from cron)",
      );
    }
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
  await warnAboutServerSettings(url, logger);

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
