/*
 * The change feed (GET /v1/companies/{azi}/changes): the change-log entries of
 * a company after a cursor, in seq order, each with its row's CURRENT state read
 * in the same statement: "upsert" with the data when the row exists, "delete"
 * with null when it does not, whatever the entry's own op said. Seq order is
 * commit order per company (change-log.ts), so a cursor never jumps over an
 * entry committed later.
 */
import type { Pool } from "pg";
import type { ErpChange, ErpChangeBatch, ErpEntity } from "../erp/connector";

export const DEFAULT_CHANGES_LIMIT = 1000;
export const MAX_CHANGES_LIMIT = 10_000;

/*
 * One lateral lookup per entry; each branch is an index probe and only the one
 * for the entry's entity can match. Customers and orders are found by the
 * entry's `key` text (their code, also on entries older than key_json).
 */
const READ_CHANGES = `
  select c.seq::text as seq, c.entity, erp_ref.log_key(c.entity, c.key, c.key_json) as key, current_row.data
  from erp_ref.change_log c
  left join lateral (
    select erp_ref.customer_data(cu.data) as data from erp_ref.customer cu
      where c.entity = 'customer' and cu.azi = c.azi and cu.code = c.key
    union all
    select erp_ref.order_data(o) from erp_ref.orders o
      where c.entity = 'order' and o.azi = c.azi and o.tor_chia = c.key
    union all
    select r.data from erp_ref.record r
      where r.azi = c.azi and r.entity = c.entity and r.key = c.key_json
  ) current_row on true
  where c.azi = $1 and c.seq > $2
  order by c.seq
  limit $3`;

interface ChangeRow {
  readonly seq: string;
  readonly entity: ErpEntity;
  readonly key: Record<string, string>;
  readonly data: Record<string, unknown> | null;
}

/** `after` is "" (from the beginning) or a seq this feed returned. */
export async function readChanges(pool: Pool, azi: string, after: string, limit: number): Promise<ErpChangeBatch> {
  const result = await pool.query<ChangeRow>(READ_CHANGES, [azi, after === "" ? "0" : after, limit + 1]);
  const rows = result.rows.slice(0, limit);
  const changes: ErpChange[] = rows.map((row) => ({
    seq: row.seq,
    entity: row.entity,
    op: row.data === null ? "delete" : "upsert",
    key: row.key,
    data: row.data,
  }));
  return { changes, next_cursor: rows.at(-1)?.seq ?? after, more: result.rows.length > limit };
}
