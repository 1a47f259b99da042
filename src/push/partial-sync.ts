/*
 * Partial sync (rule 2): push every pending order of a company now, pull
 * nothing, use no quota. One run row in sincro.sync_runs records it. Used by
 * the worker's partial_sync task and by `npx sincro sync partial`.
 */
import type { Queryable } from "../db/queryable";
import type { ErpConnector } from "../erp/connector";
import { enterPhase } from "../sync/phase";
import { messageOf, pushOrder } from "./push-order";

export interface PartialSyncResult {
  readonly runId: number;
  readonly pushed: number;
  readonly rejected: number;
  readonly failed: number;
}

export interface PartialSyncProgress {
  onStart?(total: number): void;
  onOrder?(idPub: number, outcome: "acquired" | "rejected" | "failed" | "nothing_to_push"): void;
}

export async function beginPartialSync(db: Queryable, azi: string): Promise<number> {
  const result = await db.query<{ run_id: string }>("select sincro.sync_run_begin(azi => $1, kind => 'partial') as run_id", [azi]);
  return Number(result.rows[0]?.run_id);
}

/** Pushes the company's pending orders one by one and closes run `runId`. */
export async function runPartialSync(
  db: Queryable,
  erp: ErpConnector,
  azi: string,
  runId: number,
  progress: PartialSyncProgress = {},
  options: { signal?: AbortSignal } = {},
): Promise<PartialSyncResult> {
  let pushed = 0;
  let rejected = 0;
  let failed = 0;
  let lastError: string | null = null;
  try {
    // taking the run over: from now on it is alive while this session is (a queued run belonged to its job)
    await reportProgress(db, azi, runId, 0, 0, 0);
    const pending = await db.query<{ id_pub: string }>("select id_pub from sincro.pushable_orders(azi => $1) as id_pub", [azi]);
    progress.onStart?.(pending.rows.length);
    for (const [position, row] of pending.rows.entries()) {
      if (options.signal?.aborted) throw new Error(`partial sync ${runId} of company ${azi} stopped (${stopReason(options.signal)})`);
      const idPub = Number(row.id_pub);
      await enterPhase(db, azi, runId, "pushing", { step: position + 1, steps: pending.rows.length });
      try {
        const outcome = await pushOrder(db, erp, { azi, idPub }, options);
        if (outcome === "acquired") pushed++;
        if (outcome === "rejected") rejected++;
        progress.onOrder?.(idPub, outcome);
      } catch (error) {
        // one order that cannot reach the ERP does not stop the others
        failed++;
        lastError = messageOf(error);
        progress.onOrder?.(idPub, "failed");
      }
      // SY123 here: the run was closed meanwhile (abandoned); stop pushing for it
      await reportProgress(db, azi, runId, pushed, rejected, failed);
    }
  } catch (error) {
    lastError = messageOf(error);
    await finish(db, azi, runId, pushed, rejected, failed, lastError);
    throw error;
  }
  await finish(db, azi, runId, pushed, rejected, failed, failed > 0 ? `${failed} order(s) did not reach the ERP; last error: ${lastError}` : null);
  return { runId, pushed, rejected, failed };
}

function stopReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : "interrupted";
}

/* The counts so far, and that the session working on the run is alive (sync_run_begin frees runs whose session is gone). */
async function reportProgress(db: Queryable, azi: string, runId: number, pushed: number, rejected: number, failed: number): Promise<void> {
  await db.query(
    "select sincro.partial_sync_progress(azi => $1, run_id => $2, orders_pushed => $3, orders_rejected => $4, orders_failed => $5)",
    [azi, runId, pushed, rejected, failed],
  );
}

async function finish(
  db: Queryable,
  azi: string,
  runId: number,
  pushed: number,
  rejected: number,
  failed: number,
  error: string | null,
): Promise<void> {
  await db.query(
    "select sincro.partial_sync_finish(azi => $1, run_id => $2, orders_pushed => $3, orders_rejected => $4, orders_failed => $5, error => $6)",
    [azi, runId, pushed, rejected, failed, error],
  );
}
