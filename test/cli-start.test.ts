/*
 * `sincro start` as a user runs it: bin/sincro in a real process, its JSON log
 * lines read from stdout (stdout is a pipe, so no pretty printing), real
 * PostgreSQL servers, real signals. Each embedded case gets a fresh data folder
 * and port; the DATABASE_URL case a throwaway database on the test server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { Client } from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/db/migrate";
import { createTestDatabase } from "./support/database";
import { referenceErpDatabaseName } from "../src/cli/push-service";
import { serverUrlFromEnvironment, withDatabase } from "../src/db/connection";
import { isAlive } from "../src/embedded/processes";

const BIN = path.join(PROJECT_ROOT, "bin", "sincro");
const EVENT_TIMEOUT_MS = 30_000;

type LogLine = Readonly<Record<string, unknown>>;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface RunningCli {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** The first log line with this `event` (already logged or to come); fails if the process ends first. */
  waitFor(event: string): Promise<LogLine>;
  /** Everything printed so far, for failure messages. */
  output(): string;
}

const running: RunningCli[] = [];
const dataDirs: string[] = [];

function runCli(args: readonly string[], environment: Readonly<Record<string, string>>): RunningCli {
  return runProcess(BIN, args, environment);
}

/**
 * A command in a real process with sincro's environment (DATABASE_URL only if
 * given). `detached` puts it in a process group of its own, as a shell does
 * with a foreground job: a terminal's Ctrl-C is a SIGINT to that group.
 */
function runProcess(command: string, args: readonly string[], environment: Readonly<Record<string, string>>, options: { detached?: boolean } = {}): RunningCli {
  // the HTTP server on any free port: tests run beside other programs that may hold 8787
  const env: NodeJS.ProcessEnv = { ...process.env, SINCRO_LOG_LEVEL: "info", SINCRO_HTTP_PORT: "0", ...environment };
  if (!("DATABASE_URL" in environment)) delete env.DATABASE_URL;
  const child = spawn(command, [...args], { env, cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"], detached: options.detached ?? false });
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const waiters = new Set<() => void>();
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    raw.push(line);
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // not a log line: kept in raw for diagnostics
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.on("data", (chunk: Buffer) => raw.push(`[stderr] ${chunk.toString("utf8").trimEnd()}`));
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      // Let the last stdout lines arrive before waiters give up.
      setImmediate(() => {
        for (const wake of waiters) wake();
      });
      resolve(exit);
    });
  });
  const output = (): string => raw.join("\n");
  const cli: RunningCli = {
    child,
    exited,
    output,
    waitFor(event) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no "${event}" within ${EVENT_TIMEOUT_MS} ms:\n${output()}`)), EVENT_TIMEOUT_MS);
        const finish = (error?: Error, line?: LogLine): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (line) resolve(line);
          else reject(error);
        };
        const check = (): void => {
          const line = lines.find((candidate) => candidate.event === event);
          if (line) finish(undefined, line);
          else if (exit) finish(new Error(`sincro exited (${JSON.stringify(exit)}) before "${event}":\n${output()}`));
        };
        waiters.add(check);
        check();
      });
    },
  };
  running.push(cli);
  return cli;
}

/**
 * A fresh data folder. Under root, the embedded PostgreSQL runs as the
 * `postgres` OS user, which must be able to enter it: mkdtemp makes it 0700.
 */
function makeDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sincro-cli-"));
  fs.chmodSync(dir, 0o755);
  dataDirs.push(dir);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      const address = server.address();
      if (typeof address !== "object" || address === null) return reject(new Error("no port"));
      server.close(() => resolve(address.port));
    });
  });
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

function urlOf(line: LogLine): string {
  const url = line.url;
  if (typeof url !== "string") throw new Error(`"ready" line without a url: ${JSON.stringify(line)}`);
  return url;
}

/** The embedded server's generated password, from the file the "ready" line names (the log never shows it). */
function embeddedPassword(dataDir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dataDir, "postgres.json"), "utf8")) as { password: string }).password;
}

/** The "ready" line's URL with the password put back. */
function connectableUrl(line: LogLine, dataDir: string): string {
  const url = new URL(urlOf(line));
  url.password = embeddedPassword(dataDir);
  return url.toString();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function companyCount(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const result = await client.query<{ n: number }>("select count(*)::int as n from sincro.apstatosyn");
    return result.rows[0]?.n ?? -1;
  });
}

afterEach(async () => {
  // A failed test must not leave sincro or its PostgreSQL running.
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) continue;
    cli.child.kill("SIGTERM");
    const stopped = await Promise.race([cli.exited.then(() => true), new Promise((r) => setTimeout(r, 10_000, false))]);
    if (!stopped) cli.child.kill("SIGKILL");
  }
  for (const dir of dataDirs.splice(0)) {
    const pidFile = path.join(dir, "postgres", "postmaster.pid");
    const pid = fs.existsSync(pidFile) ? Number.parseInt(fs.readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10) : NaN;
    if (Number.isSafeInteger(pid) && pid > 0) {
      try {
        process.kill(pid, "SIGQUIT");
        await new Promise((r) => setTimeout(r, 500));
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe("sincro start", () => {
  it("without DATABASE_URL serves a migrated embedded PostgreSQL and stops it on SIGTERM", async () => {
    const dataDir = makeDataDir();
    const port = await freePort();
    const environment = { SINCRO_DATA_DIR: dataDir, SINCRO_POSTGRES_PORT: String(port) };
    const sincro = runCli(["start"], environment);

    const ready = await sincro.waitFor("ready");
    const url = connectableUrl(ready, dataDir);
    expect(new URL(url).port).toBe(String(port));
    // TEST: the generated password is never logged; the line names the file that holds it
    expect(ready.passwordFile).toBe(path.join(dataDir, "postgres.json"));
    expect(sincro.output()).not.toContain(embeddedPassword(dataDir));
    // TEST: the embedded server runs autovacuum (PostgreSQL's default): no warning about it
    expect(sincro.output()).not.toContain("autovacuum_off");
    expect(await companyCount(url)).toBe(0);
    // TEST: with no company yet, the hint says how to register one
    expect(String((await sincro.waitFor("hint")).msg)).toContain("register a company");
    await withClient(url, (client) => client.query("insert into sincro.apstatosyn (azi) values ('C00001')"));
    expect(await companyCount(url)).toBe(1);

    // One sincro per data folder: a second one refuses and leaves the first alone.
    const second = runCli(["start"], { SINCRO_DATA_DIR: dataDir });
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output()).toContain("already running");
    expect(await companyCount(url)).toBe(1);

    sincro.child.kill("SIGTERM");
    expect(await sincro.exited, sincro.output()).toEqual({ code: 0, signal: null });
    expect(await connectionRefused(port)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, "sincro.pid"))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
  });

  it("after a kill -9, the next start stops the server left running and keeps the data", async () => {
    const dataDir = makeDataDir();
    const port = await freePort();
    const environment = { SINCRO_DATA_DIR: dataDir, SINCRO_POSTGRES_PORT: String(port) };

    const killed = runCli(["start"], environment);
    const url = connectableUrl(await killed.waitFor("ready"), dataDir);
    await withClient(url, (client) => client.query("insert into sincro.apstatosyn (azi) values ('C00002')"));
    killed.child.kill("SIGKILL");
    await killed.exited;
    // The server outlives its sincro (its own process group) and still holds the port.
    expect(await connectionRefused(port)).toBe(false);

    const restarted = runCli(["start"], environment);
    await restarted.waitFor("stale_lock_removed");
    await restarted.waitFor("orphan_stopped");
    expect((await restarted.waitFor("companies")).companies).toEqual(["C00002"]);
    expect(connectableUrl(await restarted.waitFor("ready"), dataDir)).toBe(url);
    // TEST: a company is registered: no hint to register one
    expect(String((await restarted.waitFor("hint")).msg)).not.toContain("register a company");

    restarted.child.kill("SIGTERM");
    expect(await restarted.exited, restarted.output()).toEqual({ code: 0, signal: null });
    expect(await connectionRefused(port)).toBe(true);
  });

  it("with DATABASE_URL migrates and serves that database", async () => {
    const database = await createTestDatabase("cli", { migrate: false });
    try {
      // the reference ERP's address is kept in the data folder: not the project's
      const sincro = runCli(["start"], { DATABASE_URL: database.url, SINCRO_DATA_DIR: makeDataDir() });
      await sincro.waitFor("migration_applied");
      const http = await sincro.waitFor("http_ready");
      await sincro.waitFor("ready");
      expect(await companyCount(database.url)).toBe(0);
      const autovacuum = await withClient(database.url, async (client) => (await client.query<{ on: boolean }>(
        "select current_setting('autovacuum') = 'on' and current_setting('track_counts') = 'on' as on")).rows[0]?.on);
      // TEST: the start log gives the console's URL, and the server answers there
      expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(`${String(http.url)}login`)).status).toBe(200);

      sincro.child.kill("SIGTERM");
      expect(await sincro.exited, sincro.output()).toEqual({ code: 0, signal: null });
      // TEST: a server without autovacuum (as this test machine's, whose CI configuration turns it off) is warned about
      // (checked once sincro has stopped: a failed expectation must not leave it running)
      expect(sincro.output().includes('"event":"autovacuum_off"'), sincro.output()).toBe(autovacuum === false);
    } finally {
      await database.drop();
      // the reference ERP that `start` ran beside it had a database of its own
      const admin = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), "postgres") });
      await admin.connect();
      await admin.query(`drop database if exists "${referenceErpDatabaseName(database.url)}" with (force)`);
      await admin.end();
    }
  });
});

/** Polls (no deadline of its own: the test's timeout bounds it) until the process is gone. */
async function gone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
}

function pidOf(line: LogLine): number {
  if (typeof line.pid !== "number") throw new Error(`log line without a pid: ${JSON.stringify(line)}`);
  return line.pid;
}

describe("npm start under a supervisor or a terminal", () => {
  /*
   * Supervisors and scripts signal the PID they started, which for `npm start`
   * is npm's. Whatever reaches it, npm must not exit before sincro has stopped,
   * and sincro and its PostgreSQL must be gone once it has.
   */
  async function startThenStop(stop: (npm: RunningCli) => void): Promise<void> {
    const dataDir = makeDataDir();
    const port = await freePort();
    const npm = runProcess("npm", ["start", "--silent"], { SINCRO_DATA_DIR: dataDir, SINCRO_POSTGRES_PORT: String(port) }, { detached: true });
    const sincroPid = pidOf(await npm.waitFor("ready"));
    const postgresPid = pidOf(await npm.waitFor("postgres_started"));
    const erpUrl = new URL(String((await npm.waitFor("reference_erp")).url));
    expect(sincroPid).not.toBe(npm.child.pid);
    try {
      stop(npm);
      expect(await npm.exited, npm.output()).toEqual({ code: 0, signal: null });
      // npm waited for sincro, and sincro for its PostgreSQL: nothing is left
      expect(isAlive(sincroPid), `sincro (pid ${sincroPid}) outlived npm:\n${npm.output()}`).toBe(false);
      expect(isAlive(postgresPid), `PostgreSQL (pid ${postgresPid}) outlived npm`).toBe(false);
      expect(await connectionRefused(port)).toBe(true);
      expect(await connectionRefused(Number(erpUrl.port))).toBe(true);
      await npm.waitFor("stopped");
      expect(npm.output()).not.toContain("forced_exit");
      expect(fs.existsSync(path.join(dataDir, "sincro.pid"))).toBe(false);
    } finally {
      // leave nothing behind a failed assertion
      for (const pid of [sincroPid, postgresPid]) {
        if (isAlive(pid)) process.kill(pid, "SIGKILL");
        await gone(pid);
      }
    }
  }

  it("SIGTERM to npm's PID stops sincro and its PostgreSQL, then npm exits 0", async () => {
    await startThenStop((npm) => npm.child.kill("SIGTERM"));
  });

  it("SIGINT to npm's PID stops sincro and its PostgreSQL, then npm exits 0", async () => {
    await startThenStop((npm) => npm.child.kill("SIGINT"));
  });

  it("Ctrl-C in a terminal (SIGINT to the whole process group) stops everything cleanly, not by force", async () => {
    // sincro gets this SIGINT twice: from the terminal, and forwarded by npm
    await startThenStop((npm) => process.kill(-npm.child.pid!, "SIGINT"));
  });
});

/** The variables of the `export` line `start` writes for the operator commands (the line it prints says to source it). */
async function exported(cli: RunningCli): Promise<Record<string, string>> {
  const event = await cli.waitFor("export");
  const file = String(event.file);
  expect(String(event.msg)).toContain(`. '${file}'`);
  // TEST: only its owner may read it, and no secret of it is in the output
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const line = fs.readFileSync(file, "utf8");
  const variables = Object.fromEntries([...line.matchAll(/([A-Z_]+)='([^']*)'/g)].map((match) => [match[1]!, match[2]!]));
  for (const secret of [variables.SINCRO_ERP_TOKEN, new URL(variables.DATABASE_URL ?? "postgres://x@h/d").password].filter(Boolean)) {
    expect(cli.output()).not.toContain(secret);
  }
  return variables;
}

async function erpHealth(url: string, token: string): Promise<number> {
  return (await fetch(`${url}/v1/health`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe("the reference ERP that start runs", () => {
  it("keeps its URL and token across restarts, prints them as an export line; settings override them", async () => {
    const dataDir = makeDataDir();
    const environment = { SINCRO_DATA_DIR: dataDir, SINCRO_POSTGRES_PORT: String(await freePort()) };
    const startAndStop = async (extra: Record<string, string> = {}): Promise<Record<string, string>> => {
      const sincro = runCli(["start"], { ...environment, ...extra });
      const variables = await exported(sincro);
      expect(variables.DATABASE_URL).toBe(connectableUrl(await sincro.waitFor("ready"), dataDir));
      expect(await erpHealth(variables.SINCRO_ERP_URL!, variables.SINCRO_ERP_TOKEN!)).toBe(200);
      sincro.child.kill("SIGTERM");
      expect(await sincro.exited, sincro.output()).toEqual({ code: 0, signal: null });
      return variables;
    };

    const first = await startAndStop();
    expect(Object.keys(first).sort()).toEqual(["DATABASE_URL", "SINCRO_ERP_TOKEN", "SINCRO_ERP_URL"]);
    expect(fs.statSync(path.join(dataDir, "reference-erp.json")).mode & 0o777).toBe(0o600);
    // TEST: a restart: the same line, so what was exported still works
    expect(await startAndStop()).toEqual(first);

    // TEST: settings win; a token from the environment is not written down
    const port = await freePort();
    const overridden = await startAndStop({ SINCRO_ERP_TOKEN: "operator-chosen-token", SINCRO_REFERENCE_ERP_PORT: String(port) });
    expect(overridden.SINCRO_ERP_URL).toBe(`http://127.0.0.1:${port}`);
    expect(overridden.SINCRO_ERP_TOKEN).toBe("operator-chosen-token");
    expect(fs.readFileSync(path.join(dataDir, "reference-erp.json"), "utf8")).not.toContain("operator-chosen-token");

    // without them: the stored token again, at the port used last
    expect(await startAndStop()).toEqual({ ...first, SINCRO_ERP_URL: `http://127.0.0.1:${port}` });
  });
});

describe("sincro migrate", () => {
  it("refuses to run without DATABASE_URL (exit code 2)", async () => {
    const sincro = runCli(["migrate"], {});
    expect(await sincro.exited).toEqual({ code: 2, signal: null });
    expect(sincro.output()).toContain("DATABASE_URL is not set");
  });
});
