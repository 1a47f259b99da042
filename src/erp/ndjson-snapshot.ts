/*
 * Reading a snapshot body (NDJSON, one `{"key": {...}, "data": {...}}` per
 * line) into batches of rows, pulling from the network only as the batches are
 * consumed: a slow consumer slows the ERP's stream (TCP backpressure), memory
 * holds one batch and one network chunk, whatever the size of the snapshot.
 *
 * The lines are split by hand rather than with node:readline, whose async
 * iterator reads ahead of its consumer. Each row is checked by hand too (key an
 * object of strings, data an object): at a million rows a zod parse per row
 * costs more than the rest of the reading.
 *
 * A stream cut short by the network fails (the chunked encoding never ends);
 * one that ends early yet cleanly (an ERP bug, or undici cancelling the body of
 * a Response that was garbage-collected: it then just looks finished) is
 * caught by the row count the ERP announces, which a rebuild needs, since it
 * tombstones every row the snapshot did not contain.
 */
import { ErpUnavailableError, type ErpSnapshotRow } from "./connector";

export interface SnapshotReading {
  /** What the errors name, e.g. "ERP GET /v1/companies/C00001/snapshot/article". */
  readonly what: string;
  readonly batchSize: number;
  /** Longest wait for the next chunk of the body. */
  readonly idleTimeoutMs: number;
  /** Aborts the request; given the reason, so the read in flight fails with it. */
  readonly abort: (reason: Error) => void;
  /** The rows the ERP announced (x-erp-row-count), if it did: fewer or more is an error, raised before the last batch. */
  readonly expectedRows: number | undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseRow(line: string, lineNumber: number, what: string): ErpSnapshotRow {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (error) {
    throw new ErpUnavailableError(`${what}: line ${lineNumber} is not JSON`, { cause: error });
  }
  if (!isPlainObject(row) || !isPlainObject(row.key) || !isPlainObject(row.data)) {
    throw new ErpUnavailableError(`${what}: line ${lineNumber} is not {"key": {...}, "data": {...}}`);
  }
  for (const field in row.key) {
    if (typeof row.key[field] !== "string") throw new ErpUnavailableError(`${what}: line ${lineNumber}: key field "${field}" is not a string`);
  }
  return row as unknown as ErpSnapshotRow;
}

class IdleTimeout extends Error {
  override readonly name = "IdleTimeout";
}

/** The body's rows in batches of at most batchSize; cancels the body if the consumer stops early. */
export function readSnapshotBatches(body: ReadableStream<Uint8Array>, reading: SnapshotReading): AsyncGenerator<ErpSnapshotRow[]> {
  return readLineBatches(body, reading, (line, lineNumber) => parseRow(line, lineNumber, reading.what));
}

/** The body's lines (each a row's JSON text, not parsed) in batches of at most batchSize. */
export function readSnapshotLineBatches(body: ReadableStream<Uint8Array>, reading: SnapshotReading): AsyncGenerator<string[]> {
  return readLineBatches(body, reading, (line) => line);
}

async function* readLineBatches<T>(
  body: ReadableStream<Uint8Array>,
  reading: SnapshotReading,
  toItem: (line: string, lineNumber: number) => T,
): AsyncGenerator<T[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  let batch: T[] = [];
  let lineNumber = 0;
  let yielded = 0;
  let done = false;
  try {
    while (!done) {
      const timer = setTimeout(() => reading.abort(new IdleTimeout(`no data for ${reading.idleTimeoutMs} ms`)), reading.idleTimeoutMs);
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        throw new ErpUnavailableError(`${reading.what}: the stream broke after ${lineNumber} lines (${reason})`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
      done = chunk.done;
      pending += done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      let start = 0;
      for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n", start)) {
        const line = pending.slice(start, end);
        start = end + 1;
        lineNumber++;
        if (line.trim() === "") continue;
        batch.push(toItem(line, lineNumber));
        if (batch.length >= reading.batchSize) {
          yielded += batch.length;
          yield batch;
          batch = [];
        }
      }
      pending = pending.slice(start);
    }
    if (pending.trim() !== "") batch.push(toItem(pending, lineNumber + 1));
    const rows = yielded + batch.length;
    if (reading.expectedRows !== undefined && rows !== reading.expectedRows) {
      throw new ErpUnavailableError(`${reading.what}: the stream ended after ${rows} rows, the ERP announced ${reading.expectedRows}`);
    }
    if (batch.length > 0) yield batch;
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
  }
}
