/*
 * store_inbox_apply: the doorbell of one inbox row (a webhook delivery or a
 * reconciliation find). Turns it into an order, an update, a duplicate, or an
 * error with its reason (src/stores/inbox.ts); only a failure of the database
 * itself fails the job, which is then retried.
 */
import type { Task } from "graphile-worker";
import { applyInboxRow } from "../../stores/inbox";
import { storeInboxPayload } from "./payloads";

export const storeInboxApplyTask: Task = async (payload, helpers) => {
  const { inbox_id: inboxId } = storeInboxPayload.parse(payload);
  const outcome = await applyInboxRow(helpers, inboxId);
  helpers.logger.info(`store inbox ${inboxId}: ${outcome.state}${outcome.idPub === null ? "" : ` (order ${outcome.idPub})`}${outcome.error ? `: ${outcome.error}` : ""}`, {
    inboxId, ...outcome,
  });
};
