create or replace function sincro.all_changes_since(azi text, "cursor" bigint, max_rows integer default 1000)
returns table (entity text, id_sincro bigint, deleted boolean, key jsonb, data jsonb)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_purged bigint;
begin
  -- validate
  perform sincro_private.check_feed_arguments('all_changes_since', $1, $2, $3);
  v_purged := sincro_private.tombstones_purged_through($1);
  if $2 > 0 and $2 < v_purged then
    raise exception using
      errcode = 'SY130',
      message = pg_catalog.format('all_changes_since: cursor %s of company %s is older than the tombstone retention: deletions up to change %s have been purged and cannot be sent',
                                  $2, $1, v_purged),
      hint = 'Rebuild your copy: read again from cursor 0 (every live row), replace what you hold, then follow from the largest id_sincro read.';
  end if;

  -- read: one ordered feed over every table
  return query
    select u.entity, u.id_sincro, u.deleted, u.key, u.data
    from (
      select 'order'::text as entity, a.id_sincro, false as deleted, pg_catalog.jsonb_build_object('id_pub', a.id_pub) as key,
             pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)) as data
      from sincro.arportes a where a.azi = $1 and a.id_sincro > $2
      union all
      select 'customer', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at}'::text[]
      from sincro.clienti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'article', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_art', t.cod_art),
             pg_catalog.to_jsonb(t) - '{azi,cod_art,id_sincro,deleted,updated_at}'::text[]
      from sincro.articoli t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'particolarita', t.id_sincro, t.deleted,
             pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,cod_art,valido_dal,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.particolarita t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'accessory', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tabella', t.tabella, 'codice', t.codice),
             pg_catalog.to_jsonb(t) - '{azi,tabella,codice,id_sincro,deleted,updated_at}'::text[]
      from sincro.tabelle_accessorie t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'document', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tipo_doc', t.tipo_doc, 'numero', t.numero),
             pg_catalog.to_jsonb(t) - '{azi,tipo_doc,numero,id_sincro,deleted,updated_at,slice_agente,righe}'::text[]
               -- the lines the document carries (documenti.righe, built the same way), or, written without them, its rows
               || pg_catalog.jsonb_build_object('lines', coalesce(t.righe,
                    (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                     from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero)))
      from sincro.documenti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'agent', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_agente', t.cod_agente),
             pg_catalog.to_jsonb(t) - '{azi,cod_agente,id_sincro,deleted,updated_at}'::text[]
      from sincro.agenti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'open_item', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'id_partita', t.id_partita),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_partita,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.partite_aperte t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'customer_credit', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.fidi t where t.azi = $1 and t.id_sincro > $2
    ) u
    order by u.id_sincro
    limit $3;
end;
$$;

comment on function sincro.all_changes_since(text, bigint, integer) is
  E'Every ERP-side change of a company above cursor, in change-number order, at most max_rows: orders (with lines) and the ERP-owned tables (documents with lines), as (entity, id_sincro, deleted, key, data). One cursor per company covers them all. SY130 when the cursor is older than the tombstone retention: rebuild your copy from 0.';

-- who may use it
revoke all on function sincro.all_changes_since(text,bigint,integer) from public;
grant execute on function sincro.all_changes_since(text,bigint,integer) to sincro_store, sincro_app, sincro_worker, sincro_admin;
