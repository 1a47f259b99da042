/*
 * `sincro sync partial [--azi X]`: push every pending order (with its new
 * customer) of one company, or of every company, to the ERP now; pull
 * nothing; use no quota. Runs in this process (no worker needed), shows a
 * progress bar on a terminal, records each run in sincro.sync_runs, and exits
 * 1 if any order could not reach the ERP.
 *
 * `sincro sync changes` and `sincro sync rebuild` (pulling from the ERP, with
 * quota) live in sync-pull.ts.
 */
import { SingleBar, Presets } from "cli-progress";
import type { Command } from "commander";
import { beginPartialSync, runPartialSync, type PartialSyncResult } from "../../push/partial-sync";
import type { CliContext } from "../context";
import { openErp, openHub } from "../hub";
import { registerPullCommands } from "./sync-pull";

export function registerSyncCommand(program: Command, context: CliContext): void {
  const sync = program.command("sync").description("synchronise with the ERP by hand");
  sync
    .command("partial")
    .description("push every pending order of a company (or all companies) to the ERP now; no quota used")
    .option("--azi <company>", "only this company")
    .action(async (options: { azi?: string }) => {
      const { logger } = context;
      const pool = openHub(context, "sync partial");
      let failedOrders = 0;
      try {
        const erp = openErp(context, "sync partial").connector;
        const companies = options.azi
          ? [options.azi]
          : (await pool.query<{ azi: string }>("select azi from sincro.apstatosyn order by azi")).rows.map((row) => row.azi);
        for (const azi of companies) {
          const runId = await beginPartialSync(pool, azi);
          const bar = process.stdout.isTTY
            ? new SingleBar({ format: `${azi} [{bar}] {value}/{total} orders | {eta_formatted} left` }, Presets.shades_classic)
            : undefined;
          let result: PartialSyncResult;
          try {
            result = await runPartialSync(pool, erp, azi, runId, {
              onStart: (total) => bar?.start(total, 0),
              onOrder: () => bar?.increment(),
            });
          } finally {
            bar?.stop();
          }
          failedOrders += result.failed;
          logger.info(
            { event: "partial_sync", azi, ...result },
            `partial sync ${result.runId} of ${azi}: ${result.pushed} pushed, ${result.rejected} rejected, ${result.failed} could not reach the ERP`,
          );
        }
      } finally {
        await pool.end();
      }
      if (failedOrders > 0) throw new Error(`${failedOrders} order(s) could not reach the ERP; they stay pending`);
    });
  registerPullCommands(sync, context);
}
