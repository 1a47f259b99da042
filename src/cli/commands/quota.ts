/*
 * `sincro quota [--azi X]`: each company's contracted sync quota (syncs for
 * changes and total rebuilds per period), how much of it is used, and the
 * period. `sincro quota --azi X --set N [--period "1 month"] [--from
 * YYYY-MM-DD]` sets a company's contract (sincro.set_sync_contract; a period
 * or first day not given stays as it is); the rules, including what a new
 * period does to the count used, are in SQL.
 */
import { InvalidArgumentError, type Command } from "commander";
import { DatabaseError, type Pool } from "pg";
import type { CliContext } from "../context";
import { UsageError } from "../errors";
import { companiesFor, openHub } from "../hub";
import { formatTable } from "../table";

interface QuotaOptions {
  readonly azi?: string;
  readonly set?: number;
  readonly period?: string;
  readonly from?: string;
}

interface QuotaRow {
  readonly azi: string;
  readonly sync_quota: number;
  readonly sync_used: number;
  readonly sync_remaining: number;
  readonly period_start: string;
  readonly period_end: string;
}

function quotaNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 2_147_483_647) throw new InvalidArgumentError("a whole number, 0 or more");
  return number;
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError("a date as YYYY-MM-DD");
  return value;
}

export async function readQuotas(pool: Pool, companies: readonly string[]): Promise<QuotaRow[]> {
  const result = await pool.query<QuotaRow>(
    `select q.azi, q.sync_quota, q.sync_used, q.sync_remaining, q.period_start::text as period_start, q.period_end::text as period_end
     from unnest($1::text[]) as c (azi) cross join lateral sincro.quota(c.azi) q
     order by q.azi`,
    [companies],
  );
  return result.rows;
}

export function formatQuotas(rows: readonly QuotaRow[]): string {
  return formatTable(
    ["company", "quota", "used", "remaining", "period start", "period end"],
    rows.map((row) => [row.azi, row.sync_quota, row.sync_used, row.sync_remaining, row.period_start, row.period_end]),
  );
}

async function setContract(pool: Pool, azi: string, options: QuotaOptions & { set: number }): Promise<void> {
  // named arguments; the ones not given keep the function's defaults
  const names = ["azi", "sync_quota"];
  const values: unknown[] = [azi, options.set];
  if (options.period !== undefined) {
    names.push("period");
    values.push(options.period);
  }
  if (options.from !== undefined) {
    names.push("period_start");
    values.push(options.from);
  }
  const casts: Record<string, string> = { period: "::interval", period_start: "::date" };
  const args = names.map((name, index) => `${name} => $${index + 1}${casts[name] ?? ""}`).join(", ");
  try {
    await pool.query(`select sincro.set_sync_contract(${args})`, values);
  } catch (error) {
    // 22xxx: a value PostgreSQL cannot read (--period "a month"); SY201: one the contract refuses (--period "1 hour")
    if (error instanceof DatabaseError && (error.code?.startsWith("22") || error.code === "SY201")) {
      throw new UsageError(`sincro quota --set: ${error.message}${error.hint ? ` (${error.hint})` : ""}`);
    }
    throw error;
  }
}

export function registerQuotaCommand(program: Command, context: CliContext): void {
  program
    .command("quota")
    .description("show each company's sync quota (syncs for changes and rebuilds per period), or set one company's contract")
    .option("--azi <company>", "only this company")
    .option("--set <n>", "set the company's quota: n syncs per period (needs --azi)", quotaNumber)
    .option("--period <interval>", 'with --set: the contract period, a PostgreSQL interval such as "1 month" or "7 days" (default: unchanged; a new company has 1 month)')
    .option("--from <date>", "with --set: first day of a period, YYYY-MM-DD; a new first day starts a period with nothing used (default: unchanged)", isoDate)
    .action(async (options: QuotaOptions) => {
      if (options.set === undefined && (options.period !== undefined || options.from !== undefined)) {
        throw new UsageError("--period and --from go with --set");
      }
      if (options.set !== undefined && options.azi === undefined) throw new UsageError("--set needs --azi: a contract is set one company at a time");
      const pool = openHub(context, "quota");
      try {
        const companies = await companiesFor(pool, options.azi);
        if (options.set !== undefined && options.azi !== undefined) {
          await setContract(pool, options.azi, { ...options, set: options.set });
        }
        const quotas = await readQuotas(pool, companies);
        if (options.set !== undefined) {
          const quota = quotas[0];
          context.logger.info(
            { event: "sync_contract_set", azi: options.azi, sync_quota: options.set, period: options.period ?? null, from: options.from ?? null },
            `sync contract of ${options.azi} set: ${options.set} sync(s) per period; this period ${quota?.period_start} to ${quota?.period_end}, ${quota?.sync_used} used`,
          );
        }
        process.stdout.write(`${formatQuotas(quotas)}\n`);
      } finally {
        await pool.end();
      }
    });
}
