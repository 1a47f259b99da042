/*
 * Pushes in batches (issue 15; docs/erp-api.md, "Order batches"): a push_order job sends its
 * order and other new orders of its company in one request, and writes the answers back in one
 * transaction; a rejected order in a batch is rejected alone; an ERP that offers only the single
 * create keeps working. Exactly once under faults with batches: test/push/exactly-once.test.ts.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { OrderRequestArrival } from "../../src/reference-erp/server";
import { startWorker, type RunningWorker } from "../../src/worker/run-worker";
import { eventually, insertStoreOrder, pushStates, registerCompany, startPushHarness, type PushHarness } from "./harness";

const silent = pino({ level: "silent" });

describe("pushes in batches", () => {
  let harness: PushHarness | undefined;
  let worker: RunningWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
    await harness?.stop();
    worker = undefined;
    harness = undefined;
  });

  async function setUp(options: { offersOrderBatches: boolean }) {
    const arrivals: { webId: number; arrival: OrderRequestArrival }[] = [];
    harness = await startPushHarness("push_batches", {
      timeoutMs: 5000,
      offersOrderBatches: options.offersOrderBatches,
      onOrderRequest: async (request, arrival) => {
        arrivals.push({ webId: request.web_id, arrival });
      },
    });
    return { harness, arrivals };
  }

  it("queued orders go in requests of up to SINCRO_PUSH_BATCH, each answered; a rejected one is rejected alone", async () => {
    const { harness, arrivals } = await setUp({ offersOrderBatches: true });
    await registerCompany(harness.pool, "C00001");
    await registerCompany(harness.pool, "C00002");
    // 24 orders of C00001 (order 7 carries a foreign new customer the ERP refuses) and 3 of C00002, queued with no worker running
    for (let index = 1; index <= 24; index++) {
      if (index === 7) {
        await harness.pool.query(`
          with c as (insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, partita_iva, nazione)
                     values ('C00001', 'S', 'cust-7', 'Müller GmbH', 'DE123', 'DE') returning customer_id),
               o as (insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id)
                     select 'C00001', 'S', '7', 'C', '0', customer_id from c returning id_pub)
          insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) select 'C00001', id_pub, 1, 'ART1', 1, 5 from o`);
      } else {
        await insertStoreOrder(harness.pool, "C00001", String(index));
      }
    }
    for (let index = 1; index <= 3; index++) await insertStoreOrder(harness.pool, "C00002", String(index));

    worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 1, pollInterval: 200, sweep: false, pushBatch: 10 });
    await eventually("every order answered", () => pushStates(harness.pool, "C00001"), (states) => (states.acquired ?? 0) + (states.rejected ?? 0) === 24, 20_000);
    await eventually("C00002's orders acquired", () => pushStates(harness.pool, "C00002"), (states) => states.acquired === 3, 20_000);

    // TEST: each order answered as the ERP answered it: 23 acquired with their ERP key, order 7 rejected with the ERP's message
    expect(await pushStates(harness.pool, "C00001")).toEqual({ acquired: 23, rejected: 1 });
    const rejected = await harness.pool.query("select id_pub, erp_message from sincro.order_push where azi = 'C00001' and state = 'rejected'");
    expect(rejected.rows).toEqual([{ id_pub: "7", erp_message: "new customer: partita_iva DE123 must be 11 digits" }]);
    const keys = await harness.pool.query<{ id_pub: string; tor_chia: string }>("select id_pub, tor_chia from sincro.arportes where azi = 'C00001' and ack_gest = 1");
    const erpKeys = new Map((await harness.erpOrders("C00001")).map((order) => [String(order.web_id), order.tor_chia]));
    expect(keys.rows).toHaveLength(23);
    for (const row of keys.rows) expect(erpKeys.get(row.id_pub)).toBe(row.tor_chia);
    // TEST: they went in batches, none over 10 orders, each order once, one company per request (C00002's in their own)
    expect(arrivals.every(({ arrival }) => arrival.via === "batch" && arrival.ordersInRequest <= 10)).toBe(true);
    expect(arrivals.filter(({ arrival }) => arrival.ordersInRequest === 10).length).toBeGreaterThanOrEqual(20);
    expect(arrivals).toHaveLength(27);
  });

  it("an ERP that offers only the single create gets one request per order, with batches asked for", async () => {
    const { harness, arrivals } = await setUp({ offersOrderBatches: false });
    await registerCompany(harness.pool, "C00001");
    for (let index = 1; index <= 12; index++) await insertStoreOrder(harness.pool, "C00001", String(index));
    worker = await startWorker({ connectionString: harness.hub.url, erp: harness.erp, logger: silent, concurrency: 2, pollInterval: 200, sweep: false, pushBatch: 10 });
    await eventually("all acquired", () => pushStates(harness.pool, "C00001"), (states) => states.acquired === 12, 20_000);
    // TEST: every order alone, through the single create
    expect(arrivals.map(({ arrival }) => arrival)).toEqual(Array.from({ length: 12 }, () => ({ via: "single", ordersInRequest: 1 })));
  });
});
