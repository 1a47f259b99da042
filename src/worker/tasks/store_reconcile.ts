/*
 * store_reconcile: one reconciliation pass of one store (src/stores/reconcile.ts),
 * added by store_sweep when the store's interval has passed. One attempt: a
 * failed pass is recorded on the store and done again at the next interval.
 */
import type { Task } from "graphile-worker";
import { reconcileStore } from "../../stores/reconcile";
import { storeReconcilePayload } from "./payloads";

export function storeReconcileTask(options: { timeoutMs?: number } = {}): Task {
  return async (payload, helpers) => {
    const { store_id: storeId } = storeReconcilePayload.parse(payload);
    const outcome = await reconcileStore(helpers, storeId, { timeoutMs: options.timeoutMs, signal: helpers.abortSignal });
    if (outcome !== null) helpers.logger.info(`store ${storeId} reconciled: ${outcome.listed} listed, ${outcome.queued} queued${outcome.unreadable > 0 ? `, ${outcome.unreadable} unreadable (no id or modification time) skipped` : ""}`, { storeId, ...outcome });
  };
}
