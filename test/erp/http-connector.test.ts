/*
 * The HTTP connector against the reference ERP over loopback: idempotency on
 * the web ID under concurrency, error classification, health, and the
 * operator's own orders (scenario D1) in the ERP's change log.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErpRejectedError, ErpUnavailableError, type ErpOrderRequest } from "../../src/erp/connector";
import { createHttpConnector } from "../../src/erp/http-connector";
import { startReferenceErp, type ReferenceErp } from "../../src/reference-erp/server";
import { createTestDatabase, type TestDatabase } from "../support/database";

function order(webId: number, overrides: Partial<ErpOrderRequest> = {}): ErpOrderRequest {
  return {
    azi: "C00001", web_id: webId, prov_tipo: "S", prov_id: null, id_int: `o${webId}`, autore_tipo: "C", autore_cod: "0",
    data_ordine: "2026-11-22", cliente_cod: null, cod_agente: null, dest_ragione_sociale: null, dest_indirizzo: null,
    dest_cap: null, dest_citta: null, dest_provincia: null, dest_nazione: null, cod_pagamento: null, note: null,
    valuta: "EUR", totale_imponibile: null, totale_iva: null, totale_documento: null,
    lines: [{ riga: 1, articolo: "ART1", descrizione: null, quantita: "2.000", unita_misura: null, prezzo: "10.5000", sconto: "0.00", iva: "22", data_consegna: null, note: null }],
    new_customer: null,
    ...overrides,
  };
}

describe("HTTP connector and reference ERP", () => {
  let database: TestDatabase;
  let erp: ReferenceErp;
  const token = randomBytes(8).toString("hex");

  beforeAll(async () => {
    database = await createTestDatabase("erp_connector", { migrate: false });
    erp = await startReferenceErp({ databaseUrl: database.url, token });
  });

  afterAll(async () => {
    await erp?.close();
    await database?.drop();
  });

  it("20 concurrent creates of one web ID make one order and all get its key", async () => {
    const connector = createHttpConnector({ baseUrl: erp.url, token, timeoutMs: 5000 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => connector.createOrder(order(1))));
    const keys = new Set(answers.map((answer) => answer.tor_chia));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^C\d{4}\d{8}$/);
    expect(answers.filter((answer) => answer.created).length).toBe(1);
    const response = await fetch(`${erp.url}/orders?azi=C00001`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await response.json()) as { orders: unknown[] }).orders).toHaveLength(1);
  });

  it("a new customer gets one code, reused by its next order", async () => {
    const connector = createHttpConnector({ baseUrl: erp.url, token });
    const customer = { customer_id: 9, ragione_sociale: "Anna Bianchi", partita_iva: null, codice_fiscale: null, email: null, telefono: null, indirizzo: null, cap: null, citta: null, provincia: null, nazione: "IT" };
    const first = await connector.createOrder(order(2, { new_customer: customer }));
    const second = await connector.createOrder(order(3, { new_customer: customer }));
    expect(first.cliente_cod).toMatch(/^\d+$/);
    expect(second.cliente_cod).toBe(first.cliente_cod);
  });

  it("classifies errors: wrong token and 5xx are 'unavailable', an invalid order is a rejection with the ERP's message", async () => {
    await expect(createHttpConnector({ baseUrl: erp.url, token: "wrong" }).createOrder(order(4))).rejects.toBeInstanceOf(ErpUnavailableError);
    const connector = createHttpConnector({ baseUrl: erp.url, token });
    const rejection = await connector.createOrder(order(5, { cliente_cod: "NOPE" })).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(ErpRejectedError);
    expect((rejection as ErpRejectedError).erpMessage).toBe("customer NOPE does not exist in the ERP");
    expect((rejection as ErpRejectedError).status).toBe(422);
    erp.setFaults({ errorRate: 1 });
    await expect(connector.createOrder(order(6))).rejects.toBeInstanceOf(ErpUnavailableError);
    erp.setFaults({ errorRate: 0, down: true });
    expect((await connector.health()).ok).toBe(false);
    erp.setFaults({ down: false });
    expect(await connector.health()).toEqual({ ok: true, detail: "ok" });
    await expect(createHttpConnector({ baseUrl: "http://127.0.0.1:9", token }).createOrder(order(7))).rejects.toBeInstanceOf(ErpUnavailableError);
  });

  it("no ERP at the URL: 'unavailable', saying why in words (a port fetch refuses, a refused connection)", async () => {
    const refusedPort = await createHttpConnector({ baseUrl: "http://127.0.0.1:1", token }).createOrder(order(8)).catch((error: unknown) => error);
    expect(refusedPort).toBeInstanceOf(ErpUnavailableError);
    expect((refusedPort as Error).message).toMatch(/fetch never connects to port 1 .*another port in SINCRO_ERP_URL/);
    expect((refusedPort as Error).message).not.toContain("Error: bad port");
    const nobody = await createHttpConnector({ baseUrl: "http://127.0.0.1:2", token }).health();
    expect(nobody.ok).toBe(false);
    expect(nobody.detail).toMatch(/^ERP GET \/v1\/health: connect ECONNREFUSED 127\.0\.0\.1:2$/);
  });

  it("stopping the reference ERP as the README shows: PUT /_admin/faults with the bearer token", async () => {
    const put = (body: unknown, authorization?: string) =>
      fetch(`${erp.url}/_admin/faults`, {
        method: "PUT",
        headers: { "content-type": "application/json", ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify(body),
      });
    expect((await put({ down: true })).status).toBe(401);
    const down = await put({ down: true }, `Bearer ${token}`);
    expect(down.status).toBe(200);
    expect(await down.json()).toEqual({ down: true, latencyMs: 0, errorRate: 0, dieAfterCommitRate: 0 });
    const connector = createHttpConnector({ baseUrl: erp.url, token });
    expect((await connector.health()).detail).toMatch(/^503 /);
    expect((await put({ down: false }, `Bearer ${token}`)).status).toBe(200);
    expect(await connector.health()).toEqual({ ok: true, detail: "ok" });
  });

  it("an operator's own order and confirmation land in the ERP's change log", async () => {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const entered = await fetch(`${erp.url}/operator/companies/C00001/orders`, {
      method: "POST", headers, body: JSON.stringify({ operatore_cod: "75", conferma: "CK3", lines: [{ articolo: "ART9", quantita: 4 }] }),
    });
    expect(entered.status).toBe(201);
    const { tor_chia: torChia } = (await entered.json()) as { tor_chia: string };
    const confirmed = await fetch(`${erp.url}/operator/companies/C00001/orders/${torChia}/confirm`, {
      method: "POST", headers, body: JSON.stringify({ conferma: "CK4" }),
    });
    expect(confirmed.status).toBe(200);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const log = await client.query("select entity, key, op from erp_ref.change_log where key = $1 order by seq", [torChia]);
      expect(log.rows).toEqual([{ entity: "order", key: torChia, op: "insert" }, { entity: "order", key: torChia, op: "update" }]);
      const row = await client.query("select web_id, conferma, operatore_cod from erp_ref.orders where tor_chia = $1", [torChia]);
      expect(row.rows).toEqual([{ web_id: null, conferma: "CK4", operatore_cod: "75" }]);
    } finally {
      await client.end();
    }
  });
});
