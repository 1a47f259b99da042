/*
 * Forward-only schema (issue 9): a hub deployed at release 0.1.0 and full of
 * data upgrades to this tree's schema with `npm run migrate` and
 *   (a) loses and changes nothing it held: every table, column, row and value,
 *       the job queue and the sequences;
 *   (b) ends with exactly the schema of a hub migrated from scratch;
 *   (c) still runs the protocol: a store order gets the next public ID and
 *       reaches the (reference) ERP, the ERP writes, the change feed carries on
 *       from the cursor a consumer held before the upgrade.
 * The 0.1 hub is built from the frozen 0.1 migrations (hash-checked, see
 * release-0.1.ts) and filled through the 0.1 API by fill-0.1.sql. The last
 * test shows that the check of (a) does fail when a migration drops or
 * rewrites something.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/db/migrate";
import { dumpSchema } from "../../src/dev/schema-dump";
import { createHttpConnector } from "../../src/erp/http-connector";
import { pushOrder } from "../../src/push/push-order";
import { startReferenceErp, type ReferenceErp } from "../../src/reference-erp/server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { FILL_0_1, dropLogins, runSqlFile, uniqueLogins } from "./fill";
import { compareSnapshots, snapshotHub, snapshotHubConsistently, type HubSnapshot, type Row } from "./hub-snapshot";
import { createReleaseHub } from "./release-0.1";

const AZI = "UPG01";
/** The tables of the change feed (all_changes_since), by entity. */
const FEED_TABLES: Readonly<Record<string, string>> = {
  "sincro.arportes": "order",
  "sincro.clienti": "customer",
  "sincro.articoli": "article",
  "sincro.particolarita": "particolarita",
  "sincro.tabelle_accessorie": "accessory",
  "sincro.documenti": "document",
};

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

function rowsOf(snapshot: HubSnapshot, table: string): readonly Row[] {
  const found = snapshot.tables[table];
  if (!found) throw new Error(`the snapshot has no table ${table}`);
  return found.rows;
}

function valueOf(snapshot: HubSnapshot, table: string, match: Readonly<Record<string, string>>, column: string): string {
  const row = rowsOf(snapshot, table).find((r) => Object.entries(match).every(([k, v]) => r[k] === v));
  const value = row?.[column];
  if (value === undefined || value === null) throw new Error(`${table}: no ${column} for ${JSON.stringify(match)}`);
  return value;
}

describe("upgrade of a filled 0.1.0 hub to this tree's schema", () => {
  const logins = uniqueLogins();
  let hub: TestDatabase | undefined;
  let before: HubSnapshot;
  let after: HubSnapshot;

  const hubUrl = (): string => {
    if (!hub) throw new Error("the hub was not built");
    return hub.url;
  };

  /** A connection acting as a party login (the hub knows a party by session_user). */
  async function asParty<T>(login: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = await connect(hubUrl());
    try {
      await client.query(`set session authorization "${login}"`);
      return await work(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    hub = await createReleaseHub("upgrade_hub", "0.1.0");
    runSqlFile(hub.url, FILL_0_1, logins);
    const owner = await connect(hub.url);
    try {
      before = await snapshotHubConsistently(owner);
      await migrateDatabase(hub.url); // what `npm run migrate` does
      after = await snapshotHubConsistently(owner);
    } finally {
      await owner.end();
    }
  });

  afterAll(async () => {
    await hub?.drop();
    await dropLogins(logins);
  });

  it("the 0.1 hub held data of every kind before the upgrade", () => {
    const empty = Object.entries(before.tables).filter(([, table]) => table.rows.length === 0).map(([name]) => name);
    expect(empty, "tables the fill left empty").toEqual([]);
    const distinct = (table: string, columns: string[]) =>
      [...new Set(rowsOf(before, table).map((row) => columns.map((c) => row[c] ?? "NULL").join("/")))].sort();
    expect(distinct("sincro.arportes", ["prov_tipo"])).toEqual(["A", "G", "S"]);
    expect(distinct("sincro.order_push", ["state"])).toEqual(["acquired", "in_flight", "pending", "rejected"]);
    expect(rowsOf(before, "sincro.order_push").some((row) => row.state === "pending" && row.last_error !== null)).toBe(true);
    expect(distinct("sincro.sync_runs", ["kind", "state"])).toEqual(
      ["changes", "partial", "rebuild"].flatMap((kind) => ["failed", "running", "succeeded"].map((state) => `${kind}/${state}`)),
    );
    for (const table of Object.keys(FEED_TABLES).filter((t) => t !== "sincro.arportes")) {
      expect(distinct(table, ["deleted"]), `${table}: live rows and tombstones`).toEqual(["false", "true"]);
    }
    expect(distinct("graphile_worker.jobs", ["task_identifier"])).toEqual(["partial_sync", "push_order"]);
    expect(Number(valueOf(before, "sincro_private.company", { azi: AZI }, "tombstones_purged_through"))).toBeGreaterThan(0);
    expect(Number(valueOf(before, "sincro_private.company", { azi: AZI }, "sync_used"))).toBeGreaterThan(0);
  });

  it("(a) keeps every table, column, row and value, the job queue and the sequences", () => {
    expect(compareSnapshots(before, after)).toEqual([]);
  });

  it("(b) gives the schema of a hub migrated from scratch", async () => {
    const fresh = await createTestDatabase("upgrade_fresh");
    try {
      expect(dumpSchema(hubUrl())).toBe(dumpSchema(fresh.url));
    } finally {
      await fresh.drop();
    }
  });

  it("(c) still runs the protocol: a store order gets the next ID and reaches the ERP, the ERP writes, the feed carries on", async () => {
    const lastIdPub = Number(valueOf(before, "sincro_private.id_pub_counter", { azi: AZI }, "last_value"));
    const lastIdSincro = Number(valueOf(before, "sincro_private.id_sincro_counter", { azi: AZI }, "last_value"));
    const storeCursor = Number(valueOf(before, "sincro.consumer_cursors", { azi: AZI, consumer: "store" }, "id_sincro_read"));

    // the store writes a new order with its lines: the next public ID, no gap
    const idPub = await asParty(logins.store1, async (store) => {
      await store.query("begin");
      const header = await store.query<{ id_pub: string }>(
        `insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod)
         values ($1, 'S', 'after-upgrade-1', 'C', 'CL001', 'CL001') returning id_pub`,
        [AZI],
      );
      const id = Number(header.rows[0]?.id_pub);
      await store.query(
        `insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo)
         values ($1, $2, 1, 'ART1', 3, 10.8), ($1, $2, 2, 'ART4', 10, 0.8)`,
        [AZI, id],
      );
      await store.query("commit");
      return id;
    });
    expect(idPub).toBe(lastIdPub + 1);

    // the worker pushes it, and the orders 0.1 left pending or in flight, to a real ERP over HTTP
    const leftOpen = rowsOf(before, "sincro.order_push")
      .filter((row) => row.azi === AZI && (row.state === "pending" || row.state === "in_flight"))
      .map((row) => Number(row.id_pub));
    const erpDatabase = await createTestDatabase("upgrade_erp", { migrate: false });
    const token = randomBytes(12).toString("hex");
    let erpServer: ReferenceErp | undefined;
    try {
      erpServer = await startReferenceErp({ databaseUrl: erpDatabase.url, port: 0, token });
      const erp = createHttpConnector({ baseUrl: erpServer.url, token, timeoutMs: 10_000 });
      // the ERP holds the customer these orders name, as the 0.1 hub's copy of its customers says
      const customer = await fetch(`${erpServer.url}/operator/companies/${AZI}/customers/CL001`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ ragione_sociale: valueOf(before, "sincro.clienti", { azi: AZI, cod_cli: "CL001" }, "ragione_sociale") }),
      });
      expect(customer.status).toBe(201);
      const pushed = await asParty(logins.worker, async (worker) => {
        const pushable = await worker.query<{ id_pub: string }>("select id_pub from sincro.pushable_orders($1) as id_pub", [AZI]);
        const outcomes: Record<number, string> = {};
        for (const row of pushable.rows) {
          outcomes[Number(row.id_pub)] = await pushOrder(worker, erp, { azi: AZI, idPub: Number(row.id_pub) });
        }
        return outcomes;
      });
      expect(leftOpen.length).toBeGreaterThan(0);
      expect(pushed).toEqual(Object.fromEntries([...leftOpen, idPub].map((id) => [id, "acquired"])));

      const response = await fetch(`${erpServer.url}/orders?azi=${AZI}`, { headers: { authorization: `Bearer ${token}` } });
      const erpOrders = ((await response.json()) as { orders: { tor_chia: string; web_id: number | null }[] }).orders;
      const inErp = erpOrders.find((order) => order.web_id === idPub);
      expect(inErp).toBeDefined();
      const owner = await connect(hubUrl());
      try {
        const state = await owner.query<{ tor_chia: string; ack_gest: number; state: string }>(
          `select a.tor_chia, a.ack_gest, p.state from sincro.arportes a join sincro.order_push p using (azi, id_pub)
           where a.azi = $1 and a.id_pub = $2`,
          [AZI, idPub],
        );
        expect(state.rows).toEqual([{ tor_chia: inErp?.tor_chia, ack_gest: 1, state: "acquired" }]);
      } finally {
        await owner.end();
      }
    } finally {
      await erpServer?.close();
      await erpDatabase.drop();
    }

    // the ERP confirms the new order and exports an order of its own (the next public ID again)
    const erpOrderId = await asParty(logins.erp1, async (erpLogin) => {
      await erpLogin.query("select sincro.erp_write_order($1, jsonb_build_object('id_pub', $2::bigint, 'conferma', 'UPG-OK'))", [
        AZI,
        idPub,
      ]);
      const made = await erpLogin.query<{ id_pub: string }>(
        `select sincro.erp_write_order($1, '{"tor_chia": "C202500000001", "autore_tipo": "O", "autore_cod": "75",
           "lines": [{"articolo": "ART2", "quantita": 6}]}') as id_pub`,
        [AZI],
      );
      return Number(made.rows[0]?.id_pub);
    });
    expect(erpOrderId).toBe(lastIdPub + 2);

    // the store follows the feed from the cursor it held before the upgrade: every change since, in order
    const touched = [...leftOpen, idPub, erpOrderId];
    await asParty(logins.store1, async (store) => {
      const orders = await store.query<{ id_pub: string; id_sincro: string }>(
        "select id_pub, id_sincro from sincro.changes_since($1, $2, 1000)",
        [AZI, storeCursor],
      );
      const feed = await store.query<{ entity: string; id_sincro: string }>(
        "select entity, id_sincro from sincro.all_changes_since($1, $2, 1000)",
        [AZI, storeCursor],
      );

      // the orders written since the upgrade come with numbers above every 0.1 number ...
      const renumbered = orders.rows.filter((row) => Number(row.id_sincro) > lastIdSincro).map((row) => Number(row.id_pub));
      expect(renumbered.sort((x, y) => x - y)).toEqual([...touched].sort((x, y) => x - y));
      // ... after what 0.1 had changed above the cursor, still there with its numbers, across every table
      const beforeUpgrade = Object.entries(FEED_TABLES).flatMap(([table, entity]) =>
        rowsOf(before, table)
          .filter((row) => row.azi === AZI && Number(row.id_sincro) > storeCursor)
          .filter((row) => !(table === "sincro.arportes" && touched.includes(Number(row.id_pub))))
          .map((row) => ({ entity, id_sincro: Number(row.id_sincro) })),
      );
      expect(beforeUpgrade.length).toBeGreaterThan(0);
      const newChanges = orders.rows
        .filter((row) => touched.includes(Number(row.id_pub)))
        .map((row) => ({ entity: "order", id_sincro: Number(row.id_sincro) }));
      const expected = [...beforeUpgrade, ...newChanges].sort((x, y) => x.id_sincro - y.id_sincro);
      expect(feed.rows.map((row) => ({ entity: row.entity, id_sincro: Number(row.id_sincro) }))).toEqual(expected);
      expect(orders.rows.map((row) => Number(row.id_sincro))).toEqual(
        expected.filter((change) => change.entity === "order").map((change) => change.id_sincro),
      );

      const last = expected[expected.length - 1]?.id_sincro ?? storeCursor;
      await store.query("select sincro.advance_consumer_cursor($1, 'store', $2)", [AZI, last]);
    });
  });

  it("the check of (a) names what a migration dropped or rewrote (self-test of the checker)", async () => {
    const owner = await connect(hubUrl());
    const sequence = "sincro.sync_runs_run_id_seq";
    const position = await owner.query<{ last_value: string }>("select last_value::text as last_value from sincro.sync_runs_run_id_seq");
    const lastRunId = position.rows[0]?.last_value ?? "";
    try {
      await owner.query("begin");
      const baseline = await snapshotHub(owner);
      const queuedPartialSync = rowsOf(baseline, "graphile_worker.jobs").find((row) => row.task_identifier === "partial_sync");
      // what careless migrations do: drop a column, drop a table, rewrite a value, delete rows, reset a sequence
      await owner.query("alter table sincro.arporrig drop column note");
      await owner.query("drop table sincro_private.rebuild_seen");
      await owner.query("update sincro.clienti set ragione_sociale = upper(ragione_sociale) where azi = $1 and cod_cli = '123'", [AZI]);
      await owner.query("delete from sincro.consumer_cursors where azi = $1 and consumer = 'report.daily'", [AZI]);
      await owner.query(
        "delete from graphile_worker._private_jobs where id in (select id from graphile_worker.jobs where task_identifier = 'partial_sync')",
      );
      await owner.query(`select setval('${sequence}', $1::bigint - 1)`, [lastRunId]);
      const damaged = await snapshotHub(owner);

      expect(compareSnapshots(baseline, damaged)).toEqual([
        "sincro.arporrig: column note (text) is gone",
        `sincro.clienti: row (azi="${AZI}", cod_cli="123"): column ragione_sociale changed from "Mario Rossi" to "MARIO ROSSI"`,
        `sincro.consumer_cursors: row (azi="${AZI}", consumer="report.daily") is gone`,
        `sincro_private.rebuild_seen: table is gone (it held ${rowsOf(baseline, "sincro_private.rebuild_seen").length} rows)`,
        'graphile_worker.jobs: row (task_identifier="partial_sync", ' +
          `payload=${JSON.stringify(queuedPartialSync?.payload)}, key=NULL, queue_name=NULL, ` +
          `run_at=${JSON.stringify(queuedPartialSync?.run_at)}, attempts="0", max_attempts="1") is gone or changed`,
        `${sequence}: sequence went back from ${lastRunId} to ${Number(lastRunId) - 1} (it would hand out numbers again)`,
      ]);
    } finally {
      await owner.query("rollback");
      // a sequence is not transactional: put it back
      await owner.query(`select setval('${sequence}', $1::bigint)`, [lastRunId]);
      await owner.end();
    }
  });
});
