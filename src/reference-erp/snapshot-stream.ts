/*
 * The snapshot (GET /v1/companies/{azi}/snapshot/{entity}): every row of one
 * entity as NDJSON, `{"key": {...}, "data": {...}}` per line, read in one
 * REPEATABLE READ transaction, together with the change-log position that
 * transaction sees (the x-erp-cursor header): the rows are exactly the state
 * after every entry up to that seq and none after it (per company, seq order is
 * commit order: change-log.ts). The x-erp-row-count header, counted in the
 * same transaction, lets the reader tell a complete stream from a cut one.
 *
 * Memory stays flat whatever the size: the rows come through a server-side
 * cursor, FETCH_ROWS at a time, and the next FETCH is issued only when the
 * HTTP response has taken the previous batch (a Readable's _read). PostgreSQL
 * writes each line's JSON text itself; Node only joins them.
 */
import { Readable } from "node:stream";
import type { Pool, PoolClient } from "pg";
import type { ErpEntity } from "../erp/connector";

const FETCH_ROWS = 2000;

/** Each query yields one column, the NDJSON line of a row, for company $1 (and entity $2 for records). */
const ROWS_OF: Record<ErpEntity, string> = {
  customer: `select '{"key":' || jsonb_build_object('cod_cli', code)::text || ',"data":' || erp_ref.customer_data(data)::text || '}'
             from erp_ref.customer where azi = $1`,
  order: `select '{"key":' || jsonb_build_object('tor_chia', o.tor_chia)::text || ',"data":' || erp_ref.order_data(o)::text || '}'
          from erp_ref.orders o where o.azi = $1`,
  article: recordRows(),
  particolarita: recordRows(),
  accessory: recordRows(),
  document: recordRows(),
  agent: recordRows(),
  open_item: recordRows(),
  customer_credit: recordRows(),
};

function recordRows(): string {
  return `select '{"key":' || key::text || ',"data":' || data::text || '}' from erp_ref.record where azi = $1 and entity = $2`;
}

function countOf(entity: ErpEntity): string {
  if (entity === "customer") return "select count(*)::text as n from erp_ref.customer where azi = $1";
  if (entity === "order") return "select count(*)::text as n from erp_ref.orders where azi = $1";
  return "select count(*)::text as n from erp_ref.record where azi = $1 and entity = $2";
}

export interface SnapshotStream {
  /** The change-log seq the rows reflect ("0" before the company's first entry). */
  readonly cursor: string;
  /** How many lines the stream will carry. */
  readonly rowCount: string;
  readonly lines: Readable;
}

/** Opens the transaction and the cursor; the stream commits and releases the connection at its end, or rolls back if destroyed. */
export async function openSnapshotStream(pool: Pool, azi: string, entity: ErpEntity): Promise<SnapshotStream> {
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    // the first statement takes the transaction's snapshot: the cursor and the rows see the same commits
    const position = await client.query<{ seq: string }>(
      "select coalesce(max(seq), 0)::text as seq from erp_ref.change_log where azi = $1",
      [azi],
    );
    const parameters = entity === "customer" || entity === "order" ? [azi] : [azi, entity];
    const count = await client.query<{ n: string }>(countOf(entity), parameters);
    await client.query(`declare snapshot_rows no scroll cursor for ${ROWS_OF[entity]}`, parameters);
    return { cursor: position.rows[0]?.seq ?? "0", rowCount: count.rows[0]?.n ?? "0", lines: new SnapshotLines(client) };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    client.release(error instanceof Error ? error : undefined);
    throw error;
  }
}

class SnapshotLines extends Readable {
  private fetching = false;
  /** Set once the connection is back in the pool (committed, or rolled back on destroy). */
  private released = false;

  constructor(private readonly client: PoolClient) {
    super({ highWaterMark: 256 * 1024 });
  }

  override _read(): void {
    if (this.fetching || this.released) return;
    this.fetching = true;
    this.client
      .query<string[]>({ text: `fetch ${FETCH_ROWS} from snapshot_rows`, rowMode: "array" })
      .then(async (result) => {
        this.fetching = false;
        if (this.destroyed) return; // _destroy has queued the rollback behind this fetch
        if (result.rows.length === 0) {
          // claimed before the await: a destroy arriving meanwhile must not release the connection too
          this.released = true;
          try {
            await this.client.query("commit");
            this.client.release();
          } catch (error) {
            this.client.release(error instanceof Error ? error : true);
            throw error;
          }
          this.push(null);
          return;
        }
        let chunk = "";
        for (const row of result.rows) chunk += `${row[0]}\n`;
        this.push(chunk);
      })
      .catch((error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))));
  }

  /** The client went away or the database failed: end the transaction and give the connection back. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.released) {
      callback(error);
      return;
    }
    this.released = true;
    this.client
      .query("rollback")
      .then(
        () => this.client.release(),
        (rollbackError: unknown) => this.client.release(rollbackError instanceof Error ? rollbackError : true),
      )
      .finally(() => callback(error));
  }
}
