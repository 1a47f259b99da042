/*
 * The reference ERP's order batches (docs/erp-api.md, "Order batches"), through the HTTP connector:
 * a result per order, idempotent per web ID, and batches that overlap (a retry, a late second
 * pusher) racing each other and single creates without a deadlock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErpOrderRequest, ErpOrderResult } from "../../src/erp/connector";
import { startErpFixture, type ErpFixture } from "./erp-fixture";

function order(webId: number): ErpOrderRequest {
  return {
    azi: "B1", web_id: webId, prov_tipo: "S", prov_id: null, id_int: `o${webId}`, autore_tipo: "C", autore_cod: "0",
    data_ordine: "2026-11-30", cliente_cod: null, cod_agente: null, dest_ragione_sociale: null, dest_indirizzo: null,
    dest_cap: null, dest_citta: null, dest_provincia: null, dest_nazione: null, cod_pagamento: null, note: null,
    valuta: "EUR", totale_imponibile: null, totale_iva: null, totale_documento: null,
    lines: [{ riga: 1, articolo: "ART1", descrizione: null, quantita: "1.000", unita_misura: null, prezzo: "5.0000", sconto: "0.00", iva: "22", data_consegna: null, note: null }],
    new_customer: {
      customer_id: 1000 + webId, ragione_sociale: `Cliente ${webId}`, partita_iva: "01234567897", codice_fiscale: null, email: null,
      telefono: null, indirizzo: null, cap: null, citta: null, provincia: null, nazione: "IT",
    },
  };
}

describe("order batches in the reference ERP", () => {
  let erp: ErpFixture;

  beforeAll(async () => {
    erp = await startErpFixture("order_batches");
  });

  afterAll(async () => {
    await erp?.stop();
  });

  it("announces its limit, answers each order, and gives the same keys to a batch sent again", async () => {
    expect(await erp.connector.orderBatchLimit?.()).toBe(100);
    const bad = { ...order(3), lines: [{ ...order(3).lines[0]!, quantita: "0" }] };
    const first = await erp.connector.createOrders!("B1", [order(1), order(2), bad]);
    // TEST: created, created, rejected with the reason; the rejection undid nothing of the others
    expect(first.map((result) => [result.web_id, result.outcome])).toEqual([[1, "created"], [2, "created"], [3, "rejected"]]);
    expect((first[2] as Extract<ErpOrderResult, { outcome: "rejected" }>).message).toMatch(/quantity/);
    // TEST: the same batch again: the same keys, as existing
    const again = await erp.connector.createOrders!("B1", [order(1), order(2)]);
    expect(again.map((result) => result.outcome)).toEqual(["existing", "existing"]);
    expect(again.map((result) => ("tor_chia" in result ? result.tor_chia : null))).toEqual(first.slice(0, 2).map((result) => ("tor_chia" in result ? result.tor_chia : null)));
  });

  it("overlapping batches in opposite orders and single creates, all at once: no deadlock, each order once", async () => {
    const ids = Array.from({ length: 30 }, (_, index) => 100 + index);
    for (let round = 0; round < 5; round++) {
      const batchIds = ids.map((id) => id + round * 100);
      const calls: Promise<unknown>[] = [
        erp.connector.createOrders!("B1", batchIds.map(order)),
        erp.connector.createOrders!("B1", [...batchIds].reverse().map(order)),
        erp.connector.createOrders!("B1", batchIds.filter((_, index) => index % 2 === 0).map(order)),
        ...batchIds.filter((_, index) => index % 3 === 0).map((id) => erp.connector.createOrder(order(id))),
      ];
      // TEST: every request answered (a deadlock is a 500: the connector throws ErpUnavailableError)
      const settled = await Promise.allSettled(calls);
      expect(settled.filter((result) => result.status === "rejected").map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);
    }
    // TEST: each web ID once in the ERP, with one new customer each
    const client = await erp.connect();
    try {
      const orders = await client.query<{ n: string; distinct_web: string }>("select count(*) as n, count(distinct web_id) as distinct_web from erp_ref.orders where azi = 'B1' and web_id >= 100");
      expect(orders.rows[0]).toEqual({ n: "150", distinct_web: "150" });
      const customers = await client.query<{ n: string }>("select count(*) as n from erp_ref.customer where azi = 'B1' and web_id >= 1100");
      expect(customers.rows[0]?.n).toBe("150");
    } finally {
      await client.end();
    }
  });
});
