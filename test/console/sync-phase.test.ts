/*
 * A sync's phase in the console, in a real browser (Debian's Chromium): a
 * total rebuild started from the button runs in the worker; the phase it is in
 * (the entity it reads, tombstoning…) shows on the company page without a
 * reload, is still there after a reload (it is stored in the run's row, not
 * kept by the page), and becomes "done" when the run succeeds.
 *
 * To look at one phase at leisure, the test holds the run's row locked once
 * the run is reading: the worker's next write waits, so the phase stays put
 * (the console reads the row without waiting). The ERP answers each request
 * after 300 ms, so the run does not finish before the test catches it.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrlFromEnvironment, withDatabase } from "../../src/db/connection";
import { PROJECT_ROOT } from "../../src/db/migrate";
import { startHubHttpServer, type HubHttpServer } from "../../src/http/server";
import { readHttpSettings } from "../../src/http/settings";
import { describePhase, type RunPhase } from "../../src/sync/phase";
import { startWorker, type RunningWorker } from "../../src/worker/run-worker";
import { eventually, registerCompany, startPushHarness, type PushHarness } from "../push/harness";

const silent = pino({ level: "silent" });
const OUTPUT = path.join(PROJECT_ROOT, "test-results", "console");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OPERATOR = `t_phase_op_${randomBytes(3).toString("hex")}`;
const PASSWORD = "phase-test-password";

describe("a sync's phase in the console", () => {
  let harness: PushHarness;
  let worker: RunningWorker;
  let server: HubHttpServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    harness = await startPushHarness("console_sync_phase");
    worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 2, pollInterval: 100, sweep: false });
    server = await startHubHttpServer({ databaseUrl: harness.hub.url, settings: readHttpSettings({ SINCRO_HTTP_PORT: "0" }), logger: silent });
    await registerCompany(harness.pool, "P1");
    await harness.pool.query("select sincro.set_sync_contract(azi => 'P1', sync_quota => 5)");
    await harness.pool.query("select sincro.create_login($1, 'operator', 'P1', password => $2)", [OPERATOR, PASSWORD]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${server.url}login`);
    await page.getByLabel("Hub login").fill(OPERATOR);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await worker?.stop();
    await harness?.stop();
    const admin = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), "postgres") });
    await admin.connect();
    await admin.query(`drop role if exists ${OPERATOR}`);
    await admin.end();
  });

  it("shows the phase live, keeps it across a reload, and shows done at the end", async () => {
    harness.setFaults({ latencyMs: 300 });
    const holder = new Client({ connectionString: harness.hub.url });
    await holder.connect();
    try {
      await page.goto(`${server.url}company/P1`);
      await page.getByRole("link", { name: "Total rebuild…" }).click();
      await page.getByRole("button", { name: "Start the total rebuild" }).click();
      const started = await page.getByText(/Total rebuild run \d+ started/).textContent();
      const runId = /run (\d+)/.exec(started ?? "")?.[1] ?? "";

      // catch the run reading an entity, then hold its row so the phase stays put
      await eventually(
        "the run reading",
        async () => (await harness.pool.query<{ phase: string | null }>("select phase from sincro.sync_runs where azi = 'P1' and run_id = $1", [runId])).rows[0]?.phase,
        (phase) => phase === "reading",
      );
      await holder.query("begin");
      const held = await holder.query<RunPhase>(
        "select state, phase, phase_item, phase_step, phase_steps from sincro.sync_runs where azi = 'P1' and run_id = $1 for update",
        [runId],
      );
      const run = held.rows[0];
      if (!run) throw new Error(`run ${runId} not found`);
      // TEST: the worker recorded a working phase (an entity of the rebuild, or the sweep after them)
      expect(run.state).toBe("running");
      expect(["reading", "tombstoning"]).toContain(run.phase);
      const shown = describePhase(run);
      expect(shown).toMatch(/^(reading \w+ \(entity \d of \d\)|tombstoning rows no snapshot held)$/);

      // TEST: the page shows it without a reload (its live refresh)
      const phaseCell = page.locator(`#runs tr[data-run="${runId}"] .run-phase`);
      await phaseCell.filter({ hasText: shown }).waitFor({ timeout: 15_000 });
      // TEST: and still after a reload: it comes from the run's row
      await page.reload();
      expect(await phaseCell.textContent()).toBe(shown);
      expect(await page.locator(`#runs tr[data-run="${runId}"] .run-state`).textContent()).toBe("running");
      await page.screenshot({ path: path.join(OUTPUT, "sync-phase.png"), fullPage: true });

      // TEST: released, the run ends; the page shows it succeeded and done, without a reload
      await holder.query("commit");
      harness.setFaults({ latencyMs: 0 });
      await page.locator(`#runs tr[data-run="${runId}"] .run-state`, { hasText: "succeeded" }).waitFor({ timeout: 30_000 });
      expect(await phaseCell.textContent()).toBe("done");
    } finally {
      harness.setFaults({ latencyMs: 0 });
      await holder.query("rollback").catch(() => undefined);
      await holder.end();
    }
  });
});
