/*
 * Scenario D of the protocol (docs/protocol.md) end to end, through a sync for changes: an order
 * typed into the ERP by operator 75 reaches the hub with a new public ID, the
 * store finds it above its cursor and acks it. And A5–A6: the ERP confirms a
 * store order and the next sync for changes brings the confirmation with a new
 * change number; a sync with nothing new changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beginPartialSync, runPartialSync } from "../../src/push/partial-sync";
import { runChangesSync } from "../../src/sync/changes";
import { insertStoreOrder } from "../push/harness";
import { lastChangeNumber, registerSyncCompany, startSyncHarness, type SyncHarness } from "./harness";

interface OrderRow {
  id_pub: string;
  tor_chia: string | null;
  conferma: string | null;
  id_int: string | null;
  ack_store: number;
  ack_gest: number;
  ack_app: number;
  prov_tipo: string;
  prov_id: string | null;
  autore_tipo: string;
  autore_cod: string;
  id_sincro: string;
}

const COLUMNS = "id_pub, tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro";

describe("scenario D and A5–A6 through a sync for changes", () => {
  let harness: SyncHarness;

  beforeAll(async () => {
    harness = await startSyncHarness("sync_scenario_d");
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("D1–D3: an operator's order reaches the hub with a new public ID; the store reads it by cursor and acks it", async () => {
    const { pool } = harness;
    await registerSyncCompany(pool, "C00001");
    const storeCursor = await lastChangeNumber(pool, "C00001");

    // D1: operator 75 types an order into the ERP
    const { tor_chia: torChia } = await harness.erpCall<{ tor_chia: string }>("POST", "/operator/companies/C00001/orders", {
      operatore_cod: "75",
      conferma: "CK3",
      lines: [{ articolo: "ART9", quantita: 4 }],
    });
    expect(torChia).toMatch(/^C\d{4}\d{8}$/);
    // TEST: nothing reaches the hub before a sync
    expect((await pool.query("select 1 from sincro.arportes where azi = 'C00001'")).rowCount).toBe(0);

    // D2: the sync for changes exports it
    const result = await runChangesSync(pool, harness.erp, "C00001");
    expect(result.received).toBeGreaterThanOrEqual(1);
    expect(result.changed).toBeGreaterThanOrEqual(1);

    // D3: the store reads above its cursor
    const feed = await pool.query<OrderRow>(`select ${COLUMNS} from sincro.changes_since('C00001', $1)`, [storeCursor]);
    // TEST: one new order, public ID 1, G, acquired by the ERP only, authored by operator 75, a change number above the cursor
    expect(feed.rows).toHaveLength(1);
    const order = feed.rows[0]!;
    expect(order).toMatchObject({
      id_pub: "1",
      tor_chia: torChia,
      conferma: "CK3",
      id_int: null,
      ack_store: 0,
      ack_gest: 1,
      ack_app: 0,
      prov_tipo: "G",
      prov_id: null,
      autore_tipo: "O",
      autore_cod: "75",
    });
    expect(Number(order.id_sincro)).toBeGreaterThan(storeCursor);
    const lines = await pool.query("select articolo, quantita::float8 as quantita from sincro.arporrig where azi = 'C00001' and id_pub = 1");
    expect(lines.rows).toEqual([{ articolo: "ART9", quantita: 4 }]);
    expect((await pool.query("select id_pub from sincro.pending_store where azi = 'C00001'")).rows).toEqual([{ id_pub: "1" }]);

    // the store imports it and acks
    await pool.query("update sincro.arportes set ack_store = 1 where azi = 'C00001' and id_pub = $1", [order.id_pub]);
    // TEST: out of pending_store; the ack did not bump the change number
    expect((await pool.query("select 1 from sincro.pending_store where azi = 'C00001'")).rowCount).toBe(0);
    const after = await pool.query<OrderRow>(`select ${COLUMNS} from sincro.arportes where azi = 'C00001' and id_pub = 1`);
    expect(after.rows[0]).toMatchObject({ ack_store: 1, ack_gest: 1, id_sincro: order.id_sincro });

    // TEST: a second sync brings nothing: a new public ID is never made twice for the same ERP order
    const again = await runChangesSync(pool, harness.erp, "C00001");
    expect(again.changed).toBe(0);
    expect((await pool.query("select count(*)::int as n from sincro.arportes where azi = 'C00001'")).rows[0]).toEqual({ n: 1 });
  });

  it("A5–A6: the ERP confirms a store order; the sync brings conferma with a new change number; a sync with nothing new bumps nothing", async () => {
    const { pool } = harness;
    await registerSyncCompany(pool, "C00002");
    // A2–A4: the store's order 150 reaches the ERP (partial sync: no worker in this file)
    const idPub = await insertStoreOrder(pool, "C00002", "150", { newCustomer: "Mario Rossi" });
    const runId = await beginPartialSync(pool, "C00002");
    expect(await runPartialSync(pool, harness.erp, "C00002", runId)).toMatchObject({ pushed: 1, failed: 0 });
    const acquired = (await pool.query<OrderRow>(`select ${COLUMNS} from sincro.arportes where azi = 'C00002' and id_pub = $1`, [idPub])).rows[0]!;
    expect(acquired).toMatchObject({ ack_store: 1, ack_gest: 1, conferma: null, prov_tipo: "S" });
    const n1 = Number(acquired.id_sincro);
    expect(n1).toBeGreaterThan(0);

    // TEST: the ERP's log has the order's creation (and the new customer's); syncing it changes nothing on the order
    await runChangesSync(pool, harness.erp, "C00002");
    const synced = (await pool.query<OrderRow>(`select ${COLUMNS} from sincro.arportes where azi = 'C00002' and id_pub = $1`, [idPub])).rows[0]!;
    expect(Number(synced.id_sincro)).toBe(n1);

    // A5: the ERP operator confirms it
    await harness.erpCall("POST", `/operator/companies/C00002/orders/${acquired.tor_chia}/confirm`, { conferma: "ABCD" });
    // TEST: nothing moves in the hub until a sync
    expect((await pool.query<OrderRow>(`select ${COLUMNS} from sincro.arportes where azi = 'C00002' and id_pub = $1`, [idPub])).rows[0]?.conferma).toBeNull();

    // A6: a sync for changes re-exports it
    const result = await runChangesSync(pool, harness.erp, "C00002");
    expect(result.changed).toBe(1);
    const confirmed = (await pool.query<OrderRow>(`select ${COLUMNS} from sincro.arportes where azi = 'C00002' and id_pub = $1`, [idPub])).rows[0]!;
    // TEST: conferma ABCD, a new change number n2 > n1, everything else as it was
    expect(confirmed).toMatchObject({ ...acquired, conferma: "ABCD", id_sincro: confirmed.id_sincro });
    const n2 = Number(confirmed.id_sincro);
    expect(n2).toBeGreaterThan(n1);
    // TEST: the store following the feed from n1 sees it once
    const feed = await pool.query<OrderRow>(`select ${COLUMNS} from sincro.changes_since('C00002', $1)`, [n1]);
    expect(feed.rows.map((row) => [row.id_pub, row.conferma])).toEqual([[String(idPub), "ABCD"]]);

    // TEST: a second sync with nothing new changes nothing and bumps nothing
    const counterBefore = await lastChangeNumber(pool, "C00002");
    const nothing = await runChangesSync(pool, harness.erp, "C00002");
    expect(nothing).toMatchObject({ received: 0, changed: 0 });
    expect(await lastChangeNumber(pool, "C00002")).toBe(counterBefore);
    expect((await pool.query<OrderRow>(`select ${COLUMNS} from sincro.arportes where azi = 'C00002' and id_pub = $1`, [idPub])).rows[0]?.id_sincro).toBe(
      confirmed.id_sincro,
    );
  });
});
