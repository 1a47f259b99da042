/*
 * sync_pull: started by sincro.sync_request(azi, kind) (the console's sync
 * buttons). Takes the queued run over on one session (sync_run_take: the run
 * is alive while this session is) and works it to its end with the same
 * drivers as `sincro sync changes|rebuild`; the run's row in sync_runs shows
 * its progress and outcome. One attempt: a failed run is marked failed (no
 * quota used) and a new one is started by hand.
 */
import type { Task } from "graphile-worker";
import type { ErpConnector } from "../../erp/connector";
import { pullChanges } from "../../sync/changes";
import { rebuildOn } from "../../sync/rebuild";
import { syncPullPayload } from "./payloads";

export function syncPullTask(erp: ErpConnector): Task {
  return async (payload, helpers) => {
    const { azi, run_id: runId, kind } = syncPullPayload.parse(payload);
    const options = { signal: helpers.abortSignal };
    const summary = await helpers.withPgClient(async (client) => {
      await client.query("select sincro.sync_run_take(azi => $1, run_id => $2, kind => $3)", [azi, runId, kind]);
      if (kind === "changes") {
        const result = await pullChanges(client, erp, azi, runId, options);
        return `${result.received} changes received, ${result.changed} rows changed`;
      }
      const result = await rebuildOn(client, erp, azi, runId, options);
      return `${result.received} rows received, ${result.changed} changed, ${result.tombstoned} tombstoned`;
    });
    helpers.logger.info(`${kind === "changes" ? "sync for changes" : "total rebuild"} ${runId} of ${azi}: ${summary}`, { azi, runId, kind });
  };
}
