/*
 * The embedded cluster's folder and what sincro remembers about it.
 *
 *   SINCRO_DATA_DIR/        default .sincro/ at the project root
 *     postgres/             the PostgreSQL cluster (owned by the `postgres` OS user when sincro runs as root)
 *     postgres.json         superuser, its generated password, the port used last (mode 600)
 *     sincro.pid            lock held by the running sincro
 *
 * The password is generated at initialisation because the server listens on
 * TCP: other local users must not get a superuser session for free.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import { loadEmbeddedPostgres } from "./library";

export const SUPERUSER = "postgres";

const ClusterStateSchema = z.object({
  user: z.string().min(1),
  password: z.string().min(1),
  port: z.number().int().positive().optional(),
});
export type ClusterState = z.infer<typeof ClusterStateSchema>;

export interface DataFolder {
  readonly root: string;
  readonly cluster: string;
  readonly state: string;
  readonly lock: string;
}

export function dataFolder(root: string): DataFolder {
  const absolute = path.resolve(root);
  return {
    root: absolute,
    cluster: path.join(absolute, "postgres"),
    state: path.join(absolute, "postgres.json"),
    lock: path.join(absolute, "sincro.pid"),
  };
}

export function saveState(folder: DataFolder, state: ClusterState): void {
  const temporary = `${folder.state}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, folder.state);
}

function readState(folder: DataFolder): ClusterState {
  let text: string;
  try {
    text = fs.readFileSync(folder.state, "utf8");
  } catch {
    throw new Error(
      `${folder.cluster} holds a PostgreSQL cluster but ${folder.state} (its generated password) is missing: ` +
        `an initialisation was interrupted or the file was deleted; remove ${folder.cluster} to start afresh`,
    );
  }
  const parsed = ClusterStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${folder.state} is not a valid sincro state file: ${parsed.error.message}`);
  return parsed.data;
}

function isEmptyOrMissing(folder: string): boolean {
  try {
    return fs.readdirSync(folder).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
}

/** The cluster's state, after creating the cluster if the folder holds none yet. */
export async function ensureCluster(folder: DataFolder, logger: Logger): Promise<ClusterState> {
  if (fs.existsSync(path.join(folder.cluster, "PG_VERSION"))) return readState(folder);
  // initialise() runs initdb, which refuses a non-empty folder: say why first.
  if (!isEmptyOrMissing(folder.cluster)) {
    throw new Error(`${folder.cluster} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or delete it`);
  }
  const state: ClusterState = { user: SUPERUSER, password: randomBytes(18).toString("base64url") };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const runningAsRoot = process.getuid?.() === 0;
  const initdb = new EmbeddedPostgres({
    databaseDir: folder.cluster,
    user: state.user,
    password: state.password,
    authMethod: "scram-sha-256",
    // PostgreSQL refuses to run as root: as root the library creates (if needed)
    // and uses the `postgres` OS user, and gives it the cluster folder.
    createPostgresUser: runningAsRoot,
    // UTF8 whatever the machine's locale; C collation is available everywhere.
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: (message) => logger.debug({ component: "initdb" }, message.trimEnd()),
    onError: (error) => logger.warn({ component: "initdb", err: error }, "initdb reported an error"),
  });
  try {
    await initdb.initialise();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = runningAsRoot && /permission denied/i.test(message)
      ? `; PostgreSQL runs as the postgres OS user, which must be able to enter every folder above ${folder.cluster} (chmod o+x)`
      : "";
    throw new Error(`could not initialise the embedded PostgreSQL cluster in ${folder.cluster}: ${message.trim()}${hint}`);
  }
  saveState(folder, state);
  logger.info({ event: "cluster_initialised", dataDir: folder.cluster }, `initialised a new PostgreSQL cluster in ${folder.cluster}`);
  return state;
}
