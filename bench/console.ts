/*
 * Console and metrics: render times of the Company, Problems and Order
 * timeline pages and of a /metrics scrape, over HTTP against the hub's real
 * server, with bench data of many companies and orders (default 100 companies,
 * 1,000,000 orders: 1% rejected, 1% failing, the rest acquired; two lines, two
 * versions and two push events per order). The data is written in bulk with
 * the triggers off (session_replication_role = replica) — a bench shortcut,
 * never how orders arrive — with the /metrics counters the triggers would have
 * kept, then analysed. Pages are read as an operator of
 * one company (and Problems also as an admin, every company).
 * Targets (issue 12): Company and Problems ≤ 200 ms p95, a timeline ≤ 50 ms
 * p95, a /metrics scrape ≤ 250 ms.
 */
import { randomBytes } from "node:crypto";
import pino from "pino";
import { Client } from "pg";
import { startHubHttpServer } from "../src/http/server";
import { readHttpSettings } from "../src/http/settings";
import { serverUrlFromEnvironment, withDatabase } from "../src/db/connection";
import { createTestDatabase } from "../test/support/database";

export interface ConsoleBenchOptions {
  readonly companies: number;
  readonly orders: number;
  readonly requests: number;
}

const PASSWORD = "bench-password";

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function fill(client: Client, companies: number, orders: number): Promise<void> {
  const perCompany = Math.ceil(orders / companies);
  await client.query(`insert into sincro.apstatosyn (azi, sync_quota) select 'B' || lpad(g::text, 3, '0'), 30 from generate_series(1, ${companies}) g`);
  await client.query("set session_replication_role = replica");
  await client.query(`
    insert into sincro.arportes (azi, id_pub, tor_chia, id_int, ack_store, ack_gest, ack_app, prov_tipo, autore_tipo, autore_cod, id_sincro, data_ordine, cliente_cod, valuta, created_xact, created_at, updated_at)
    select c.azi, n, case when n % 100 < 98 then 'C2026' || lpad(n::text, 8, '0') end, 'web-' || n, 1, (n % 100 < 98)::int, 0, 'S', 'C', 'CL' || (n % 500),
           case when n % 100 < 98 then n else 0 end, current_date, 'CL' || (n % 500), 'EUR', pg_current_xact_id(),
           now() - (${perCompany} - n) * interval '1 second', now() - (${perCompany} - n) * interval '1 second'
    from sincro.apstatosyn c cross join generate_series(1, ${perCompany}) n`);
  await client.query(`
    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo)
    select a.azi, a.id_pub, r, 'ART' || r, r, 10 from sincro.arportes a cross join generate_series(1, 2) r`);
  await client.query(`
    insert into sincro.order_push (azi, id_pub, state, attempts, last_attempt_at, last_error, erp_message, acquired_at, created_at, updated_at)
    select a.azi, a.id_pub,
           case when a.id_pub % 100 < 98 then 'acquired' when a.id_pub % 100 = 98 then 'rejected' else 'pending' end,
           case when a.id_pub % 100 = 99 then 4 else 1 end, a.created_at + interval '10 ms',
           case when a.id_pub % 100 = 99 then 'connect ECONNREFUSED' end,
           case when a.id_pub % 100 = 98 then 'customer CL' || (a.id_pub % 500) || ' does not exist in the ERP' end,
           case when a.id_pub % 100 < 98 then a.created_at + interval '40 ms' end, a.created_at, a.created_at
    from sincro.arportes a`);
  await client.query(`
    insert into sincro.arportes_history (operation, party, db_user, recorded_at, azi, id_pub, tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro, data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento, created_xact, created_at, updated_at)
    select v.operation, v.party, current_user, a.created_at + v.after, a.azi, a.id_pub, case when v.operation = 'UPDATE' then a.tor_chia end, a.conferma, a.id_int, a.ack_store,
           case when v.operation = 'UPDATE' then a.ack_gest else 0 end, a.ack_app, a.prov_tipo, a.prov_id, a.autore_tipo, a.autore_cod,
           case when v.operation = 'UPDATE' then a.id_sincro else 0 end, a.data_ordine, a.cliente_cod, a.cod_agente, a.new_customer_id, a.dest_ragione_sociale, a.dest_indirizzo, a.dest_cap,
           a.dest_citta, a.dest_provincia, a.dest_nazione, a.cod_pagamento, a.note, a.valuta, a.totale_imponibile, a.totale_iva, a.totale_documento, a.created_xact, a.created_at, a.updated_at
    from sincro.arportes a cross join (values ('INSERT', 'S', interval '0'), ('UPDATE', 'G', interval '40 ms')) v(operation, party, after)
    where v.operation = 'INSERT' or a.ack_gest = 1`);
  await client.query(`
    insert into sincro.order_events (azi, id_pub, recorded_at, db_user, event, detail)
    select p.azi, p.id_pub, p.created_at + e.after, current_user, e.event, case e.event when 'push_started' then 'attempt 1' else coalesce(p.erp_message, p.last_error) end
    from sincro.order_push p
    cross join lateral (values ('push_started', interval '10 ms'),
                               (case p.state when 'acquired' then 'push_acquired' when 'rejected' then 'push_rejected' else 'push_failed' end, interval '40 ms')) e(event, after)`);
  // the /metrics counters the triggers would have kept (as the migration that added them backfills them)
  await client.query(`
    insert into sincro_private.metric_rollup (azi, metric, bucket, n, seconds)
    select d.azi, 'push_acquired', sincro_private.push_duration_bucket(d.seconds), count(*), sum(d.seconds)
    from (select p.azi, extract(epoch from p.acquired_at - p.created_at) as seconds from sincro.order_push p where p.state = 'acquired') d
    group by 1, 3
    union all
    select e.azi, e.event, '', count(*), 0 from sincro.order_events e where e.event in ('push_rejected', 'push_failed') group by 1, 2
    union all
    select a.azi, x.metric, '', count(*), 0
    from sincro.arportes a
    cross join lateral (values ('pending_erp', a.ack_gest = 0), ('pending_store', a.ack_store = 0 and a.id_sincro > 0),
                               ('pending_app', a.ack_app = 0 and a.id_sincro > 0)) x(metric, pending)
    where x.pending
    group by 1, 2`);
  await client.query("set session_replication_role = origin");
  await client.query(`update sincro_private.id_pub_counter set last_value = ${perCompany}`);
  await client.query(`update sincro_private.id_sincro_counter set last_value = ${perCompany}`);
  await client.query("analyze");
}

/** Signs in through the form like a browser: the CSRF cookie and token first, then the session cookie. */
async function signIn(base: string, login: string): Promise<string> {
  const form = await fetch(`${base}login`);
  const cookies = form.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
  const response = await fetch(`${base}login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies },
    body: new URLSearchParams({ _csrf: token, login, password: PASSWORD }).toString(),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith("sincro_session="))?.split(";")[0];
  if (session === undefined) throw new Error(`sign-in of ${login} failed: ${response.status}`);
  return `${cookies}; ${session}`;
}

async function timeRequests(requests: number, url: (i: number) => string, cookie: string | undefined): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = process.hrtime.bigint();
    const response = await fetch(url(i), cookie === undefined ? {} : { headers: { cookie } });
    await response.text();
    if (response.status !== 200) throw new Error(`${url(i)}: ${response.status}`);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const sorted = samples.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

export async function runConsoleBench(options: ConsoleBenchOptions): Promise<string> {
  const hub = await createTestDatabase("bench_console");
  const suffix = randomBytes(3).toString("hex");
  const operator = `bench_op_${suffix}`;
  const admin = `bench_admin_${suffix}`;
  const client = new Client({ connectionString: hub.url });
  await client.connect();
  const server = await startHubHttpServer({
    databaseUrl: hub.url,
    settings: readHttpSettings({ SINCRO_HTTP_PORT: "0", SINCRO_CONSOLE_SIGNIN_PER_MINUTE: "100" }),
    logger: pino({ level: "silent" }),
  });
  try {
    const filling = Date.now();
    await fill(client, options.companies, options.orders);
    const filled = (Date.now() - filling) / 1000;
    const azi = `B${String(Math.ceil(options.companies / 2)).padStart(3, "0")}`;
    await client.query("select sincro.create_login($1, 'operator', $2, password => $3)", [operator, azi, PASSWORD]);
    await client.query("select sincro.create_login($1, 'admin', password => $2)", [admin, PASSWORD]);
    const base = server.url;
    const asOperator = await signIn(base, operator);
    const asAdmin = await signIn(base, admin);
    const perCompany = Math.ceil(options.orders / options.companies);
    const rows: [string, { p50: number; p95: number }, number][] = [
      ["Company page (operator)", await timeRequests(options.requests, () => `${base}company/${azi}`, asOperator), 200],
      ["Problems page (operator)", await timeRequests(options.requests, () => `${base}problems`, asOperator), 200],
      ["Problems page (admin, every company)", await timeRequests(options.requests, () => `${base}problems`, asAdmin), 200],
      ["Problems page 10 (admin)", await timeRequests(options.requests, () => `${base}problems?page=10`, asAdmin), 200],
      ["Order timeline (operator)", await timeRequests(options.requests, (i) => `${base}timeline?azi=${azi}&id_pub=${1 + ((i * 7919) % perCompany)}`, asOperator), 50],
      ["GET /metrics", await timeRequests(options.requests, () => `${base}metrics`, undefined), 250],
    ];
    const lines = [
      `${options.companies} companies, ${options.orders} orders (filled in ${filled.toFixed(0)} s); ${options.requests} requests per page, one at a time`,
      "",
      "| what | p50 ms | p95 ms | target p95 ms | |",
      "|---|---|---|---|---|",
      ...rows.map(([what, t, target]) => `| ${what} | ${t.p50.toFixed(1)} | ${t.p95.toFixed(1)} | ${target} | ${t.p95 <= target ? "met" : "MISSED"} |`),
    ];
    return lines.join("\n");
  } finally {
    await server.close();
    await client.end();
    await hub.drop();
    const maintenance = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), "postgres") });
    await maintenance.connect();
    for (const role of [operator, admin]) await maintenance.query(`drop role if exists ${role}`);
    await maintenance.end();
  }
}
