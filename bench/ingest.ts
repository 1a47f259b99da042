/*
 * Ingest: orders/s writing a header + 2 lines through the full trigger path,
 * against two baselines measured in the same run and database:
 *   (a) bare tables with the same columns, no triggers, id_pub from the client;
 *   (b) the same bare tables plus the same counter-row update per order;
 *   (c) the floor of the hub's design: the rows the hub writes for an order
 *       (the order, its push record, its metrics delta, its history row, its
 *       lines, the counter) into copies of the hub's tables with all their
 *       indexes, checks and foreign keys, in one statement for the header,
 *       no triggers, as named statements (planned once per connection): what
 *       the full path would cost if its triggers' logic (validation,
 *       idempotency, the login's checks) took no time.
 * Every variant sends the same statements per order (BEGIN, header, lines,
 * COMMIT) with the same client code; only the SQL differs. 1 and 16 clients,
 * one company and 16 companies (clients spread round-robin).
 *
 * Targets (issue "Core hub"): full >= 0.8 x (b) for one company; full >= 0.6 x (a)
 * for 16 companies at 16 clients.
 */
import { Client } from "pg";
import { createTestDatabase, type TestDatabase } from "../test/support/database";
import { createReleaseHub } from "../test/upgrade/release-0.1";
import { analyzeAsAutovacuumWould } from "./autovacuum";

export interface BenchOptions {
  readonly secondsPerCell: number;
  readonly rounds: number;
  /** Also measure the full path on a hub at this release (frozen migrations), interleaved in the same rounds. */
  readonly vsRelease?: string | undefined;
}

type Variant = "full" | "bare" | "bare_counter" | "floor";

interface Cell {
  readonly clients: number;
  readonly companies: number;
}

const CELLS: readonly Cell[] = [
  { clients: 1, companies: 1 },
  { clients: 16, companies: 1 },
  { clients: 1, companies: 16 },
  { clients: 16, companies: 16 },
];

const BASELINE_SCHEMA = `
  create schema bench_bare;
  create table bench_bare.arportes (like sincro.arportes including defaults, primary key (azi, id_pub));
  create table bench_bare.arporrig (like sincro.arporrig including defaults, primary key (azi, id_pub, riga));
  create table bench_bare.counter (azi text primary key, last_value bigint not null default 0);
  create schema bench_floor;
  create table bench_floor.company (like sincro_private.company including all);
  create table bench_floor.counter (like sincro_private.id_pub_counter including all);
  alter table bench_floor.counter add foreign key (azi) references bench_floor.company (azi) on delete cascade;
  create table bench_floor.arportes (like sincro.arportes including all);
  alter table bench_floor.arportes add foreign key (azi) references bench_floor.company (azi) on delete restrict;
  create table bench_floor.arporrig (like sincro.arporrig including all);
  alter table bench_floor.arporrig add foreign key (azi, id_pub) references bench_floor.arportes (azi, id_pub) on delete cascade;
  create table bench_floor.order_push (like sincro.order_push including all);
  alter table bench_floor.order_push add foreign key (azi, id_pub) references bench_floor.arportes (azi, id_pub) on delete cascade;
  create table bench_floor.metric_delta (like sincro_private.metric_delta including all);
  create table bench_floor.arportes_history (like sincro.arportes_history including all);
`;

const companyCode = (index: number) => `B${String(index).padStart(5, "0")}`;

async function prepare(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(BASELINE_SCHEMA);
    for (let index = 0; index < 16; index++) {
      await client.query("insert into sincro.apstatosyn (azi) values ($1)", [companyCode(index)]);
      await client.query("insert into bench_bare.counter (azi) values ($1)", [companyCode(index)]);
      await client.query("insert into bench_floor.company select * from sincro_private.company where azi = $1", [companyCode(index)]);
      await client.query("insert into bench_floor.counter select * from sincro_private.id_pub_counter where azi = $1", [companyCode(index)]);
    }
  } finally {
    await client.end();
  }
}

const LINES_SQL = (schema: string) =>
  `insert into ${schema}.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ($1, $2, 1, 'ART1', 2, 10.5), ($1, $2, 2, 'ART2', 1, 3)`;
const BARE_HEADER_SQL = `insert into bench_bare.arportes (azi, id_pub, prov_tipo, id_int, autore_tipo, autore_cod, ack_store, ack_gest, ack_app, id_sincro, data_ordine)
   values ($1, $2, 'S', $3, 'C', '0', 1, 0, 0, 0, current_date)`;

// (c): the counter, the order, its push record, its pending delta and its history row, as the triggers write them
const FLOOR_HEADER_SQL = `
  with c as (update bench_floor.counter set last_value = last_value + 1 where azi = $1 returning last_value),
  h as (insert into bench_floor.arportes (azi, id_pub, prov_tipo, id_int, autore_tipo, autore_cod, ack_store, ack_gest, ack_app, id_sincro,
                                          data_ordine, created_xact, created_at, updated_at)
        select $1, c.last_value, 'S', $2, 'C', '0', 1, 0, 0, 0, current_date, pg_current_xact_id(), now(), now() from c returning *),
  p as (insert into bench_floor.order_push (azi, id_pub) select h.azi, h.id_pub from h),
  m as (insert into bench_floor.metric_delta (azi, metric, n) select h.azi, 'pending_erp', 1 from h),
  x as (insert into bench_floor.arportes_history overriding system value
        select nextval(pg_get_serial_sequence('bench_floor.arportes_history', 'history_id')), 'INSERT', 'S', session_user, clock_timestamp(), h.* from h)
  select h.id_pub from h`;
const FLOOR_LINES_SQL = `insert into bench_floor.arporrig (azi, id_pub, riga, articolo, quantita, prezzo, created_at, updated_at)
  values ($1, $2, 1, 'ART1', 2, 10.5, now(), now()), ($1, $2, 2, 'ART2', 1, 3, now(), now())`;

/** Writes one order's header inside an open transaction and returns its id_pub; the lines follow. */
type HeaderWriter = (client: Client, azi: string, idInt: string, sequence: number) => Promise<number>;

const HEADER_WRITERS: Record<Variant, HeaderWriter> = {
  full: async (client, azi, idInt) => {
    const header = await client.query<{ id_pub: string }>(
      "insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ($1, 'S', $2, 'C', '0') returning id_pub",
      [azi, idInt],
    );
    return Number(header.rows[0]?.id_pub);
  },
  // (a): the client supplies id_pub itself, from a range no other client uses
  bare: async (client, azi, idInt, sequence) => {
    await client.query(BARE_HEADER_SQL, [azi, sequence, idInt]);
    return sequence;
  },
  // (b): id_pub from the same kind of counter row, updated in the transaction
  bare_counter: async (client, azi, idInt) => {
    const counter = await client.query<{ last_value: string }>(
      "update bench_bare.counter set last_value = last_value + 1 where azi = $1 returning last_value",
      [azi],
    );
    const idPub = Number(counter.rows[0]?.last_value);
    await client.query(BARE_HEADER_SQL, [azi, idPub, idInt]);
    return idPub;
  },
  // a named statement, planned once per connection: the floor is the cheapest way to write the same rows
  floor: async (client, azi, idInt) => {
    const header = await client.query<{ id_pub: string }>({ name: "bench_floor_header", text: FLOOR_HEADER_SQL, values: [azi, idInt] });
    return Number(header.rows[0]?.id_pub);
  },
};

let clientRanges = 0;

/** One client's loop: BEGIN, header, lines, COMMIT until the deadline; returns how many committed. */
async function clientLoop(client: Client, variant: Variant, azi: string, tag: string, deadline: number): Promise<number> {
  const rangeStart = ++clientRanges * 10_000_000;
  const linesSql = variant === "floor" ? FLOOR_LINES_SQL : LINES_SQL(variant === "full" ? "sincro" : "bench_bare");
  let count = 0;
  while (Date.now() < deadline) {
    await client.query("begin");
    const idPub = await HEADER_WRITERS[variant](client, azi, `${tag}-${count}`, rangeStart + count);
    await client.query(variant === "floor" ? { name: "bench_floor_lines", text: linesSql, values: [azi, idPub] } : { text: linesSql, values: [azi, idPub] });
    await client.query("commit");
    count++;
  }
  return count;
}

async function measure(url: string, variant: Variant, cell: Cell, seconds: number, round: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: cell.clients }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  try {
    const start = Date.now();
    const deadline = start + seconds * 1000;
    const counts = await Promise.all(
      clients.map((client, index) =>
        clientLoop(client, variant, companyCode(index % cell.companies), `r${round}-${variant}-${cell.clients}x${cell.companies}-c${index}`, deadline),
      ),
    );
    const elapsed = (Date.now() - start) / 1000;
    return counts.reduce((a, b) => a + b, 0) / elapsed;
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

export interface IngestRow {
  readonly cell: Cell;
  readonly full: number;
  readonly bare: number;
  readonly bareCounter: number;
  /** (c): the hub's rows without its triggers. */
  readonly floor: number;
  /** The full path on the release's hub (with vsRelease), and the median of the rounds' paired ratios this tree / release. */
  readonly release?: { readonly version: string; readonly full: number; readonly ratio: number };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

export async function runIngestBench(options: BenchOptions): Promise<IngestRow[]> {
  const database = await createTestDatabase("bench_ingest");
  let release: TestDatabase | undefined;
  try {
    await prepare(database.url);
    if (options.vsRelease !== undefined) {
      release = await createReleaseHub("bench_ingest_release", options.vsRelease);
      await prepare(release.url);
    }
    const rows: IngestRow[] = [];
    for (const cell of CELLS) {
      const samples: Record<Variant | "release", number[]> = { full: [], bare: [], bare_counter: [], floor: [], release: [] };
      const pairedRatios: number[] = [];
      // warm-up, unmeasured: the first seconds after a cell's connections open (or after another cell) run slower
      await measure(database.url, "full", cell, 1, -1);
      await measure(database.url, "floor", cell, 1, -1);
      if (release !== undefined) await measure(release.url, "full", cell, 1, -1);
      // the warm-up's orders analyzed, as autovacuum on a deployed hub would (bench/autovacuum.ts)
      await analyzeAsAutovacuumWould(database.url, ...(release === undefined ? [] : [release.url]));
      for (let round = 0; round < options.rounds; round++) {
        // interleaved, so drift in the machine's speed hits every variant alike; the order rotates each round
        const variants = ["bare", "bare_counter", "floor", "full"] as const;
        for (let step = 0; step < variants.length; step++) {
          const variant = variants[(step + round) % variants.length]!;
          if (variant === "full" && release !== undefined) {
            // this tree and the release back to back, alternating which goes first; their ratio is taken per round
            const first = round % 2 === 0 ? "tree" : "release";
            const rates: Record<"tree" | "release", number> = { tree: 0, release: 0 };
            for (const which of first === "tree" ? (["tree", "release"] as const) : (["release", "tree"] as const)) {
              rates[which] = await measure(which === "tree" ? database.url : release.url, "full", cell, options.secondsPerCell, round);
            }
            samples.full.push(rates.tree);
            samples.release.push(rates.release);
            pairedRatios.push(rates.tree / rates.release);
          } else {
            samples[variant].push(await measure(database.url, variant, cell, options.secondsPerCell, round));
          }
        }
      }
      rows.push({
        cell,
        full: median(samples.full),
        bare: median(samples.bare),
        bareCounter: median(samples.bare_counter),
        floor: median(samples.floor),
        ...(options.vsRelease === undefined
          ? {}
          : { release: { version: options.vsRelease, full: median(samples.release), ratio: median(pairedRatios) } }),
      });
    }
    return rows;
  } finally {
    await database.drop();
    await release?.drop();
  }
}

export function formatIngest(rows: readonly IngestRow[]): string {
  const lines = [
    "| clients | companies | full path (orders/s) | (a) bare | (b) bare + counter | (c) the hub's rows, no triggers | full / (a) | full / (b) | target | (c) / (a) | (c) / (b) | full / (c) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
  ];
  for (const row of rows) {
    const vsBare = row.full / row.bare;
    const vsCounter = row.full / row.bareCounter;
    let target = "";
    if (row.cell.companies === 1) target = `≥ 0.8 × (b): ${vsCounter >= 0.8 ? "PASS" : "MISS"}`;
    if (row.cell.companies === 16 && row.cell.clients === 16) target = `≥ 0.6 × (a): ${vsBare >= 0.6 ? "PASS" : "MISS"}`;
    lines.push(
      `| ${row.cell.clients} | ${row.cell.companies} | ${row.full.toFixed(0)} | ${row.bare.toFixed(0)} | ${row.bareCounter.toFixed(0)} | ${row.floor.toFixed(0)} | ${vsBare.toFixed(2)} | ${vsCounter.toFixed(2)} | ${target} | ${(row.floor / row.bare).toFixed(2)} | ${(row.floor / row.bareCounter).toFixed(2)} | ${(row.full / row.floor).toFixed(2)} |`,
    );
  }
  const compared = rows.filter((row) => row.release !== undefined);
  if (compared.length > 0) {
    const version = compared[0]!.release!.version;
    lines.push(
      "",
      `The full path on a hub at release ${version} (its frozen migrations), back to back with this tree in each round (alternating which goes first); the ratio is the median of the rounds' ratios:`,
      "",
      `| clients | companies | release ${version} | this tree | ratio | within 10 % |`,
      "|---:|---:|---:|---:|---:|---|",
    );
    for (const row of compared) {
      const ratio = row.release!.ratio;
      lines.push(`| ${row.cell.clients} | ${row.cell.companies} | ${row.release!.full.toFixed(0)} | ${row.full.toFixed(0)} | ${ratio.toFixed(2)} | ${ratio >= 0.9 ? "yes" : "NO"} |`);
    }
  }
  return lines.join("\n");
}
