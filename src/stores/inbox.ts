/*
 * One inbox row into what it means (sincro.store_inbox_apply: an order, an
 * update, a duplicate, ignored, or an error with its reason). All of it is one
 * SQL call and one transaction: a worker killed half-way leaves the row
 * received, and the next attempt (or store_sweep's) applies it whole.
 */
import type { Queryable } from "../db/queryable";

export interface InboxOutcome {
  readonly state: string;
  readonly idPub: number | null;
  readonly error: string | null;
}

export async function applyInboxRow(db: Queryable, inboxId: number): Promise<InboxOutcome> {
  const result = await db.query<{ state: string; id_pub: string | null; error: string | null }>(
    "select state, id_pub, error from sincro.store_inbox_apply(inbox_id => $1)",
    [inboxId],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error(`store_inbox_apply(${inboxId}) returned no row`);
  return outcomeOf(row);
}

/** What sincro.store_inbox_apply(_many) answered for a row, as the worker reports it. */
function outcomeOf(row: { state: string; id_pub: string | null; error: string | null }): InboxOutcome {
  return { state: row.state, idPub: row.id_pub === null ? null : Number(row.id_pub), error: row.error };
}

export interface InboxRowOutcome extends InboxOutcome {
  readonly inboxId: number;
}

/** Several inbox rows in one transaction (sincro.store_inbox_apply_many), each with its outcome. */
export async function applyInboxRows(db: Queryable, inboxIds: readonly number[]): Promise<InboxRowOutcome[]> {
  const result = await db.query<{ inbox_id: string; state: string; id_pub: string | null; error: string | null }>(
    "select inbox_id, state, id_pub, error from sincro.store_inbox_apply_many(inbox_ids => $1::bigint[])",
    [inboxIds],
  );
  return result.rows.map((row) => ({ inboxId: Number(row.inbox_id), ...outcomeOf(row) }));
}
