/*
 * The stores' part of the console's Problems page, over HTTP as a browser
 * would use it: an operator sees its company's store deliveries that could not
 * be taken (with the reason) and orders the shop cancelled after the ERP got
 * them, never another company's; "Take again" queues the delivery anew.
 */
import { randomBytes } from "node:crypto";
import { Client, Pool } from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubHttpServer, type HubHttpServer } from "../../src/http/server";
import { readHttpSettings } from "../../src/http/settings";
import { serverUrlFromEnvironment, withDatabase } from "../../src/db/connection";
import { createTestDatabase, type TestDatabase } from "../support/database";

const silent = pino({ level: "silent" });
const OPERATOR = `t_store_op_${randomBytes(3).toString("hex")}`;

/** A client that keeps cookies, as a browser does for one site. */
class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(path: string, form?: Record<string, string>): Promise<{ status: number; text: string; location: string | null }> {
    const response = await fetch(new URL(path, this.base), {
      method: form ? "POST" : "GET",
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: "manual",
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return { status: response.status, text: await response.text(), location: response.headers.get("location") };
  }

  static csrf(page: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(page);
    if (!match?.[1]) throw new Error("no CSRF token on the page");
    return match[1];
  }
}

describe("console: store problems", () => {
  let hub: TestDatabase;
  let pool: Pool;
  let server: HubHttpServer;

  const deliver = async (storeId: string, body: string, topic = "order.created") =>
    Number((await pool.query<{ inbox_id: string }>(
      `select (sincro.store_webhook_receive('woocommerce', s.store_id, convert_to($2, 'UTF8'),
               jsonb_build_object('x-wc-webhook-topic', $3::text,
                                  'x-wc-webhook-signature', encode(sincro_private.hmac_sha256(s.hmac_ipad, s.hmac_opad, convert_to($2, 'UTF8')), 'base64')))).inbox_id
       from sincro_private.store s where s.store_id = $1`, [storeId, body, topic])).rows[0]?.inbox_id);
  const order = (id: number, sku: string, status = "processing", modified = "2026-11-30T09:00:00") => JSON.stringify({
    id, number: String(id), status, currency: "EUR", date_created: "2026-11-30T10:00:00", date_modified_gmt: modified, total: "12.20", total_tax: "2.20",
    billing: { first_name: "Ada", last_name: "Neri", country: "IT", city: "Torino" },
    line_items: [{ name: "Tazzina", sku, quantity: 1, subtotal: "10.00", subtotal_tax: "2.20", total: "10.00", total_tax: "2.20" }],
  });

  beforeAll(async () => {
    hub = await createTestDatabase("store_console");
    pool = new Pool({ connectionString: hub.url, max: 2 });
    for (const azi of ["K1", "K2"]) {
      await pool.query("insert into sincro.apstatosyn (azi) values ($1)", [azi]);
      await pool.query("select sincro.store_add(store_id => $1, azi => $2, platform => 'woocommerce', secret => 'a-long-secret')", [`woo-${azi}`, azi]);
    }
    await pool.query("select sincro.create_login($1, 'operator', 'K1', password => 'pw-k1-operator')", [OPERATOR]);
    await pool.query("select sincro.store_inbox_apply($1)", [await deliver("woo-K1", order(1, ""))]);
    await pool.query("select sincro.store_inbox_apply($1)", [await deliver("woo-K1", order(2, "TAZ"))]);
    await pool.query("select sincro.store_inbox_apply($1)", [await deliver("woo-K1", order(2, "TAZ", "cancelled", "2026-11-30T11:00:00"), "order.updated")]);
    await pool.query("select sincro.store_inbox_apply($1)", [await deliver("woo-K2", order(3, ""))]);
    server = await startHubHttpServer({ databaseUrl: hub.url, settings: readHttpSettings({ SINCRO_HTTP_PORT: "0", SINCRO_METRICS: "off" }), logger: silent });
  });

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await hub?.drop();
    // logins are roles of the whole cluster: remove this run's
    const admin = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), "postgres") });
    await admin.connect();
    await admin.query(`drop role if exists ${OPERATOR}`);
    await admin.end();
  });

  it("shows an operator its company's store problems and takes a delivery again", async () => {
    const browser = new Browser(server.url);
    const login = await browser.request("/login");
    const signedIn = await browser.request("/login", { _csrf: Browser.csrf(login.text), login: OPERATOR, password: "pw-k1-operator" });
    expect(signedIn.status).toBe(303);

    const problems = await browser.request("/problems");
    expect(problems.status).toBe(200);
    expect(problems.text).toContain("2 store deliveries to look at");
    expect(problems.text).toMatch(/woo-K1 \(woocommerce\)<\/td><td>1<\/td>.*error.*SY173 line_items\[0\] \(&#39;Tazzina&#39;\) has no SKU/s);
    expect(problems.text).toMatch(/<td>2<\/td>.*changed on the shop.*cancelled on the shop/s);
    expect(problems.text).not.toContain("woo-K2");

    const inboxId = Number(/name="inbox_id" value="(\d+)"/.exec(problems.text)?.[1]);
    const retried = await browser.request("/problems/store-retry", { _csrf: Browser.csrf(problems.text), inbox_id: String(inboxId) });
    expect(retried.status).toBe(303);
    expect((await pool.query("select state from sincro_private.store_inbox where inbox_id = $1", [inboxId])).rows).toEqual([{ state: "received" }]);

    // another company's delivery: "not found", untouched
    const theirs = (await pool.query<{ inbox_id: string }>("select inbox_id from sincro_private.store_inbox where store_id = 'woo-K2'")).rows[0]?.inbox_id;
    const page = await browser.request("/problems");
    const forged = await browser.request("/problems/store-retry", { _csrf: Browser.csrf(page.text), inbox_id: String(theirs) });
    expect(forged.status).toBe(404);
    expect((await pool.query("select state from sincro_private.store_inbox where store_id = 'woo-K2'")).rows).toEqual([{ state: "error" }]);
  });
});
