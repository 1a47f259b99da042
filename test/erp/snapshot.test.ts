/*
 * The ERP's snapshots through the HTTP connector: 20,000 seeded articles
 * streamed in batches with the change-log position they reflect, consistent
 * while the ERP keeps writing, and after a garbage collection (undici cancels
 * the body of a collected Response); customers and orders; an abandoned stream gives
 * its connection back; unknown entity, ERP down, slow headers, a stalled or
 * malformed body, a body shorter than announced are all "unavailable".
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErpUnavailableError, type ErpConnector, type ErpEntity, type ErpSnapshotRow } from "../../src/erp/connector";
import { createHttpConnector } from "../../src/erp/http-connector";
import { startErpFixture, type ErpFixture } from "./erp-fixture";

async function readAll(connector: ErpConnector, azi: string, entity: ErpEntity, batchSize?: number) {
  const snapshot = await connector.openSnapshot(azi, entity, batchSize === undefined ? {} : { batchSize });
  const batches: (readonly ErpSnapshotRow[])[] = [];
  for await (const batch of snapshot.batches()) batches.push(batch);
  return { cursor: snapshot.cursor, batches, rows: batches.flat() };
}

describe("ERP snapshots", () => {
  let erp: ErpFixture;

  beforeAll(async () => {
    erp = await startErpFixture("erp_snapshot");
    const seeded = await erp.request("POST", "/_admin/companies/S1/seed", { articles: 20_000, customers: 50, particolarita: 120 });
    expect(seeded).toEqual({ status: 200, body: { articles: 20_000, customers: 50, particolarita: 120, agents: 0 } });
  });

  afterAll(async () => {
    await erp?.stop();
  });

  it("streams 20,000 articles in batches of at most batchSize, each once, with x-erp-cursor", async () => {
    const { cursor, batches, rows } = await readAll(erp.connector, "S1", "article", 1500);
    expect(cursor).toBe("0"); // seeded without change-log entries
    expect(batches.length).toBe(14);
    expect(batches.every((batch) => batch.length > 0 && batch.length <= 1500)).toBe(true);
    expect(rows.length).toBe(20_000);
    expect(new Set(rows.map((row) => row.key.cod_art)).size).toBe(20_000);
    expect(rows.find((row) => row.key.cod_art === "A0000001")).toEqual({
      key: { cod_art: "A0000001" },
      data: { descrizione: "Articolo 1", unita_misura: "PZ", prezzo: 1.37, cod_iva: "22", giacenza: 1 },
    });
  });

  it("gives the same rows as unparsed JSON lines (rawBatches), in the same batches, read once", async () => {
    const parsed = await readAll(erp.connector, "S1", "customer", 20);
    const snapshot = await erp.connector.openSnapshot("S1", "customer", { batchSize: 20 });
    const raw: (readonly string[])[] = [];
    for await (const batch of snapshot.rawBatches?.() ?? []) raw.push(batch);
    expect(raw.map((batch) => batch.length)).toEqual(parsed.batches.map((batch) => batch.length));
    expect(raw.flat().map((line) => JSON.parse(line) as unknown)).toEqual(parsed.rows);
    expect(() => snapshot.batches()).toThrow(/read once/);
  });

  it("reflects exactly the log up to its cursor while the ERP keeps writing", async () => {
    expect((await erp.request("POST", "/_admin/companies/S1/touch", { entity: "article", count: 3 })).body).toEqual({ entity: "article", touched: 3 });
    const before = await erp.connector.pullChanges("S1", "", 100);
    expect(before.changes.map((change) => change.key.cod_art)).toEqual(["A0000001", "A0000002", "A0000003"]);

    const snapshot = await erp.connector.openSnapshot("S1", "article", { batchSize: 5000 });
    expect(snapshot.cursor).toBe(before.next_cursor);
    // committed after the snapshot began: not in its rows, and after its cursor in the feed
    await erp.request("POST", "/_admin/companies/S1/touch", { entity: "article", count: 5 });
    const prices = new Map<string, unknown>();
    for await (const batch of snapshot.batches()) for (const row of batch) prices.set(row.key.cod_art ?? "", row.data.prezzo);
    expect([1, 2, 3, 4, 5].map((i) => prices.get(`A000000${i}`))).toEqual([2.37, 2.74, 3.11, 2.48, 2.85]);
    const after = await erp.connector.pullChanges("S1", snapshot.cursor, 100);
    expect(after.changes.map((change) => [change.key.cod_art, change.data?.prezzo])).toEqual([
      ["A0000001", 3.37], ["A0000002", 3.74], ["A0000003", 4.11], ["A0000004", 3.48], ["A0000005", 3.85],
    ]);
  });

  it("still reads the whole body when garbage collection runs between opening and reading", async () => {
    setFlagsFromString("--expose-gc");
    const collectGarbage = runInNewContext("gc") as () => void;
    const snapshot = await erp.connector.openSnapshot("S1", "article", { batchSize: 5000 });
    for (let i = 0; i < 3; i++) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    let rows = 0;
    for await (const batch of snapshot.batches()) rows += batch.length;
    expect(rows).toBe(20_000);
  });

  it("streams customers, particolarità and orders in their wire shapes", async () => {
    const customers = await readAll(erp.connector, "S1", "customer");
    expect(customers.rows.length).toBe(50);
    expect(customers.rows.find((row) => row.key.cod_cli === "S0000002")?.data).toEqual({
      ragione_sociale: "Cliente 2", partita_iva: "00000000002", codice_fiscale: null, indirizzo: null, cap: null, citta: "Milano",
      provincia: "MI", nazione: "IT", email: null, telefono: null, listino: "1", cod_agente: null, cod_pagamento: "RB30",
    });
    const particolarita = await readAll(erp.connector, "S1", "particolarita");
    expect(particolarita.rows.length).toBe(120);
    expect(particolarita.rows.map((row) => row.key)).toContainEqual({ cod_cli: "S0000001", cod_art: "A0000003", valido_dal: "2026-01-01" });

    const entered = await erp.request("POST", "/operator/companies/S1/orders", { operatore_cod: "75", lines: [{ articolo: "A0000001", quantita: 2 }] });
    const orders = await readAll(erp.connector, "S1", "order");
    expect(orders.rows).toEqual([{ key: { tor_chia: (entered.body as { tor_chia: string }).tor_chia }, data: expect.objectContaining({ autore_tipo: "O", autore_cod: "75" }) }]);
    expect((await readAll(erp.connector, "S1", "document")).rows).toEqual([]);
  });

  it("gives the ERP's connection back when the reader stops early", async () => {
    for (let i = 0; i < 12; i++) {
      const snapshot = await erp.connector.openSnapshot("S1", "article", { batchSize: 100 });
      for await (const batch of snapshot.batches()) {
        expect(batch.length).toBe(100);
        break;
      }
    }
    const client = await erp.connect();
    try {
      let open = Infinity;
      for (let attempt = 0; attempt < 50 && open > 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const result = await client.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'",
        );
        open = result.rows[0]?.n ?? 0;
      }
      expect(open).toBe(0);
    } finally {
      await client.end();
    }
    expect((await readAll(erp.connector, "S1", "customer")).rows.length).toBe(50); // the pool (8 connections) still serves
  });

  it("is unavailable for an unknown entity, an ERP that is down or unreachable, or too slow to answer", async () => {
    const unknown = await erp.connector.openSnapshot("S1", "orders" as ErpEntity).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(ErpUnavailableError);
    expect((unknown as Error).message).toMatch(/404 unknown entity "orders"/);
    erp.server.setFaults({ down: true });
    try {
      await expect(erp.connector.openSnapshot("S1", "article")).rejects.toBeInstanceOf(ErpUnavailableError);
    } finally {
      erp.server.setFaults({ down: false });
    }
    await expect(createHttpConnector({ baseUrl: "http://127.0.0.1:9", token: erp.token }).openSnapshot("S1", "article")).rejects.toBeInstanceOf(ErpUnavailableError);
    erp.server.setFaults({ latencyMs: 600 });
    try {
      const slow = createHttpConnector({ baseUrl: erp.server.url, token: erp.token, timeoutMs: 200 });
      await expect(slow.openSnapshot("S1", "article")).rejects.toThrow(/no answer within 200 ms/);
    } finally {
      erp.server.setFaults({ latencyMs: 0 });
    }
  });
});

describe("a snapshot body that stalls or breaks", () => {
  let stub: Server;
  let url: string;
  /** What the stub ERP answers: the body's first part, then whether it ends or stalls; the row count it announces, if any. */
  let answer: { readonly body: string; readonly end: boolean; readonly rowCount?: string } = { body: "", end: true };

  beforeAll(async () => {
    stub = createServer((_request, response) => {
      response.writeHead(200, {
        "content-type": "application/x-ndjson",
        "x-erp-cursor": "7",
        ...(answer.rowCount === undefined ? {} : { "x-erp-row-count": answer.rowCount }),
      });
      response.write(answer.body);
      if (answer.end) response.end();
    });
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    stub.closeAllConnections();
    await new Promise((resolve) => stub.close(resolve));
  });

  const read = async (timeoutMs = 2000) => {
    const snapshot = await createHttpConnector({ baseUrl: url, token: "t", timeoutMs }).openSnapshot("S1", "article", { batchSize: 1 });
    const rows: ErpSnapshotRow[] = [];
    for await (const batch of snapshot.batches()) rows.push(...batch);
    return rows;
  };

  it("fails on the idle timeout between chunks, not on the time the whole body takes", async () => {
    answer = { body: '{"key":{"cod_art":"A"},"data":{}}\n', end: false };
    const error = await read(300).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ErpUnavailableError);
    expect((error as Error).message).toMatch(/after 1 lines \(no data for 300 ms\)/);
  });

  it("fails on a row that is not {key, data}, naming its line; a last line without newline counts", async () => {
    answer = { body: '{"key":{"cod_art":"A"},"data":{}}\n{"key":{"cod_art":1},"data":{}}\n', end: true };
    await expect(read()).rejects.toThrow(/line 2: key field "cod_art" is not a string/);
    answer = { body: '{"key":{"cod_art":"A"},"data":{}}\n[1]\n', end: true };
    await expect(read()).rejects.toThrow(/line 2 is not \{"key"/);
    answer = { body: '{"key":{"cod_art":"A"},"data":{}}\n{"key":{"cod_art":"B"},"data":{"x":1}}', end: true };
    expect(await read()).toEqual([{ key: { cod_art: "A" }, data: {} }, { key: { cod_art: "B" }, data: { x: 1 } }]);
  });

  it("tells the row count the ERP announced (a progress bar's total), and nothing when it announced none", async () => {
    const open = () => createHttpConnector({ baseUrl: url, token: "t" }).openSnapshot("S1", "article");
    answer = { body: '{"key":{"cod_art":"A"},"data":{}}\n', end: true, rowCount: "1" };
    expect((await open()).rowCount).toBe(1);
    answer = { body: '{"key":{"cod_art":"A"},"data":{}}\n', end: true };
    expect((await open()).rowCount).toBeUndefined();
  });

  it("fails when the stream ends cleanly with fewer rows than x-erp-row-count announced (a rebuild would tombstone the rest)", async () => {
    answer = { body: '{"key":{"cod_art":"A"},"data":{}}\n{"key":{"cod_art":"B"},"data":{}}\n', end: true, rowCount: "3" };
    await expect(read()).rejects.toThrow(/ended after 2 rows, the ERP announced 3/);
    answer = { ...answer, rowCount: "2" };
    expect((await read()).length).toBe(2);
    answer = { ...answer, rowCount: "two" };
    await expect(read()).rejects.toThrow(/x-erp-row-count is not a number/);
  });
});
