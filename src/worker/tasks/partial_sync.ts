/* partial_sync: started by sincro.partial_sync(azi); pushes the company's pending orders and closes the run. */
import type { Task } from "graphile-worker";
import type { ErpConnector } from "../../erp/connector";
import { runPartialSync } from "../../push/partial-sync";
import { partialSyncPayload } from "./payloads";

export function partialSyncTask(erp: ErpConnector): Task {
  return async (payload, helpers) => {
    const { azi, run_id: runId } = partialSyncPayload.parse(payload);
    // one session for the whole run: the run is alive while it is (sincro.partial_sync_progress notes it)
    const result = await helpers.withPgClient((client) => runPartialSync(client, erp, azi, runId, {}, { signal: helpers.abortSignal }));
    helpers.logger.info(`partial sync ${runId} of ${azi}: ${result.pushed} pushed, ${result.rejected} rejected, ${result.failed} failed`, {
      ...result,
      azi,
    });
  };
}
