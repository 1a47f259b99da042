/* Payloads of the jobs the hub enqueues, validated where they enter a task. */
import { z } from "zod";

/** push_order, added by the insert trigger and the sweep: sincro_private.enqueue_push_order. */
export const pushOrderPayload = z.object({ azi: z.string().min(1), id_pub: z.number().int().positive() });

/** partial_sync, added by sincro.partial_sync(azi). */
export const partialSyncPayload = z.object({ azi: z.string().min(1), run_id: z.number().int().positive() });

/** sync_pull, added by sincro.sync_request(azi, kind): a sync for changes or a total rebuild, queued from the console. */
export const syncPullPayload = z.object({ azi: z.string().min(1), run_id: z.number().int().positive(), kind: z.enum(["changes", "rebuild"]) });

/** store_inbox_apply, added by sincro.store_inbox_dispatch (the worker's dispatcher), store_reconcile_offer, store_inbox_retry and store_sweep. */
export const storeInboxPayload = z.union([
  z.object({ inbox_id: z.number().int().positive() }), // store_enqueue_inbox (the sweep, a retry), jobs queued before 000010
  z.object({ inbox_ids: z.array(z.number().int().positive()).min(1).max(100) }), // the dispatcher: up to 10 rows of one company
]);

/** store_reconcile, added by sincro.store_sweep for each store whose reconciliation is due. */
export const storeReconcilePayload = z.object({ store_id: z.string().min(1) });

/** store_status_back, added when the ERP acquires a store connector's order (and by store_sweep). */
export const storeStatusBackPayload = z.object({ azi: z.string().min(1), id_pub: z.number().int().positive() });
