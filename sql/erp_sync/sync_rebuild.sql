/*
 * Total rebuild (rule 3): the sync process streams every entity's snapshot
 * from the ERP and hands it over in batches to sync_rebuild_apply, which
 * upserts them (only real changes get a change number) and remembers the keys
 * received; sync_rebuild_sweep then, in one transaction, tombstones every row
 * the ERP no longer has and sets the ERP cursor to the snapshot's position.
 *
 * Consumers reading meanwhile never see an empty or half-deleted catalogue:
 * nothing is emptied or deleted while the snapshots stream, and all the
 * tombstones appear together at the sweep's commit. A rebuild interrupted
 * before the sweep has only upserted true ERP states; it is not resumed: the
 * next rebuild starts over (and the failed run used no quota).
 */
create or replace function sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_rebuild_apply.azi;
  v_row jsonb;
  v_received integer;
  v_changed integer := 0;
begin
  -- validate
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: %s snapshot rows must be a JSON array', entity);
  end if;
  select x into v_row from pg_catalog.jsonb_array_elements(rows) x
  where pg_catalog.pg_column_size(x) > (select c.max_document_bytes from sincro_private.company c where c.azi = v_azi)
  limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: %s %s', entity, pg_catalog.left((v_row -> 'key')::text, 200)),
                                           'the snapshot row (bytes)', pg_catalog.pg_column_size(v_row), v_azi, 'max_document_bytes',
                                           (select c.max_document_bytes from sincro_private.company c where c.azi = v_azi));
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, 0, 0, null);
  v_received := pg_catalog.jsonb_array_length(rows);

  -- apply
  if entity = 'order' then
    for v_row in
      select distinct on (x -> 'key' ->> 'tor_chia') x from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
      order by x -> 'key' ->> 'tor_chia', e.n desc
    loop
      if pg_catalog.jsonb_typeof(v_row -> 'key' -> 'tor_chia') is distinct from 'string'
         or pg_catalog.jsonb_typeof(v_row -> 'data') is distinct from 'object' then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('sync: order snapshot row must be {"key": {"tor_chia": ...}, "data": {...}} (got %s)', pg_catalog.left(v_row::text, 200));
      end if;
      perform sincro.erp_write_order(v_azi, (v_row -> 'data') || pg_catalog.jsonb_build_object('tor_chia', v_row -> 'key' -> 'tor_chia'));
    end loop;
    v_changed := (select pg_catalog.count(*) from sincro.arportes a where a.azi = v_azi and a.id_sincro is null);
  elsif entity = 'document' then
    v_changed := sincro_private.upsert_documents(v_azi, rows, run_id);
  else
    v_changed := sincro_private.upsert_erp_rows(entity, v_azi, rows, run_id);
  end if;

  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', v_received, v_changed, 0, null);
  return pg_catalog.jsonb_build_object('received', v_received, 'changed', v_changed);
end;
$$;

comment on function sincro.sync_rebuild_apply(text, bigint, text, jsonb) is
  E'Applies one batch of a total rebuild''s snapshot of an entity ([{"key","data"}]): upserts (only real changes get a change number) and remembers the keys for the sweep. Orders go through erp_write_order and are never tombstoned. Returns {"received","changed"}. SECURITY DEFINER: writes ERP-owned tables.';

create or replace function sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_rebuild_sweep.azi;
  v_entity text;
  v_tombstoned integer := 0;
begin
  -- validate
  if erp_cursor is null then
    raise exception using errcode = 'SY201', message = 'sync: erp_cursor is required (the position of the first snapshot)';
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, 0, 0, null);

  -- apply: every deletion at once, and the cursor the snapshots reflect
  for v_entity in select e.entity from sincro_private.erp_entity e order by e.entity loop
    v_tombstoned := v_tombstoned + sincro_private.tombstone_erp_rows(v_entity, v_azi, null, run_id);
  end loop;
  delete from sincro_private.rebuild_seen s where s.azi = v_azi and s.run_id = sync_rebuild_sweep.run_id;
  update sincro_private.company c set erp_cursor = sync_rebuild_sweep.erp_cursor where c.azi = v_azi;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, v_tombstoned, v_tombstoned, erp_cursor);
  return pg_catalog.jsonb_build_object('tombstoned', v_tombstoned);
end;
$$;

comment on function sincro.sync_rebuild_sweep(text, bigint, text) is
  E'Ends a total rebuild''s data work in one transaction: tombstones (with new change numbers) every live row no snapshot contained, and sets the ERP cursor to erp_cursor (the first snapshot''s position, so changes made during the rebuild are pulled again by the next sync for changes). Returns {"tombstoned"}. SECURITY DEFINER.';

-- who may use it
revoke all on function sincro.sync_rebuild_apply(text,bigint,text,jsonb) from public;
grant execute on function sincro.sync_rebuild_apply(text,bigint,text,jsonb) to sincro_worker, sincro_admin;
revoke all on function sincro.sync_rebuild_sweep(text,bigint,text) from public;
grant execute on function sincro.sync_rebuild_sweep(text,bigint,text) to sincro_worker, sincro_admin;
