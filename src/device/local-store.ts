/*
 * The device's local copy (SQLite, better-sqlite3): the slice's rows by
 * entity and key, the feed cursor, and the outbox of orders written offline.
 *
 * Rows are kept generically (entity, key, data as JSON text): a real app would
 * map each entity to a table of its own, but the protocol is the same. A page
 * of the feed and the cursor that follows it are written in ONE SQLite
 * transaction, so a device that dies mid-download keeps either the whole
 * page and its cursor or neither, and restarts from the cursor it kept.
 */
import Database from "better-sqlite3";

/** One row of the device feed (sincro.device_changes_since). */
export interface FeedRow {
  readonly entity: string;
  readonly id_sincro: number;
  readonly deleted: boolean;
  readonly key: Readonly<Record<string, unknown>>;
  readonly data: Readonly<Record<string, unknown>> | null;
}

/** An order written on the device, waiting for (or done with) its upload. */
export interface OutboxEntry {
  readonly id_int: string;
  readonly order: OfflineOrder;
  /** The hub's public ID, once an upload has it. */
  readonly id_pub: number | null;
}

export interface OfflineOrder {
  readonly cliente_cod: string | null;
  readonly data_ordine: string;
  readonly note?: string | null;
  readonly lines: readonly { readonly articolo: string; readonly quantita: string | number; readonly prezzo?: string | number | null; readonly sconto?: string | number | null }[];
}

/** A key as text, its fields sorted: the same row always has the same text whatever the order the fields came in. */
export function keyText(key: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

const SCHEMA = `
  create table if not exists slice_rows (
    entity text not null,
    key text not null,
    data text not null,
    id_sincro integer not null,
    primary key (entity, key)
  ) without rowid;
  create table if not exists device_state (name text primary key, value text not null) without rowid;
  -- rowid: the order in which the agent wrote them, the order they are uploaded in
  create table if not exists outbox (
    id_int text primary key,
    written_at text not null,
    order_json text not null,
    id_pub integer,
    uploaded_at text
  );
`;

export class LocalStore {
  private readonly db: Database.Database;
  private readonly upsertRow: Database.Statement;
  private readonly deleteRow: Database.Statement;
  private readonly setState: Database.Statement;
  private readonly applyPage: (rows: readonly FeedRow[], midway: (() => void) | undefined) => void;

  constructor(file: string) {
    this.db = new Database(file);
    // WAL: a reader (the app's screens) never waits for a page being applied
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(SCHEMA);
    this.upsertRow = this.db.prepare(
      `insert into slice_rows (entity, key, data, id_sincro) values (?, ?, ?, ?)
       on conflict (entity, key) do update set data = excluded.data, id_sincro = excluded.id_sincro`,
    );
    this.deleteRow = this.db.prepare("delete from slice_rows where entity = ? and key = ?");
    this.setState = this.db.prepare("insert into device_state (name, value) values (?, ?) on conflict (name) do update set value = excluded.value");
    this.applyPage = this.db.transaction((rows: readonly FeedRow[], midway: (() => void) | undefined) => {
      for (const [index, row] of rows.entries()) {
        if (index === Math.floor(rows.length / 2)) midway?.();
        if (row.deleted || row.data === null) this.deleteRow.run(row.entity, keyText(row.key));
        else this.upsertRow.run(row.entity, keyText(row.key), JSON.stringify(row.data), row.id_sincro);
      }
      const last = rows.at(-1);
      if (last !== undefined) this.setState.run("cursor", String(last.id_sincro));
    });
  }

  /** The largest change number applied (0: nothing yet, the next pull is the first download). */
  cursor(): number {
    const row = this.db.prepare("select value from device_state where name = 'cursor'").get() as { value: string } | undefined;
    return row === undefined ? 0 : Number(row.value);
  }

  /** Applies one page of the feed and moves the cursor to its last row, in one transaction (`midway`: a test's hook, half-way through). */
  apply(rows: readonly FeedRow[], midway?: () => void): void {
    this.applyPage(rows, midway);
  }

  /** Empties the copy (after SY130: download again from 0). */
  reset(): void {
    this.db.transaction(() => {
      this.db.exec("delete from slice_rows; delete from device_state where name = 'cursor'");
    })();
  }

  rows(entity: string): { key: Record<string, unknown>; data: Record<string, unknown> }[] {
    const rows = this.db.prepare("select key, data from slice_rows where entity = ? order by key").all(entity) as { key: string; data: string }[];
    return rows.map((row) => ({ key: JSON.parse(row.key) as Record<string, unknown>, data: JSON.parse(row.data) as Record<string, unknown> }));
  }

  row(entity: string, key: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
    const row = this.db.prepare("select data from slice_rows where entity = ? and key = ?").get(entity, keyText(key)) as { data: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.data) as Record<string, unknown>);
  }

  /** Every row as (entity, key text, data text), for comparisons. */
  allRows(): { entity: string; key: string; data: string }[] {
    return this.db.prepare("select entity, key, data from slice_rows order by entity, key").all() as { entity: string; key: string; data: string }[];
  }

  counts(): Record<string, number> {
    const rows = this.db.prepare("select entity, count(*) as n from slice_rows group by entity order by entity").all() as { entity: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.entity, row.n]));
  }

  addToOutbox(idInt: string, order: OfflineOrder): void {
    this.db.prepare("insert into outbox (id_int, written_at, order_json) values (?, ?, ?)").run(idInt, new Date().toISOString(), JSON.stringify(order));
  }

  outbox(): OutboxEntry[] {
    const rows = this.db.prepare("select id_int, order_json, id_pub from outbox order by rowid").all() as {
      id_int: string;
      order_json: string;
      id_pub: number | null;
    }[];
    return rows.map((row) => ({ id_int: row.id_int, order: JSON.parse(row.order_json) as OfflineOrder, id_pub: row.id_pub }));
  }

  markUploaded(idInt: string, idPub: number): void {
    this.db.prepare("update outbox set id_pub = ?, uploaded_at = ? where id_int = ?").run(idPub, new Date().toISOString(), idInt);
  }

  close(): void {
    this.db.close();
  }
}
