/*
 * The device feed (docs/devices.md): everything in the calling app login's
 * slice that changed after `cursor`, in change-number order, with ONE cursor
 * for every entity. Two sources share the company's change counter:
 *   - the rows themselves: a row whose own change number is above the cursor
 *     and that the login may see (row-level security decides) comes with its
 *     state, or as a removal when it is a tombstone;
 *   - the slice log: a row that entered or left the slice without changing
 *     (its customer was reassigned, its agent's supervisor changed, it moved
 *     to another customer or out of the history window) has an entry for the
 *     login's agent (written for the row's agent and for its supervisor at
 *     the time), read as "look at this row again": its current state when
 *     the login may see it now, a removal when it may not.
 * Each number appears once, so a page never splits a change and the cursor is
 * always the last id_sincro read.
 *
 * Cost: one statement per page, a lazy merge of ordered ranges. Each source
 * is read in change-number order through an index: the customers' rows
 * through (azi, agent, id_sincro), one range per agent of the login (its own,
 * plus those it supervises; the log: its own only), the agent a constant of
 * the statement so that each range is an ordered index scan; articles,
 * accessory tables, article-level particolarità and orders through (azi,
 * id_sincro). The planner merges the ranges (Merge Append) and stops at
 * max_rows: a range is read only up to where the page ends, and a row's data
 * is built only when the merge takes it. A pull costs what it returns,
 * whatever the company's size.
 *
 * The statement is written once (device_feed_sql) and runs two ways: for a
 * login with one agent (the common case), as a static statement of
 * device_changes_since (written into it when it is created), planned once
 * per session (a generic plan: planning this statement cost 4-7 ms a page,
 * as much as reading 2,000 rows); for a supervisor, built with its agents as
 * literals and planned at each call.
 *
 * Runs with the caller's rights: row-level security is the only judge of
 * what a login sees, here as in a direct SELECT.
 */
create or replace function sincro_private.device_feed_sql(agents text[], azi text default '$3', agent text default '$4')
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  -- each entity's data: the columns of the row d whose row_to_json a device gets, written once for the entity's
  -- rows and for its slice-log lookups ({data.<entity>} below)
  v_data constant jsonb := pg_catalog.jsonb_build_object(
    'data.article', 't.descrizione, t.unita_misura, t.prezzo, t.cod_iva, t.giacenza',
    'data.accessory', 't.descrizione, t.dati',
    'data.agent', 't.nome, t.email, t.telefono, t.cod_supervisore',
    'data.customer', 't.ragione_sociale, t.partita_iva, t.codice_fiscale, t.indirizzo, t.cap, t.citta, t.provincia, t.nazione, t.email, t.telefono, t.listino, t.cod_agente, t.cod_pagamento',
    'data.particolarita', 't.valido_al, t.prezzo, t.sconto',
    'data.open_item', 't.tipo_doc, t.numero_doc, t.data_doc, t.data_scadenza, t.importo, t.importo_pagato, t.pagata',
    'data.customer_credit', 't.fido, t.esposizione, t.bloccato, t.motivo_blocco',
    'data.document', $document$t.data_doc, t.cliente_cod, t.tor_chia, t.note, t.totale_imponibile, t.totale_iva, t.totale_documento,
      coalesce(t.righe,
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero)) as lines$document$);
begin
  -- $1 cursor, $2 max_rows; azi: the company, agent: the login's own agent, agents: one per agent of the login
  -- (each an SQL expression: a parameter, a variable, or a quoted literal). What each part costs, measured
  -- (docs/performance.md):
  --   - a row's key: jsonb_object of an array of texts (every key field is text; valido_dal is written in ISO, as
  --     device_changes_since sets DateStyle), the same jsonb as jsonb_build_object at 3/4 of its cost (which looks
  --     up each argument's type at every call);
  --   - a row's data: row_to_json of a row of its columns (json_build_object, which also looks up its arguments'
  --     types at every call, cost 12 % more a page);
  --   - a document's lines: the ones it carries (documenti.righe), read from documenti_righe only for a document
  --     written without them (reading them there, with the lines' row-level security checking the document again
  --     for each line, was a fifth of a first download);
  --   - the slice log's entries (at most max_rows) are looked up by key as plain typed values (k1, k2, k3, kid:
  --     compared with a table's columns they make primary-key lookups, where an expression on key, ->> not being
  --     leakproof, would wait behind the row-level security filter and use no index); a log entry whose row the
  --     login may not read (or that is deleted) is a removal.
  return sincro_private.fill_sql_template(pg_catalog.replace($page$
    with log_page as (
      select l.entity, l.id_sincro, l.key,
             case l.entity when 'article' then l.key ->> 'cod_art' when 'accessory' then l.key ->> 'tabella'
                           when 'agent' then l.key ->> 'cod_agente' when 'document' then l.key ->> 'tipo_doc'
                           else l.key ->> 'cod_cli' end as k1,
             case l.entity when 'accessory' then l.key ->> 'codice' when 'particolarita' then l.key ->> 'cod_art'
                           when 'open_item' then l.key ->> 'id_partita' when 'document' then l.key ->> 'numero' end as k2,
             case when l.entity = 'particolarita' then (l.key ->> 'valido_dal')::date end as k3,
             case when l.entity = 'order' then (l.key ->> 'id_pub')::bigint end as kid
      from sincro.device_slice_log l
      where l.azi = {azi} and l.cod_agente = {agent} and l.id_sincro > $1
      order by l.id_sincro
      limit $2
    )
    select u.entity, u.id_sincro, u.deleted, u.key, u.data
    from (
      (select 'article'::text as entity, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_art', t.cod_art]) as key,
              case when not t.deleted then pg_catalog.row_to_json(d) end as data
       from sincro.articoli t cross join lateral (select {data.article}) d where t.azi = {azi} and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'accessory'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['tabella', t.tabella, 'codice', t.codice]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.tabelle_accessorie t cross join lateral (select {data.accessory}) d where t.azi = {azi} and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'particolarita'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal::text]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.particolarita t cross join lateral (select {data.particolarita}) d where t.azi = {azi} and t.cod_cli = '*' and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      -- orders (never deleted: a log entry for one the login may no longer read is a removal)
      (select 'order'::text, a.id_sincro, false, pg_catalog.jsonb_build_object('id_pub', a.id_pub),
              (pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)))::json
       from sincro.arportes a where a.azi = {azi} and a.id_sincro > $1 order by a.id_sincro limit $2)
      {agents}
      union all
      -- the slice log: "look at this row again"
      (select l.entity, l.id_sincro, x.removal, l.key, x.data
       from log_page l
       cross join lateral (
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.articoli t on t.azi = {azi} and t.cod_art = l.k1 and not t.deleted cross join lateral (select {data.article}) d where l.entity = 'article'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.tabelle_accessorie t on t.azi = {azi} and t.tabella = l.k1 and t.codice = l.k2 and not t.deleted cross join lateral (select {data.accessory}) d where l.entity = 'accessory'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.agenti t on t.azi = {azi} and t.cod_agente = l.k1 and not t.deleted cross join lateral (select {data.agent}) d where l.entity = 'agent'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.clienti t on t.azi = {azi} and t.cod_cli = l.k1 and not t.deleted cross join lateral (select {data.customer}) d where l.entity = 'customer'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.particolarita t on t.azi = {azi} and t.cod_cli = l.k1 and t.cod_art = l.k2 and t.valido_dal = l.k3 and not t.deleted cross join lateral (select {data.particolarita}) d where l.entity = 'particolarita'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.partite_aperte t on t.azi = {azi} and t.cod_cli = l.k1 and t.id_partita = l.k2 and not t.deleted cross join lateral (select {data.open_item}) d where l.entity = 'open_item'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.fidi t on t.azi = {azi} and t.cod_cli = l.k1 and not t.deleted cross join lateral (select {data.customer_credit}) d where l.entity = 'customer_credit'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.documenti t on t.azi = {azi} and t.tipo_doc = l.k1 and t.numero = l.k2 and not t.deleted
         cross join lateral (select {data.document}) d
         where l.entity = 'document'
         union all
         select a.azi is null, case when a.azi is not null then (pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)))::json end
         from (select) o left join sincro.arportes a on a.azi = {azi} and a.id_pub = l.kid where l.entity = 'order'
       ) x(removal, data)
       order by l.id_sincro)
    ) u
    order by u.id_sincro
    limit $2
$page$,
    '{agents}',
    coalesce((select pg_catalog.string_agg(pg_catalog.format($branch$
      union all
      (select 'customer'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.clienti t cross join lateral (select {data.customer}) d where t.azi = {azi} and t.cod_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'particolarita'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal::text]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.particolarita t cross join lateral (select {data.particolarita}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'open_item'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'id_partita', t.id_partita]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.partite_aperte t cross join lateral (select {data.open_item}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'customer_credit'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.fidi t cross join lateral (select {data.customer_credit}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'document'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['tipo_doc', t.tipo_doc, 'numero', t.numero]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.documenti t
       cross join lateral (select {data.document}) d
       where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'agent'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_agente', t.cod_agente]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.agenti t cross join lateral (select {data.agent}) d where t.azi = {azi} and t.cod_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
$branch$, a.expr), '' order by a.n)
              from pg_catalog.unnest(agents) with ordinality a(expr, n)), '')),
    v_data || pg_catalog.jsonb_build_object('azi', azi, 'agent', agent));
end;
$$;

comment on function sincro_private.device_feed_sql(text[], text, text) is
  E'The device feed''s page statement ($1 cursor, $2 max_rows; azi, agent: SQL expressions for the company and the login''s agent, $3 and $4 by default), with one range per source and per agent in agents (SQL expressions). Read by device_changes_since, and by the migration that writes device_changes_since''s statement for a one-agent login.';

-- written by a DO block: its one-agent statement is device_feed_sql's, as static SQL ({one_agent_statement} below)
do $generate$
begin
  execute pg_catalog.replace($function$
create or replace function sincro.device_changes_since("cursor" bigint, max_rows integer default 1000)
returns table (entity text, id_sincro bigint, deleted boolean, key jsonb, data json)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
-- one statement of some twenty index ranges and lookups: its cost estimate passes JIT's thresholds, and compiling
-- its ~600 expressions takes seconds (measured: 5.3 s of a 5.6 s page of 10,000 rows), far more than running it
set jit = off
-- each agent's range is read in id_sincro order and stops at max_rows: never gathered by a bitmap and sorted (the
-- planner cannot know a lateral agent's range is large, and would sort the whole range for every page)
set enable_bitmapscan = off
-- valido_dal::text in a key (device_feed_sql): always YYYY-MM-DD
set datestyle = 'ISO, YMD'
-- the one-agent statement's plan is the same whatever the cursor: ordered ranges merged up to max_rows cost what
-- they return (planning it cost 4-7 ms a page)
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_azi constant text := sincro_private.session_company();
  v_agents constant text[] := sincro_private.session_agents();
  v_agent constant text := sincro_private.session_agent();
  v_purged bigint;
begin
  -- validate
  if v_agents is null then
    raise exception using
      errcode = 'SY190',
      message = 'device_changes_since: only an app login (a device) has a slice',
      hint = 'Connect with the app login of the device (sincro.create_login(..., ''app'', azi, prov_id, cod_agente => ...)). Other parties follow sincro.all_changes_since.';
  end if;
  if $1 is null or $1 < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('device_changes_since: cursor must be 0 or a change number already read (got %s)', coalesce($1::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if $2 is null or $2 < 1 or $2 > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('device_changes_since: max_rows must be between 1 and 100000 (got %s)', coalesce($2::text, 'NULL')),
      hint = 'Read in pages of a few thousand rows at most.';
  end if;
  v_purged := sincro_private.tombstones_purged_through(v_azi);
  if $1 > 0 and $1 < v_purged then
    raise exception using
      errcode = 'SY130',
      message = pg_catalog.format('device_changes_since: cursor %s is older than the tombstone retention: removals up to change %s have been purged and cannot be sent', $1, v_purged),
      hint = 'Empty the device''s copy and download again from cursor 0.';
  end if;

  -- read
  if pg_catalog.cardinality(v_agents) = 1 then
    -- the statement of device_feed_sql for one agent, written here when this function was (below): static, so
    -- PL/pgSQL keeps its plan for the session
    return query {one_agent_statement};
  else
    -- a supervisor: its agents as literals, planned at each call
    return query execute sincro_private.device_feed_sql(array(select pg_catalog.quote_literal(a) from pg_catalog.unnest(v_agents) a))
      using $1, $2, v_azi, v_agent;
  end if;
end;
$$
$function$, '{one_agent_statement}', sincro_private.device_feed_sql(array['v_agent'], 'v_azi', 'v_agent'));
end;
$generate$;

comment on function sincro.device_changes_since(bigint, integer) is
  E'The calling app login''s device feed: every change to a row of its slice above cursor, in change-number order, at most max_rows, as (entity, id_sincro, deleted, key, data); deleted = true is a removal (a tombstone, or a row that left the slice). One cursor covers every entity; start from 0 (the first download), then pass the last id_sincro read. SY190 for a login that is not an app login; SY130 when the cursor is older than the tombstone retention. See docs/devices.md.';

-- who may use it
revoke all on function sincro_private.device_feed_sql(text[], text, text) from public;
-- device_changes_since builds a supervisor's statement with the caller's rights
grant execute on function sincro_private.device_feed_sql(text[], text, text) to sincro_app;
revoke all on function sincro.device_changes_since(bigint, integer) from public;
grant execute on function sincro.device_changes_since(bigint, integer) to sincro_app;
