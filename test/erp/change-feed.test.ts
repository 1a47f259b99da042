/*
 * The ERP's change feed through the HTTP connector: log order, cursor and
 * `more`; current state (a deleted row is a delete with null data, whatever
 * the entry said); composite keys; operator edits and orders as the hub's
 * erp_write_order documents; an old ERP database upgraded in place; and the
 * commit-order gap (a write committed late with a lower seq is not skipped),
 * shown once to be lost by the naive design.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErpUnavailableError, type ErpChange, type ErpConnector, type ErpOrderRequest } from "../../src/erp/connector";
import { createHttpConnector } from "../../src/erp/http-connector";
import { startReferenceErp } from "../../src/reference-erp/server";
import { createTestDatabase } from "../support/database";
import { startErpFixture, type ErpFixture } from "./erp-fixture";

/** Every change after `after`, pulled `limit` at a time, checking the cursor contract on the way. */
async function pullAll(connector: ErpConnector, azi: string, after: string, limit: number): Promise<{ changes: ErpChange[]; cursor: string; pulls: number }> {
  const changes: ErpChange[] = [];
  let cursor = after;
  let pulls = 0;
  for (;;) {
    const batch = await connector.pullChanges(azi, cursor, limit);
    pulls++;
    expect(batch.changes.length).toBeLessThanOrEqual(limit);
    expect(batch.next_cursor).toBe(batch.changes.at(-1)?.seq ?? cursor);
    changes.push(...batch.changes);
    cursor = batch.next_cursor;
    if (!batch.more) return { changes, cursor, pulls };
  }
}

function article(code: string, prezzo: number) {
  return { key: { cod_art: code }, data: { descrizione: `Articolo ${code}`, unita_misura: "PZ", prezzo, cod_iva: "22", giacenza: 5 } };
}

function webOrder(webId: number, overrides: Partial<ErpOrderRequest> = {}): ErpOrderRequest {
  return {
    azi: "F2", web_id: webId, prov_tipo: "S", prov_id: "shop", id_int: `o${webId}`, autore_tipo: "C", autore_cod: "7",
    data_ordine: "2026-11-22", cliente_cod: null, cod_agente: "AG1", dest_ragione_sociale: null, dest_indirizzo: null,
    dest_cap: null, dest_citta: null, dest_provincia: null, dest_nazione: null, cod_pagamento: null, note: "web",
    valuta: "EUR", totale_imponibile: null, totale_iva: null, totale_documento: null,
    lines: [{ riga: 1, articolo: "ART1", descrizione: "Vite", quantita: "2.000", unita_misura: "PZ", prezzo: "10.5000", sconto: "0.00", iva: "22", data_consegna: "2026-12-01", note: null }],
    new_customer: { customer_id: 9, ragione_sociale: "Anna Bianchi", partita_iva: null, codice_fiscale: "BNCNNA80A41F205U", email: "anna@example.com", telefono: null, indirizzo: "Via Roma 1", cap: "20100", citta: "Milano", provincia: "MI", nazione: "IT" },
    ...overrides,
  };
}

describe("the ERP change feed", () => {
  let erp: ErpFixture;

  beforeAll(async () => {
    erp = await startErpFixture("erp_change_feed");
  });

  afterAll(async () => {
    await erp?.stop();
  });

  it("returns the log in seq order, limit at a time, with next_cursor and more; an exhausted feed keeps the cursor", async () => {
    for (let i = 1; i <= 5; i++) expect((await erp.request("PUT", "/operator/companies/F1/records/article", article(`A${i}`, i))).status).toBe(201);
    const first = await erp.connector.pullChanges("F1", "", 2);
    expect(first.changes.map((change) => change.key)).toEqual([{ cod_art: "A1" }, { cod_art: "A2" }]);
    expect(first.more).toBe(true);
    const all = await pullAll(erp.connector, "F1", "", 2);
    expect(all.pulls).toBe(3);
    expect(all.changes.map((change) => change.key.cod_art)).toEqual(["A1", "A2", "A3", "A4", "A5"]);
    const seqs = all.changes.map((change) => BigInt(change.seq));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    expect(all.changes[2]).toEqual({
      seq: all.changes[2]?.seq, entity: "article", op: "upsert", key: { cod_art: "A3" },
      data: { descrizione: "Articolo A3", unita_misura: "PZ", prezzo: 3, cod_iva: "22", giacenza: 5 },
    });
    expect(await erp.connector.pullChanges("F1", all.cursor, 100)).toEqual({ changes: [], next_cursor: all.cursor, more: false });
    expect((await erp.connector.pullChanges("NOBODY", "", 10)).changes).toEqual([]);
  });

  it("gives each entry the row's current state: changed twice is the last state twice, deleted is a delete with null data", async () => {
    const { cursor } = await pullAll(erp.connector, "F1", "", 1000);
    await erp.request("PUT", "/operator/companies/F1/records/article", article("A1", 100));
    await erp.request("PUT", "/operator/companies/F1/records/article", article("A1", 200));
    await erp.request("PUT", "/operator/companies/F1/records/article", article("A2", 300));
    expect((await erp.request("DELETE", "/operator/companies/F1/records/article", { key: { cod_art: "A2" } })).status).toBe(200);
    const { changes } = await pullAll(erp.connector, "F1", cursor, 1000);
    expect(changes.map(({ op, key, data }) => [op, key.cod_art, data?.prezzo ?? null])).toEqual([
      ["upsert", "A1", 200],
      ["upsert", "A1", 200],
      ["delete", "A2", null],
      ["delete", "A2", null],
    ]);
    expect((await erp.request("DELETE", "/operator/companies/F1/records/article", { key: { cod_art: "A2" } })).status).toBe(404);
  });

  it("carries composite keys: particolarità, accessory tables, documents with lines", async () => {
    const particolarita = { key: { cod_cli: "101", cod_art: "A1", valido_dal: "2026-01-01" }, data: { valido_al: "2026-12-31", prezzo: "9.50", sconto: 5 } };
    const accessory = { key: { tabella: "pagamenti", codice: "RB30" }, data: { descrizione: "Ri.Ba. 30 gg", dati: { giorni: 30 } } };
    const document = {
      key: { tipo_doc: "fattura", numero: "2026/15" },
      data: {
        data_doc: "2026-03-01", cliente_cod: "101", totale_documento: "12.20",
        lines: [{ riga: 1, articolo: "A1", quantita: 1, prezzo: "10.00", iva: "22" }],
      },
    };
    const { cursor } = await pullAll(erp.connector, "F1", "", 1000);
    expect((await erp.request("PUT", "/operator/companies/F1/records/particolarita", particolarita)).status).toBe(201);
    expect((await erp.request("PUT", "/operator/companies/F1/records/accessory", accessory)).status).toBe(201);
    expect((await erp.request("PUT", "/operator/companies/F1/records/document", document)).status).toBe(201);
    // the same key with its fields in another order is the same row
    const reordered = { ...particolarita, key: { valido_dal: "2026-01-01", cod_art: "A1", cod_cli: "101" }, data: { prezzo: 8 } };
    expect((await erp.request("PUT", "/operator/companies/F1/records/particolarita", reordered)).status).toBe(200);
    const { changes } = await pullAll(erp.connector, "F1", cursor, 1000);
    expect(changes.map(({ entity, op, key, data }) => ({ entity, op, key, data }))).toEqual([
      { entity: "particolarita", op: "upsert", key: particolarita.key, data: { valido_al: null, prezzo: 8, sconto: null } },
      { entity: "accessory", op: "upsert", key: accessory.key, data: accessory.data },
      {
        entity: "document", op: "upsert", key: document.key,
        data: {
          data_doc: "2026-03-01", cliente_cod: "101", tor_chia: null, note: null, totale_imponibile: null, totale_iva: null, totale_documento: "12.20",
          lines: [{ riga: 1, articolo: "A1", descrizione: null, quantita: 1, unita_misura: null, prezzo: "10.00", sconto: null, iva: "22" }],
        },
      },
      { entity: "particolarita", op: "upsert", key: particolarita.key, data: { valido_al: null, prezzo: 8, sconto: null } },
    ]);
  });

  it("refuses a malformed record with a 422 naming the field", async () => {
    const wrongDate = await erp.request("PUT", "/operator/companies/F1/records/particolarita", { key: { cod_cli: "1", cod_art: "A1", valido_dal: "01/01/2026" }, data: {} });
    expect(wrongDate.status).toBe(422);
    expect((wrongDate.body as { message: string }).message).toContain("key.valido_dal");
    const unknownField = await erp.request("PUT", "/operator/companies/F1/records/article", { key: { cod_art: "A9" }, data: { prize: 1 } });
    expect(unknownField.status).toBe(422);
    expect((unknownField.body as { message: string }).message).toContain("prize");
    const badDecimal = await erp.request("PUT", "/operator/companies/F1/records/article", { key: { cod_art: "A9" }, data: { prezzo: "1,5" } });
    expect((badDecimal.body as { message: string }).message).toContain("data.prezzo");
    expect((await erp.request("PUT", "/operator/companies/F1/records/orders", { key: {}, data: {} })).status).toBe(404);
    expect((await erp.request("PUT", "/operator/companies/F1/customers/C9", { email: "x@example.com" })).status).toBe(422);
  });

  it("shows customers and orders as the hub takes them, operator edits included", async () => {
    const created = await erp.connector.createOrder(webOrder(1));
    const customerCode = created.cliente_cod ?? "";
    const entered = await erp.request("POST", "/operator/companies/F2/orders", {
      operatore_cod: "75", cliente_cod: customerCode, conferma: "CK3", note: "al telefono",
      lines: [{ articolo: "ART9", quantita: 4 }, { articolo: "ART8", quantita: 1, prezzo: 2.5 }],
    });
    const operatorKey = (entered.body as { tor_chia: string }).tor_chia;
    expect((await erp.request("PATCH", `/operator/companies/F2/orders/${created.tor_chia}`, { note: "cambiata", cod_agente: "AG2" })).status).toBe(200);
    expect((await erp.request("POST", `/operator/companies/F2/orders/${created.tor_chia}/confirm`, { conferma: "OK1" })).status).toBe(200);
    expect((await erp.request("PUT", `/operator/companies/F2/customers/${customerCode}`, { telefono: "02 123", listino: "2" })).status).toBe(200);
    expect((await erp.request("PUT", "/operator/companies/F2/customers/M1", { ragione_sociale: "Marco", nazione: "IT" })).status).toBe(201);
    expect((await erp.request("DELETE", "/operator/companies/F2/customers/M1")).status).toBe(200);

    const { changes } = await pullAll(erp.connector, "F2", "", 1000);
    expect(changes.map(({ entity, op, key }) => [entity, op, Object.values(key)[0]])).toEqual([
      ["customer", "upsert", customerCode],
      ["order", "upsert", created.tor_chia],
      ["order", "upsert", operatorKey],
      ["order", "upsert", created.tor_chia],
      ["order", "upsert", created.tor_chia],
      ["customer", "upsert", customerCode],
      ["customer", "delete", "M1"],
      ["customer", "delete", "M1"],
    ]);
    expect(changes[0]?.data).toEqual({
      ragione_sociale: "Anna Bianchi", partita_iva: null, codice_fiscale: "BNCNNA80A41F205U", indirizzo: "Via Roma 1", cap: "20100",
      citta: "Milano", provincia: "MI", nazione: "IT", email: "anna@example.com", telefono: "02 123", listino: "2",
      cod_agente: null, cod_pagamento: null,
    });
    // a web order: answered by id_pub, its current state (patched, confirmed), no autore_*, prov_*, id_int
    expect(changes[1]?.data).toEqual({
      tor_chia: created.tor_chia, id_pub: 1, conferma: "OK1", cliente_cod: customerCode, cod_agente: "AG2", note: "cambiata",
      data_ordine: "2026-11-22",
      lines: [{ riga: 1, articolo: "ART1", descrizione: "Vite", quantita: "2.000", unita_misura: "PZ", prezzo: "10.5000", sconto: "0.00", iva: "22", data_consegna: "2026-12-01", note: null }],
    });
    // an operator's order: authored by the operator, dated the day it was entered, lines numbered, price 0 when not given
    const operatorOrder = changes[2]?.data ?? {};
    expect(operatorOrder).toEqual({
      tor_chia: operatorKey, conferma: "CK3", cliente_cod: customerCode, cod_agente: null, note: "al telefono",
      autore_tipo: "O", autore_cod: "75", data_ordine: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      lines: [
        { riga: 1, articolo: "ART9", descrizione: null, quantita: 4, unita_misura: null, prezzo: 0, sconto: 0, iva: null, data_consegna: null, note: null },
        { riga: 2, articolo: "ART8", descrizione: null, quantita: 1, unita_misura: null, prezzo: 2.5, sconto: 0, iva: null, data_consegna: null, note: null },
      ],
    });
    // a patch that replaces the lines and the customer shows in the export
    await erp.request("PATCH", `/operator/companies/F2/orders/${operatorKey}`, { cliente_cod: "555", lines: [{ articolo: "ART7", quantita: 3, prezzo: 1 }] });
    const last = await erp.connector.pullChanges("F2", changes.at(-1)?.seq ?? "", 10);
    expect(last.changes.map((change) => [change.data?.cliente_cod, change.data?.lines])).toEqual([
      ["555", [{ riga: 1, articolo: "ART7", descrizione: null, quantita: 3, unita_misura: null, prezzo: 1, sconto: 0, iva: null, data_consegna: null, note: null }]],
    ]);
  });

  it("does not skip a write committed late with a lower seq (the company's change-log lock orders seq by commit)", async () => {
    const { cursor } = await pullAll(erp.connector, "F3", "", 1000);
    await erp.request("PUT", "/operator/companies/F3/records/article", article("W0", 1));
    const { cursor: start } = await pullAll(erp.connector, "F3", cursor, 1000);

    // writer 1 follows the ERP's protocol by hand and stays open after logging
    const writer = await erp.connect();
    try {
      await writer.query("begin");
      await writer.query("select 1 from erp_ref.company where azi = 'F3' for update");
      await writer.query(`insert into erp_ref.record (azi, entity, key, data) values ('F3', 'article', '{"cod_art": "LATE"}', '{"prezzo": 1}')`);
      await writer.query(`insert into erp_ref.change_log (azi, entity, key, key_json, op) values ('F3', 'article', '{"cod_art": "LATE"}', '{"cod_art": "LATE"}', 'insert')`);

      // writer 2, an operator, starts after it and must wait for it
      const second = erp.request("PUT", "/operator/companies/F3/records/article", article("EARLY", 2));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const during = await erp.connector.pullChanges("F3", start, 100);
      expect(during).toEqual({ changes: [], next_cursor: start, more: false });

      await writer.query("commit");
      expect((await second).status).toBe(201);
    } finally {
      await writer.end();
    }
    const { changes } = await pullAll(erp.connector, "F3", start, 100);
    expect(changes.map((change) => change.key.cod_art)).toEqual(["LATE", "EARLY"]);
  });

  it("(naive design, for contrast) without the lock the late commit is skipped for good", async () => {
    const { cursor: start } = await pullAll(erp.connector, "F4", "", 1000);
    const late = await erp.connect();
    const early = await erp.connect();
    try {
      await late.query("insert into erp_ref.company (azi) values ('F4') on conflict do nothing");
      const log = (client: Client, code: string) =>
        client.query(`insert into erp_ref.change_log (azi, entity, key, key_json, op) values ('F4', 'article', $1::jsonb::text, $1::jsonb, 'insert')`, [JSON.stringify({ cod_art: code })]);
      await late.query("begin");
      await log(late, "LATE"); // takes the lower seq, commits last
      await log(early, "EARLY"); // autocommit
      const seen = await pullAll(erp.connector, "F4", start, 100);
      await late.query("commit");
      const after = await pullAll(erp.connector, "F4", seen.cursor, 100);
      expect([...seen.changes, ...after.changes].map((change) => change.key.cod_art)).toEqual(["EARLY"]);
    } finally {
      await late.end();
      await early.end();
    }
  });

  it("is unavailable when the ERP is down, unreachable, or refuses the request", async () => {
    erp.server.setFaults({ down: true });
    try {
      await expect(erp.connector.pullChanges("F1", "", 10)).rejects.toBeInstanceOf(ErpUnavailableError);
    } finally {
      erp.server.setFaults({ down: false });
    }
    const unreachable = createHttpConnector({ baseUrl: "http://127.0.0.1:9", token: erp.token });
    await expect(unreachable.pullChanges("F1", "", 10)).rejects.toBeInstanceOf(ErpUnavailableError);
    const badCursor = await erp.connector.pullChanges("F1", "not-a-cursor", 10).catch((error: unknown) => error);
    expect(badCursor).toBeInstanceOf(ErpUnavailableError);
    expect((badCursor as Error).message).toMatch(/400 .*after/);
    const wrongToken = createHttpConnector({ baseUrl: erp.server.url, token: "wrong" });
    await expect(wrongToken.pullChanges("F1", "", 10)).rejects.toThrow(/401/);
  });
});

describe("an ERP database from before composite keys", () => {
  it("upgrades in place and still serves its old log entries", async () => {
    const database = await createTestDatabase("erp_upgrade", { migrate: false });
    const old = new Client({ connectionString: database.url });
    await old.connect();
    try {
      await old.query(`
        create schema erp_ref;
        create table erp_ref.company (azi text primary key, last_order_number bigint not null default 0, last_customer_number bigint not null default 0);
        create table erp_ref.customer (azi text not null references erp_ref.company (azi), code text not null, web_id bigint, data jsonb not null,
          created_at timestamptz not null default now(), primary key (azi, code), unique (azi, web_id));
        create table erp_ref.orders (azi text not null references erp_ref.company (azi), tor_chia text not null, web_id bigint, conferma text,
          cliente_cod text, operatore_cod text, data jsonb not null, created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(), primary key (azi, tor_chia), unique (azi, web_id));
        create table erp_ref.change_log (seq bigserial primary key, azi text not null, entity text not null, key text not null, op text not null,
          at timestamptz not null default now());
        insert into erp_ref.company (azi) values ('U1');
        insert into erp_ref.customer (azi, code, data) values ('U1', '101', '{"ragione_sociale": "Vecchio"}');
        insert into erp_ref.change_log (azi, entity, key, op) values ('U1', 'customer', '101', 'insert'), ('U1', 'order', 'C202500000001', 'insert');`);
    } finally {
      await old.end();
    }
    const server = await startReferenceErp({ databaseUrl: database.url, token: "t" });
    try {
      const connector = createHttpConnector({ baseUrl: server.url, token: "t" });
      const batch = await connector.pullChanges("U1", "", 10);
      expect(batch.changes.map(({ entity, op, key, data }) => [entity, op, key, data?.ragione_sociale ?? null])).toEqual([
        ["customer", "upsert", { cod_cli: "101" }, "Vecchio"],
        ["order", "delete", { tor_chia: "C202500000001" }, null],
      ]);
    } finally {
      await server.close();
      await database.drop();
    }
  });
});
