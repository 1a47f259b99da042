/*
 * An ERP operator's own edits to customers and to the generic records
 * (articles, particolarità, accessory tables, documents): each one a
 * transaction that takes the company's change-log lock first and appends one
 * entry, so the change feed carries it.
 */
import type { Pool } from "pg";
import { appendChange, lockChangeLog } from "./change-log";
import type { CustomerFields, RecordEntity } from "./record-shapes";
import { NotFound } from "./store";
import { ensureCompany, inTransaction } from "./transaction";

/** The operator's input is valid in shape but not in context (e.g. a new customer without a name). */
export class InvalidRecord extends Error {
  override readonly name = "InvalidRecord";
}

/** Creates the customer or merges the fields given into it; returns whether it was created. */
export async function putCustomer(pool: Pool, azi: string, code: string, fields: CustomerFields): Promise<{ created: boolean }> {
  return inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const updated = await client.query("update erp_ref.customer set data = data || $3::jsonb where azi = $1 and code = $2", [
      azi,
      code,
      JSON.stringify(fields),
    ]);
    const created = updated.rowCount === 0;
    if (created) {
      if (fields.ragione_sociale === undefined) throw new InvalidRecord(`ragione_sociale: required for a new customer (${code})`);
      await client.query("insert into erp_ref.customer (azi, code, data) values ($1, $2, $3)", [azi, code, JSON.stringify(fields)]);
    }
    await appendChange(client, azi, "customer", { cod_cli: code }, created ? "insert" : "update");
    return { created };
  });
}

export async function deleteCustomer(pool: Pool, azi: string, code: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const deleted = await client.query("delete from erp_ref.customer where azi = $1 and code = $2", [azi, code]);
    if (deleted.rowCount === 0) throw new NotFound(`no customer ${code} in company ${azi}`);
    await appendChange(client, azi, "customer", { cod_cli: code }, "delete");
  });
}

/** Creates or replaces one record; returns whether it was created. */
export async function putRecord(
  pool: Pool,
  azi: string,
  entity: RecordEntity,
  key: Readonly<Record<string, string>>,
  data: Readonly<Record<string, unknown>>,
): Promise<{ created: boolean }> {
  return inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const written = await client.query<{ created: boolean }>(
      `insert into erp_ref.record as r (azi, entity, key, data) values ($1, $2, $3, $4)
       on conflict (azi, entity, key) do update set data = excluded.data, updated_at = now()
       returning xmax = 0 as created`,
      [azi, entity, JSON.stringify(key), JSON.stringify(data)],
    );
    const created = written.rows[0]?.created === true;
    await appendChange(client, azi, entity, key, created ? "insert" : "update");
    return { created };
  });
}

export async function deleteRecord(pool: Pool, azi: string, entity: RecordEntity, key: Readonly<Record<string, string>>): Promise<void> {
  await inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const deleted = await client.query("delete from erp_ref.record where azi = $1 and entity = $2 and key = $3", [
      azi,
      entity,
      JSON.stringify(key),
    ]);
    if (deleted.rowCount === 0) throw new NotFound(`no ${entity} ${JSON.stringify(key)} in company ${azi}`);
    await appendChange(client, azi, entity, key, "delete");
  });
}

/** Gives an existing customer to another agent (or to none); NotFound when the ERP has no such customer. */
export async function reassignCustomer(pool: Pool, azi: string, code: string, codAgente: string | null): Promise<void> {
  await inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const updated = await client.query("update erp_ref.customer set data = data || jsonb_build_object('cod_agente', $3::text) where azi = $1 and code = $2", [
      azi,
      code,
      codAgente,
    ]);
    if (updated.rowCount === 0) throw new NotFound(`no customer ${code} in company ${azi}`);
    await appendChange(client, azi, "customer", { cod_cli: code }, "update");
  });
}

/**
 * Sets some fields of one record, keeping the others (a new record starts from
 * `blank`, every field of its entity null or its default); returns whether it
 * was created.
 */
export async function mergeRecord(
  pool: Pool,
  azi: string,
  entity: RecordEntity,
  key: Readonly<Record<string, string>>,
  blank: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, unknown>>,
): Promise<{ created: boolean }> {
  return inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const written = await client.query<{ created: boolean }>(
      `insert into erp_ref.record as r (azi, entity, key, data) values ($1, $2, $3, $4::jsonb || $5::jsonb)
       on conflict (azi, entity, key) do update set data = r.data || $5::jsonb, updated_at = now()
       returning xmax = 0 as created`,
      [azi, entity, JSON.stringify(key), JSON.stringify(blank), JSON.stringify(fields)],
    );
    const created = written.rows[0]?.created === true;
    await appendChange(client, azi, entity, key, created ? "insert" : "update");
    return { created };
  });
}
