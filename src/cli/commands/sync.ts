/*
 * `sincro sync partial [--azi X]`: push every pending order (with its new
 * customer) of one company, or of every company, to the ERP now; pull
 * nothing; use no quota. Runs in this process (no worker needed), shows a
 * progress bar on a terminal, records each run in sincro.sync_runs, and exits
 * 1 if any order could not reach the ERP. SIGINT/SIGTERM stop the run between
 * orders: it is marked failed, what was pushed stays pushed, the order in
 * flight goes back to pending, and the next run pushes the rest
 * (company-runs.ts).
 *
 * `sincro sync changes` and `sincro sync rebuild` (pulling from the ERP, with
 * quota) live in sync-pull.ts.
 */
import type { Command } from "commander";
import { withRunSession } from "../../db/run-session";
import { beginPartialSync, runPartialSync } from "../../push/partial-sync";
import { runForCompanies, type CompanyRun } from "../company-runs";
import type { CliContext } from "../context";
import { SyncProgress } from "../progress";
import { registerPullCommands } from "./sync-pull";

async function syncPartial({ pool, erp, logger, azi, signal }: CompanyRun): Promise<void> {
  let progress: SyncProgress | undefined;
  let done = 0;
  // one session for the whole run, as for the other syncs (db/run-session.ts)
  const result = await withRunSession(pool, async (session) => {
    const runId = await beginPartialSync(session, azi);
    try {
      return await runPartialSync(
        session,
        erp,
        azi,
        runId,
        {
          onStart: (total) => (progress = new SyncProgress({ label: `${azi} partial`, unit: "orders", total })),
          onOrder: () => progress?.update(++done),
        },
        { signal },
      );
    } finally {
      progress?.stop();
    }
  });
  logger.info(
    { event: "partial_sync", azi, ...result },
    `partial sync ${result.runId} of ${azi}: ${result.pushed} pushed, ${result.rejected} rejected, ${result.failed} could not reach the ERP`,
  );
  if (result.failed > 0) throw new Error(`${result.failed} order(s) of ${azi} could not reach the ERP; they stay pending`);
}

export function registerSyncCommand(program: Command, context: CliContext): void {
  const sync = program.command("sync").description("synchronise with the ERP by hand");
  sync
    .command("partial")
    .description("push every pending order of a company (or all companies) to the ERP now; no quota used")
    .option("--azi <company>", "only this company")
    .action((options: { azi?: string }) => runForCompanies(context, "sync partial", options.azi, syncPartial));
  registerPullCommands(sync, context);
}
