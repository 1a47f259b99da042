/*
 * push_order: an order's retry (sincro.push_retry_later, after the
 * dispatcher's first push failed), or a ring of the sweep or of an operator.
 * Pushes that order to the ERP (src/push/push-order.ts). A rejection completes the job (the ERP's
 * message is on the order); an unreachable ERP fails it, so graphile-worker
 * retries with backoff (one attempt in manual mode).
 */
import type { Task } from "graphile-worker";
import type { ErpConnector } from "../../erp/connector";
import { pushOrderBatch } from "../../push/push-order";
import { pushOrderPayload } from "./payloads";

export function pushOrderTask(erp: ErpConnector, pushBatch = 1): Task {
  return async (payload, helpers) => {
    const { azi, id_pub: idPub } = pushOrderPayload.parse(payload);
    // pushOrderBatch is pushOrder when batches are off (pushBatch 1) or the ERP offers none
    const { outcome, batch } = await pushOrderBatch(helpers, erp, { azi, idPub }, pushBatch, { signal: helpers.abortSignal });
    helpers.logger.info(`order ${idPub} of ${azi}: ${outcome}${batch > 1 ? ` (${batch} in its request)` : ""}`, { azi, idPub, outcome, batch });
  };
}
