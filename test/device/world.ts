/*
 * What the device tests share: a hub database with one company, agents
 * (A1 and A2 under supervisor S1, A3 alone), customers, their rows, app
 * logins for devices of A1 and S1; ERP-side writers that change the slice
 * the way syncs do (through the hub's own sync functions, as the owner); and
 * the check that a device's SQLite copy equals the slice its login may read.
 */
import { Client, Pool, type PoolClient } from "pg";
import { DeviceClient } from "../../src/device/client";
import { keyText } from "../../src/device/local-store";
import { createTestDatabase, type TestDatabase } from "../support/database";

export const AZI = "DEV01";
const PASSWORD = "device-test-password";

export interface DeviceWorld {
  readonly database: TestDatabase;
  readonly pool: Pool;
  /** The connection string of the app login of `device` ("a1", "s1", …). */
  url(device: string): string;
  /** Creates an app login for a device of `agent`. */
  addDevice(device: string, agent: string): Promise<void>;
  drop(): Promise<void>;
}

export async function startDeviceWorld(label: string, options: { customersPerWriter?: number; writers?: number } = {}): Promise<DeviceWorld> {
  const database = await createTestDatabase(label);
  const pool = new Pool({ connectionString: database.url, max: 12 });
  const suffix = database.url.slice(-8).replace(/[^a-z0-9]/g, "");
  const roles = new Map<string, string>();
  await pool.query("insert into sincro.apstatosyn (azi) values ($1)", [AZI]);
  await upsert(pool, "agent", [
    { key: { cod_agente: "S1" }, data: { nome: "Area manager" } },
    { key: { cod_agente: "A1" }, data: { nome: "Uno", cod_supervisore: "S1" } },
    { key: { cod_agente: "A2" }, data: { nome: "Due", cod_supervisore: "S1" } },
    { key: { cod_agente: "A3" }, data: { nome: "Tre" } },
  ]);
  await seed(pool, options.writers ?? 8, options.customersPerWriter ?? 8);
  const world: DeviceWorld = {
    database,
    pool,
    url: (device) => {
      const role = roles.get(device);
      if (role === undefined) throw new Error(`no device ${device}`);
      const parsed = new URL(database.url);
      parsed.username = role;
      parsed.password = PASSWORD;
      return parsed.toString();
    },
    addDevice: async (device, agent) => {
      const role = `dev_${device}_${suffix}`;
      await pool.query("select sincro.create_login($1, 'app', $2, $3, $4, $5)", [role, AZI, `tab-${device}`, PASSWORD, agent]);
      roles.set(device, role);
    },
    drop: async () => {
      await pool.end();
      await database.drop();
      const server = new Client({ connectionString: database.url.replace(/\/[^/?]*(\?|$)/, "/postgres$1") });
      await server.connect();
      try {
        for (const role of roles.values()) await server.query(`drop role if exists "${role}"`);
      } finally {
        await server.end();
      }
    },
  };
  return world;
}

interface Row {
  readonly key: Record<string, unknown>;
  readonly data: Record<string, unknown>;
}

export async function upsert(db: Pool | PoolClient, entity: string, rows: readonly Row[]): Promise<void> {
  if (entity === "document") await db.query("select sincro_private.upsert_documents($1, $2::jsonb)", [AZI, JSON.stringify(rows)]);
  else await db.query("select sincro_private.upsert_erp_rows($1, $2, $3::jsonb)", [entity, AZI, JSON.stringify(rows)]);
}

const AGENTS = ["A1", "A2", "A3"];
const customer = (writer: number, index: number) => `K${writer}-${index}`;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** Articles, and for each writer its customers (spread over the agents) with particolarità, open items, credit, documents. */
async function seed(pool: Pool, writers: number, customersPerWriter: number): Promise<void> {
  await upsert(pool, "article", Array.from({ length: 300 }, (_, i) => ({ key: { cod_art: `ART${i}` }, data: { descrizione: `Articolo ${i}`, prezzo: i + 0.5 } })));
  await upsert(pool, "accessory", [{ key: { tabella: "pagamenti", codice: "RB30" }, data: { descrizione: "RiBa 30 gg" } }]);
  await upsert(pool, "particolarita", [{ key: { cod_cli: "*", cod_art: "ART1", valido_dal: "2026-01-01" }, data: { sconto: 3 } }]);
  for (let w = 0; w < writers; w += 1) {
    const customers = Array.from({ length: customersPerWriter }, (_, i) => customer(w, i));
    await upsert(pool, "customer", customers.map((code, i) => ({ key: { cod_cli: code }, data: { ragione_sociale: `Cliente ${code}`, cod_agente: AGENTS[(w + i) % 3] } })));
    await upsert(pool, "particolarita", customers.flatMap((code) => Array.from({ length: 10 }, (_, a) => ({ key: { cod_cli: code, cod_art: `ART${a}`, valido_dal: "2026-01-01" }, data: { sconto: a } }))));
    await upsert(pool, "open_item", customers.map((code) => ({ key: { cod_cli: code, id_partita: "F1/1" }, data: { importo: 100, data_scadenza: daysAgo(-30) } })));
    await upsert(pool, "customer_credit", customers.map((code, i) => ({ key: { cod_cli: code }, data: { fido: 1000, esposizione: 100 * i, bloccato: i === 0 } })));
    await upsert(
      pool,
      "document",
      customers.flatMap((code, i) =>
        [0, 1, 2].map((d) => ({
          key: { tipo_doc: "fattura", numero: `W${w}-${i}-${d}` },
          data: { cliente_cod: code, data_doc: daysAgo(d * 200), lines: [{ riga: 1, articolo: "ART1", quantita: 1, prezzo: 10 }] },
        })),
      ),
    );
  }
}

/** A small deterministic generator, one per writer. */
function random(seed: number): () => number {
  let state = seed * 7919 + 17;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * One ERP-side writer: until `stop` is set, one transaction after another
 * changes its own customers' part of the slice — particolarità written and
 * deleted, customers reassigned, documents written (some older than the
 * window, some given to another of its customers), open items, credit data,
 * articles, operator orders; writer 0 also moves A2 between supervisors.
 * Returns how many transactions it committed.
 */
export async function runWriter(pool: Pool, writer: number, customersPerWriter: number, stop: { stopped: boolean }): Promise<number> {
  const next = random(writer + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const customers = Array.from({ length: customersPerWriter }, (_, i) => customer(writer, i));
  let written = 0;
  const client = await pool.connect();
  try {
    while (!stop.stopped) {
      const op = Math.floor(next() * 9);
      const code = pick(customers);
      await client.query("begin");
      if (op === 0) {
        await upsert(client, "particolarita",
          [0, 1, 2].map(() => ({ key: { cod_cli: code, cod_art: `ART${Math.floor(next() * 40)}`, valido_dal: "2026-01-01" }, data: { sconto: Math.floor(next() * 50) } })));
      } else if (op === 1) {
        await client.query("select sincro_private.tombstone_erp_rows('particolarita', $1, $2::jsonb)", [
          AZI,
          JSON.stringify([{ cod_cli: code, cod_art: `ART${Math.floor(next() * 40)}`, valido_dal: "2026-01-01" }]),
        ]);
      } else if (op === 2) {
        await upsert(client, "customer", [{ key: { cod_cli: code }, data: { ragione_sociale: `Cliente ${code}`, cod_agente: pick(AGENTS) } }]);
      } else if (op === 3) {
        await upsert(client, "document", [
          {
            key: { tipo_doc: pick(["fattura", "ddt"]), numero: `W${writer}-${Math.floor(next() * 20)}-x` },
            data: { cliente_cod: code, data_doc: daysAgo(Math.floor(next() * 600)), lines: [{ riga: 1, articolo: "ART2", quantita: Math.ceil(next() * 5), prezzo: 3 }] },
          },
        ]);
      } else if (op === 4) {
        await upsert(client, "open_item", [
          { key: { cod_cli: code, id_partita: `F${Math.floor(next() * 5)}/1` }, data: { importo: Math.floor(next() * 1000), pagata: next() < 0.3 } },
        ]);
      } else if (op === 5) {
        await upsert(client, "customer_credit", [{ key: { cod_cli: code }, data: { fido: 1000, esposizione: Math.floor(next() * 1500), bloccato: next() < 0.2 } }]);
      } else if (op === 6) {
        await upsert(client, "article", [{ key: { cod_art: `W${writer}-ART${Math.floor(next() * 10)}` }, data: { prezzo: Math.floor(next() * 100) } }]);
      } else if (op === 7) {
        await client.query("select sincro.erp_write_order($1, $2::jsonb)", [
          AZI,
          JSON.stringify({
            tor_chia: `W${writer}-O${Math.floor(next() * 30)}`,
            autore_tipo: "O",
            autore_cod: "OP1",
            cliente_cod: code,
            data_ordine: daysAgo(Math.floor(next() * 600)),
            lines: [{ articolo: "ART3", quantita: 1 + Math.floor(next() * 3) }],
          }),
        ]);
      } else if (writer === 0) {
        await upsert(client, "agent", [{ key: { cod_agente: "A2" }, data: { nome: "Due", cod_supervisore: next() < 0.5 ? "S1" : null } }]);
      } else {
        await client.query("select sincro_private.tombstone_erp_rows('document', $1, $2::jsonb)", [
          AZI,
          JSON.stringify([{ tipo_doc: "fattura", numero: `W${writer}-${Math.floor(next() * customersPerWriter)}-${Math.floor(next() * 3)}` }]),
        ]);
      }
      await client.query("commit");
      written += 1;
    }
  } finally {
    client.release();
  }
  return written;
}

/** The slice the login may read now, as the device stores it: (entity, key text, data text), from one fresh read of the feed. */
export async function sliceOf(url: string): Promise<{ entity: string; key: string; data: string }[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // a row may come more than once (its own change, slice-log entries): the last one is its state
    const result = await client.query<{ entity: string; key: Record<string, unknown>; data: Record<string, unknown> }>(
      `select entity, key, data from (
         select distinct on (entity, key) * from sincro.device_changes_since(0, 100000) order by entity, key, id_sincro desc) f
       where not deleted`,
    );
    return result.rows
      .map((row) => ({ entity: row.entity, key: keyText(row.key), data: JSON.stringify(row.data) }))
      // as SQLite orders them (order by entity, key: binary)
      .sort((a, b) => (a.entity !== b.entity ? (a.entity < b.entity ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  } finally {
    await client.end();
  }
}

/** The keys the login reads from the tables themselves (row-level security), by entity: the slice without the feed. */
export async function sliceKeysFromTables(url: string): Promise<Record<string, string[]>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const keys = async (entity: string, sql: string) => {
    const result = await client.query<{ key: Record<string, unknown> }>(sql);
    return [entity, result.rows.map((row) => keyText(row.key)).sort()] as const;
  };
  try {
    return Object.fromEntries([
      await keys("accessory", "select jsonb_build_object('tabella', tabella, 'codice', codice) as key from sincro.tabelle_accessorie where not deleted"),
      await keys("agent", "select jsonb_build_object('cod_agente', cod_agente) as key from sincro.agenti where not deleted"),
      await keys("article", "select jsonb_build_object('cod_art', cod_art) as key from sincro.articoli where not deleted"),
      await keys("customer", "select jsonb_build_object('cod_cli', cod_cli) as key from sincro.clienti where not deleted"),
      await keys("customer_credit", "select jsonb_build_object('cod_cli', cod_cli) as key from sincro.fidi where not deleted"),
      await keys("document", "select jsonb_build_object('tipo_doc', tipo_doc, 'numero', numero) as key from sincro.documenti where not deleted"),
      await keys("open_item", "select jsonb_build_object('cod_cli', cod_cli, 'id_partita', id_partita) as key from sincro.partite_aperte where not deleted"),
      await keys("order", "select jsonb_build_object('id_pub', id_pub) as key from sincro.arportes where id_sincro > 0"),
      await keys("particolarita",
        "select jsonb_build_object('cod_cli', cod_cli, 'cod_art', cod_art, 'valido_dal', valido_dal) as key from sincro.particolarita where not deleted"),
    ].filter(([, list]) => list.length > 0));
  } finally {
    await client.end();
  }
}

/** The device's copy by entity, keys only. */
export function deviceKeys(device: DeviceClient): Record<string, string[]> {
  const byEntity: Record<string, string[]> = {};
  for (const row of device.store.allRows()) (byEntity[row.entity] ??= []).push(row.key);
  for (const list of Object.values(byEntity)) list.sort();
  return byEntity;
}
