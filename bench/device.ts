/*
 * The agent's device (issue 14, docs/devices.md).
 *
 * Two companies, each in a hub database of its own, filled in SQL (the rows a
 * sync would have written, with change numbers and the slice column): a big
 * one, ~1,000,000 rows over 50 agents, where the measured agent G01 has
 * 10,000 articles (every device's), 1,000 customers, 100,000 particolarità,
 * ~12,000 documents in the 12-month window (and older ones), their open
 * items and credit data, and the company 20,000 orders; and a small one,
 * ~10,000 rows, the same shape.
 *
 * 1. First download of G01's slice, as G01's app login, paging
 *    device_changes_since by 10,000 and by 50,000 rows (json left unparsed:
 *    what a device stores), vs a plain COPY (…) TO STDOUT of the same rows,
 *    read as the owner straight from the tables by the slice's predicates
 *    (psql, output discarded). Median of 5 rounds of the ratio to a COPY run just before (after a warm-up round). Target: ≤ 3 × COPY. Also
 *    the same pages of 10,000 as COPY (SELECT … FROM device_changes_since)
 *    through psql: the hub's share, without Node's driver building rows.
 * 2. An incremental pull: 100 changes in G01's slice among 1,000 changes of
 *    the company, then one device_changes_since from the cursor before them;
 *    small company vs big one, median of 7 rounds each (after a warm-up).
 *    Target: big / small ≤ 1.5.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Client, Pool, types } from "pg";
import { createTestDatabase, type TestDatabase } from "../test/support/database";

export interface DeviceBenchOptions {
  readonly big: Shape;
  readonly small: Shape;
  readonly downloadRounds: number;
  readonly pullRounds: number;
}

/** How many rows of each kind a company has; agent G01 is the measured device's. */
export interface Shape {
  readonly articles: number;
  readonly ownCustomers: number;
  readonly ownParticolaritaPerCustomer: number;
  readonly ownDocumentsPerCustomer: number;
  readonly otherCustomers: number;
  readonly otherParticolaritaPerCustomer: number;
  readonly otherDocumentsPerCustomer: number;
  readonly orders: number;
}

export const BIG_SHAPE: Shape = {
  articles: 10_000,
  ownCustomers: 1_000,
  ownParticolaritaPerCustomer: 100,
  ownDocumentsPerCustomer: 15,
  otherCustomers: 24_500,
  otherParticolaritaPerCustomer: 30,
  otherDocumentsPerCustomer: 4,
  orders: 20_000,
};

export const SMALL_SHAPE: Shape = {
  articles: 1_000,
  ownCustomers: 100,
  ownParticolaritaPerCustomer: 20,
  ownDocumentsPerCustomer: 5,
  otherCustomers: 900,
  otherParticolaritaPerCustomer: 5,
  otherDocumentsPerCustomer: 1,
  orders: 500,
};

const AZI = "BENCH_DEV";
const PASSWORD = "bench-device";
const AGENTS = 50;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/*
 * The fill, in SQL, triggers off (session_replication_role = replica: the rows
 * are given their change numbers and slice column here, as the sync's
 * triggers would have). Customers 1..ownCustomers are G01's, the others go
 * round the 49 other agents. Documents are dated one a month back from today
 * (15 months for G01: 12 inside the window); orders likewise over 18 months.
 */
function fillSql(shape: Shape): string {
  const customers = shape.ownCustomers + shape.otherCustomers;
  const agentOf = (i: string) => `case when ${i} <= ${shape.ownCustomers} then 'G01' else 'G' || lpad((2 + (${i} - ${shape.ownCustomers}) % ${AGENTS - 1})::text, 2, '0') end`;
  const code = (i: string) => `'C' || lpad((${i})::text, 6, '0')`;
  return `
    set session_replication_role = replica;
    create temporary sequence bench_id_sincro;
    insert into sincro.agenti (azi, cod_agente, nome, id_sincro)
      select '${AZI}', 'G' || lpad(g::text, 2, '0'), 'Agente ' || g, nextval('bench_id_sincro') from generate_series(1, ${AGENTS}) g;
    insert into sincro.articoli (azi, cod_art, descrizione, unita_misura, prezzo, cod_iva, giacenza, id_sincro)
      select '${AZI}', 'A' || lpad(g::text, 6, '0'), 'Articolo ' || g, 'PZ', 1 + g % 97, '22', g % 500, nextval('bench_id_sincro')
      from generate_series(1, ${shape.articles}) g;
    insert into sincro.tabelle_accessorie (azi, tabella, codice, descrizione, id_sincro)
      select '${AZI}', 'pagamenti', 'P' || g, 'Pagamento ' || g, nextval('bench_id_sincro') from generate_series(1, 20) g;
    insert into sincro.clienti (azi, cod_cli, ragione_sociale, partita_iva, citta, provincia, nazione, listino, cod_agente, cod_pagamento, id_sincro)
      select '${AZI}', ${code("g")}, 'Cliente ' || g, lpad(g::text, 11, '0'), 'Milano', 'MI', 'IT', '1', ${agentOf("g")}, 'P1', nextval('bench_id_sincro')
      from generate_series(1, ${customers}) g;
    insert into sincro.fidi (azi, cod_cli, fido, esposizione, bloccato, slice_agente, id_sincro)
      select '${AZI}', ${code("g")}, 10000, g % 12000, g % 50 = 0, ${agentOf("g")}, nextval('bench_id_sincro') from generate_series(1, ${customers}) g;
    insert into sincro.partite_aperte (azi, cod_cli, id_partita, tipo_doc, numero_doc, data_scadenza, importo, slice_agente, id_sincro)
      select '${AZI}', ${code("g")}, 'F' || g || '/' || n, 'fattura', 'F' || g, current_date + 30 * n, 100 * n, ${agentOf("g")}, nextval('bench_id_sincro')
      from generate_series(1, ${customers}) g, generate_series(1, case when g <= ${shape.ownCustomers} then 2 else 1 end) n
      where g <= ${shape.ownCustomers} or g % 2 = 0;
    insert into sincro.particolarita (azi, cod_cli, cod_art, valido_dal, prezzo, sconto, slice_agente, id_sincro)
      select '${AZI}', ${code("g")}, 'A' || lpad((1 + (g * 131 + n) % ${shape.articles})::text, 6, '0'), date '2026-01-01', 1 + n % 50, n % 20,
             ${agentOf("g")}, nextval('bench_id_sincro')
      from generate_series(1, ${customers}) g,
           generate_series(1, case when g <= ${shape.ownCustomers} then ${shape.ownParticolaritaPerCustomer} else ${shape.otherParticolaritaPerCustomer} end) n;
    insert into sincro.documenti (azi, tipo_doc, numero, data_doc, cliente_cod, totale_imponibile, totale_iva, totale_documento, slice_agente, id_sincro)
      select '${AZI}', 'fattura', g || '/' || n, current_date - 30 * n + 15, ${code("g")}, 100, 22, 122, ${agentOf("g")}, nextval('bench_id_sincro')
      from generate_series(1, ${customers}) g,
           generate_series(1, case when g <= ${shape.ownCustomers} then ${shape.ownDocumentsPerCustomer} else ${shape.otherDocumentsPerCustomer} end) n;
    insert into sincro.documenti_righe (azi, tipo_doc, numero, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva)
      select azi, tipo_doc, numero, 1, 'A000001', 'Articolo 1', 2, 'PZ', 50, 0, '22' from sincro.documenti where azi = '${AZI}';
    -- each document carries its lines, as sincro_private.upsert_documents writes them
    update sincro.documenti d
      set righe = (select coalesce(jsonb_agg(to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]') from sincro.documenti_righe r
                   where r.azi = d.azi and r.tipo_doc = d.tipo_doc and r.numero = d.numero)
      where d.azi = '${AZI}';
    insert into sincro.arportes (azi, id_pub, tor_chia, id_int, ack_store, ack_gest, ack_app, prov_tipo, autore_tipo, autore_cod, id_sincro, data_ordine, cliente_cod)
      select '${AZI}', g, 'K' || g, null, 1, 1, 1, 'G', 'O', 'OP1', nextval('bench_id_sincro'), current_date - (g % 540), ${code(`1 + (g * 7) % ${customers}`)}
      from generate_series(1, ${shape.orders}) g;
    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo)
      select '${AZI}', g, 1, 'A000001', 1, 10 from generate_series(1, ${shape.orders}) g;
    update sincro_private.id_sincro_counter set last_value = (select last_value from bench_id_sincro) where azi = '${AZI}';
    update sincro_private.id_pub_counter set last_value = ${shape.orders} where azi = '${AZI}';
    set session_replication_role = origin;
  `;
}

/** The measured agent's slice, read by the owner straight from the tables: the baseline's rows. */
const SLICE_COPIES = [
  `select * from sincro.articoli where azi = '${AZI}' and not deleted`,
  `select * from sincro.tabelle_accessorie where azi = '${AZI}' and not deleted`,
  `select * from sincro.agenti where azi = '${AZI}' and cod_agente = 'G01'`,
  `select * from sincro.clienti where azi = '${AZI}' and cod_agente = 'G01' and not deleted`,
  `select * from sincro.fidi where azi = '${AZI}' and slice_agente = 'G01' and not deleted`,
  `select * from sincro.partite_aperte where azi = '${AZI}' and slice_agente = 'G01' and not deleted`,
  `select * from sincro.particolarita where azi = '${AZI}' and (slice_agente = 'G01' or cod_cli = '*') and not deleted`,
  // the document's columns but righe (the hub's copy of its lines, which the join brings)
  `select d.azi, d.tipo_doc, d.numero, d.data_doc, d.cliente_cod, d.tor_chia, d.note, d.totale_imponibile, d.totale_iva, d.totale_documento,
          d.id_sincro, d.deleted, d.updated_at, d.slice_agente, r.*
     from sincro.documenti d join sincro.documenti_righe r using (azi, tipo_doc, numero)
     where d.azi = '${AZI}' and d.slice_agente = 'G01' and not d.deleted
       and d.data_doc >= (select device_history_from from sincro_private.company where azi = '${AZI}')`,
  `select a.*, r.* from sincro.arportes a join sincro.arporrig r using (azi, id_pub) join sincro.clienti c on c.azi = a.azi and c.cod_cli = a.cliente_cod
     where a.azi = '${AZI}' and c.cod_agente = 'G01' and a.data_ordine >= (select device_history_from from sincro_private.company where azi = '${AZI}')`,
];

function psqlCopy(url: string, queries: readonly string[]): Promise<number> {
  const script = queries.map((query) => `copy (${query.replace(/\s+/g, " ")}) to stdout;`).join("\n");
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("psql", [url, "-X", "-q", "-v", "ON_ERROR_STOP=1"], { stdio: ["pipe", "ignore", "pipe"] });
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`psql exited ${code}: ${errors}`))));
    child.stdin.end(script);
  });
}

interface Company {
  readonly database: TestDatabase;
  readonly pool: Pool;
  readonly role: string;
  readonly loginUrl: string;
  readonly rows: number;
}

export async function makeCompany(label: string, shape: Shape): Promise<Company> {
  const database = await createTestDatabase(label);
  const pool = new Pool({ connectionString: database.url, max: 4 });
  await pool.query("insert into sincro.apstatosyn (azi, push_mode) values ($1, 'manual')", [AZI]);
  const client = await pool.connect();
  try {
    await client.query(fillSql(shape));
  } finally {
    client.release();
  }
  await pool.query("vacuum analyze");
  const role = `bench_dev_${randomBytes(4).toString("hex")}`;
  await pool.query("select sincro.create_login($1, 'app', $2, 'tab-g01', $3, 'G01')", [role, AZI, PASSWORD]);
  const parsed = new URL(database.url);
  parsed.username = role;
  parsed.password = PASSWORD;
  const counted = await pool.query<{ n: string }>(
    `select (select count(*) from sincro.articoli) + (select count(*) from sincro.clienti) + (select count(*) from sincro.particolarita)
          + (select count(*) from sincro.documenti) + (select count(*) from sincro.partite_aperte) + (select count(*) from sincro.fidi)
          + (select count(*) from sincro.arportes) + (select count(*) from sincro.agenti) as n`,
  );
  return { database, pool, role, loginUrl: parsed.toString(), rows: Number(counted.rows[0]?.n ?? 0) };
}

async function dropCompany(company: Company): Promise<void> {
  await company.pool.end();
  await company.database.drop();
  const server = new Client({ connectionString: company.database.url.replace(/\/[^/?]*(\?|$)/, "/postgres$1") });
  await server.connect();
  try {
    await server.query(`drop role if exists "${company.role}"`);
  } finally {
    await server.end();
  }
}

/** A device's connection: jsonb as text (stored as it comes), not parsed. */
async function deviceConnection(url: string): Promise<Client> {
  const client = new Client({
    connectionString: url,
    types: { getTypeParser: (oid, format) => (oid === 3802 || oid === 114 ? (value: string) => value : types.getTypeParser(oid, format)) },
  });
  await client.connect();
  return client;
}

async function download(url: string, pageSize: number): Promise<{ ms: number; rows: number; pages: number; cursors: string[] }> {
  const client = await deviceConnection(url);
  try {
    const started = performance.now();
    let cursor = "0";
    let rows = 0;
    let pages = 0;
    const cursors: string[] = [];
    for (;;) {
      cursors.push(cursor);
      const page = await client.query<{ id_sincro: string }>("select entity, id_sincro, deleted, key, data from sincro.device_changes_since($1, $2)", [cursor, pageSize]);
      pages += 1;
      rows += page.rows.length;
      if (page.rows.length === 0) break;
      cursor = page.rows[page.rows.length - 1]?.id_sincro ?? cursor;
      if (page.rows.length < pageSize) break;
    }
    return { ms: performance.now() - started, rows, pages, cursors };
  } finally {
    await client.end();
  }
}

/** 1,000 changes in the company, 100 of them in G01's slice (particolarità of its customers); returns the cursor before them. */
async function changeCompany(company: Company, round: number, shape: Shape): Promise<string> {
  const before = await company.pool.query<{ last: string }>("select last_value::text as last from sincro_private.id_sincro_counter where azi = $1", [AZI]);
  const own = await company.pool.query<{ key: unknown }>(
    `select jsonb_build_object('cod_cli', cod_cli, 'cod_art', cod_art, 'valido_dal', valido_dal) as key from sincro.particolarita
     where azi = $1 and slice_agente = 'G01' order by cod_cli, cod_art limit 100 offset $2`,
    [AZI, (round * 100) % (shape.ownCustomers * shape.ownParticolaritaPerCustomer - 100)],
  );
  const others = await company.pool.query<{ key: unknown }>(
    `select jsonb_build_object('cod_cli', cod_cli, 'cod_art', cod_art, 'valido_dal', valido_dal) as key from sincro.particolarita
     where azi = $1 and slice_agente = 'G02' order by cod_cli, cod_art limit 900`,
    [AZI],
  );
  const rows = [...own.rows, ...others.rows].map((row) => ({ key: row.key, data: { sconto: 1 + ((round * 7) % 40), prezzo: round } }));
  await company.pool.query("select sincro_private.upsert_erp_rows('particolarita', $1, $2::jsonb)", [AZI, JSON.stringify(rows)]);
  return before.rows[0]?.last ?? "0";
}

async function pull(url: string, cursor: string): Promise<{ ms: number; rows: number }> {
  const client = await deviceConnection(url);
  try {
    await client.query("select 1");
    const started = performance.now();
    const page = await client.query("select entity, id_sincro, deleted, key, data from sincro.device_changes_since($1, 1000)", [cursor]);
    return { ms: performance.now() - started, rows: page.rows.length };
  } finally {
    await client.end();
  }
}

export async function runDeviceBench(options: DeviceBenchOptions): Promise<string> {
  const lines: string[] = [];
  const fillStarted = performance.now();
  const big = await makeCompany("bench_device_big", options.big);
  const small = await makeCompany("bench_device_small", options.small);
  lines.push(`filled: big company ${big.rows} rows, small ${small.rows} rows (${((performance.now() - fillStarted) / 1000).toFixed(0)} s)`);
  try {
    // 1. first download vs COPY
    const downloads: number[] = [];
    const largePages: number[] = [];
    const copies: number[] = [];
    const serverSide: number[] = [];
    // each measure's ratio is taken to a COPY run just before it, and the ratio reported is the median of the rounds'
    // ratios: this machine's speed drifts by more than the figure's margin within a minute, so a median of downloads
    // over a median of COPYs run at other moments moved by ±0.3 from run to run. Round 0 warms up and is not counted.
    const ratios = { downloads: [] as number[], largePages: [] as number[], serverSide: [] as number[] };
    let downloaded = { rows: 0, pages: 0, cursors: [] as string[] };
    let downloadedLarge = { rows: 0, pages: 0 };
    for (let round = 0; round <= options.downloadRounds; round += 1) {
      const counted = round > 0;
      const copyBefore = async () => {
        const ms = await psqlCopy(big.database.url, SLICE_COPIES);
        if (counted) copies.push(ms);
        return ms;
      };
      let copy = await copyBefore();
      const result = await download(big.loginUrl, 10_000);
      downloaded = result;
      if (counted) {
        downloads.push(result.ms);
        ratios.downloads.push(result.ms / copy);
      }
      // the same pages through psql's COPY: the hub's side of the download, without a driver building rows in Node
      copy = await copyBefore();
      const server = await psqlCopy(big.loginUrl, result.cursors.map((cursor) => `select entity, id_sincro, deleted, key, data from sincro.device_changes_since(${cursor}, 10000)`));
      if (counted) {
        serverSide.push(server);
        ratios.serverSide.push(server / copy);
      }
      copy = await copyBefore();
      const large = await download(big.loginUrl, 50_000);
      downloadedLarge = large;
      if (counted) {
        largePages.push(large.ms);
        ratios.largePages.push(large.ms / copy);
      }
    }
    const sliceRows = await big.pool.query<{ n: string }>(
      `select sum(n)::text as n from (${SLICE_COPIES.map((query) => `select count(*) as n from (${query}) q`).join(" union all ")}) s`,
    );
    const downloadRatio = median(ratios.downloads);
    const largeRatio = median(ratios.largePages);
    const serverRatio = median(ratios.serverSide);
    lines.push(
      "",
      `| first download of G01's slice (big company) | median ms | rows | ratio to COPY (target ≤ 3): median of ${options.downloadRounds} rounds' ratios, each to a COPY just before |`,
      `|---|---|---|---|`,
      `| COPY (…) TO STDOUT of the same rows (psql) | ${median(copies).toFixed(0)} | ${sliceRows.rows[0]?.n ?? "?"} | 1 |`,
      `| device_changes_since, pages of 10,000 (${downloaded.pages} pages) | ${median(downloads).toFixed(0)} | ${downloaded.rows} | **${downloadRatio.toFixed(2)}** ${downloadRatio <= 3 ? "" : "MISSED"} |`,
      `| device_changes_since, pages of 50,000 (${downloadedLarge.pages} pages) | ${median(largePages).toFixed(0)} | ${downloadedLarge.rows} | **${largeRatio.toFixed(2)}** ${largeRatio <= 3 ? "" : "MISSED"} |`,
      `| the pages of 10,000 through psql's COPY (the hub's side, no Node driver) | ${median(serverSide).toFixed(0)} | ${downloaded.rows} | **${serverRatio.toFixed(2)}** ${serverRatio <= 3 ? "" : "MISSED"} |`,
    );

    // 2. incremental pull of 100 changes: small vs big
    const timings = { big: [] as number[], small: [] as number[] };
    let returned = { big: 0, small: 0 };
    for (let round = 0; round <= options.pullRounds; round += 1) {
      for (const [name, company, shape] of [["small", small, options.small], ["big", big, options.big]] as const) {
        const cursor = await changeCompany(company, round, shape);
        const result = await pull(company.loginUrl, cursor);
        if (round > 0) timings[name].push(result.ms); // round 0 warms up
        returned = { ...returned, [name]: result.rows };
      }
    }
    const pullRatio = median(timings.big) / median(timings.small);
    lines.push(
      "",
      `| incremental pull: 100 changes of G01's slice among 1,000 of the company | median ms | rows returned |`,
      `|---|---|---|`,
      `| small company (${small.rows} rows) | ${median(timings.small).toFixed(2)} | ${returned.small} |`,
      `| big company (${big.rows} rows) | ${median(timings.big).toFixed(2)} | ${returned.big} |`,
      `| **big / small** (target ≤ 1.5) | **${pullRatio.toFixed(2)}** ${pullRatio <= 1.5 ? "" : "MISSED"} | |`,
    );
  } finally {
    await dropCompany(big);
    await dropCompany(small);
  }
  return lines.join("\n");
}
