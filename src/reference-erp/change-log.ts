/*
 * Appending to the reference ERP's change log (erp_ref.change_log), which the
 * change feed (changes.ts) reads.
 *
 * The commit-order gap: seq comes from a sequence, taken when the entry is
 * inserted, not when its transaction commits. Left alone, a transaction could
 * take seq 10, a second take 11 and commit first, a reader see 11 and move its
 * cursor past 10, and never see 10 once it commits. So every writing
 * transaction takes its company's row lock (erp_ref.company ... for update)
 * before its first entry and keeps it until it ends: per company, entries are
 * numbered in commit order, and everything below a committed entry is already
 * committed. Writers of one company are serialized from that point to commit;
 * orders already were (the order counter lives on the same row).
 */
import type { PoolClient } from "pg";
import type { ErpEntity } from "../erp/connector";

/** Takes the company's change-log lock until the end of the transaction; the company must exist. */
export async function lockChangeLog(client: PoolClient, azi: string): Promise<void> {
  const locked = await client.query("select 1 from erp_ref.company where azi = $1 for update", [azi]);
  if (locked.rowCount === 0) throw new Error(`reference ERP: company ${azi} does not exist, cannot log a change`);
}

/** The key of a customer or an order is its code; a record's key is an object of key fields. */
function keyText(entity: ErpEntity, key: Readonly<Record<string, string>>): string | null {
  if (entity === "customer") return key.cod_cli ?? null;
  if (entity === "order") return key.tor_chia ?? null;
  return null;
}

/** Appends one entry, under the company's lock (taken here if not yet held). */
export async function appendChange(
  client: PoolClient,
  azi: string,
  entity: ErpEntity,
  key: Readonly<Record<string, string>>,
  op: "insert" | "update" | "upsert" | "delete",
): Promise<void> {
  await lockChangeLog(client, azi);
  await client.query(
    `insert into erp_ref.change_log (azi, entity, key, key_json, op)
     values ($1, $2, coalesce($3, $4::jsonb::text), $4::jsonb, $5)`,
    [azi, entity, keyText(entity, key), JSON.stringify(key), op],
  );
}
