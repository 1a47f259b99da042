/* partial_sync: started by sincro.partial_sync(azi); pushes the company's pending orders and closes the run. */
import type { Task } from "graphile-worker";
import type { ErpConnector } from "../../erp/connector";
import { runPartialSync } from "../../push/partial-sync";
import { partialSyncPayload } from "./payloads";

export function partialSyncTask(erp: ErpConnector): Task {
  return async (payload, helpers) => {
    const { azi, run_id: runId } = partialSyncPayload.parse(payload);
    const result = await runPartialSync(helpers, erp, azi, runId, {}, { signal: helpers.abortSignal });
    helpers.logger.info(`partial sync ${runId} of ${azi}: ${result.pushed} pushed, ${result.rejected} rejected, ${result.failed} failed`, {
      ...result,
      azi,
    });
  };
}
