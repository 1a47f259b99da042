/*
 * `sincro status [--azi X]`: for each company, what is waiting and how far
 * behind everyone is — orders each party has not acquired yet, the age of the
 * oldest one, the ERP cursor the hub holds, each consumer's lag behind the
 * change feed, the last five sync runs (with what each charged to the quota)
 * and the quota. Read-only; all figures come from views (sincro.company_status,
 * sincro.consumer_lag) and sincro.sync_runs.
 */
import type { Command } from "commander";
import type { Pool } from "pg";
import type { CliContext } from "../context";
import { companiesFor, openHub } from "../hub";
import { formatAge, formatTable } from "../table";
import { describePhase, type RunPhase } from "../../sync/phase";

interface CompanyStatus {
  readonly azi: string;
  readonly pending_gest: string;
  readonly pending_store: string;
  readonly pending_app: string;
  readonly oldest_unacquired_age: number | null;
  readonly sync_quota: number;
  readonly sync_used: number;
  readonly sync_remaining: number;
  readonly period_end: string | null;
  readonly erp_cursor: string;
}

interface ConsumerLag {
  readonly consumer: string;
  readonly cursor: string;
  readonly last_change: string;
  readonly lag: string;
  readonly updated_age: number | null;
}

interface RunRow extends RunPhase {
  readonly run_id: string;
  readonly kind: string;
  readonly state: string;
  readonly started_at: string;
  readonly seconds: number | null;
  readonly rows_received: string;
  readonly rows_changed: string;
  readonly rows_tombstoned: string;
  readonly orders_pushed: number;
  readonly uses_quota: boolean;
  readonly error: string | null;
}

/**
 * What a run charged to the quota, from its row: a sync for changes or a
 * rebuild (uses_quota) charges one unit when it succeeds, in the transaction
 * that marks it succeeded; a failed one charged nothing, a running one will
 * charge one only if it succeeds; a partial sync never charges.
 */
export function quotaCharged(run: Pick<RunRow, "kind" | "state" | "uses_quota">): string {
  if (!run.uses_quota) return "none";
  if (run.state === "succeeded") return "1";
  if (run.state === "running") return "1 if it succeeds";
  return "none";
}

async function companyStatus(pool: Pool, azi: string): Promise<CompanyStatus | undefined> {
  const result = await pool.query<CompanyStatus>(
    `select s.azi, s.pending_gest, s.pending_store, s.pending_app,
            extract(epoch from now() - s.oldest_unacquired_at)::float8 as oldest_unacquired_age,
            s.sync_quota, s.sync_used, s.sync_remaining, s.period_end::text as period_end,
            s.erp_cursor
     from sincro.company_status s where s.azi = $1`,
    [azi],
  );
  return result.rows[0];
}

async function consumerLags(pool: Pool, azi: string): Promise<ConsumerLag[]> {
  const result = await pool.query<ConsumerLag>(
    `select l.consumer, l.cursor::text as cursor, l.last_change::text as last_change, l.lag::text as lag,
            extract(epoch from now() - l.updated_at)::float8 as updated_age
     from sincro.consumer_lag l where l.azi = $1 order by l.consumer`,
    [azi],
  );
  return result.rows;
}

async function lastRuns(pool: Pool, azi: string): Promise<RunRow[]> {
  const result = await pool.query<RunRow>(
    `select r.run_id::text as run_id, r.kind, r.state, to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS') as started_at,
            extract(epoch from coalesce(r.finished_at, now()) - r.started_at)::float8 as seconds,
            r.rows_received, r.rows_changed, r.rows_tombstoned, r.orders_pushed, r.uses_quota, r.error,
            r.phase, r.phase_item, r.phase_step, r.phase_steps
     from sincro.sync_runs r where r.azi = $1 order by r.run_id desc limit 5`,
    [azi],
  );
  return result.rows;
}

function formatCompany(status: CompanyStatus, consumers: readonly ConsumerLag[], runs: readonly RunRow[]): string {
  const lines = [
    `== ${status.azi} ==`,
    formatTable(
      ["pending: ERP", "store", "app", "oldest unacquired", "ERP cursor", "quota", "used", "left", "period end"],
      [
        [
          Number(status.pending_gest),
          Number(status.pending_store),
          Number(status.pending_app),
          formatAge(status.oldest_unacquired_age),
          status.erp_cursor === "" ? "(never synced)" : status.erp_cursor,
          status.sync_quota,
          status.sync_used,
          status.sync_remaining,
          status.period_end,
        ],
      ],
    ),
    "",
    consumers.length === 0
      ? "consumers: none has recorded a cursor yet"
      : formatTable(
          ["consumer", "cursor", "last change", "lag", "updated"],
          consumers.map((c) => [c.consumer, Number(c.cursor), Number(c.last_change), Number(c.lag), c.updated_age === null ? null : `${formatAge(c.updated_age)} ago`]),
        ),
    "",
    runs.length === 0
      ? "runs: none yet"
      : formatTable(
          ["run", "kind", "state", "started", "took", "phase", "received", "changed", "tombstoned", "pushed", "quota used", "error"],
          runs.map((r) => [
            Number(r.run_id),
            r.kind,
            r.state,
            r.started_at,
            formatAge(r.seconds),
            describePhase(r) || null,
            // rows for the syncs with the ERP, orders for partial syncs
            r.kind === "partial" ? null : Number(r.rows_received),
            r.kind === "partial" ? null : Number(r.rows_changed),
            r.kind === "partial" ? null : Number(r.rows_tombstoned),
            r.kind === "partial" ? r.orders_pushed : null,
            quotaCharged(r),
            r.error === null ? null : r.error.replace(/\s+/g, " ").slice(0, 80),
          ]),
        ),
  ];
  return lines.join("\n");
}

export function registerStatusCommand(program: Command, context: CliContext): void {
  program
    .command("status")
    .description("per company: orders waiting for each party, consumers' lag, the last sync runs, the quota")
    .option("--azi <company>", "only this company")
    .action(async (options: { azi?: string }) => {
      const pool = openHub(context, "status");
      try {
        const blocks: string[] = [];
        for (const azi of await companiesFor(pool, options.azi)) {
          const status = await companyStatus(pool, azi);
          if (status === undefined) continue;
          blocks.push(formatCompany(status, await consumerLags(pool, azi), await lastRuns(pool, azi)));
        }
        process.stdout.write(blocks.length === 0 ? "no company registered\n" : `${blocks.join("\n\n")}\n`);
      } finally {
        await pool.end();
      }
    });
}
