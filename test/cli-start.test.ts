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
  // the HTTP server on any free port: tests run beside other programs that may hold 8787
  const env: NodeJS.ProcessEnv = { ...process.env, SINCRO_LOG_LEVEL: "info", SINCRO_HTTP_PORT: "0", ...environment };
  if (!("DATABASE_URL" in environment)) delete env.DATABASE_URL;
  const child = spawn(BIN, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
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
    expect(await companyCount(url)).toBe(0);
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

    restarted.child.kill("SIGTERM");
    expect(await restarted.exited, restarted.output()).toEqual({ code: 0, signal: null });
    expect(await connectionRefused(port)).toBe(true);
  });

  it("with DATABASE_URL migrates and serves that database", async () => {
    const database = await createTestDatabase("cli", { migrate: false });
    try {
      const sincro = runCli(["start"], { DATABASE_URL: database.url });
      await sincro.waitFor("migration_applied");
      const http = await sincro.waitFor("http_ready");
      await sincro.waitFor("ready");
      expect(await companyCount(database.url)).toBe(0);
      // TEST: the start log gives the console's URL, and the server answers there
      expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(`${String(http.url)}login`)).status).toBe(200);

      sincro.child.kill("SIGTERM");
      expect(await sincro.exited, sincro.output()).toEqual({ code: 0, signal: null });
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

describe("sincro migrate", () => {
  it("refuses to run without DATABASE_URL (exit code 2)", async () => {
    const sincro = runCli(["migrate"], {});
    expect(await sincro.exited).toEqual({ code: 2, signal: null });
    expect(sincro.output()).toContain("DATABASE_URL is not set");
  });
});
