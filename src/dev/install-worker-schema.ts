/*
 * graphile-migrate afterReset hook: installs graphile-worker's schema in the
 * database graphile-migrate just reset (GM_DBURL), before our migrations run.
 */
import { Logger, runMigrations } from "graphile-worker";

async function main(): Promise<void> {
  const connectionString = process.env.GM_DBURL;
  if (!connectionString) throw new Error("GM_DBURL is not set: run this through graphile-migrate");
  await runMigrations({ connectionString, logger: new Logger(() => () => undefined) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
