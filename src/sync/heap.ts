/*
 * Keeping a long sync's heap small. A rebuild streams millions of rows in
 * batches; each batch's text lives across a hub call (~100 ms), survives the
 * young-generation collections and is promoted, and V8 lets its old space
 * fill with such dead batches (hundreds of MB) before a full collection. The
 * live data stays at two batches (docs/performance.md), so the rebuild asks
 * for a full collection every few batches: a few ms each, and the process's
 * peak memory then follows what it really holds, whatever the snapshot's size.
 *
 * V8 exposes gc() only with --expose-gc; the flag may be set at run time and
 * the function taken from a fresh context. Where that fails, collecting is a
 * no-op (memory is still bounded, just by V8's own heuristics).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Collect = () => void;

function exposeGc(): Collect {
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("typeof gc === 'function' ? gc : undefined");
    return typeof gc === "function" ? () => (gc as Collect)() : () => undefined;
  } catch {
    return () => undefined;
  }
}

let collect: Collect | undefined;

/** Runs a full garbage collection (once V8 allows it; otherwise nothing). */
export function collectGarbage(): void {
  collect ??= exposeGc();
  collect();
}

/** Calls collectGarbage() every `every` calls. */
export function periodicCollector(every: number): () => void {
  let calls = 0;
  return () => {
    calls++;
    if (calls % every === 0) collectGarbage();
  };
}
