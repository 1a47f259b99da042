/*
 * The parties' writes as the protocol defines them, for the concurrency tests:
 * a store/app order is a header and its lines in one transaction; the ERP
 * writes through sincro.erp_write_order only.
 */
import { Client } from "pg";
import { toSafeInteger } from "./sessions";

export async function registerCompany(client: Client, azi: string): Promise<void> {
  await client.query("insert into sincro.apstatosyn (azi) values ($1)", [azi]);
}

export interface NewOrder {
  readonly prov_tipo: "S" | "A";
  /** Device ID, for app orders only. */
  readonly prov_id?: string;
  readonly id_int: string;
}

/**
 * Inserts a header and two lines inside the caller's open transaction.
 * Returns the public ID, or null when the hub skipped the insert as a retry
 * of an order it already has (INSERT returned no row).
 */
export async function insertOrder(
  client: Client,
  azi: string,
  order: NewOrder,
  options: { beforeLines?: () => Promise<void> } = {},
): Promise<number | null> {
  const autore = order.prov_tipo === "S" ? { tipo: "C", cod: "0" } : { tipo: "T", cod: "15" };
  const header = await client.query<{ id_pub: string }>(
    `insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod)
     values ($1, $2, $3, $4, $5, $6)
     returning id_pub`,
    [azi, order.prov_tipo, order.prov_id ?? null, order.id_int, autore.tipo, autore.cod],
  );
  const row = header.rows[0];
  if (row === undefined) return null;
  const idPub = toSafeInteger(row.id_pub);
  if (options.beforeLines) await options.beforeLines();
  await client.query(
    `insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo)
     values ($1, $2, 1, 'ART-1', 2, 10.5), ($1, $2, 2, 'ART-2', 1, 3)`,
    [azi, idPub],
  );
  return idPub;
}

/** Store orders 1..count, committed together; returns their public IDs. */
export async function seedStoreOrders(client: Client, azi: string, count: number, idIntPrefix = "seed"): Promise<number[]> {
  const ids: number[] = [];
  await client.query("begin");
  try {
    for (let i = 1; i <= count; i++) {
      const id = await insertOrder(client, azi, { prov_tipo: "S", id_int: `${idIntPrefix}-${i}` });
      if (id === null) throw new Error(`seed order ${i} was skipped as a retry`);
      ids.push(id);
    }
    await client.query("commit");
  } catch (error) {
    await client.query("rollback");
    throw error;
  }
  return ids;
}

/** sincro.erp_write_order; returns the order's public ID. */
export async function erpWriteOrder(client: Client, azi: string, doc: Record<string, unknown>): Promise<number> {
  const result = await client.query<{ id_pub: string }>("select sincro.erp_write_order($1, $2::jsonb) as id_pub", [
    azi,
    JSON.stringify(doc),
  ]);
  return toSafeInteger(result.rows[0]?.id_pub);
}

/** Public IDs of a company's orders, ascending. */
export async function publicIds(client: Client, azi: string): Promise<number[]> {
  const result = await client.query<{ id_pub: string }>(
    "select id_pub from sincro.arportes where azi = $1 order by id_pub",
    [azi],
  );
  return result.rows.map((row) => toSafeInteger(row.id_pub));
}

export async function counters(client: Client, azi: string): Promise<{ lastIdPub: number; lastIdSincro: number }> {
  const result = await client.query<{ last_id_pub: string; last_id_sincro: string }>(
    "select last_id_pub, last_id_sincro from sincro.apstatosyn where azi = $1",
    [azi],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error(`company ${azi} is not registered`);
  return { lastIdPub: toSafeInteger(row.last_id_pub), lastIdSincro: toSafeInteger(row.last_id_sincro) };
}
