/*
 * `sincro start`: serve the hub's database and run its services until told to
 * stop.
 *   database   DATABASE_URL if set; otherwise an embedded PostgreSQL in
 *              SINCRO_DATA_DIR (default .sincro/), database `sincro`
 *   migrate    graphile-worker's schema, then sincro's migrations
 *   services   SERVICES (services.ts), in order
 *   announce   connection string, registered companies, a hint; "ready";
 *              an `export` line for the operator commands in another terminal
 *   wait       for SIGINT/SIGTERM/SIGHUP, or a failure
 *   stop       services in reverse order, then the embedded PostgreSQL
 * A signal during startup takes effect after the current step.
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { Client } from "pg";
import { startEmbeddedServer } from "../../embedded/server";
import { describeExit } from "../../embedded/postmaster";
import type { CliContext } from "../context";
import { readSettings, redactPassword } from "../environment";
import { describeError } from "../errors";
import type { Logger } from "../logger";
import { applyMigrations } from "../migrations";
import type { Service } from "../service";
import { SERVICES } from "../services";
import { Shutdown } from "../shutdown";

/** The database the embedded server creates and serves. */
export const EMBEDDED_DATABASE = "sincro";
const COMPANIES_LISTED = 20;

interface ServedDatabase {
  readonly url: string;
  /** What the log shows: the URL without its password. */
  readonly shownUrl: string;
  readonly fromEnvironment: boolean;
  /** Where the embedded server's generated password is kept. */
  readonly passwordFile?: string;
}

interface Stoppable {
  readonly name: string;
  stop(): Promise<void>;
}

/** A value the shell takes literally: single-quoted, each ' as '\''. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export A='…' B='…'`, or undefined when there is nothing to export. */
function exportLine(variables: Readonly<Record<string, string>>): string | undefined {
  const assignments = Object.entries(variables).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return assignments.length === 0 ? undefined : `export ${assignments.join(" ")}`;
}

async function announce(database: ServedDatabase, environment: Readonly<Record<string, string>>, dataDir: string, logger: Logger): Promise<void> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  let companies: string[];
  try {
    companies = (await client.query<{ azi: string }>("select azi from sincro.apstatosyn order by azi")).rows.map((row) => row.azi);
  } finally {
    await client.end();
  }
  const listed = companies.slice(0, COMPANIES_LISTED);
  const more = companies.length > listed.length ? ` and ${companies.length - listed.length} more` : "";
  logger.info(
    { event: "companies", count: companies.length, companies: listed },
    companies.length === 0 ? "no company registered yet" : `companies registered: ${listed.join(", ")}${more}`,
  );
  const { passwordFile } = database;
  const password = passwordFile === undefined ? "" : ` (the password is "password" in ${passwordFile})`;
  logger.info({ event: "ready", url: database.shownUrl, passwordFile }, `ready: stores, apps and psql connect to ${database.shownUrl}${password}`);
  // DATABASE_URL from the environment is already the user's to export; the local cluster's and the
  // reference ERP's credentials go to a file only its owner reads, and the line says to source it
  const variables = { ...(database.fromEnvironment ? {} : { DATABASE_URL: database.url }), ...environment };
  const line = exportLine(variables);
  if (line !== undefined) {
    const file = path.join(dataDir, "env");
    try {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, `${line}\n`, { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      logger.info({ event: "export", file, variables: Object.keys(variables) }, `for npx sincro sync/status/quota in another terminal: . ${shellQuote(file)}`);
    } catch (error) {
      logger.warn({ event: "export_unwritable", file, reason: describeError(error) }, `cannot write ${file}: set ${Object.keys(variables).join(", ")} by hand`);
    }
  }
  const psqlTarget = database.fromEnvironment ? `"$DATABASE_URL"` : `"<that URL with its password>"`;
  // the first start's next step; once a company is registered it would only invite a duplicate-key error
  logger.info(
    { event: "hint" },
    companies.length === 0
      ? `register a company: psql ${psqlTarget} -c "insert into sincro.apstatosyn (azi) values ('C00001')"; Ctrl-C stops sincro`
      : "Ctrl-C stops sincro",
  );
}

/** Stops in reverse order of start; false if any failed to stop. */
async function stopAll(started: readonly Stoppable[], logger: Logger): Promise<boolean> {
  let clean = true;
  for (const item of [...started].reverse()) {
    try {
      await item.stop();
    } catch (error) {
      clean = false;
      logger.error({ event: "stop_failed", what: item.name }, `could not stop ${item.name}: ${describeError(error)}`);
    }
  }
  return clean;
}

export async function startSincro(context: CliContext, services: readonly Service[] = SERVICES): Promise<void> {
  const { logger } = context;
  const settings = readSettings(context.env);
  const shutdown = new Shutdown(logger);
  const started: Stoppable[] = [];
  const environment: Record<string, string> = {};
  let failure: unknown;
  try {
    let database: ServedDatabase;
    if (settings.databaseUrl !== undefined) {
      database = { url: settings.databaseUrl, shownUrl: redactPassword(settings.databaseUrl), fromEnvironment: true };
      logger.info({ event: "database", url: database.shownUrl }, `serving DATABASE_URL (${database.shownUrl})`);
    } else {
      const server = await startEmbeddedServer({
        dataDir: settings.dataDir,
        port: settings.postgresPort,
        database: EMBEDDED_DATABASE,
        logger,
      });
      started.push({ name: "the embedded PostgreSQL", stop: () => server.stop() });
      void server.exited.then((exit) => shutdown.fail(new Error(`the embedded PostgreSQL exited unexpectedly (${describeExit(exit)})`)));
      database = { url: server.url, shownUrl: redactPassword(server.url), fromEnvironment: false, passwordFile: server.passwordFile };
    }

    if (!shutdown.isRequested) await applyMigrations(database.url, logger);

    for (const service of services) {
      if (shutdown.isRequested) break;
      const running = await service.start({ env: context.env, databaseUrl: database.url, logger: logger.child({ service: service.name }) });
      started.push({ name: service.name, stop: () => running.stop() });
      Object.assign(environment, running.environment);
      running.ended?.then(
        () => shutdown.fail(new Error(`service ${service.name} ended on its own`)),
        (error: unknown) => shutdown.fail(new Error(`service ${service.name} failed: ${describeError(error)}`)),
      );
      logger.info({ event: "service_started", service: service.name }, `started ${service.name}`);
    }

    if (!shutdown.isRequested) await announce(database, environment, settings.dataDir, logger);
    const reason = await shutdown.requested;
    if (reason.kind === "failure") failure = reason.error;
  } catch (error) {
    failure = error;
  }
  const clean = await stopAll(started, logger);
  shutdown.dispose();
  if (failure !== undefined) throw failure;
  if (!clean) throw new Error("sincro did not stop cleanly (see above)");
  logger.info({ event: "stopped" }, "sincro stopped");
}

export function registerStartCommand(program: Command, context: CliContext): void {
  program
    .command("start")
    .description(
      "serve the sincro database (DATABASE_URL, else an embedded PostgreSQL in .sincro/), migrate it and run the services until Ctrl-C",
    )
    .action(() => startSincro(context));
}
