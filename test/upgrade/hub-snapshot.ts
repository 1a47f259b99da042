/*
 * Everything a hub holds, read generically from the catalog so that a table
 * or column added by a later migration is covered without touching this file:
 * every table of sincro and sincro_private (its columns, and its rows as
 * column -> value text, ordered by primary key), the graphile-worker job
 * queue, and the sequences' positions. compareSnapshots says what an upgrade
 * lost or changed, naming table, row and column.
 */
import type { ClientBase } from "pg";

export const SNAPSHOT_SCHEMAS = ["sincro", "sincro_private"] as const;
/** The job queue is graphile-worker's, read as one more table under this name. */
export const JOBS_TABLE = "graphile_worker.jobs";

/** A value as PostgreSQL prints it in JSON (strings unquoted), NULL as null: exact, whatever the type. */
export type Row = Readonly<Record<string, string | null>>;

export interface Column {
  readonly name: string;
  readonly type: string;
}

export interface TableSnapshot {
  readonly columns: readonly Column[];
  /** Primary-key columns; empty for a table without one (its rows are compared as a multiset). */
  readonly key: readonly string[];
  readonly rows: readonly Row[];
}

export interface HubSnapshot {
  readonly tables: Readonly<Record<string, TableSnapshot>>;
  /** Sequence -> last value handed out (null: none yet). */
  readonly sequences: Readonly<Record<string, string | null>>;
}

interface CatalogTable {
  name: string;
  columns: Column[];
  key: string[] | null;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Reads the whole content; run it inside one repeatable-read transaction for a consistent picture. */
export async function snapshotHub(client: ClientBase): Promise<HubSnapshot> {
  const catalog = await client.query<CatalogTable>(
    `select pg_catalog.format('%I.%I', n.nspname, c.relname) as name,
            (select pg_catalog.json_agg(pg_catalog.json_build_object('name', a.attname,
                                        'type', pg_catalog.format_type(a.atttypid, a.atttypmod)) order by a.attnum)
             from pg_catalog.pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
            (select pg_catalog.json_agg(a.attname order by k.position)
             from pg_catalog.pg_index i
             cross join lateral pg_catalog.unnest(i.indkey) with ordinality k(attnum, position)
             join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
             where i.indrelid = c.oid and i.indisprimary) as key
     from pg_catalog.pg_class c
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any ($1) and c.relkind in ('r', 'p')
     order by 1`,
    [SNAPSHOT_SCHEMAS],
  );

  const tables: Record<string, TableSnapshot> = {};
  for (const table of catalog.rows) {
    const key = table.key ?? [];
    const order = key.length > 0 ? key.map((column) => `t.${quoteIdent(column)}`).join(", ") : "t::text";
    const rows = await client.query<{ row: Row }>(
      `select (select pg_catalog.jsonb_object_agg(e.key, e.value #>> '{}') from pg_catalog.jsonb_each(pg_catalog.to_jsonb(t)) e) as row
       from ${table.name} t order by ${order}`,
    );
    tables[table.name] = { columns: table.columns, key, rows: rows.rows.map((r) => r.row) };
  }

  // The jobs view has no payload; it is read from graphile-worker's own table, joined by id.
  const jobs = await client.query<{ row: Row }>(
    `select pg_catalog.jsonb_build_object('task_identifier', j.task_identifier, 'payload', p.payload::text, 'key', j.key,
              'queue_name', j.queue_name, 'run_at', j.run_at::text, 'attempts', j.attempts::text,
              'max_attempts', j.max_attempts::text) as row
     from graphile_worker.jobs j join graphile_worker._private_jobs p on p.id = j.id
     order by j.id`,
  );
  const jobColumns = ["task_identifier", "payload", "key", "queue_name", "run_at", "attempts", "max_attempts"];
  tables[JOBS_TABLE] = { columns: jobColumns.map((name) => ({ name, type: "text" })), key: [], rows: jobs.rows.map((r) => r.row) };

  const sequences = await client.query<{ name: string; last_value: string | null }>(
    `select pg_catalog.format('%I.%I', s.schemaname, s.sequencename) as name, s.last_value::text as last_value
     from pg_catalog.pg_sequences s where s.schemaname = any ($1) order by 1`,
    [SNAPSHOT_SCHEMAS],
  );
  return { tables, sequences: Object.fromEntries(sequences.rows.map((s) => [s.name, s.last_value])) };
}

/** A snapshot read in one repeatable-read, read-only transaction. */
export async function snapshotHubConsistently(client: ClientBase): Promise<HubSnapshot> {
  await client.query("begin transaction isolation level repeatable read read only");
  try {
    return await snapshotHub(client);
  } finally {
    await client.query("rollback");
  }
}

const MAX_PROBLEMS_PER_TABLE = 10;

const show = (value: string | null | undefined) => (value === null || value === undefined ? "NULL" : JSON.stringify(value));

function rowKey(row: Row, columns: readonly string[]): string {
  return columns.map((column) => `${column}=${show(row[column])}`).join(", ");
}

/**
 * What `after` lost or changed of `before`: tables, columns, rows, values, sequences that went
 * back. Additions (tables, columns, rows, a sequence moving on) are not problems. Empty when
 * everything `before` held is still there, identical.
 */
export function compareSnapshots(before: HubSnapshot, after: HubSnapshot): string[] {
  const problems: string[] = [];
  for (const [name, old] of Object.entries(before.tables)) {
    const current = after.tables[name];
    if (!current) {
      problems.push(`${name}: table is gone (it held ${old.rows.length} rows)`);
      continue;
    }
    const tableProblems: string[] = [];
    const currentTypes = new Map(current.columns.map((column) => [column.name, column.type]));
    const kept: string[] = [];
    for (const column of old.columns) {
      if (!currentTypes.has(column.name)) {
        tableProblems.push(`${name}: column ${column.name} (${column.type}) is gone`);
      } else {
        kept.push(column.name);
      }
    }
    const keyColumns = old.key.filter((column) => currentTypes.has(column));
    if (keyColumns.length > 0 && keyColumns.length === old.key.length) {
      const currentRows = new Map(current.rows.map((row) => [rowKey(row, keyColumns), row]));
      for (const row of old.rows) {
        const key = rowKey(row, keyColumns);
        const now = currentRows.get(key);
        if (!now) {
          tableProblems.push(`${name}: row (${key}) is gone`);
          continue;
        }
        for (const column of kept) {
          if (row[column] !== now[column]) {
            tableProblems.push(`${name}: row (${key}): column ${column} changed from ${show(row[column])} to ${show(now[column])}`);
          }
        }
      }
    } else {
      // no usable key: every old row must still be there, projected on the columns that remain
      const remaining = new Map<string, number>();
      for (const row of current.rows) {
        const text = rowKey(row, kept);
        remaining.set(text, (remaining.get(text) ?? 0) + 1);
      }
      for (const row of old.rows) {
        const text = rowKey(row, kept);
        const count = remaining.get(text) ?? 0;
        if (count === 0) tableProblems.push(`${name}: row (${text}) is gone or changed`);
        else remaining.set(text, count - 1);
      }
    }
    problems.push(...tableProblems.slice(0, MAX_PROBLEMS_PER_TABLE));
    if (tableProblems.length > MAX_PROBLEMS_PER_TABLE) {
      problems.push(`${name}: ... and ${tableProblems.length - MAX_PROBLEMS_PER_TABLE} more`);
    }
  }
  for (const [name, value] of Object.entries(before.sequences)) {
    if (!(name in after.sequences)) {
      problems.push(`${name}: sequence is gone (it stood at ${show(value)})`);
      continue;
    }
    const now = after.sequences[name] ?? null;
    if (value !== null && (now === null || BigInt(now) < BigInt(value))) {
      problems.push(`${name}: sequence went back from ${value} to ${now ?? "NULL"} (it would hand out numbers again)`);
    }
  }
  return problems;
}
