/*
 * store_status_back: tells a shop that the ERP acquired its order
 * (src/stores/status-back.ts). A shop that is down fails the job: retried with
 * backoff, and rung again by store_sweep if the job is lost.
 */
import type { Task } from "graphile-worker";
import { sendStatusBack } from "../../stores/status-back";
import { storeStatusBackPayload } from "./payloads";

export function storeStatusBackTask(options: { timeoutMs?: number } = {}): Task {
  return async (payload, helpers) => {
    const { azi, id_pub: idPub } = storeStatusBackPayload.parse(payload);
    const outcome = await sendStatusBack(helpers, azi, idPub, { timeoutMs: options.timeoutMs, signal: helpers.abortSignal });
    helpers.logger.info(`order ${idPub} of ${azi}: status back ${outcome}`, { azi, idPub, outcome });
  };
}
