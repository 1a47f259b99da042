/*
 * `sincro start` without DATABASE_URL: a PostgreSQL of sincro's own, in a
 * project-local folder, with nothing to install. Order matters:
 *   1. take the folder's lock (one sincro per folder; a dead owner's lock is stale);
 *   2. stop a server a killed sincro left running on the folder;
 *   3. create the cluster on first use;
 *   4. pick a port, start the server, create the database.
 * stop() undoes 4 and 1.
 */
import fs from "node:fs";
import { Client } from "pg";
import type { Logger } from "pino";
import { dataFolder, ensureCluster, saveState } from "./cluster";
import { acquireLock } from "./lock";
import { choosePort, LISTEN_HOST } from "./port";
import { describeExit, startPostmaster, stopOrphanedPostmaster, type PostmasterExit } from "./postmaster";

export interface EmbeddedServerOptions {
  /** Folder for the cluster, its state and the lock (SINCRO_DATA_DIR). */
  readonly dataDir: string;
  /** Port asked for (SINCRO_POSTGRES_PORT); otherwise a stable free one is chosen. */
  readonly port?: number;
  /** Database created on first start and served. */
  readonly database: string;
  readonly logger: Logger;
}

export interface EmbeddedServer {
  readonly port: number;
  /** Connection string of the served database (superuser, generated password): a secret, never logged. */
  readonly url: string;
  /** The file that holds the generated password (readable by its owner only). */
  readonly passwordFile: string;
  /** Resolves when the server process ends, whether asked to or not. */
  readonly exited: Promise<PostmasterExit>;
  /** Stops the server and releases the folder's lock. */
  stop(): Promise<void>;
}

function connectionString(user: string, password: string, port: number, database: string): string {
  const url = new URL(`postgres://${LISTEN_HOST}`);
  url.username = user;
  url.password = password;
  url.port = String(port);
  url.pathname = `/${database}`;
  return url.toString();
}

async function ensureDatabase(maintenanceUrl: string, database: string, logger: Logger): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const existing = await client.query("select 1 from pg_catalog.pg_database where datname = $1", [database]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(database)}`);
      logger.info({ event: "database_created", database }, `created database ${database}`);
    }
  } finally {
    await client.end();
  }
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { logger } = options;
  const folder = dataFolder(options.dataDir);
  fs.mkdirSync(folder.root, { recursive: true });
  const lock = acquireLock(folder.lock, logger);
  try {
    await stopOrphanedPostmaster(folder.cluster, logger);
    const state = await ensureCluster(folder, logger);
    const port = await choosePort(options.port, state.port, logger);
    const postmaster = await startPostmaster({ clusterDir: folder.cluster, port, user: state.user, password: state.password, logger });
    logger.info(
      { event: "postgres_started", port, dataDir: folder.cluster, pid: postmaster.pid },
      `embedded PostgreSQL listening on ${LISTEN_HOST}:${port} (data in ${folder.cluster})`,
    );
    try {
      lock.recordPort(port);
      saveState(folder, { ...state, port });
      await ensureDatabase(connectionString(state.user, state.password, port, "postgres"), options.database, logger);
    } catch (error) {
      await postmaster.stop();
      throw error;
    }
    postmaster.exited.then((exit) => logger.debug({ event: "postgres_exited", how: describeExit(exit) }, "PostgreSQL exited"));
    return {
      port,
      url: connectionString(state.user, state.password, port, options.database),
      passwordFile: folder.state,
      exited: postmaster.exited,
      async stop() {
        try {
          await postmaster.stop();
          logger.info({ event: "postgres_stopped" }, "embedded PostgreSQL stopped");
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
