/*
 * Total rebuild (rule 3 of docs/protocol.md): read every entity's snapshot from
 * the ERP, upsert it into the hub batch by batch, then, in one transaction,
 * tombstone every live row no snapshot contained (with a new change number, so
 * consumers learn of the deletion) and set the ERP cursor.
 *
 * Which cursor: the FIRST snapshot's (the earliest of them). Entities are
 * read one after another while the ERP keeps changing; whatever changed after
 * the first snapshot may be missing from an earlier one, so the next sync for
 * changes replays the log from there. Replaying is harmless: a change carries
 * the row's current state, and applying a state the hub already has changes
 * nothing and bumps nothing.
 *
 * Flat memory: a snapshot arrives as a stream of batches, and the next batch
 * is read from the network while the hub applies the current one — never more
 * than one batch ahead (readOneAhead below), so a rebuild of millions of rows
 * holds two batches at most; a full garbage collection every few batches keeps
 * the process's memory at that (src/sync/heap.ts).
 *
 * An interrupted rebuild (Ctrl-C, the ERP or the hub going away) is marked
 * failed and uses no quota. Nothing is tombstoned, because only the sweep
 * deletes and it runs only after every snapshot was read in full; the ERP
 * cursor does not move. The batches already upserted stay: each is the ERP's
 * current state of its rows, with its change number, and consumers may have
 * read them already. The next rebuild starts again from scratch rather than
 * resuming: resuming would need the set of keys seen to outlive the run (the
 * sweep needs all of them) and a snapshot position the ERP does not offer,
 * while re-reading costs only time — rows already applied change nothing and
 * bump nothing the second time.
 */
import type { Pool } from "pg";
import type { Queryable } from "../db/queryable";
import { withRunSession } from "../db/run-session";
import { ERP_ENTITIES, type ErpConnector, type ErpEntity, type ErpSnapshot } from "../erp/connector";
import { periodicCollector } from "./heap";
import { enterPhase } from "./phase";
import { beginRun, completeRun, failRun, SyncFailedError } from "./runs";

export const DEFAULT_REBUILD_BATCH_SIZE = 5000;

/** A full garbage collection every this many batches keeps the heap at what it holds (src/sync/heap.ts). */
const COLLECT_EVERY_BATCHES = 8;

export interface EntityCounts {
  readonly received: number;
  readonly changed: number;
}

export interface RebuildProgress {
  readonly runId: number;
  /** The entity being read; "sweep" once every snapshot is in. */
  readonly phase: ErpEntity | "sweep";
  /** Snapshot rows received so far, every entity together. */
  readonly received: number;
  /** Hub rows they changed (an unchanged row is not rewritten). */
  readonly changed: number;
  /** Rows of the entity being read received so far (0 in the sweep). */
  readonly entityReceived: number;
  /** Rows the ERP announced for that entity's snapshot (x-erp-row-count), if it did: the bar's total. */
  readonly entityExpected: number | undefined;
  /** Which entity this is, from 1, of how many (ERP_ENTITIES). */
  readonly entityIndex: number;
  readonly entityCount: number;
}

export interface RebuildOptions {
  /** Rows per snapshot batch and per hub call (default 5000). */
  readonly batchSize?: number;
  /** Stops the rebuild between batches (and aborts reads in flight): the run fails, nothing is tombstoned. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  readonly runId: number;
  readonly received: number;
  readonly changed: number;
  readonly tombstoned: number;
  /** The ERP cursor the hub now holds: the first snapshot's. */
  readonly cursor: string;
  readonly entities: Readonly<Record<ErpEntity, EntityCounts>>;
}

/**
 * Runs apply() on each item of source in order, reading the next item while
 * apply() works on the current one, and never more than that one ahead. On an
 * error the source is closed (its network stream released).
 */
export async function readOneAhead<T>(source: AsyncIterable<T>, apply: (item: T) => Promise<void>): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      // if apply() fails first, that is the error to report; the read's own failure is then moot
      next.catch(() => undefined);
      await apply(current.value);
    }
  } catch (error) {
    await iterator.return?.()?.catch(() => undefined);
    throw error;
  }
}

/**
 * Each batch as the JSON array the hub takes. When the connector offers the rows' text, it is joined
 * as it came (no parse, no re-serialisation: less CPU and far less garbage for this process); the hub
 * checks every row's shape either way (SY201/SY102).
 */
async function* jsonBatches(snapshot: ErpSnapshot): AsyncGenerator<string> {
  if (snapshot.rawBatches) {
    for await (const lines of snapshot.rawBatches()) yield `[${lines.join(",")}]`;
  } else {
    for await (const rows of snapshot.batches()) yield JSON.stringify(rows);
  }
}

export async function runRebuild(pool: Pool, erp: ErpConnector, azi: string, options: RebuildOptions = {}): Promise<RebuildResult> {
  return withRunSession(pool, async (db) => rebuildOn(db, erp, azi, await beginRun(db, azi, "rebuild"), options));
}

/**
 * Works rebuild run `runId` to its end on this session `db` (which began it,
 * or took it over from the queue: the worker's sync_pull task): completed, or
 * marked failed and thrown as SyncFailedError.
 */
export async function rebuildOn(db: Queryable, erp: ErpConnector, azi: string, runId: number, options: RebuildOptions = {}): Promise<RebuildResult> {
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
  const { signal } = options;
  const entities = Object.fromEntries(ERP_ENTITIES.map((entity) => [entity, { received: 0, changed: 0 }])) as Record<ErpEntity, EntityCounts>;
  let received = 0;
  let changed = 0;
  const collectNow = periodicCollector(COLLECT_EVERY_BATCHES);
  try {
    let firstCursor: string | undefined;
    const entityCount = ERP_ENTITIES.length;
    for (const [position, entity] of ERP_ENTITIES.entries()) {
      signal?.throwIfAborted();
      await enterPhase(db, azi, runId, "reading", { item: entity, step: position + 1, steps: entityCount });
      const snapshot = await erp.openSnapshot(azi, entity, signal === undefined ? { batchSize } : { batchSize, signal });
      firstCursor ??= snapshot.cursor;
      const where = { entityExpected: snapshot.rowCount, entityIndex: position + 1, entityCount };
      options.onProgress?.({ runId, phase: entity, received, changed, entityReceived: 0, ...where });
      await readOneAhead(jsonBatches(snapshot), async (rowsJson: string) => {
        signal?.throwIfAborted();
        collectNow();
        if (rowsJson === "[]") return;
        const result = await db.query<{ applied: EntityCounts }>(
          "select sincro.sync_rebuild_apply(azi => $1, run_id => $2, entity => $3, rows => $4::jsonb) as applied",
          [azi, runId, entity, rowsJson],
        );
        const applied = result.rows[0]?.applied ?? { received: 0, changed: 0 };
        const counts = entities[entity];
        entities[entity] = { received: counts.received + Number(applied.received), changed: counts.changed + Number(applied.changed) };
        received += Number(applied.received);
        changed += Number(applied.changed);
        options.onProgress?.({ runId, phase: entity, received, changed, entityReceived: entities[entity].received, ...where });
      });
    }
    signal?.throwIfAborted();
    const cursor = firstCursor ?? "";
    options.onProgress?.({ runId, phase: "sweep", received, changed, entityReceived: 0, entityExpected: undefined, entityIndex: entityCount, entityCount });
    await enterPhase(db, azi, runId, "tombstoning");
    const swept = await db.query<{ swept: { tombstoned: number } }>(
      "select sincro.sync_rebuild_sweep(azi => $1, run_id => $2, erp_cursor => $3) as swept",
      [azi, runId, cursor],
    );
    const tombstoned = Number(swept.rows[0]?.swept.tombstoned ?? 0);
    await completeRun(db, azi, runId);
    return { runId, received, changed, tombstoned, cursor, entities };
  } catch (error) {
    await failRun(db, azi, runId, error);
    throw new SyncFailedError(azi, "rebuild", runId, error);
  }
}
