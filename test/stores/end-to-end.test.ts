/*
 * Store connectors end to end, over real HTTP everywhere: fake WooCommerce and
 * Shopify shops (src/fake-store) send their webhooks to the hub's HTTP server;
 * the worker turns the inbox into orders and pushes them to the reference ERP;
 * the shops learn through their REST API that the ERP acquired each order;
 * reconciliation finds what no webhook brought.
 *
 *   - every fixture delivered twice: each valid order once, acquired by the ERP;
 *     the invalid ones errors with their reason; the unpaid one ignored; each
 *     shop told once (one note, one tag)
 *   - a webhook lost, found by reconciliation: one order
 *   - webhook and reconciliation racing for the same orders: one order each
 *   - reconciliation pages, survives a slow shop, and a failed pass leaves the
 *     watermark where it was
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeStore, type FakeStore } from "../../src/fake-store/server";
import { startHubHttpServer, type HubHttpServer } from "../../src/http/server";
import { readHttpSettings } from "../../src/http/settings";
import { reconcileStore } from "../../src/stores/reconcile";
import { sendStatusBack } from "../../src/stores/status-back";
import { startWorker, type RunningWorker } from "../../src/worker/run-worker";
import { eventually, startPushHarness, type PushHarness } from "../push/harness";
import { FIXTURES, fixture, fixtureOrder } from "./fixtures";

const silent = pino({ level: "silent" });
const AZI = "E1";
const WOO_SECRET = "woo-webhook-secret";
const SHOP_SECRET = "shpss_webhook_secret";

interface InboxState {
  readonly received: number;
  readonly [state: string]: number;
}

describe("store connectors end to end", () => {
  let harness: PushHarness;
  let worker: RunningWorker;
  let server: HubHttpServer;
  let woo: FakeStore;
  let shop: FakeStore;

  const inboxStates = async (storeId: string): Promise<InboxState> => {
    const rows = (await harness.pool.query<{ state: string; n: number }>(
      "select state, count(*)::int as n from sincro.store_inbox where store_id = $1 group by state", [storeId])).rows;
    return { received: 0, ...Object.fromEntries(rows.map((row) => [row.state, row.n])) };
  };
  const ordersOf = async (idInt: string) =>
    (await harness.pool.query<{ id_pub: string; ack_gest: number }>("select id_pub, ack_gest from sincro.arportes where azi = $1 and id_int = $2", [AZI, idInt])).rows;
  const settled = async (storeId: string) => eventually(`${storeId}'s inbox worked`, () => inboxStates(storeId), (s) => s.received === 0, 20_000);

  beforeAll(async () => {
    harness = await startPushHarness("stores_e2e", { timeoutMs: 2000 });
    worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 4, pollInterval: 100, sweep: false });
    server = await startHubHttpServer({ databaseUrl: harness.hub.url, settings: readHttpSettings({ SINCRO_HTTP_PORT: "0", SINCRO_CONSOLE: "off", SINCRO_METRICS: "off" }), logger: silent });
    woo = await startFakeStore({ platform: "woocommerce", apiKey: "ck_test", apiSecret: "cs_test", webhookSecret: WOO_SECRET, maxPageSize: 2 });
    shop = await startFakeStore({ platform: "shopify", apiSecret: "shpat_test", webhookSecret: SHOP_SECRET, maxPageSize: 2 });
    await harness.pool.query("insert into sincro.apstatosyn (azi) values ($1)", [AZI]);
    await harness.pool.query(
      `select sincro.store_add(store_id => 'woo1', azi => $1, platform => 'woocommerce', secret => $2, api_url => $3, api_key => 'ck_test', api_secret => 'cs_test',
                               settings => '{"natura_zero_vat": "N3.1", "woocommerce_status": "completed"}')`, [AZI, WOO_SECRET, woo.url]);
    await harness.pool.query(
      `select sincro.store_add(store_id => 'shop1', azi => $1, platform => 'shopify', secret => $2, api_url => $3, api_secret => 'shpat_test',
                               id_int_prefix => 'S-', settings => '{"natura_zero_vat": "N3.1"}')`, [AZI, SHOP_SECRET, shop.url]);
    // the stores were registered just now: reconciliation looks from a little earlier
    await harness.pool.query("update sincro_private.store set watermark = now() - interval '1 hour'");
  });

  afterAll(async () => {
    await server?.close();
    await worker?.stop();
    await woo?.close();
    await shop?.close();
    await harness?.stop();
  });

  it("takes every fixture delivered twice once, pushes it to the ERP and tells the shop once", async () => {
    const names = readdirSync(FIXTURES).map((file) => path.basename(file, ".json"));
    for (const name of names) {
      const store = name.startsWith("woocommerce") ? woo : shop;
      const order = store.putOrder(fixtureOrder(name));
      for (let copy = 0; copy < 2; copy++) {
        const delivery = await store.deliver(server.url, store === woo ? "woo1" : "shop1", String(order.id));
        expect(delivery.status, name).toBe(200);
      }
    }
    await settled("woo1");
    await settled("shop1");
    expect(await inboxStates("woo1")).toEqual({ received: 0, created: 3, duplicate: 3, ignored: 2, error: 2 });
    expect(await inboxStates("shop1")).toEqual({ received: 0, created: 3, duplicate: 3, error: 2 });
    const errors = (await harness.pool.query<{ platform_order_id: string; error: string }>(
      "select platform_order_id, error from sincro.store_inbox where state = 'error' and source = 'webhook' order by 1")).rows;
    expect(errors.map((row) => row.platform_order_id)).toEqual(["1004", "1004", "5500000004", "5500000004"]);
    expect(errors[0]?.error).toMatch(/^SY173 customer partita IVA '01234567890'/);
    expect(errors[2]?.error).toMatch(/^SY173 customer codice fiscale 'RSSMRA85T10A562X'/);

    // each valid order once, acquired by the ERP
    for (const idInt of ["1001", "1002", "1003", "S-5500000001", "S-5500000002", "S-5500000003"]) {
      const orders = await eventually(`order ${idInt} acquired`, () => ordersOf(idInt), (rows) => rows[0]?.ack_gest === 1, 20_000);
      expect(orders, idInt).toHaveLength(1);
    }
    expect(await harness.erpOrders(AZI)).toHaveLength(6);

    // each shop told once
    await eventually(
      "status back sent",
      async () => (await harness.pool.query<{ n: number }>("select count(*)::int as n from sincro.store_orders where status_back = 'sent'")).rows[0]?.n,
      (n) => n === 6, 20_000);
    for (const id of ["1001", "1002", "1003"]) {
      expect(woo.notes(id), id).toHaveLength(1);
      expect(woo.notes(id)[0]?.note).toMatch(/Order acquired by the ERP as .+ \(hub order \d+\)\. \[sincro:\d+\]/);
      expect(woo.order(id)?.status).toBe("completed");
    }
    for (const id of ["5500000001", "5500000002", "5500000003"]) expect(shop.order(id)?.tags, id).toBe("sincro-acquired");
  });

  it("tells a shop that was down once it is back, and only once", async () => {
    woo.putOrder({ ...fixtureOrder("woocommerce-guest-fiscal"), id: 2501, number: "2501" });
    woo.setFaults({ down: true });
    expect((await woo.deliver(server.url, "woo1", 2501)).status).toBe(200);
    const idPub = Number((await eventually("2501 acquired", () => ordersOf("2501"), (rows) => rows[0]?.ack_gest === 1, 20_000))[0]?.id_pub);
    const failing = await eventually(
      "a failed status back",
      async () => (await harness.pool.query<{ status_back: string; status_back_error: string | null }>(
        "select status_back, status_back_error from sincro.store_orders where id_pub = $1", [idPub])).rows[0],
      (row) => row?.status_back_error !== null && row?.status_back_error !== undefined, 20_000);
    expect(failing).toMatchObject({ status_back: "pending", status_back_error: expect.stringMatching(/HTTP 503/) as string });
    woo.setFaults({ down: false });
    await eventually("told once the shop is back (the job's retry)",
      async () => (await harness.pool.query<{ status_back: string }>("select status_back from sincro.store_orders where id_pub = $1", [idPub])).rows[0]?.status_back,
      (state) => state === "sent", 30_000);
    expect(woo.notes(2501)).toHaveLength(1);
    // told again (a job run twice after a crash): the shop's note is found, nothing added
    await harness.pool.query("update sincro_private.store_order set status_back = 'pending' where id_pub = $1", [idPub]);
    expect(await sendStatusBack(harness.pool, AZI, idPub)).toBe("already");
    expect(woo.notes(2501)).toHaveLength(1);
  });

  it("finds a lost webhook by reconciliation: one order", async () => {
    const lost = woo.putOrder({ ...fixtureOrder("woocommerce-guest-fiscal"), id: 2001, number: "2001" });
    expect(lost.id).toBe(2001);
    const shopLost = shop.putOrder({ ...fixtureOrder("shopify-guest-fiscal"), id: 5500002001, name: "#2001" });
    expect(shopLost.id).toBe(5500002001);
    // no webhook: the sweep starts both stores' reconciliation, as the worker's minute round does
    await harness.pool.query("update sincro_private.store set last_reconciled_at = null");
    const swept = await harness.pool.query<{ reconciliations: number }>("select reconciliations from sincro.store_sweep()");
    expect(swept.rows[0]?.reconciliations).toBe(2);
    const woke = await eventually("2001 acquired", () => ordersOf("2001"), (rows) => rows[0]?.ack_gest === 1, 20_000);
    expect(woke).toHaveLength(1);
    expect(await eventually("S-5500002001 acquired", () => ordersOf("S-5500002001"), (rows) => rows[0]?.ack_gest === 1, 20_000)).toHaveLength(1);

    // the webhook arrives after all, and reconciliation runs again: still one order
    expect((await woo.deliver(server.url, "woo1", 2001)).status).toBe(200);
    await reconcileStore(harness.pool, "woo1");
    await settled("woo1");
    expect(await ordersOf("2001")).toHaveLength(1);
    // the shop's pages were followed: several pages of 2
    expect(woo.requests.filter((r) => r.startsWith("GET /wp-json/wc/v3/orders?")).some((r) => r.includes("page=3"))).toBe(true);
    expect(shop.requests.some((r) => r.includes("page_info="))).toBe(true);
  });

  it("takes orders that a webhook and reconciliation bring at the same time once each", async () => {
    const base = fixtureOrder("woocommerce-registered-company");
    const ids = Array.from({ length: 12 }, (_, i) => 3001 + i);
    for (const id of ids) woo.putOrder({ ...base, id, number: String(id) });
    // each order's webhook twice at once (the shop retrying) while two reconciliation passes list them all
    await Promise.all([
      ...ids.flatMap((id) => [woo.deliver(server.url, "woo1", id), woo.deliver(server.url, "woo1", id)]),
      reconcileStore(harness.pool, "woo1"),
      reconcileStore(harness.pool, "woo1"),
    ]);
    await settled("woo1");
    for (const id of ids) expect(await ordersOf(String(id)), String(id)).toHaveLength(1);
    const perOrder = (await harness.pool.query<{ n: number }>(
      "select count(*)::int as n from sincro.store_inbox where store_id = 'woo1' and state = 'created' and platform_order_id::int between 3001 and 3012 group by platform_order_id")).rows;
    expect(perOrder.map((row) => row.n)).toEqual(ids.map(() => 1));
  });

  it("reconciles through a slow shop, and a failed pass leaves the watermark where it was", async () => {
    // the shop's earlier status backs are done: the injected failure is the reconciliation's
    await eventually("no status back pending",
      async () => (await harness.pool.query<{ n: number }>("select count(*)::int as n from sincro.store_orders where status_back in ('waiting', 'pending')")).rows[0]?.n,
      (n) => n === 0, 20_000);
    const before = (await harness.pool.query<{ watermark: Date }>("select watermark from sincro_private.store where store_id = 'shop1'")).rows[0]?.watermark;
    shop.setFaults({ failNext: 1 });
    await expect(reconcileStore(harness.pool, "shop1")).rejects.toThrow(/HTTP 500/);
    const failed = (await harness.pool.query<{ watermark: Date; last_reconcile_error: string }>(
      "select watermark, last_reconcile_error from sincro_private.store where store_id = 'shop1'")).rows[0];
    expect(failed?.watermark).toEqual(before);
    expect(failed?.last_reconcile_error).toMatch(/HTTP 500/);

    shop.setFaults({ delayMs: 300 });
    shop.putOrder({ ...fixtureOrder("shopify-chf-abroad"), id: 5500004001, name: "#4001" });
    const outcome = await reconcileStore(harness.pool, "shop1");
    shop.setFaults({ delayMs: 0 });
    expect(outcome?.queued).toBeGreaterThanOrEqual(1); // the new order (and any order a status back touched since)
    const after = (await harness.pool.query<{ watermark: Date; last_reconcile_error: string | null }>(
      "select watermark, last_reconcile_error from sincro_private.store where store_id = 'shop1'")).rows[0];
    expect(after?.last_reconcile_error).toBeNull();
    expect(after!.watermark.getTime()).toBeGreaterThan(before!.getTime());
    await settled("shop1");
    expect(await ordersOf("S-5500004001")).toHaveLength(1);
  });
});
