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
 * Cost: each source is read through an (azi, agent, id_sincro) index, one
 * range per agent of the login (its own, plus those it supervises; the log:
 * its own only), at most max_rows rows each; articles, accessory tables, article-level
 * particolarità and orders through (azi, id_sincro). A pull costs what it
 * returns, whatever the company's size; the rows' data is built only for the
 * page's rows, by primary key.
 *
 * Runs with the caller's rights: row-level security is the only judge of
 * what a login sees, here as in a direct SELECT.
 */
create or replace function sincro.device_changes_since("cursor" bigint, max_rows integer default 1000)
returns table (entity text, id_sincro bigint, deleted boolean, key jsonb, data jsonb)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
-- one statement of some twenty index ranges and lookups: its cost estimate passes JIT's thresholds, and compiling
-- its ~600 expressions takes seconds (measured: 5.3 s of a 5.6 s page of 10,000 rows), far more than running it
set jit = off
-- each agent's range is read in id_sincro order and stops at max_rows: never gathered by a bitmap and sorted (the
-- planner cannot know a lateral agent's range is large, and would sort the whole range for every page)
set enable_bitmapscan = off
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

  -- read: the page's change numbers and keys, then the rows' data by key
  return query
    with picked as (
      -- the key also as plain typed values (k1, k2, k3, kid): compared with a table's columns they make
      -- primary-key lookups below, where an expression on key (->>, not leakproof) would have to wait
      -- behind the row-level security filter and could not use an index
      select p.entity, p.id_sincro, p.deleted, p.key,
             case p.entity when 'article' then p.key ->> 'cod_art' when 'accessory' then p.key ->> 'tabella'
                           when 'agent' then p.key ->> 'cod_agente' when 'document' then p.key ->> 'tipo_doc'
                           else p.key ->> 'cod_cli' end as k1,
             case p.entity when 'accessory' then p.key ->> 'codice' when 'particolarita' then p.key ->> 'cod_art'
                           when 'open_item' then p.key ->> 'id_partita' when 'document' then p.key ->> 'numero' end as k2,
             case when p.entity = 'particolarita' then (p.key ->> 'valido_dal')::date end as k3,
             case when p.entity = 'order' then (p.key ->> 'id_pub')::bigint end as kid
      from (
        (select 'article'::text as entity, t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_art', t.cod_art) as key
         from sincro.articoli t where t.azi = v_azi and t.id_sincro > $1 order by t.id_sincro limit $2)
        union all
        (select 'accessory', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tabella', t.tabella, 'codice', t.codice)
         from sincro.tabelle_accessorie t where t.azi = v_azi and t.id_sincro > $1 order by t.id_sincro limit $2)
        union all
        (select 'particolarita', t.id_sincro, t.deleted,
                pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal)
         from sincro.particolarita t where t.azi = v_azi and t.cod_cli = '*' and t.id_sincro > $1 order by t.id_sincro limit $2)
        union all
        (select 'order', a.id_sincro, false, pg_catalog.jsonb_build_object('id_pub', a.id_pub)
         from sincro.arportes a where a.azi = v_azi and a.id_sincro > $1 order by a.id_sincro limit $2)
        union all
        select x.entity, x.id_sincro, x.deleted, x.key
        from pg_catalog.unnest(v_agents) g(agent)
        cross join lateral (
          (select 'agent'::text as entity, t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_agente', t.cod_agente) as key
           from sincro.agenti t where t.azi = v_azi and t.cod_agente = g.agent and t.id_sincro > $1)
          union all
          (select 'customer', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli)
           from sincro.clienti t where t.azi = v_azi and t.cod_agente = g.agent and t.id_sincro > $1 order by t.id_sincro limit $2)
          union all
          (select 'particolarita', t.id_sincro, t.deleted,
                  pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal)
           from sincro.particolarita t where t.azi = v_azi and t.slice_agente = g.agent and t.id_sincro > $1 order by t.id_sincro limit $2)
          union all
          (select 'open_item', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'id_partita', t.id_partita)
           from sincro.partite_aperte t where t.azi = v_azi and t.slice_agente = g.agent and t.id_sincro > $1 order by t.id_sincro limit $2)
          union all
          (select 'customer_credit', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli)
           from sincro.fidi t where t.azi = v_azi and t.slice_agente = g.agent and t.id_sincro > $1 order by t.id_sincro limit $2)
          union all
          (select 'document', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tipo_doc', t.tipo_doc, 'numero', t.numero)
           from sincro.documenti t where t.azi = v_azi and t.slice_agente = g.agent and t.id_sincro > $1 order by t.id_sincro limit $2)
        ) x
        union all
        -- the slice log, the entries addressed to the login's own agent: deleted is decided below, by whether
        -- the row is visible now
        (select l.entity, l.id_sincro, null::boolean, l.key
         from sincro.device_slice_log l where l.azi = v_azi and l.cod_agente = v_agent and l.id_sincro > $1 order by l.id_sincro limit $2)
      ) p
      order by p.id_sincro
      limit $2
    )
    select p.entity, p.id_sincro, coalesce(p.deleted, d.data is null), p.key, d.data
    from picked p
    cross join lateral (
      select case when p.deleted then null else
        case p.entity
          when 'article' then
            (select pg_catalog.to_jsonb(t) - '{azi,cod_art,id_sincro,deleted,updated_at}'::text[]
             from sincro.articoli t where t.azi = v_azi and t.cod_art = p.k1 and not t.deleted)
          when 'accessory' then
            (select pg_catalog.to_jsonb(t) - '{azi,tabella,codice,id_sincro,deleted,updated_at}'::text[]
             from sincro.tabelle_accessorie t
             where t.azi = v_azi and t.tabella = p.k1 and t.codice = p.k2 and not t.deleted)
          when 'agent' then
            (select pg_catalog.to_jsonb(t) - '{azi,cod_agente,id_sincro,deleted,updated_at}'::text[]
             from sincro.agenti t where t.azi = v_azi and t.cod_agente = p.k1 and not t.deleted)
          when 'customer' then
            (select pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at}'::text[]
             from sincro.clienti t where t.azi = v_azi and t.cod_cli = p.k1 and not t.deleted)
          when 'particolarita' then
            (select pg_catalog.to_jsonb(t) - '{azi,cod_cli,cod_art,valido_dal,id_sincro,deleted,updated_at,slice_agente}'::text[]
             from sincro.particolarita t
             where t.azi = v_azi and t.cod_cli = p.k1 and t.cod_art = p.k2 and t.valido_dal = p.k3 and not t.deleted)
          when 'open_item' then
            (select pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_partita,id_sincro,deleted,updated_at,slice_agente}'::text[]
             from sincro.partite_aperte t
             where t.azi = v_azi and t.cod_cli = p.k1 and t.id_partita = p.k2 and not t.deleted)
          when 'customer_credit' then
            (select pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at,slice_agente}'::text[]
             from sincro.fidi t where t.azi = v_azi and t.cod_cli = p.k1 and not t.deleted)
          when 'document' then
            (select pg_catalog.to_jsonb(t) - '{azi,tipo_doc,numero,id_sincro,deleted,updated_at,slice_agente}'::text[]
                    || pg_catalog.jsonb_build_object('lines',
                         (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                          from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero))
             from sincro.documenti t
             where t.azi = v_azi and t.tipo_doc = p.k1 and t.numero = p.k2 and not t.deleted)
          when 'order' then
            (select pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                      (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                       from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub))
             from sincro.arportes a where a.azi = v_azi and a.id_pub = p.kid)
        end
      end as data
    ) d
    order by p.id_sincro;
end;
$$;

comment on function sincro.device_changes_since(bigint, integer) is
  E'The calling app login''s device feed: every change to a row of its slice above cursor, in change-number order, at most max_rows, as (entity, id_sincro, deleted, key, data); deleted = true is a removal (a tombstone, or a row that left the slice). One cursor covers every entity; start from 0 (the first download), then pass the last id_sincro read. SY190 for a login that is not an app login; SY130 when the cursor is older than the tombstone retention. See docs/devices.md.';

-- who may use it
revoke all on function sincro.device_changes_since(bigint, integer) from public;
grant execute on function sincro.device_changes_since(bigint, integer) to sincro_app;
