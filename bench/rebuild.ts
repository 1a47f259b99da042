/*
 * Sync for changes and total rebuild.
 *
 * 1. Total rebuild of 1,000,000 articles + 100,000 customers (--quick: 100k +
 *    10k) seeded in the reference ERP (its own process, as a real ERP is
 *    another machine), run by `sincro sync rebuild` in a child process:
 *    rows/s (from the run's own start and end in sincro.sync_runs) and the
 *    child's peak RSS (VmHWM from /proc, polled until it exits). Baseline, same
 *    run: the same rows as CSV, COPY FROM STDIN (psql) into the same hub tables
 *    of a fresh hub database, timing only the COPY. Targets: rebuild ≥ 0.5 ×
 *    COPY rows/s; peak RSS ≤ 256 MB. The same rebuild runs again into another
 *    fresh hub with V8's old space capped at 64 MB: if memory were held per
 *    row it would fail or slow down; it does neither, and its peak shows how
 *    much of the first one was garbage V8 had not collected yet.
 * 2. Sync for changes of 1,000 changed articles (the ERP's touch route) with
 *    10k articles in the hub vs with the 1.1M rows of step 1: time of
 *    runChangesSync, median of 3 each. Target: 1M / 10k ≤ 1.5.
 *
 * Each company has a hub database of its own, so "10k rows in the tables"
 * means exactly that, and the big rebuild starts on tables whose statistics
 * do not already describe another company (see docs/performance.md for what
 * happens when they do).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { PROJECT_ROOT } from "../src/db/migrate";
import type { ErpConnector } from "../src/erp/connector";
import { createHttpConnector } from "../src/erp/http-connector";
import { runChangesSync } from "../src/sync/changes";
import { runRebuild } from "../src/sync/rebuild";
import { createTestDatabase, type TestDatabase } from "../test/support/database";
import { spawnReferenceErp } from "./push";

export interface RebuildBenchOptions {
  readonly articles: number;
  readonly customers: number;
  /** Articles of the small company (sync for changes against a small table). */
  readonly smallArticles: number;
  readonly touched: number;
  readonly rounds: number;
}

const BIG = "BENCH_BIG";
/** V8's old-space limit for the second rebuild run: enough for ts-node, TypeScript and two batches. */
const CAPPED_OLD_SPACE_MB = 64;
const SMALL = "BENCH_SMALL";

/*
 * Before timing syncs for changes: statistics for the freshly filled tables,
 * and the rebuild's scratch table (sincro_private.rebuild_seen, emptied by the
 * sweep) vacuumed. Until it is, every sync_run_begin scans its dead pages — 50 ms
 * after a 1.1M-row rebuild, more than the 1,000 changes cost (docs/performance.md).
 */
const VACUUM_AFTER_REBUILD = "vacuum analyze sincro.articoli, sincro.clienti, sincro_private.rebuild_seen";

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function register(pool: Pool, azi: string): Promise<void> {
  await pool.query("insert into sincro.apstatosyn (azi, push_mode) values ($1, 'manual')", [azi]);
  await pool.query("select sincro.set_sync_contract(azi => $1, sync_quota => 1000)", [azi]);
}

function erpCaller(url: string, token: string) {
  return async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(30 * 60_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`reference ERP ${method} ${route}: ${response.status} ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  };
}

/** Peak RSS of a process: VmHWM (its high-water mark) read until it exits. */
function watchPeakRss(pid: number): { stop(): number } {
  let peakKb = 0;
  const read = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // gone
    }
  };
  const timer = setInterval(read, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return peakKb / 1024;
    },
  };
}

/** Peak RSS of `sincro sync --help`: what the command costs before it does anything (Node, ts-node, TypeScript, its modules). */
async function idleCliRss(): Promise<number> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "sincro"), "sync", "--help"], { stdio: "ignore" });
  const rss = watchPeakRss(child.pid ?? 0);
  await new Promise((resolve) => child.on("exit", resolve));
  return rss.stop();
}

interface ChildRebuild {
  readonly peakRssMb: number;
  readonly wallSeconds: number;
  readonly rows: number;
  readonly runSeconds: number;
}

/** `sincro sync rebuild --azi <azi>` in a child process, as an operator runs it. */
async function rebuildInChild(hubUrl: string, erpUrl: string, token: string, pool: Pool, azi: string, nodeOptions = ""): Promise<ChildRebuild> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "sincro"), "sync", "rebuild", "--azi", azi], {
    env: { ...process.env, NODE_OPTIONS: nodeOptions, DATABASE_URL: hubUrl, SINCRO_ERP_URL: erpUrl, SINCRO_ERP_TOKEN: token, SINCRO_ERP_TIMEOUT_MS: "600000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const rss = watchPeakRss(child.pid ?? 0);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const peakRssMb = rss.stop();
  if (code !== 0) throw new Error(`sincro sync rebuild exited ${code}: ${output}`);
  const run = await pool.query<{ rows: string; seconds: number }>(
    `select rows_received as rows, extract(epoch from finished_at - started_at)::float8 as seconds
     from sincro.sync_runs where azi = $1 and kind = 'rebuild' and state = 'succeeded' order by run_id desc limit 1`,
    [azi],
  );
  return { peakRssMb, wallSeconds: (performance.now() - started) / 1000, rows: Number(run.rows[0]?.rows), runSeconds: Number(run.rows[0]?.seconds) };
}

/** Times runChangesSync after the ERP changed `touched` articles, `rounds` times. */
async function timeChanges(
  pool: Pool,
  erp: ReturnType<typeof createHttpConnector>,
  call: ReturnType<typeof erpCaller>,
  azi: string,
  touched: number,
  rounds: number,
): Promise<{ ms: number[]; pullMs: number[]; changed: number[] }> {
  const ms: number[] = [];
  const pullMs: number[] = [];
  const changed: number[] = [];
  let pulling = 0;
  // the same connector, timing its pulls: what the ERP costs, the rest is the hub
  const timed: ErpConnector = {
    createOrder: erp.createOrder.bind(erp),
    health: erp.health.bind(erp),
    openSnapshot: erp.openSnapshot.bind(erp),
    async pullChanges(...args) {
      const started = performance.now();
      try {
        return await erp.pullChanges(...args);
      } finally {
        pulling += performance.now() - started;
      }
    },
  };
  for (let round = 0; round < rounds; round++) {
    await call("POST", `/_admin/companies/${azi}/touch`, { entity: "article", count: touched });
    pulling = 0;
    const started = performance.now();
    const result = await runChangesSync(pool, timed, azi);
    ms.push(performance.now() - started);
    pullMs.push(pulling);
    changed.push(result.changed);
  }
  return { ms, pullMs, changed };
}

function psql(url: string, args: readonly string[], stdinFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = stdinFile === undefined ? "ignore" : fs.openSync(stdinFile, "r");
    const child = spawn("psql", [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", ...args], { stdio: [input, "ignore", "pipe"] });
    let errors = "";
    child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (typeof input === "number") fs.closeSync(input);
      if (code === 0) resolve();
      else reject(new Error(`psql exited ${code}: ${errors}`));
    });
  });
}

const ARTICLE_COLUMNS = "azi, cod_art, descrizione, unita_misura, prezzo, cod_iva, giacenza, id_sincro";
const CUSTOMER_COLUMNS =
  "azi, cod_cli, ragione_sociale, partita_iva, codice_fiscale, indirizzo, cap, citta, provincia, nazione, email, telefono, listino, cod_agente, cod_pagamento, id_sincro";

/**
 * The baseline: the ERP's rows as CSV files (produced before timing, from the
 * ERP's snapshot through the connector, as the rebuild reads them), then
 * COPY FROM STDIN into a fresh hub's tables; only the COPYs are timed.
 */
async function copyBaseline(erp: ReturnType<typeof createHttpConnector>, hub: TestDatabase, azi: string): Promise<{ rows: number; seconds: number }> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sincro-bench-"));
  try {
    const baselinePool = new Pool({ connectionString: hub.url, max: 1 });
    await register(baselinePool, azi);
    await baselinePool.end();
    const csv = (value: unknown) => (value === null || value === undefined ? "" : `"${String(value).replaceAll('"', '""')}"`);
    let rows = 0;
    let idSincro = 0;
    const files: [string, string][] = [];
    for (const [entity, table, fields, keyField] of [
      ["article", "sincro.articoli", ["descrizione", "unita_misura", "prezzo", "cod_iva", "giacenza"], "cod_art"],
      [
        "customer",
        "sincro.clienti",
        ["ragione_sociale", "partita_iva", "codice_fiscale", "indirizzo", "cap", "citta", "provincia", "nazione", "email", "telefono", "listino", "cod_agente", "cod_pagamento"],
        "cod_cli",
      ],
    ] as const) {
      const file = path.join(folder, `${entity}.csv`);
      const out = fs.createWriteStream(file);
      const snapshot = await erp.openSnapshot(azi, entity, { batchSize: 5000 });
      for await (const batch of snapshot.batches()) {
        const lines = batch.map((row) => [azi, row.key[keyField], ...fields.map((field) => row.data[field]), ++idSincro].map(csv).join(",")).join("\n");
        if (!out.write(`${lines}\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
        rows += batch.length;
      }
      await new Promise<void>((resolve) => out.end(() => resolve()));
      files.push([table, file]);
    }
    const started = performance.now();
    for (const [table, file] of files) {
      const columns = table === "sincro.articoli" ? ARTICLE_COLUMNS : CUSTOMER_COLUMNS;
      await psql(hub.url, ["-c", `copy ${table} (${columns}) from stdin with (format csv)`], file);
    }
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

export async function runRebuildBench(options: RebuildBenchOptions): Promise<string> {
  // three hubs: the small company's (its table holds only its 10k rows), the big one's, and the COPY baseline's
  const smallHub = await createTestDatabase("bench_rebuild_small");
  const hub = await createTestDatabase("bench_rebuild");
  const copyHub = await createTestDatabase("bench_rebuild_copy");
  const cappedHub = await createTestDatabase("bench_rebuild_capped");
  const erpDb = await createTestDatabase("bench_rebuild_erp", { migrate: false });
  const token = randomBytes(8).toString("hex");
  const erpProcess = await spawnReferenceErp(erpDb.url, token);
  const erp = createHttpConnector({ baseUrl: erpProcess.url, token, timeoutMs: 600_000 });
  const call = erpCaller(erpProcess.url, token);
  const smallPool = new Pool({ connectionString: smallHub.url, max: 4 });
  const pool = new Pool({ connectionString: hub.url, max: 4 });
  try {
    await register(smallPool, SMALL);
    await call("POST", `/_admin/companies/${SMALL}/seed`, { articles: options.smallArticles });
    await runRebuild(smallPool, erp, SMALL);
    // what autovacuum does within a minute of a rebuild (see VACUUM_AFTER_REBUILD)
    await smallPool.query(VACUUM_AFTER_REBUILD);
    const small = await timeChanges(smallPool, erp, call, SMALL, options.touched, options.rounds);

    await register(pool, BIG);
    const seedStarted = performance.now();
    await call("POST", `/_admin/companies/${BIG}/seed`, { articles: options.articles, customers: options.customers });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const idleRssMb = await idleCliRss();
    const rebuild = await rebuildInChild(hub.url, erpProcess.url, token, pool, BIG);
    await pool.query(VACUUM_AFTER_REBUILD);
    const big = await timeChanges(pool, erp, call, BIG, options.touched, options.rounds);

    // the same rebuild into another fresh hub, V8's old space capped: the rest of the peak above is uncollected garbage, not data held
    const cappedPool = new Pool({ connectionString: cappedHub.url, max: 1 });
    await register(cappedPool, BIG);
    const capped = await rebuildInChild(cappedHub.url, erpProcess.url, token, cappedPool, BIG, `--max-old-space-size=${CAPPED_OLD_SPACE_MB}`);
    await cappedPool.end();

    const copy = await copyBaseline(erp, copyHub, BIG);
    const rebuildRate = rebuild.rows / rebuild.runSeconds;
    const copyRate = copy.rows / copy.seconds;
    const smallMs = median(small.ms);
    const bigMs = median(big.ms);
    const hubRows = options.articles + options.customers;
    const smallHubMs = median(small.ms.map((ms, round) => ms - (small.pullMs[round] ?? 0)));
    const bigHubMs = median(big.ms.map((ms, round) => ms - (big.pullMs[round] ?? 0)));
    return [
      `Total rebuild of ${options.articles.toLocaleString("en")} articles + ${options.customers.toLocaleString("en")} customers (ERP seeded in ${seedSeconds.toFixed(1)} s), \`sincro sync rebuild\` in a child process, vs COPY FROM STDIN of the same rows into a fresh hub:`,
      "",
      "| | rows | seconds | rows/s | peak RSS MB |",
      "|---|---:|---:|---:|---:|",
      `| rebuild (run start → end; child wall ${rebuild.wallSeconds.toFixed(1)} s) | ${rebuild.rows} | ${rebuild.runSeconds.toFixed(1)} | ${rebuildRate.toFixed(0)} | ${rebuild.peakRssMb.toFixed(0)} |`,
      `| the same, NODE_OPTIONS=--max-old-space-size=${CAPPED_OLD_SPACE_MB} (child wall ${capped.wallSeconds.toFixed(1)} s) | ${capped.rows} | ${capped.runSeconds.toFixed(1)} | ${(capped.rows / capped.runSeconds).toFixed(0)} | ${capped.peakRssMb.toFixed(0)} |`,
      `| COPY baseline | ${copy.rows} | ${copy.seconds.toFixed(1)} | ${copyRate.toFixed(0)} | |`,
      `| \`sincro sync --help\` (the command at rest) | | | | ${idleRssMb.toFixed(0)} |`,
      `| rebuild / COPY | | | ${(rebuildRate / copyRate).toFixed(2)} | |`,
      "",
      `Target rebuild ≥ 0.5 × COPY: ${rebuildRate / copyRate >= 0.5 ? "PASS" : "MISS"}; peak RSS ≤ 256 MB: ${rebuild.peakRssMb <= 256 ? "PASS" : "MISS"}`,
      "",
      `Sync for changes of ${options.touched} changed articles (median of ${options.rounds}; rows changed per run: ${small.changed.join("/")} and ${big.changed.join("/")}):`,
      "",
      "| rows in the hub's tables | ms (runs) | median ms | of which ERP pulls (median ms) | hub (median ms) |",
      "|---:|---|---:|---:|---:|",
      `| ${options.smallArticles.toLocaleString("en")} | ${small.ms.map((ms) => ms.toFixed(0)).join(", ")} | ${smallMs.toFixed(0)} | ${median(small.pullMs).toFixed(0)} | ${smallHubMs.toFixed(0)} |`,
      `| ${hubRows.toLocaleString("en")} | ${big.ms.map((ms) => ms.toFixed(0)).join(", ")} | ${bigMs.toFixed(0)} | ${median(big.pullMs).toFixed(0)} | ${bigHubMs.toFixed(0)} |`,
      `| ratio | | ${(bigMs / smallMs).toFixed(2)} | ${(median(big.pullMs) / median(small.pullMs)).toFixed(2)} | ${(bigHubMs / smallHubMs).toFixed(2)} |`,
      "",
      `Target ratio ≤ 1.5: ${bigMs / smallMs <= 1.5 ? "PASS" : "MISS"}`,
    ].join("\n");
  } finally {
    await pool.end();
    await smallPool.end();
    erpProcess.process.kill("SIGTERM");
    await new Promise((resolve) => erpProcess.process.once("exit", resolve));
    await smallHub.drop();
    await hub.drop();
    await copyHub.drop();
    await cappedHub.drop();
    await erpDb.drop();
  }
}
