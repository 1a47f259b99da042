/*
 * The operator's sync commands as processes: `sincro sync changes` and
 * `sincro sync rebuild` (exit 0, one log line per company, quota used),
 * a refusal for lack of quota (exit 1, one line naming SY121, nothing
 * changed), SIGTERM half-way (exit 1, run failed, no quota, the next run
 * carries on), `sincro quota` (show, set) and `sincro status`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../push/harness";
import { startSincro, type Finished } from "../support/cli";
import { erpCursorOf, quotaOf, registerSyncCompany, runsOf, startSyncHarness, type SyncHarness } from "./harness";

function sincro(harness: SyncHarness, args: readonly string[]): Promise<Finished> {
  return start(harness, args).finished;
}

function start(harness: SyncHarness, args: readonly string[]) {
  return startSincro({ hubUrl: harness.hub.url, erpUrl: harness.erpUrl, erpToken: harness.erpToken }, args);
}

/** The JSON log lines of a run (stdout is not a terminal, so pino writes JSON). */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The runs table of `sincro status` output, each row by column header (cells are separated by two spaces or more). */
function runsTable(output: string): Record<string, string>[] {
  const lines = output.split("\n");
  const header = lines.findIndex((line) => line.startsWith("run "));
  if (header === -1) return [];
  const columns = lines[header]!.trim().split(/\s{2,}/);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === "") break;
    const cells = line.trim().split(/\s{2,}/);
    rows.push(Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? ""])));
  }
  return rows;
}

describe("sincro sync changes / rebuild, quota, status", () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness("sync_cli");
    await registerSyncCompany(harness.pool, "C00001", 3);
    await registerSyncCompany(harness.pool, "C00002", 0);
    await harness.erpCall("POST", "/_admin/companies/C00001/seed", { articles: 500, customers: 50, log: true });
    await harness.erpCall("POST", "/operator/companies/C00001/orders", { operatore_cod: "75", conferma: "CK3", lines: [{ articolo: "ART9", quantita: 4 }] });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("sync changes --azi: exit 0, the ERP's changes in the hub, one log line, one quota unit", async () => {
    const done = await sincro(harness, ["sync", "changes", "--azi", "C00001", "--batch-size", "100"]);
    expect(done.code, done.output).toBe(0);
    const line = logLines(done.output).find((entry) => entry.event === "sync_changes");
    expect(line).toMatchObject({ azi: "C00001", received: 551, batches: 6 });
    expect((await harness.pool.query("select count(*)::int as n from sincro.articoli where azi = 'C00001'")).rows[0]).toEqual({ n: 500 });
    expect((await harness.pool.query("select count(*)::int as n from sincro.arportes where azi = 'C00001' and prov_tipo = 'G'")).rows[0]).toEqual({ n: 1 });
    expect(await quotaOf(harness.pool, "C00001")).toMatchObject({ sync_used: 1 });
  });

  it("sync rebuild --azi: exit 0, a log line with the counts", async () => {
    const done = await sincro(harness, ["sync", "rebuild", "--azi", "C00001"]);
    expect(done.code, done.output).toBe(0);
    const line = logLines(done.output).find((entry) => entry.event === "sync_rebuild");
    expect(line).toMatchObject({ azi: "C00001", received: 551, changed: 0, tombstoned: 0 });
    expect(await quotaOf(harness.pool, "C00001")).toMatchObject({ sync_used: 2 });
  });

  it("no quota left: exit 1, one line naming SY121, nothing changed", async () => {
    await harness.erpCall("PUT", "/operator/companies/C00002/customers/C1", { ragione_sociale: "Rossi srl" });
    const refused = await sincro(harness, ["sync", "changes", "--azi", "C00002"]);
    expect(refused.code, refused.output).toBe(1);
    const errors = logLines(refused.output).filter((entry) => entry.level === 50);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.msg)).toContain("SY121");
    expect(await runsOf(harness.pool, "C00002")).toEqual([]);
    expect(await erpCursorOf(harness.pool, "C00002")).toBe("");
  });

  it("sync changes for every company: the refused one is reported, the others run; exit 1", async () => {
    const done = await sincro(harness, ["sync", "changes"]);
    expect(done.code, done.output).toBe(1);
    const lines = logLines(done.output);
    expect(lines.find((entry) => entry.event === "sync_changes")).toMatchObject({ azi: "C00001", received: 0 });
    expect(String(lines.find((entry) => entry.event === "sync_changes_failed" && entry.azi === "C00002")?.msg)).toContain("SY121");
  });

  it("SIGTERM half-way: the run stops between batches, fails without quota; the next run carries on", async () => {
    await registerSyncCompany(harness.pool, "C00003", 5);
    await harness.erpCall("POST", "/_admin/companies/C00003/seed", { articles: 400, log: true });
    harness.setFaults({ latencyMs: 100 });
    try {
      const run = start(harness, ["sync", "changes", "--azi", "C00003", "--batch-size", "20"]);
      await eventually("a first batch", () => erpCursorOf(harness.pool, "C00003"), (cursor) => cursor !== "", 20_000);
      run.child.kill("SIGTERM");
      const stopped = await run.finished;
      expect(stopped.code, stopped.output).toBe(1);
      const runs = await runsOf(harness.pool, "C00003");
      expect(runs).toMatchObject([{ kind: "changes", state: "failed" }]);
      expect(runs[0]?.error).toContain("SIGTERM");
      expect(await quotaOf(harness.pool, "C00003")).toMatchObject({ sync_used: 0 });
      const kept = (await harness.pool.query<{ n: number }>("select count(*)::int as n from sincro.articoli where azi = 'C00003'")).rows[0]!.n;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(400);
    } finally {
      harness.setFaults({ latencyMs: 0 });
    }
    const next = await sincro(harness, ["sync", "changes", "--azi", "C00003"]);
    expect(next.code, next.output).toBe(0);
    expect((await harness.pool.query("select count(*)::int as n from sincro.articoli where azi = 'C00003'")).rows[0]).toEqual({ n: 400 });
  });

  it("quota: shows every company; --set changes one contract", async () => {
    const shown = await sincro(harness, ["quota"]);
    expect(shown.code, shown.output).toBe(0);
    expect(shown.output).toMatch(/C00001\s+3\s+3\s+0/);
    expect(shown.output).toMatch(/C00002\s+0\s+0\s+0/);

    const set = await sincro(harness, ["quota", "--azi", "C00002", "--set", "7", "--period", "7 days", "--from", "2026-01-05"]);
    expect(set.code, set.output).toBe(0);
    const quota = await harness.pool.query("select sync_quota, sync_used from sincro.quota('C00002')");
    expect(quota.rows).toEqual([{ sync_quota: 7, sync_used: 0 }]);

    // TEST: used wrongly: exit 2
    expect((await sincro(harness, ["quota", "--set", "7"])).code).toBe(2);
    expect((await sincro(harness, ["quota", "--azi", "C00002", "--set", "7", "--period", "a fortnight"])).code).toBe(2);
    expect((await sincro(harness, ["quota", "--azi", "NOPE"])).code).toBe(2);
  });

  it("status: pending counts, the ERP cursor, the last runs and the quota of each company", async () => {
    await harness.pool.query("select sincro.advance_consumer_cursor('C00001', 'store', 5)");
    const done = await sincro(harness, ["status", "--azi", "C00001"]);
    expect(done.code, done.output).toBe(0);
    expect(done.output).toContain("== C00001 ==");
    // pending: the operator's order waits for the store and the apps
    expect(done.output).toMatch(/pending: ERP\s+store\s+app/);
    expect(done.output).toMatch(/store\s+5\s+\d+\s+\d+/);
    expect(done.output).toMatch(/rebuild\s+succeeded/);
    expect(done.output).toMatch(/changes\s+succeeded/);
    // TEST: each run shows what it charged: the interrupted sync of C00003 nothing, the one after it one unit
    const runs = await sincro(harness, ["status", "--azi", "C00003"]);
    expect(runs.code, runs.output).toBe(0);
    expect(runsTable(runs.output).map((run) => [run.kind, run.state, run["quota used"]])).toEqual([
      ["changes", "succeeded", "1"],
      ["changes", "failed", "none"],
    ]);
    // TEST: and its phase: done, or where the interrupted one stopped (a page, fetched or being applied)
    const phases = runsTable(runs.output).map((run) => run.phase);
    expect(phases[0]).toBe("done");
    expect(phases[1]).toMatch(/^failed while (fetching page \d+ from the ERP|applying page \d+)$/);
    const all = await sincro(harness, ["status"]);
    expect(all.code, all.output).toBe(0);
    expect(all.output).toContain("== C00002 ==");
  });
});
