/*
 * Sync for changes (rule 3 of docs/protocol.md): pull the ERP's change log from the
 * cursor the hub holds and apply it batch by batch. Each batch is applied and
 * the cursor moved in ONE hub transaction (sincro.sync_changes_apply), and the
 * cursor is re-read from the hub before every pull, so:
 *
 * - a crash, an ERP outage or Ctrl-C loses nothing and repeats nothing: the
 *   batches already committed stay, the run is marked failed (no quota used),
 *   and the next run continues from the stored cursor;
 * - two runs cannot interleave (sync_run_begin refuses the second, SY120) and,
 *   should one slip through, sync_changes_apply refuses a batch whose starting
 *   cursor is no longer the stored one (SY122).
 *
 * A completed run charges one quota unit (sync_run_complete); a refused one
 * (SY121 quota used up, SY120 already running) writes nothing.
 */
import type { Pool } from "pg";
import type { Queryable } from "../db/queryable";
import { withRunSession } from "../db/run-session";
import type { ErpConnector } from "../erp/connector";
import { enterPhase } from "./phase";
import { beginRun, completeRun, failRun, SyncFailedError } from "./runs";

export const DEFAULT_CHANGES_BATCH_SIZE = 1000;

export interface ChangesProgress {
  readonly runId: number;
  readonly batches: number;
  /** Changes received from the ERP so far. */
  readonly received: number;
  /** Hub rows they actually changed (a repeated state changes nothing). */
  readonly changed: number;
  /** The ERP cursor the hub now holds. */
  readonly cursor: string;
}

export interface ChangesSyncOptions {
  /** Changes per pull and per hub transaction (default 1000). */
  readonly batchSize?: number;
  /** Stops the run between batches (and aborts a pull in flight): the run fails, what was applied stays. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ChangesProgress) => void;
}

export type ChangesSyncResult = ChangesProgress;

interface Applied {
  readonly received: number;
  readonly changed: number;
}

/** The ERP cursor the hub holds for the company ('' before the first sync). */
export async function readErpCursor(db: Queryable, azi: string): Promise<string> {
  const result = await db.query<{ cursor: string }>("select sincro.erp_cursor(azi => $1) as cursor", [azi]);
  return result.rows[0]?.cursor ?? "";
}

export async function runChangesSync(pool: Pool, erp: ErpConnector, azi: string, options: ChangesSyncOptions = {}): Promise<ChangesSyncResult> {
  return withRunSession(pool, async (db) => pullChanges(db, erp, azi, await beginRun(db, azi, "changes"), options));
}

/**
 * Works run `runId` to its end on this session `db` (which began it, or took
 * it over from the queue: the worker's sync_pull task): completed, or marked
 * failed and thrown as SyncFailedError.
 */
export async function pullChanges(db: Queryable, erp: ErpConnector, azi: string, runId: number, options: ChangesSyncOptions = {}): Promise<ChangesSyncResult> {
  const batchSize = options.batchSize ?? DEFAULT_CHANGES_BATCH_SIZE;
  const { signal } = options;
  let progress: ChangesProgress = { runId, batches: 0, received: 0, changed: 0, cursor: "" };
  try {
    for (;;) {
      signal?.throwIfAborted();
      const page = progress.batches + 1;
      await enterPhase(db, azi, runId, "fetching", { step: page });
      const cursor = await readErpCursor(db, azi);
      const batch = await erp.pullChanges(azi, cursor, batchSize, signal === undefined ? {} : { signal });
      if (batch.changes.length === 0 && batch.next_cursor === cursor) {
        // nothing new; an ERP saying "more" without moving would loop for ever
        if (batch.more) throw new Error(`the ERP answered more = true with no change and the same cursor ${JSON.stringify(cursor)}`);
        progress = { ...progress, cursor };
        break;
      }
      signal?.throwIfAborted();
      await enterPhase(db, azi, runId, "applying", { step: page });
      // autocommit: one call, one transaction (batch applied + cursor moved together)
      const result = await db.query<{ applied: Applied }>(
        "select sincro.sync_changes_apply(azi => $1, run_id => $2, from_cursor => $3, next_cursor => $4, changes => $5::jsonb) as applied",
        [azi, runId, cursor, batch.next_cursor, JSON.stringify(batch.changes)],
      );
      const applied = result.rows[0]?.applied ?? { received: 0, changed: 0 };
      progress = {
        runId,
        batches: progress.batches + 1,
        received: progress.received + Number(applied.received),
        changed: progress.changed + Number(applied.changed),
        cursor: batch.next_cursor,
      };
      options.onProgress?.(progress);
      if (!batch.more) break;
    }
    await completeRun(db, azi, runId);
    return progress;
  } catch (error) {
    await failRun(db, azi, runId, error);
    throw new SyncFailedError(azi, "changes", runId, error);
  }
}
