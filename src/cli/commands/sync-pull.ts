/*
 * `sincro sync changes [--azi X] [--batch-size N]` and `sincro sync rebuild
 * [--azi X] [--batch-size N]`: bring the ERP's own changes into the hub (rule 3
 * of docs/protocol.md; docs/sync.md), for one company or every registered one, in
 * this process. Each completed run uses one unit of the company's sync quota;
 * a refusal (quota used up, SY121; another run of the company going on, SY120)
 * changes nothing and is reported in one line. Progress bar on a terminal, one
 * log line per company at the end. SIGINT/SIGTERM stop the run between batches:
 * it is marked failed, uses no quota, and the next run carries on (changes) or
 * starts again (rebuild) (company-runs.ts). Exit 1 if any company's run failed
 * or was refused.
 */
import { InvalidArgumentError, type Command } from "commander";
import type { Pool } from "pg";
import { DEFAULT_CHANGES_BATCH_SIZE, runChangesSync } from "../../sync/changes";
import { DEFAULT_REBUILD_BATCH_SIZE, runRebuild } from "../../sync/rebuild";
import type { SyncKind } from "../../sync/runs";
import { runForCompanies, type CompanyRun } from "../company-runs";
import type { CliContext } from "../context";
import { SyncProgress } from "../progress";

interface PullOptions {
  readonly azi?: string;
  readonly batchSize?: number;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 100_000) throw new InvalidArgumentError("a whole number from 1 to 100000");
  return number;
}

async function syncChanges({ pool, erp, logger, azi, signal }: CompanyRun, options: PullOptions): Promise<void> {
  const progress = new SyncProgress({ label: `${azi} changes` });
  try {
    const result = await runChangesSync(pool, erp, azi, {
      batchSize: options.batchSize ?? DEFAULT_CHANGES_BATCH_SIZE,
      signal,
      onProgress: (p) => progress.update(p.received),
    });
    progress.stop();
    const rate = progress.rate(result.received);
    logger.info(
      { event: "sync_changes", azi, ...result, rows_per_second: rate },
      `sync for changes ${result.runId} of ${azi}: ${result.received} change(s) received in ${result.batches} batch(es), ${result.changed} hub row(s) changed, ${rate} rows/s; ERP cursor ${JSON.stringify(result.cursor)}`,
    );
  } finally {
    progress.stop();
  }
}

async function syncRebuild({ pool, erp, logger, azi, signal }: CompanyRun, options: PullOptions): Promise<void> {
  // one line per entity: a bar when the ERP announced the snapshot's row count, else counts only
  const progress = new SyncProgress({ label: `${azi} rebuild` });
  try {
    const result = await runRebuild(pool, erp, azi, {
      batchSize: options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE,
      signal,
      onProgress: (p) => {
        if (p.phase === "sweep") progress.stop();
        else progress.update(p.entityReceived, `${p.phase} (${p.entityIndex}/${p.entityCount})`, p.entityExpected);
      },
    });
    progress.stop();
    const rate = progress.rate(result.received);
    const perEntity = Object.entries(result.entities)
      .map(([entity, counts]) => `${entity} ${counts.received}`)
      .join(", ");
    logger.info(
      { event: "sync_rebuild", azi, ...result, rows_per_second: rate },
      `total rebuild ${result.runId} of ${azi}: ${result.received} row(s) received (${perEntity}), ${result.changed} changed, ${result.tombstoned} tombstoned, ${rate} rows/s; ERP cursor ${JSON.stringify(result.cursor)}`,
    );
  } finally {
    progress.stop();
  }
}

function pull(context: CliContext, kind: SyncKind, options: PullOptions): Promise<void> {
  const sync = kind === "changes" ? syncChanges : syncRebuild;
  return runForCompanies(context, `sync ${kind}`, options.azi, (run) => sync(run, options));
}

export function registerPullCommands(sync: Command, context: CliContext): void {
  sync
    .command("changes")
    .description("pull the ERP's changes since the hub's cursor (one company, or all); uses one quota unit per company")
    .option("--azi <company>", "only this company")
    .option("--batch-size <n>", `changes per ERP request and per hub transaction (default ${DEFAULT_CHANGES_BATCH_SIZE})`, positiveInteger)
    .action((options: PullOptions) => pull(context, "changes", options));
  sync
    .command("rebuild")
    .description("rebuild the hub's copy of the ERP's data from full snapshots; rows the ERP no longer has become tombstones; uses one quota unit")
    .option("--azi <company>", "only this company")
    .option("--batch-size <n>", `snapshot rows per hub call (default ${DEFAULT_REBUILD_BATCH_SIZE})`, positiveInteger)
    .action((options: PullOptions) => pull(context, "rebuild", options));
}
