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
as $$
#variable_conflict use_column
declare
  v_azi constant text := sincro_private.session_company();
  v_agents constant text[] := sincro_private.session_agents();
  v_agent constant text := sincro_private.session_agent();
  v_purged bigint;
  v_cutoff bigint;
  v_per_agent text;
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

  -- read, 1: where the page ends: the max_rows-th change number above the cursor over every source. One ordered
  -- range per source (per agent of the login for the customers' rows, the agent a constant so each range is
  -- planned as an ordered index scan), merged lazily: each range is read only up to where the page ends
  select pg_catalog.string_agg(pg_catalog.format($branch$
      (select t.id_sincro from sincro.clienti t where t.azi = $3 and t.cod_agente = %1$L and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select t.id_sincro from sincro.particolarita t where t.azi = $3 and t.slice_agente = %1$L and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select t.id_sincro from sincro.partite_aperte t where t.azi = $3 and t.slice_agente = %1$L and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select t.id_sincro from sincro.fidi t where t.azi = $3 and t.slice_agente = %1$L and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select t.id_sincro from sincro.documenti t where t.azi = $3 and t.slice_agente = %1$L and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select t.id_sincro from sincro.agenti t where t.azi = $3 and t.cod_agente = %1$L and t.id_sincro > $1 order by t.id_sincro limit $2)
      $branch$, g.agent), ' union all ')
    into v_per_agent
    from pg_catalog.unnest(v_agents) g(agent);
  execute pg_catalog.format($page$
    select pg_catalog.max(c.id_sincro)
    from (
      select u.id_sincro
      from (
        (select t.id_sincro from sincro.articoli t where t.azi = $3 and t.id_sincro > $1 order by t.id_sincro limit $2)
        union all
        (select t.id_sincro from sincro.tabelle_accessorie t where t.azi = $3 and t.id_sincro > $1 order by t.id_sincro limit $2)
        union all
        (select t.id_sincro from sincro.particolarita t where t.azi = $3 and t.cod_cli = '*' and t.id_sincro > $1 order by t.id_sincro limit $2)
        union all
        (select a.id_sincro from sincro.arportes a where a.azi = $3 and a.id_sincro > $1 order by a.id_sincro limit $2)
        union all
        -- the slice log: the entries addressed to the login's own agent
        (select l.id_sincro from sincro.device_slice_log l
         where l.azi = $3 and l.cod_agente = $4 and l.id_sincro > $1 order by l.id_sincro limit $2)
        %s
      ) u
      order by u.id_sincro
      limit $2
    ) c
    $page$, coalesce(' union all ' || v_per_agent, ''))
    into v_cutoff
    using $1, $2, v_azi, v_agent;
  if v_cutoff is null then
    return;  -- nothing above the cursor
  end if;

  -- read, 2: the rows of the page, (cursor, cutoff], each built once from the row its range (or, for a slice-log
  -- entry, its key) finds: per entity, the rows whose own change is in the page, and the rows the log names, looked
  -- up by key as plain typed values (k1, k2, k3, kid: compared with a table's columns they make primary-key lookups,
  -- where an expression on key, ->> not being leakproof, would wait behind the row-level security filter and use no
  -- index); a log entry whose row the login may not read (or that is deleted) is a removal
  return query
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
      where l.azi = v_azi and l.cod_agente = v_agent and l.id_sincro > $1 and l.id_sincro <= v_cutoff
    )
    select r.entity, r.id_sincro, r.deleted, r.key, r.data
    from (
      -- article
      select 'article'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('cod_art', u.cod_art)),
             case when not u.removal then pg_catalog.json_build_object('descrizione', u.descrizione, 'unita_misura', u.unita_misura, 'prezzo', u.prezzo, 'cod_iva', u.cod_iva, 'giacenza', u.giacenza) end
      from (
        select t.id_sincro as n, t.deleted as removal, null::jsonb as log_key, t.*
          from sincro.articoli t where t.azi = v_azi and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select l.id_sincro, t.azi is null, l.key, t.*
        from log_page l left join sincro.articoli t on t.azi = v_azi and t.cod_art = l.k1 and not t.deleted
        where l.entity = 'article'
      ) u
      union all
      -- accessory
      select 'accessory'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('tabella', u.tabella, 'codice', u.codice)),
             case when not u.removal then pg_catalog.json_build_object('descrizione', u.descrizione, 'dati', u.dati) end
      from (
        select t.id_sincro as n, t.deleted as removal, null::jsonb as log_key, t.*
          from sincro.tabelle_accessorie t where t.azi = v_azi and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select l.id_sincro, t.azi is null, l.key, t.*
        from log_page l left join sincro.tabelle_accessorie t on t.azi = v_azi and t.tabella = l.k1 and t.codice = l.k2 and not t.deleted
        where l.entity = 'accessory'
      ) u
      union all
      -- agent
      select 'agent'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('cod_agente', u.cod_agente)),
             case when not u.removal then pg_catalog.json_build_object('nome', u.nome, 'email', u.email, 'telefono', u.telefono, 'cod_supervisore', u.cod_supervisore) end
      from (
        select t.id_sincro as n, t.deleted as removal, null::jsonb as log_key, t.*
          from sincro.agenti t where t.azi = v_azi and t.cod_agente = any (v_agents) and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select l.id_sincro, t.azi is null, l.key, t.*
        from log_page l left join sincro.agenti t on t.azi = v_azi and t.cod_agente = l.k1 and not t.deleted
        where l.entity = 'agent'
      ) u
      union all
      -- customer
      select 'customer'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('cod_cli', u.cod_cli)),
             case when not u.removal then pg_catalog.json_build_object('ragione_sociale', u.ragione_sociale, 'partita_iva', u.partita_iva, 'codice_fiscale', u.codice_fiscale,
               'indirizzo', u.indirizzo, 'cap', u.cap, 'citta', u.citta, 'provincia', u.provincia, 'nazione', u.nazione, 'email', u.email,
               'telefono', u.telefono, 'listino', u.listino, 'cod_agente', u.cod_agente, 'cod_pagamento', u.cod_pagamento) end
      from (
        select t.id_sincro as n, t.deleted as removal, null::jsonb as log_key, t.*
          from pg_catalog.unnest(v_agents) g(agent)
          join sincro.clienti t on t.azi = v_azi and t.cod_agente = g.agent and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select l.id_sincro, t.azi is null, l.key, t.*
        from log_page l left join sincro.clienti t on t.azi = v_azi and t.cod_cli = l.k1 and not t.deleted
        where l.entity = 'customer'
      ) u
      union all
      -- particolarita
      select 'particolarita'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('cod_cli', u.cod_cli, 'cod_art', u.cod_art, 'valido_dal', u.valido_dal)),
             case when not u.removal then pg_catalog.json_build_object('valido_al', u.valido_al, 'prezzo', u.prezzo, 'sconto', u.sconto) end
      from (
        select t.id_sincro as n, t.deleted as removal, null::jsonb as log_key, t.*
          from sincro.particolarita t where t.azi = v_azi and t.cod_cli = '*' and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select t.id_sincro, t.deleted, null::jsonb, t.*
          from pg_catalog.unnest(v_agents) g(agent)
          join sincro.particolarita t on t.azi = v_azi and t.slice_agente = g.agent and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select l.id_sincro, t.azi is null, l.key, t.*
        from log_page l left join sincro.particolarita t on t.azi = v_azi and t.cod_cli = l.k1 and t.cod_art = l.k2 and t.valido_dal = l.k3 and not t.deleted
        where l.entity = 'particolarita'
      ) u
      union all
      -- open_item
      select 'open_item'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('cod_cli', u.cod_cli, 'id_partita', u.id_partita)),
             case when not u.removal then pg_catalog.json_build_object('tipo_doc', u.tipo_doc, 'numero_doc', u.numero_doc, 'data_doc', u.data_doc, 'data_scadenza', u.data_scadenza,
               'importo', u.importo, 'importo_pagato', u.importo_pagato, 'pagata', u.pagata) end
      from (
        select t.id_sincro as n, t.deleted as removal, null::jsonb as log_key, t.*
          from pg_catalog.unnest(v_agents) g(agent)
          join sincro.partite_aperte t on t.azi = v_azi and t.slice_agente = g.agent and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select l.id_sincro, t.azi is null, l.key, t.*
        from log_page l left join sincro.partite_aperte t on t.azi = v_azi and t.cod_cli = l.k1 and t.id_partita = l.k2 and not t.deleted
        where l.entity = 'open_item'
      ) u
      union all
      -- customer_credit
      select 'customer_credit'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('cod_cli', u.cod_cli)),
             case when not u.removal then pg_catalog.json_build_object('fido', u.fido, 'esposizione', u.esposizione, 'bloccato', u.bloccato, 'motivo_blocco', u.motivo_blocco) end
      from (
        select t.id_sincro as n, t.deleted as removal, null::jsonb as log_key, t.*
          from pg_catalog.unnest(v_agents) g(agent)
          join sincro.fidi t on t.azi = v_azi and t.slice_agente = g.agent and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select l.id_sincro, t.azi is null, l.key, t.*
        from log_page l left join sincro.fidi t on t.azi = v_azi and t.cod_cli = l.k1 and not t.deleted
        where l.entity = 'customer_credit'
      ) u
      union all
      -- document
      select 'document'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('tipo_doc', u.tipo_doc, 'numero', u.numero)),
             case when not u.removal then pg_catalog.json_build_object('data_doc', u.data_doc, 'cliente_cod', u.cliente_cod, 'tor_chia', u.tor_chia, 'note', u.note,
               'totale_imponibile', u.totale_imponibile, 'totale_iva', u.totale_iva, 'totale_documento', u.totale_documento,
               'lines', (select coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('riga', r.riga, 'articolo', r.articolo,
                                          'descrizione', r.descrizione, 'quantita', r.quantita, 'unita_misura', r.unita_misura,
                                          'prezzo', r.prezzo, 'sconto', r.sconto, 'iva', r.iva) order by r.riga), '[]')
                         from sincro.documenti_righe r where r.azi = u.azi and r.tipo_doc = u.tipo_doc and r.numero = u.numero)) end
      from (
        select t.id_sincro as n, t.deleted as removal, null::jsonb as log_key, t.*
          from pg_catalog.unnest(v_agents) g(agent)
          join sincro.documenti t on t.azi = v_azi and t.slice_agente = g.agent and t.id_sincro > $1 and t.id_sincro <= v_cutoff
        union all
        select l.id_sincro, t.azi is null, l.key, t.*
        from log_page l left join sincro.documenti t on t.azi = v_azi and t.tipo_doc = l.k1 and t.numero = l.k2 and not t.deleted
        where l.entity = 'document'
      ) u
      union all
      -- order (never deleted: a log entry for one the login may no longer read is a removal)
      select 'order'::text, u.n, u.removal, coalesce(u.log_key, pg_catalog.jsonb_build_object('id_pub', u.id_pub)),
             case when not u.removal then
               (pg_catalog.to_jsonb(u.a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = u.azi and r.id_pub = u.id_pub)))::json end
      from (
        select a.id_sincro as n, false as removal, null::jsonb as log_key, a.azi, a.id_pub, a
        from sincro.arportes a where a.azi = v_azi and a.id_sincro > $1 and a.id_sincro <= v_cutoff
        union all
        select l.id_sincro, a.azi is null, l.key, a.azi, a.id_pub, a
        from log_page l left join sincro.arportes a on a.azi = v_azi and a.id_pub = l.kid
        where l.entity = 'order'
      ) u
    ) r(entity, id_sincro, deleted, key, data)
    order by r.id_sincro;
end;
$$;

comment on function sincro.device_changes_since(bigint, integer) is
  E'The calling app login''s device feed: every change to a row of its slice above cursor, in change-number order, at most max_rows, as (entity, id_sincro, deleted, key, data); deleted = true is a removal (a tombstone, or a row that left the slice). One cursor covers every entity; start from 0 (the first download), then pass the last id_sincro read. SY190 for a login that is not an app login; SY130 when the cursor is older than the tombstone retention. See docs/devices.md.';

-- who may use it
revoke all on function sincro.device_changes_since(bigint, integer) from public;
grant execute on function sincro.device_changes_since(bigint, integer) to sincro_app;
