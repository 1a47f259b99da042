/*
 * Agents, the customer's agent, open items and credit data travel from the
 * reference ERP to the hub in a sync for changes and in a total rebuild; the
 * reference ERP's operator routes reassign a customer, block it and add an
 * open item. An ERP that does not offer the new entities (404 on their
 * snapshot) still rebuilds.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceClient } from "../../src/device/client";
import { createHttpConnector } from "../../src/erp/http-connector";
import { runChangesSync } from "../../src/sync/changes";
import { runRebuild } from "../../src/sync/rebuild";
import { registerSyncCompany, startSyncHarness, type SyncHarness } from "../sync/harness";

const AZI = "DEV01";

describe("the agent's data from the ERP", () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness("device_erp");
    await registerSyncCompany(harness.pool, AZI);
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("carries agents, the customer's agent, open items and credit data in changes and snapshots", async () => {
    const put = (entity: string, key: object, data: object) =>
      harness.erpCall("PUT", `/operator/companies/${AZI}/records/${entity}`, { key, data });
    await put("agent", { cod_agente: "S1" }, { nome: "Area" });
    await put("agent", { cod_agente: "A1" }, { nome: "Uno", cod_supervisore: "S1" });
    await put("agent", { cod_agente: "A2" }, { nome: "Due" });
    await harness.erpCall("PUT", `/operator/companies/${AZI}/customers/K1`, { ragione_sociale: "Rossi", cod_agente: "A1" });
    await put("customer_credit", { cod_cli: "K1" }, { fido: 5000, esposizione: 1200 });
    // TEST: the operator routes: an open item, a block, a reassignment
    expect(
      await harness.erpCall("POST", `/operator/companies/${AZI}/customers/K1/open-items`, {
        id_partita: "FT12/1",
        data_scadenza: "2026-12-31",
        importo: "300.00",
      }),
    ).toEqual({ key: { cod_cli: "K1", id_partita: "FT12/1" }, created: true });
    expect(await harness.erpCall("POST", `/operator/companies/${AZI}/customers/K1/block`, { motivo_blocco: "insoluto" })).toMatchObject({
      bloccato: true,
      created: false,
    });

    await runChangesSync(harness.pool, harness.erp, AZI);
    const hub = async () => ({
      agents: (await harness.pool.query("select cod_agente, cod_supervisore from sincro.agenti where azi = $1 order by 1", [AZI])).rows,
      customer: (await harness.pool.query("select cod_agente from sincro.clienti where azi = $1 and cod_cli = 'K1'", [AZI])).rows[0],
      credit: (await harness.pool.query("select fido, esposizione, bloccato, motivo_blocco, slice_agente from sincro.fidi where azi = $1", [AZI])).rows,
      items: (await harness.pool.query("select id_partita, importo, data_scadenza::text, pagata, slice_agente from sincro.partite_aperte where azi = $1", [AZI])).rows,
    });
    expect(await hub()).toEqual({
      agents: [
        { cod_agente: "A1", cod_supervisore: "S1" },
        { cod_agente: "A2", cod_supervisore: null },
        { cod_agente: "S1", cod_supervisore: null },
      ],
      customer: { cod_agente: "A1" },
      credit: [{ fido: "5000.00", esposizione: "1200.00", bloccato: true, motivo_blocco: "insoluto", slice_agente: "A1" }],
      items: [{ id_partita: "FT12/1", importo: "300.00", data_scadenza: "2026-12-31", pagata: false, slice_agente: "A1" }],
    });

    // TEST: a reassignment reaches the hub and the customer's rows follow it
    await harness.erpCall("POST", `/operator/companies/${AZI}/customers/K1/reassign`, { cod_agente: "A2" });
    await runChangesSync(harness.pool, harness.erp, AZI);
    const afterReassign = await hub();
    expect(afterReassign.customer).toEqual({ cod_agente: "A2" });
    expect(afterReassign.credit[0].slice_agente).toBe("A2");
    expect(afterReassign.items[0].slice_agente).toBe("A2");

    // TEST: a rebuild reads the same state from the snapshots and tombstones nothing
    const rebuilt = await runRebuild(harness.pool, harness.erp, AZI);
    expect(rebuilt.tombstoned).toBe(0);
    expect(rebuilt.entities.agent.received).toBe(3);
    expect(rebuilt.entities.open_item.received).toBe(1);
    expect(rebuilt.entities.customer_credit.received).toBe(1);
    expect(await hub()).toEqual(afterReassign);
  });

  it("end to end: a device downloads its slice, follows an operator's changes after a sync, uploads an order written offline", async () => {
    const AZI2 = "DEV02";
    await registerSyncCompany(harness.pool, AZI2);
    const put = (entity: string, key: object, data: object) => harness.erpCall("PUT", `/operator/companies/${AZI2}/records/${entity}`, { key, data });
    await put("agent", { cod_agente: "A1" }, { nome: "Uno" });
    await put("agent", { cod_agente: "A2" }, { nome: "Due" });
    await harness.erpCall("PUT", `/operator/companies/${AZI2}/customers/K1`, { ragione_sociale: "Rossi", cod_agente: "A1" });
    await harness.erpCall("PUT", `/operator/companies/${AZI2}/customers/K2`, { ragione_sociale: "Bianchi", cod_agente: "A1" });
    await put("article", { cod_art: "ART1" }, { descrizione: "Vite", prezzo: 0.12 });
    await put("particolarita", { cod_cli: "K2", cod_art: "ART1", valido_dal: "2026-01-01" }, { sconto: 10 });
    await runChangesSync(harness.pool, harness.erp, AZI2);
    const role = `dev_e2e_${Date.now().toString(36)}`;
    await harness.pool.query("select sincro.create_login($1, 'app', $2, 'TAB1', 'pw-e2e', 'A1')", [role, AZI2]);
    const url = new URL(harness.hub.url);
    url.username = role;
    url.password = "pw-e2e";
    const device = await DeviceClient.open({ file: ":memory:", connectionString: url.toString() });
    try {
      // TEST: the first download, with progress against device_slice_size
      const progress: { applied: number; expected: number | undefined }[] = [];
      const first = await device.sync({ onProgress: (p) => progress.push({ applied: p.applied, expected: p.expected }) });
      expect(first.firstDownload).toBe(true);
      expect(progress.at(-1)).toEqual({ applied: 5, expected: 5 });
      expect(device.store.counts()).toEqual({ agent: 1, article: 1, customer: 2, particolarita: 1 });

      // TEST: the operator blocks K1 and gives K2 to A2 in the ERP; after a sync for changes the device follows
      await harness.erpCall("POST", `/operator/companies/${AZI2}/customers/K1/block`, { motivo_blocco: "insoluto" });
      await harness.erpCall("POST", `/operator/companies/${AZI2}/customers/K2/reassign`, { cod_agente: "A2" });
      await runChangesSync(harness.pool, harness.erp, AZI2);
      const pulled = await device.sync();
      expect(pulled.removals).toBe(2);
      expect(device.store.counts()).toEqual({ agent: 1, article: 1, customer: 1, customer_credit: 1 });
      expect(device.creditWarning("K1", 10)).toMatch(/blocked \(insoluto\)/);

      // TEST: an order written offline for blocked K1 is uploaded, accepted and flagged for the operator (the ERP decides when it gets it)
      device.writeOrder({ cliente_cod: "K1", data_ordine: "2026-11-30", lines: [{ articolo: "ART1", quantita: 3, prezzo: "0.12" }] });
      const [uploaded] = await device.upload();
      expect(uploaded?.inserted).toBe(true);
      const flagged = await harness.pool.query<{ flag: string }>("select flag from sincro.order_credit_flags where azi = $1 and id_pub = $2", [AZI2, uploaded?.id_pub]);
      expect(flagged.rows).toEqual([{ flag: "blocked" }]);
    } finally {
      await device.close();
      await harness.pool.query(`drop owned by "${role}"`).catch(() => undefined);
      await harness.pool.query(`drop role if exists "${role}"`).catch(() => undefined);
    }
  });

  it("refuses a reassignment of a customer the ERP does not have (404)", async () => {
    await expect(harness.erpCall("POST", `/operator/companies/${AZI}/customers/NOPE/reassign`, { cod_agente: "A1" })).rejects.toThrow(/404/);
  });

  it("reads an optional entity an ERP does not offer (404 unknown_entity) as empty", async () => {
    const server = http.createServer((request, response) => {
      if (request.url?.includes("/snapshot/agent")) {
        response.writeHead(404, { "content-type": "application/json" }).end('{"error":"unknown_entity","message":"no agents here"}');
      } else {
        response.writeHead(404, { "content-type": "application/json" }).end('{"error":"unknown_entity","message":"nothing"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const erp = createHttpConnector({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: "t" });
      const agents = await erp.openSnapshot(AZI, "agent");
      const rows: unknown[] = [];
      for await (const batch of agents.batches()) rows.push(...batch);
      expect({ rowCount: agents.rowCount, rows }).toEqual({ rowCount: 0, rows: [] });
      // TEST: a required entity still fails
      await expect(erp.openSnapshot(AZI, "article")).rejects.toThrow(/404/);
    } finally {
      server.close();
    }
  });
});
