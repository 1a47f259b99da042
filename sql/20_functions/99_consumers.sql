/*
 * Consumers (the store, each app device) follow every ERP-side change of a
 * company with ONE cursor: orders and the ERP-owned tables share the
 * company's change-number counter, so "everything above my cursor, in
 * change-number order" is a single, gap-free feed. all_changes_since merges
 * the per-table (azi, id_sincro) indexes; a consumer interested in one table
 * can also read it directly with id_sincro > cursor. Consumers record what
 * they imported with advance_consumer_cursor, which gives operators each
 * consumer's lag (sincro.consumer_lag).
 */
create or replace function sincro_private.tombstones_purged_through(azi text)
returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select c.tombstones_purged_through from sincro_private.company c where c.azi = tombstones_purged_through.azi
$$;

comment on function sincro_private.tombstones_purged_through(text) is
  E'Largest change number of a purged tombstone of a company (0: none). SECURITY DEFINER: reads the company table.';

create or replace function sincro.all_changes_since(azi text, "cursor" bigint, max_rows integer default 1000)
returns table (entity text, id_sincro bigint, deleted boolean, key jsonb, data jsonb)
language plpgsql
stable
set search_path = ''
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
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,cod_art,valido_dal,id_sincro,deleted,updated_at}'::text[]
      from sincro.particolarita t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'accessory', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tabella', t.tabella, 'codice', t.codice),
             pg_catalog.to_jsonb(t) - '{azi,tabella,codice,id_sincro,deleted,updated_at}'::text[]
      from sincro.tabelle_accessorie t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'document', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tipo_doc', t.tipo_doc, 'numero', t.numero),
             pg_catalog.to_jsonb(t) - '{azi,tipo_doc,numero,id_sincro,deleted,updated_at}'::text[]
               || pg_catalog.jsonb_build_object('lines',
                    (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                     from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero))
      from sincro.documenti t where t.azi = $1 and t.id_sincro > $2
    ) u
    order by u.id_sincro
    limit $3;
end;
$$;

comment on function sincro.all_changes_since(text, bigint, integer) is
  E'Every ERP-side change of a company above cursor, in change-number order, at most max_rows: orders (with lines) and the ERP-owned tables (documents with lines), as (entity, id_sincro, deleted, key, data). One cursor per company covers them all. SY130 when the cursor is older than the tombstone retention: rebuild your copy from 0.';

create or replace function sincro.advance_consumer_cursor(azi text, consumer text, "cursor" bigint)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_login sincro_private.login := sincro_private.session_login();
  v_last bigint;
begin
  -- validate
  select c.last_value into v_last from sincro_private.id_sincro_counter c where c.azi = advance_consumer_cursor.azi;
  if not found or not sincro_private.may_see_company(advance_consumer_cursor.azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('advance_consumer_cursor: unknown company (azi = %L)', advance_consumer_cursor.azi);
  end if;
  if v_login.kind = 'store' and consumer is distinct from 'store'
     or v_login.kind = 'app' and consumer is distinct from 'app:' || v_login.prov_id
     or v_login.kind = 'erp' then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('advance_consumer_cursor: this login may not move the cursor of consumer %L', consumer),
      hint = case v_login.kind when 'store' then 'A store login advances the consumer ''store''.'
                               when 'app' then pg_catalog.format('This app login advances the consumer ''app:%s''.', v_login.prov_id)
                               else 'The ERP is not a consumer of the hub''s change feed.' end;
  end if;
  if consumer is null or consumer !~ '^[A-Za-z0-9:_.-]{1,80}$' then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('advance_consumer_cursor: field "consumer" must be 1-80 letters, digits, :, _, . or - (got %L)', consumer),
      hint = 'Use store, or app:<device id>.';
  end if;
  if "cursor" is null or "cursor" < 0 or "cursor" > v_last then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('advance_consumer_cursor: field "cursor" must be between 0 and the last change number %s (got %s)',
                                  v_last, coalesce("cursor"::text, 'NULL')),
      hint = 'Pass the largest id_sincro you have imported.';
  end if;

  -- apply
  insert into sincro.consumer_cursors as k (azi, consumer, id_sincro_read)
    values (advance_consumer_cursor.azi, consumer, "cursor")
    on conflict (azi, consumer) do update set id_sincro_read = excluded.id_sincro_read, updated_at = pg_catalog.now();
end;
$$;

comment on function sincro.advance_consumer_cursor(text, text, bigint) is
  E'A consumer records the largest change number it has imported (a store login as ''store'', an app login as ''app:<device>''; admins any name). Feeds sincro.consumer_lag. SECURITY DEFINER: reads the counter and the login.';
