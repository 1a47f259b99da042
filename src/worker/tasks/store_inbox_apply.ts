/*
 * store_inbox_apply: the doorbell of inbox rows (webhook deliveries or
 * reconciliation finds): one row ({inbox_id}: the sweep, an operator's retry)
 * or up to ten of one company ({inbox_ids}: the dispatcher's chain of jobs
 * for that company, one at a time). Turns each into
 * an order, an update, a duplicate, or an error with its reason
 * (src/stores/inbox.ts); only a failure of the database itself fails the job,
 * which is then retried.
 *
 * Several rows go in one transaction. When that fails (a deadlock, a lost
 * connection, a bug that is no row's own fault), each row is applied in its
 * own transaction, so one row cannot hold back the others; the job fails (and
 * is retried, the rows already applied then being no-ops) only if one of those
 * fails too.
 */
import type { JobHelpers, Task } from "graphile-worker";
import { applyInboxRow, applyInboxRows, type InboxRowOutcome } from "../../stores/inbox";
import { storeInboxPayload } from "./payloads";

function report(helpers: JobHelpers, outcome: InboxRowOutcome): void {
  helpers.logger.info(
    `store inbox ${outcome.inboxId}: ${outcome.state}${outcome.idPub === null ? "" : ` (order ${outcome.idPub})`}${outcome.error ? `: ${outcome.error}` : ""}`,
    { ...outcome },
  );
}

export const storeInboxApplyTask: Task = async (payload, helpers) => {
  const parsed = storeInboxPayload.parse(payload);
  const inboxIds = "inbox_id" in parsed ? [parsed.inbox_id] : parsed.inbox_ids;
  // the dispatcher's jobs ({inbox_ids}, even of one row) through store_inbox_apply_many, which goes on with their
  // company's chain (rings its next job or frees its gate: sincro.store_inbox_dispatch)
  if (!("inbox_id" in parsed)) {
    try {
      for (const outcome of await applyInboxRows(helpers, inboxIds)) report(helpers, outcome);
      return;
    } catch (error) {
      helpers.logger.warn(`store inbox ${inboxIds.join(", ")}: applying them together failed (${String(error)}); one by one`);
    }
  }
  const failed: string[] = [];
  for (const inboxId of inboxIds) {
    try {
      report(helpers, { inboxId, ...(await applyInboxRow(helpers, inboxId)) });
    } catch (error) {
      failed.push(`${inboxId}: ${String(error)}`);
    }
  }
  if (failed.length > 0) throw new Error(`store inbox rows not applied (the job is retried): ${failed.join("; ")}`);
};
