/*
 * Demo and benchmark data for the reference ERP (POST /_admin/...): seeding
 * makes deterministic rows in SQL with generate_series (a million articles in
 * seconds, nothing crosses the network), without change-log entries unless
 * asked, as if the ERP had held them since before the log began; touching
 * changes existing rows and logs each, as operators would.
 *
 * Seeded codes: articles A0000001…, customers S0000001… (operators' own
 * customers get numeric codes, so the two never meet); particolarità i is
 * customer S(1 + (i-1) mod C), article A(1 + ((i-1) div C) mod A), valid from
 * 2026-01-01 plus (i-1) div (C·A) days, C and A the numbers of customers and
 * articles asked in the same call (1000 when not asked). With `agents` N,
 * agents G001…G00N are made and customer i follows agent G(1 + (i-1) mod N).
 *
 * Seeding again sets the same rows again. Into an entity the company has no
 * rows of yet, the rows are plainly inserted: an upsert (on conflict) costs
 * about twice as much per row, which a million rows feel.
 */
import type { Pool, PoolClient } from "pg";
import { lockChangeLog } from "./change-log";
import { ensureCompany, inTransaction } from "./transaction";

export interface SeedRequest {
  readonly articles?: number | undefined;
  readonly customers?: number | undefined;
  readonly particolarita?: number | undefined;
  /** Agents G001…, and customers spread over them (default: none, customers without agent). */
  readonly agents?: number | undefined;
  /** Also append one change-log entry per row (default false). */
  readonly log?: boolean | undefined;
}

export interface SeedResult {
  readonly articles: number;
  readonly customers: number;
  readonly particolarita: number;
  readonly agents: number;
}

const SEED_ARTICLES = (upsert: boolean) => `
  with seeded as (
    insert into erp_ref.record (azi, entity, key, data)
    select $1, 'article', jsonb_build_object('cod_art', 'A' || lpad(i::text, 7, '0')),
           jsonb_build_object(
             'descrizione', 'Articolo ' || i, 'unita_misura', 'PZ', 'prezzo', round(1 + (i % 997) * 0.37, 2),
             'cod_iva', '22', 'giacenza', i % 500)
    from generate_series(1, $2::int) i
    ${upsert ? "on conflict (azi, entity, key) do update set data = excluded.data, updated_at = now()" : ""}
    returning key)
  ${logEntries("'article'", "key::text", "key")}`;

const SEED_CUSTOMERS = (upsert: boolean) => `
  with seeded as (
    insert into erp_ref.customer (azi, code, data)
    select $1, 'S' || lpad(i::text, 7, '0'),
           jsonb_build_object(
             'ragione_sociale', 'Cliente ' || i, 'partita_iva', lpad(i::text, 11, '0'), 'citta', 'Milano',
             'provincia', 'MI', 'nazione', 'IT', 'listino', '1', 'cod_pagamento', 'RB30',
             'cod_agente', case when $4::int > 0 then 'G' || lpad((1 + (i - 1) % $4::int)::text, 3, '0') end)
    from generate_series(1, $2::int) i
    ${upsert ? "on conflict (azi, code) do update set data = excluded.data" : ""}
    returning code)
  ${logEntries("'customer'", "code", "jsonb_build_object('cod_cli', code)")}`;

const SEED_PARTICOLARITA = (upsert: boolean) => `
  with seeded as (
    insert into erp_ref.record (azi, entity, key, data)
    select $1, 'particolarita',
           jsonb_build_object(
             'cod_cli', 'S' || lpad((1 + (i - 1) % $4::int)::text, 7, '0'),
             'cod_art', 'A' || lpad((1 + ((i - 1) / $4::int) % $5::int)::text, 7, '0'),
             'valido_dal', to_char(date '2026-01-01' + ((i - 1) / ($4::int * $5::int))::int, 'YYYY-MM-DD')),
           jsonb_build_object('valido_al', null, 'prezzo', round(1 + (i % 89) * 0.5, 2), 'sconto', i % 20)
    from generate_series(1, $2::int) i
    ${upsert ? "on conflict (azi, entity, key) do update set data = excluded.data, updated_at = now()" : ""}
    returning key)
  ${logEntries("'particolarita'", "key::text", "key")}`;

const SEED_AGENTS = (upsert: boolean) => `
  with seeded as (
    insert into erp_ref.record (azi, entity, key, data)
    select $1, 'agent', jsonb_build_object('cod_agente', 'G' || lpad(i::text, 3, '0')),
           jsonb_build_object('nome', 'Agente ' || i, 'email', null, 'telefono', null, 'cod_supervisore', null)
    from generate_series(1, $2::int) i
    ${upsert ? "on conflict (azi, entity, key) do update set data = excluded.data, updated_at = now()" : ""}
    returning key)
  ${logEntries("'agent'", "key::text", "key")}`;

/** The tail of a seeding statement: log each seeded row when $3 is true; counts the rows. */
function logEntries(entity: string, keyText: string, keyJson: string): string {
  return `, logged as (
    insert into erp_ref.change_log (azi, entity, key, key_json, op)
    select $1, ${entity}, ${keyText}, ${keyJson}, 'upsert' from seeded where $3::boolean)
  select count(*)::int as n from seeded`;
}

export async function seedCompany(pool: Pool, azi: string, request: SeedRequest): Promise<SeedResult> {
  return inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    const log = request.log === true;
    if (log) await lockChangeLog(client, azi);
    const seed = async (entity: "article" | "customer" | "particolarita" | "agent", sql: (upsert: boolean) => string, count: number | undefined, extra: number[] = []) => {
      if (count === undefined || count === 0) return 0;
      const upsert = await hasRows(client, azi, entity);
      return countOf(client, sql(upsert), [azi, count, log, ...extra]);
    };
    const articles = await seed("article", SEED_ARTICLES, request.articles);
    const agents = await seed("agent", SEED_AGENTS, request.agents);
    const customers = await seed("customer", SEED_CUSTOMERS, request.customers, [request.agents ?? 0]);
    const particolarita = await seed("particolarita", SEED_PARTICOLARITA, request.particolarita, [
      request.customers || 1000,
      request.articles || 1000,
    ]);
    // a million fresh rows leave the planner's statistics describing an empty table
    if (articles + particolarita + agents > 0) await client.query("analyze erp_ref.record");
    if (customers > 0) await client.query("analyze erp_ref.customer");
    if (log) await client.query("analyze erp_ref.change_log");
    return { articles, customers, particolarita, agents };
  });
}

async function hasRows(client: PoolClient, azi: string, entity: "article" | "customer" | "particolarita" | "agent"): Promise<boolean> {
  const sql =
    entity === "customer"
      ? "select exists (select 1 from erp_ref.customer where azi = $1) as found"
      : "select exists (select 1 from erp_ref.record where azi = $1 and entity = $2) as found";
  const result = await client.query<{ found: boolean }>(sql, entity === "customer" ? [azi] : [azi, entity]);
  return result.rows[0]?.found === true;
}

async function countOf(client: PoolClient, sql: string, parameters: unknown[]): Promise<number> {
  const result = await client.query<{ n: number }>(sql, parameters);
  return result.rows[0]?.n ?? 0;
}

/*
 * Touching changes the first `count` rows by key: an article's price goes up
 * by 1, a customer's name gets " (rev n)" with n one more than before.
 */
const TOUCH_ARTICLES = `
  with touched as (
    update erp_ref.record r
    set data = jsonb_set(r.data, '{prezzo}', to_jsonb(coalesce((r.data ->> 'prezzo')::numeric, 0) + 1)), updated_at = now()
    from (select key from erp_ref.record where azi = $1 and entity = 'article' order by key limit $2) chosen
    where r.azi = $1 and r.entity = 'article' and r.key = chosen.key
    returning r.key),
  logged as (
    insert into erp_ref.change_log (azi, entity, key, key_json, op)
    select $1, 'article', key::text, key, 'update' from touched)
  select count(*)::int as n from touched`;

const TOUCH_CUSTOMERS = `
  with touched as (
    update erp_ref.customer c
    set data = jsonb_set(c.data, '{ragione_sociale}', to_jsonb(
          regexp_replace(coalesce(c.data ->> 'ragione_sociale', ''), ' \\(rev \\d+\\)$', '')
          || ' (rev ' || coalesce(substring(c.data ->> 'ragione_sociale' from ' \\(rev (\\d+)\\)$')::int + 1, 1) || ')'))
    from (select code from erp_ref.customer where azi = $1 order by code limit $2) chosen
    where c.azi = $1 and c.code = chosen.code
    returning c.code),
  logged as (
    insert into erp_ref.change_log (azi, entity, key, key_json, op)
    select $1, 'customer', code, jsonb_build_object('cod_cli', code), 'update' from touched)
  select count(*)::int as n from touched`;

/** Changes `count` existing rows of the entity, one change-log entry each; returns how many there were to change. */
export async function touchRows(pool: Pool, azi: string, entity: "article" | "customer", count: number): Promise<number> {
  return inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    return countOf(client, entity === "article" ? TOUCH_ARTICLES : TOUCH_CUSTOMERS, [azi, count]);
  });
}
