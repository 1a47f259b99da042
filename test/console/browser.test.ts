/*
 * The operator console in a real browser (Debian's Chromium driven by
 * playwright-core) against a running hub: its HTTP server, a graphile-worker,
 * the reference ERP. Two companies, an operator login for each. Screenshots go
 * to test-results/console/ (not committed).
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrlFromEnvironment, withDatabase } from "../../src/db/connection";
import { PROJECT_ROOT } from "../../src/db/migrate";
import { startHubHttpServer, type HubHttpServer } from "../../src/http/server";
import { readHttpSettings } from "../../src/http/settings";
import { startWorker, type RunningWorker } from "../../src/worker/run-worker";
import { eventually, insertStoreOrder, registerCompany, startPushHarness, type PushHarness } from "../push/harness";

const silent = pino({ level: "silent" });
const OUTPUT = path.join(PROJECT_ROOT, "test-results", "console");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SIGN_IN_PER_MINUTE = 12;
const suffix = randomBytes(3).toString("hex");
const OPERATOR_1 = `t_console_op1_${suffix}`;
const OPERATOR_2 = `t_console_op2_${suffix}`;
const ADMIN = `t_console_admin_${suffix}`;
const PASSWORD = "console-test-password";

async function pushState(harness: PushHarness, azi: string, idPub: number): Promise<string | undefined> {
  const result = await harness.pool.query<{ state: string }>("select state from sincro.order_push where azi = $1 and id_pub = $2", [azi, idPub]);
  return result.rows[0]?.state;
}

describe("operator console in a browser", () => {
  let harness: PushHarness;
  let worker: RunningWorker;
  let server: HubHttpServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;

  const shot = (name: string) => page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });

  async function signIn(login: string, password = PASSWORD): Promise<void> {
    await page.goto(`${base}login`);
    await page.getByLabel("Hub login").fill(login);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  /** The CSRF token of the current page's forms, as a forger on this very page could read it. */
  const csrfOfPage = () => page.locator('input[name="_csrf"]').first().inputValue();

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    harness = await startPushHarness("console_browser", { timeoutMs: 1000 });
    worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 2, pollInterval: 100, sweep: false });
    server = await startHubHttpServer({
      databaseUrl: harness.hub.url,
      settings: readHttpSettings({ SINCRO_HTTP_PORT: "0", SINCRO_CONSOLE_SIGNIN_PER_MINUTE: String(SIGN_IN_PER_MINUTE) }),
      logger: silent,
    });
    base = server.url;

    await registerCompany(harness.pool, "K1");
    await registerCompany(harness.pool, "K2");
    await harness.pool.query("select sincro.create_login($1, 'operator', 'K1', password => $2)", [OPERATOR_1, PASSWORD]);
    await harness.pool.query("select sincro.create_login($1, 'operator', 'K2', password => $2)", [OPERATOR_2, PASSWORD]);
    await harness.pool.query("select sincro.create_login($1, 'admin', password => $2)", [ADMIN, PASSWORD]);
    // K1: order 1 names a customer the ERP does not have yet, order 2 one it will never have; K2: one rejected order
    await insertStoreOrder(harness.pool, "K1", "1001", { clienteCod: "NEWCO1" });
    await insertStoreOrder(harness.pool, "K1", "1002", { clienteCod: "GONE" });
    await insertStoreOrder(harness.pool, "K2", "2001", { clienteCod: "THEIRS" });
    await eventually("three rejections", async () => [await pushState(harness, "K1", 1), await pushState(harness, "K1", 2), await pushState(harness, "K2", 1)], (s) =>
      s.every((state) => state === "rejected"),
    );

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await worker?.stop();
    await harness?.stop();
    // logins are roles of the whole cluster: remove this run's
    const admin = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), "postgres") });
    await admin.connect();
    for (const role of [OPERATOR_1, OPERATOR_2, ADMIN]) await admin.query(`drop role if exists ${role}`);
    await admin.end();
  });

  it("wrong credentials: a plain message, no detail", async () => {
    await signIn(`t_console_nobody_${suffix}`, "nope");
    // TEST: the sign-in page again, saying only that
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Wrong name or password.");
    expect(page.url()).toBe(`${base}login`);
  });

  it("an operator signs in to its company's page, and sees the rejected order with the ERP's message in Problems", async () => {
    await signIn(OPERATOR_1);
    // TEST: lands on its company; the session cookie is httpOnly and SameSite=Strict; no password in the page
    await page.getByRole("heading", { name: "Company K1" }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === "sincro_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(await page.content()).not.toContain(PASSWORD);
    expect(await page.locator('[data-live="pending_gest"]').textContent()).toBe("2");
    await shot("company");

    await page.getByRole("link", { name: "Problems" }).click();
    const row = page.locator('tr[data-order="K1:1"]');
    // TEST: the rejection with the ERP's own message
    expect(await row.locator(".problem-message").textContent()).toBe("customer NEWCO1 does not exist in the ERP");
    expect(await page.locator("tr[data-order]").count()).toBe(2);
    expect(await page.locator('tr[data-order^="K2:"]').count()).toBe(0);
    await shot("problems");
  });

  it("the fault cleared, retry now: the order is acquired and leaves the inbox", async () => {
    // the ERP's operator creates the missing customer
    const created = await fetch(`${harness.erpUrl}/operator/companies/K1/customers/NEWCO1`, {
      method: "PUT",
      headers: { authorization: `Bearer ${harness.erpToken}`, "content-type": "application/json" },
      body: JSON.stringify({ ragione_sociale: "New Co" }),
    });
    expect(created.ok).toBe(true);
    await page.getByRole("button", { name: "Retry order 1 now" }).click();
    await page.getByText("Order 1 of K1 goes to the ERP again now.").waitFor();
    // TEST: acquired by the ERP
    await eventually("order 1 acquired", () => pushState(harness, "K1", 1), (state) => state === "acquired");
    await page.reload();
    expect(await page.locator('tr[data-order="K1:1"]').count()).toBe(0);
  });

  it("resolve needs a note; the note and the login are in the order's timeline", async () => {
    // TEST: a forged post with an empty note is refused by the hub (the form itself requires one)
    const empty = await page.request.post(`${base}problems/resolve`, { form: { _csrf: await csrfOfPage(), azi: "K1", id_pub: "2", note: "" } });
    expect(empty.status()).toBe(400);
    expect(await pushState(harness, "K1", 2)).toBe("rejected");

    const row = page.locator('tr[data-order="K1:2"]');
    await row.getByLabel("Why order 2 is resolved by hand").fill("customer GONE closed; order cancelled by phone");
    await row.getByRole("button", { name: "Resolve order 2" }).click();
    await page.getByText("Order 2 of K1 is resolved; the note is in its timeline.").waitFor();
    expect(await pushState(harness, "K1", 2)).toBe("resolved");

    await page.getByRole("link", { name: "Order timeline" }).click();
    await page.getByLabel("Public ID").fill("2");
    await page.getByRole("button", { name: "Show" }).click();
    await page.getByRole("heading", { name: "Order 2 of K1" }).waitFor();
    const timeline = page.locator("#timeline tbody tr");
    const rows = await timeline.allTextContents();
    // TEST: insert, push attempt, the ERP's rejection, then the operator's note with its login
    expect(rows.some((r) => r.includes("push_rejected") && r.includes("customer GONE does not exist in the ERP"))).toBe(true);
    const last = rows.at(-1) ?? "";
    expect(last).toContain("resolved");
    expect(last).toContain(OPERATOR_1);
    expect(last).toContain("customer GONE closed; order cancelled by phone");
    await shot("timeline");

    // TEST: order 1's timeline by its ERP key: rejection, retry, acquisition with the key
    const key = (await harness.pool.query<{ tor_chia: string }>("select tor_chia from sincro.arportes where azi = 'K1' and id_pub = 1")).rows[0]?.tor_chia ?? "";
    await page.goto(`${base}timeline?azi=K1&tor_chia=${encodeURIComponent(key)}`);
    const whats = await page.locator("#timeline tbody tr td:nth-child(3)").allTextContents();
    expect(whats).toEqual(["INSERT", "push_started", "push_rejected", "retry", "push_started", "UPDATE", "push_acquired"]);
  });

  it("unknown order: a clear not found", async () => {
    const response = await page.goto(`${base}timeline?azi=K1&id_pub=999`);
    // TEST: 404 with a plain message
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("alert").textContent()).toContain("Not found");
  });

  it("another company is out of reach, also by forged URL or form", async () => {
    // TEST: forged URLs: K2's page, K2's order timeline, K2's problems
    expect((await page.goto(`${base}company/K2`))?.status()).toBe(404);
    expect((await page.goto(`${base}company/K2/live`))?.status()).toBe(404);
    expect((await page.goto(`${base}timeline?azi=K2&id_pub=1`))?.status()).toBe(404);
    await page.goto(`${base}problems?azi=K2`);
    expect(await page.locator('tr[data-order^="K2:"]').count()).toBe(0);
    // TEST: forged forms with a valid token: retry and resolve K2's order, a partial sync of K2
    const csrf = await csrfOfPage();
    expect((await page.request.post(`${base}problems/retry`, { form: { _csrf: csrf, azi: "K2", id_pub: "1" } })).status()).toBe(404);
    expect((await page.request.post(`${base}problems/resolve`, { form: { _csrf: csrf, azi: "K2", id_pub: "1", note: "forged" } })).status()).toBe(404);
    expect((await page.request.post(`${base}company/K2/sync`, { form: { _csrf: csrf, kind: "partial" } })).status()).toBeGreaterThanOrEqual(400);
    expect(await pushState(harness, "K2", 1)).toBe("rejected");
    expect((await harness.pool.query("select 1 from sincro.sync_runs where azi = 'K2'")).rowCount).toBe(0);
  });

  it("an action without the CSRF token is refused", async () => {
    await page.goto(`${base}problems`);
    // TEST: 403, nothing done (a partial sync of its own company, which the login may start)
    const response = await page.request.post(`${base}company/K1/sync`, { form: { kind: "partial" }, maxRedirects: 0 });
    expect(response.status()).toBe(403);
    const forgedToken = await page.request.post(`${base}company/K1/sync`, { form: { _csrf: "not-a-token", kind: "partial" }, maxRedirects: 0 });
    expect(forgedToken.status()).toBe(403);
    expect((await harness.pool.query("select 1 from sincro.sync_runs where azi = 'K1'")).rowCount).toBe(0);
  });

  it("a rejection caused by the new customer's data: correct and resend, recorded in the timeline", async () => {
    const client = await harness.pool.connect();
    let idPub = 0;
    try {
      await client.query("begin");
      const customer = await client.query<{ customer_id: string }>(
        "insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('K1', 'S', 'c-1004', 'Bianchi Srl') returning customer_id",
      );
      // a VAT number stored before the hub checked them (the insert trigger refuses '123' today), written as the hub
      const party = await client.query<{ previous: string }>("select sincro_private.set_party('H') as previous");
      await client.query("update sincro.new_customers set partita_iva = '123' where azi = 'K1' and id_int = 'c-1004'");
      await client.query("select sincro_private.restore_party($1)", [party.rows[0]?.previous]);
      const order = await client.query<{ id_pub: string }>(
        "insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id) values ('K1', 'S', '1004', 'C', '0', $1) returning id_pub",
        [customer.rows[0]?.customer_id],
      );
      idPub = Number(order.rows[0]?.id_pub);
      await client.query("insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('K1', $1, 1, 'ART1', 1, 10)", [idPub]);
      await client.query("commit");
    } finally {
      client.release();
    }
    await eventually("rejected", () => pushState(harness, "K1", idPub), (state) => state === "rejected");
    await page.goto(`${base}problems`);
    await page.locator(`tr[data-order="K1:${idPub}"]`).getByRole("link", { name: "Correct the new customer and resend" }).click();
    // TEST: the ERP's reason beside the customer's fields
    expect(await page.locator("#erp-message").textContent()).toBe("new customer: partita_iva 123 must be 11 digits");
    await page.getByLabel("partita_iva").fill("01234567897");
    await shot("correct");
    await page.getByRole("button", { name: "Save and resend" }).click();
    await page.getByText(`Order ${idPub} of K1: new customer corrected; the order goes to the ERP again now.`).waitFor();
    // TEST: acquired; the correction (only what changed) and the login are in the timeline
    await eventually("acquired", () => pushState(harness, "K1", idPub), (state) => state === "acquired");
    await page.goto(`${base}timeline?azi=K1&id_pub=${idPub}`);
    const corrected = (await page.locator("#timeline tbody tr").allTextContents()).find((row) => row.includes("corrected")) ?? "";
    expect(corrected).toContain("partita_iva: 123 → 01234567897");
    expect(corrected).toContain(OPERATOR_1);
  });

  it("live numbers update without a reload; the partial sync button runs in the worker and its run shows up", async () => {
    await page.goto(`${base}company/K1`);
    // (the resolved order 2 is still one the ERP has not acquired)
    const before = Number(await page.locator('[data-live="pending_gest"]').textContent());
    harness.setFaults({ down: true });
    try {
      await insertStoreOrder(harness.pool, "K1", "1003");
      // TEST: the page picks the new pending order up by itself
      await page.locator('[data-live="pending_gest"]', { hasText: String(before + 1) }).waitFor({ timeout: 15_000 });
    } finally {
      harness.setFaults({ down: false });
    }
    await page.getByRole("button", { name: /Partial sync/ }).click();
    await page.getByText(/Partial sync run \d+ started/).waitFor();
    // TEST: the run's row, written by the worker, shows it succeeded; the order reached the ERP
    await page.locator("#runs tr[data-run] .run-state", { hasText: "succeeded" }).waitFor({ timeout: 15_000 });
    await page.locator('[data-live="pending_gest"]', { hasText: String(before) }).waitFor({ timeout: 15_000 });
    await shot("company-after-sync");
  });

  it("a sync for changes from the button: the quota is shown and confirmed, the worker runs it, the next one is refused for quota", async () => {
    await harness.pool.query("select sincro.set_sync_contract(azi => 'K1', sync_quota => 1)");
    await page.goto(`${base}company/K1`);
    await page.getByRole("link", { name: "Sync for changes…" }).click();
    // TEST: the console says what the run will use before it starts
    expect(await page.locator("#quota-usage").textContent()).toContain("uses 1 of 1 remaining this period");
    await shot("sync-confirm");
    await page.getByRole("button", { name: "Start the sync for changes" }).click();
    const started = await page.getByText(/Sync for changes run \d+ started/).textContent();
    const runId = /run (\d+)/.exec(started ?? "")?.[1] ?? "";
    // TEST: the worker runs it; the page shows it finish without a reload
    await page.locator(`#runs tr[data-run="${runId}"] .run-state`, { hasText: "succeeded" }).waitFor({ timeout: 20_000 });
    const run = await harness.pool.query<{ kind: string; backend_pid: number | null }>("select kind, backend_pid from sincro.sync_runs where azi = 'K1' and run_id = $1", [runId]);
    expect(run.rows[0]?.kind).toBe("changes");
    expect(run.rows[0]?.backend_pid).not.toBeNull();
    await shot("sync-done");

    await page.getByRole("link", { name: "Sync for changes…" }).click();
    expect(await page.locator("#quota-usage").textContent()).toContain("No quota is left this period");
    await page.getByRole("button", { name: "Start the sync for changes" }).click();
    // TEST: the hub's refusal, shown as it is; no run was added
    expect(await page.getByRole("alert").textContent()).toContain("has used 1 of its 1 syncs");
    expect((await harness.pool.query("select 1 from sincro.sync_runs where azi = 'K1' and kind = 'changes'")).rowCount).toBe(1);
    await shot("sync-refused");
  });

  it("sign-out ends the session; another company's operator sees only its own", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("Signed out.").waitFor();
    // TEST: the old session is gone
    expect((await page.goto(`${base}problems`))?.url()).toBe(`${base}login`);
    await signIn(OPERATOR_2);
    await page.getByRole("heading", { name: "Company K2" }).waitFor();
    await page.goto(`${base}problems`);
    expect(await page.locator("tr[data-order]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-order")))).toEqual(["K2:1"]);
    // TEST: and K1 is out of its reach
    expect((await page.goto(`${base}timeline?azi=K1&id_pub=1`))?.status()).toBe(404);
  });

  it("an admin sees every company, and filters Problems by company", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(ADMIN);
    await page.getByRole("heading", { name: "Companies" }).waitFor();
    // TEST: both companies listed
    expect(await page.locator("tbody tr td:first-child a").allTextContents()).toEqual(["K1", "K2"]);
    await shot("companies");
    await page.goto(`${base}problems?azi=K2`);
    expect(await page.locator("tr[data-order]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-order")))).toEqual(["K2:1"]);
  });

  it("a 10 MB post gets 413; a sign-in flood is throttled", async () => {
    const huge = await fetch(`${base}login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `login=x&password=${"a".repeat(10 * 1024 * 1024)}`,
    });
    // TEST: 413
    expect(huge.status).toBe(413);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < SIGN_IN_PER_MINUTE + 3; attempt++) {
      const response = await fetch(`${base}login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "login=x&password=y" });
      statuses.push(response.status);
    }
    // TEST: 429 once the minute's allowance is used
    expect(statuses.at(-1)).toBe(429);
  });
});
