/*
 * The life of a sync run (sync for changes or total rebuild) in the hub:
 * sync_run_begin, then sync_run_complete (charges one quota unit) or
 * sync_run_fail (charges nothing). The rules — quota, one run at a time — are
 * in SQL; here the two refusals become one readable error naming the company.
 */
import { DatabaseError } from "pg";
import type { Queryable } from "../db/queryable";

export type SyncKind = "changes" | "rebuild";

/** SQLSTATEs of sync_run_begin's refusals (docs/error_codes.md); either one wrote nothing. */
export const QUOTA_EXHAUSTED = "SY121";
export const ALREADY_RUNNING = "SY120";

/** The hub refused to start the run: quota used up (SY121) or another run of the company in progress (SY120). */
export class SyncRefusedError extends Error {
  override readonly name = "SyncRefusedError";
  constructor(
    readonly azi: string,
    readonly kind: SyncKind,
    readonly code: typeof QUOTA_EXHAUSTED | typeof ALREADY_RUNNING,
    message: string,
    /** The hub's error (its hint says what to do). */
    readonly reason: unknown,
  ) {
    super(message);
  }
}

/** A run that started and then failed; the run row says so and no quota was used. */
export class SyncFailedError extends Error {
  override readonly name = "SyncFailedError";
  constructor(
    readonly azi: string,
    readonly kind: SyncKind,
    readonly runId: number,
    /** What stopped it: an ErpUnavailableError, a hub error, the abort signal's reason… */
    readonly reason: unknown,
  ) {
    // not `cause`: the message already says it, and the CLI would print it twice
    super(`${kind === "changes" ? "sync for changes" : "total rebuild"} ${runId} of company ${azi} failed (no quota used): ${messageOf(reason)}`);
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") return error.errors.map(messageOf).join("; ");
  return error instanceof Error ? error.message : String(error);
}

function refusal(error: unknown, azi: string, kind: SyncKind): SyncRefusedError | undefined {
  if (!(error instanceof DatabaseError)) return undefined;
  if (error.code !== QUOTA_EXHAUSTED && error.code !== ALREADY_RUNNING) return undefined;
  const what = kind === "changes" ? "sync for changes" : "total rebuild";
  const hint = error.hint ? ` (${error.hint})` : "";
  return new SyncRefusedError(azi, kind, error.code, `${what} of company ${azi} refused (${error.code}), nothing changed: ${error.message}${hint}`, error);
}

/** Opens a run; throws SyncRefusedError on SY121 / SY120. */
export async function beginRun(db: Queryable, azi: string, kind: SyncKind): Promise<number> {
  try {
    const result = await db.query<{ run_id: string }>("select sincro.sync_run_begin(azi => $1, kind => $2) as run_id", [azi, kind]);
    return Number(result.rows[0]?.run_id);
  } catch (error) {
    throw refusal(error, azi, kind) ?? error;
  }
}

export async function completeRun(db: Queryable, azi: string, runId: number): Promise<void> {
  await db.query("select sincro.sync_run_complete(azi => $1, run_id => $2)", [azi, runId]);
}

/**
 * Marks the run failed with the cause's message. Never throws: it runs while
 * another error is on its way up, and that one is the one to report (if the
 * hub itself is gone, sync_run_begin closes the run as abandoned later).
 */
export async function failRun(db: Queryable, azi: string, runId: number, cause: unknown): Promise<void> {
  await db.query("select sincro.sync_run_fail(azi => $1, run_id => $2, error => $3)", [azi, runId, messageOf(cause).slice(0, 2000)]).catch(() => undefined);
}
