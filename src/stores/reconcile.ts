/*
 * One reconciliation pass of one store (docs/stores.md): ask the shop for the
 * orders modified since the store's watermark, page by page, and offer each to
 * the hub (sincro.store_reconcile_offer), which queues into the inbox the
 * versions it does not have. The watermark moves only when every page was
 * read (sincro.store_reconcile_end); a failed pass records why and is done
 * again at the next interval from the same watermark.
 */
import type { Queryable } from "../db/queryable";
import { createStoreApi, type StorePlatform } from "./store-api";

export interface ReconcileOutcome {
  readonly listed: number;
  readonly queued: number;
  /** Entries the shop listed without an id or a modification time: skipped. */
  readonly unreadable: number;
}

export async function reconcileStore(db: Queryable, storeId: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ReconcileOutcome | null> {
  const begun = await db.query<{ platform: StorePlatform; api_url: string; api_key: string | null; api_secret: string; modified_after: Date; polled_at: Date }>(
    "select platform, api_url, api_key, api_secret, modified_after, polled_at from sincro.store_reconcile_begin(store_id => $1)",
    [storeId],
  );
  const store = begun.rows[0];
  if (store === undefined) return null; // removed, or no API URL: nothing to do
  const api = createStoreApi({ platform: store.platform, apiUrl: store.api_url, apiKey: store.api_key, apiSecret: store.api_secret }, { timeoutMs: options.timeoutMs });
  let listed = 0;
  let queued = 0;
  let unreadable = 0;
  try {
    for await (const page of api.modifiedOrders(store.modified_after, options.signal)) {
      const offered = await db.query<{ outcome: string }>(
        "select sincro.store_reconcile_offer(store_id => $1, body => convert_to(o.body, 'UTF8')) as outcome from unnest($2::text[]) as o (body)",
        [storeId, page],
      );
      listed += page.length;
      queued += offered.rows.filter((row) => row.outcome === "queued").length;
      unreadable += offered.rows.filter((row) => row.outcome === "unreadable").length;
    }
  } catch (error) {
    await db.query("select sincro.store_reconcile_end(store_id => $1, polled_at => $2, error => $3)", [
      storeId, store.polled_at, error instanceof Error ? error.message : String(error),
    ]);
    throw error;
  }
  await db.query("select sincro.store_reconcile_end(store_id => $1, polled_at => $2)", [storeId, store.polled_at]);
  return { listed, queued, unreadable };
}
