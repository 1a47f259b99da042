/*
 * The stores' webhooks on the hub's HTTP server, over real HTTP: a signed
 * delivery is stored whole and answered 200 at once, with no job (the
 * worker's dispatcher rings for it); a bad signature 401 with
 * nothing stored; malformed JSON 400, stored as an error; an unknown store 404;
 * a body over 1 MiB 413 with nothing stored; WooCommerce's ping 200.
 */
import { Pool } from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhook, sign } from "../../src/fake-store/webhook";
import { startHubHttpServer, type HubHttpServer } from "../../src/http/server";
import { readHttpSettings } from "../../src/http/settings";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { fixture } from "./fixtures";

const silent = pino({ level: "silent" });

describe("store webhooks", () => {
  let hub: TestDatabase;
  let pool: Pool;
  let server: HubHttpServer;

  const inboxCount = async () => Number((await pool.query<{ n: string }>("select count(*) as n from sincro_private.store_inbox")).rows[0]?.n);

  beforeAll(async () => {
    hub = await createTestDatabase("store_webhooks");
    pool = new Pool({ connectionString: hub.url, max: 2 });
    await pool.query("insert into sincro.apstatosyn (azi) values ('W1')");
    await pool.query("select sincro.store_add(store_id => 'woo1', azi => 'W1', platform => 'woocommerce', secret => 'woo-secret-1234')");
    await pool.query("select sincro.store_add(store_id => 'shop1', azi => 'W1', platform => 'shopify', secret => 'shpss_0123456789', id_int_prefix => 'S-')");
    server = await startHubHttpServer({ databaseUrl: hub.url, settings: readHttpSettings({ SINCRO_HTTP_PORT: "0", SINCRO_CONSOLE: "off", SINCRO_METRICS: "off" }), logger: silent });
  });

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await hub?.drop();
  });

  it("stores a signed WooCommerce delivery whole and answers 200", async () => {
    const body = fixture("woocommerce-guest-fiscal");
    const delivery = await deliverWebhook(server.url, "woocommerce", "woo1", "woo-secret-1234", body, { headers: { "x-wc-webhook-delivery-id": "d-1" } });
    expect(delivery.status).toBe(200);
    const { inbox_id: inboxId } = JSON.parse(delivery.body) as { inbox_id: number };
    const row = (await pool.query<{ body: Buffer; state: string; platform_order_id: string; headers: Record<string, string> }>(
      "select body, state, platform_order_id, headers from sincro_private.store_inbox where inbox_id = $1", [inboxId])).rows[0];
    expect(row?.body.equals(body)).toBe(true);
    expect(row?.state).toBe("received");
    expect(row?.platform_order_id).toBe("1001");
    expect(row?.headers["x-wc-webhook-delivery-id"]).toBe("d-1");
    expect(row?.headers["x-wc-webhook-topic"]).toBe("order.created");
    // its own timing, for the sender: in the SQL call and in the handler, ms
    expect(delivery.serverTiming).toMatch(/^db;dur=[0-9]+\.[0-9], handler;dur=[0-9]+\.[0-9]$/);
  });

  it("adds no job for a delivery (no NOTIFY): the worker's dispatcher rings for it", async () => {
    const delivery = await deliverWebhook(server.url, "woocommerce", "woo1", "woo-secret-1234", fixture("woocommerce-registered-company"));
    expect(delivery.status).toBe(200);
    const { inbox_id: inboxId } = JSON.parse(delivery.body) as { inbox_id: number };
    const row = (await pool.query<{ state: string; doorbell_rung: boolean }>("select state, doorbell_rung from sincro_private.store_inbox where inbox_id = $1", [inboxId])).rows[0];
    expect(row).toEqual({ state: "received", doorbell_rung: false });
    expect((await pool.query("select 1 from graphile_worker._private_jobs")).rowCount).toBe(0);
    // TEST: the dispatcher's call (the worker makes it every few ms) gives it its job
    const rung = await pool.query<{ n: number }>("select sincro.store_inbox_dispatch(500, interval '0') as n");
    expect(rung.rows[0]?.n).toBeGreaterThanOrEqual(1);
    const jobs = await pool.query(
      "select 1 from graphile_worker._private_jobs where (payload::jsonb -> 'inbox_ids') @> to_jsonb(array[$1::bigint])", [inboxId]);
    expect(jobs.rowCount).toBe(1);
  });

  it("stores a signed Shopify delivery with its webhook and event IDs", async () => {
    const delivery = await deliverWebhook(server.url, "shopify", "shop1", "shpss_0123456789", fixture("shopify-guest-fiscal"));
    expect(delivery.status).toBe(200);
    const row = (await pool.query<{ headers: Record<string, string> }>("select headers from sincro_private.store_inbox where store_id = 'shop1'")).rows[0];
    expect(row?.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.headers["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 401 to a bad signature and stores nothing", async () => {
    const before = await inboxCount();
    const body = fixture("woocommerce-pending");
    const refused = await deliverWebhook(server.url, "woocommerce", "woo1", "not-the-secret", body);
    expect(refused.status).toBe(401);
    expect(refused.serverTiming).toBeNull(); // no timing for an unsigned sender
    // a body changed after signing (one byte)
    const tampered = Buffer.from(body);
    tampered[tampered.length - 3] = 0x20;
    expect((await deliverWebhook(server.url, "woocommerce", "woo1", "woo-secret-1234", tampered, { headers: { "x-wc-webhook-signature": sign("woo-secret-1234", body) } })).status).toBe(401);
    expect((await deliverWebhook(server.url, "shopify", "shop1", "woo-secret-1234", body)).status).toBe(401);
    expect(await inboxCount()).toBe(before);
  });

  it("answers 400 to malformed JSON and stores it as an error", async () => {
    const delivery = await deliverWebhook(server.url, "shopify", "shop1", "shpss_0123456789", '{"id": 5, "line_items": [');
    expect(delivery.status).toBe(400);
    const row = (await pool.query<{ state: string; error: string }>("select state, error from sincro.store_inbox order by inbox_id desc limit 1")).rows[0];
    expect(row?.state).toBe("error");
    expect(row?.error).toMatch(/not JSON/);
  });

  it("answers 404 to an unknown store or platform", async () => {
    const body = fixture("woocommerce-pending");
    expect((await deliverWebhook(server.url, "woocommerce", "nope", "woo-secret-1234", body)).status).toBe(404);
    expect((await deliverWebhook(server.url, "shopify", "woo1", "woo-secret-1234", body)).status).toBe(404);
    const response = await fetch(new URL("stores/magento/woo1/webhook", server.url), { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
  });

  it("answers 413 to a body over 1 MiB and stores nothing", async () => {
    const before = await inboxCount();
    const big = Buffer.from(JSON.stringify({ id: 9, padding: "x".repeat(1024 * 1024) }));
    expect((await deliverWebhook(server.url, "woocommerce", "woo1", "woo-secret-1234", big)).status).toBe(413);
    expect(await inboxCount()).toBe(before);
  });

  it("takes a large order (200 KiB: over the console's 64 KiB limit, under the webhooks' 1 MiB)", async () => {
    const order = JSON.parse(fixture("woocommerce-registered-company").toString("utf8")) as Record<string, unknown>;
    const body = JSON.stringify({ ...order, customer_note: "n".repeat(200 * 1024) });
    expect((await deliverWebhook(server.url, "woocommerce", "woo1", "woo-secret-1234", body)).status).toBe(200);
  });

  it("answers WooCommerce's ping with 200 and stores nothing", async () => {
    const before = await inboxCount();
    const response = await fetch(new URL("stores/woocommerce/woo1/webhook", server.url), {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "webhook_id=17", redirect: "manual",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("server-timing")).toBeNull(); // unsigned: no timing
    expect(await inboxCount()).toBe(before);
  });
});
