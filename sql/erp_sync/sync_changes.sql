/*
 * Sync for changes (rule 3): the sync process pulls the ERP's changes since
 * the cursor the hub holds and hands each batch to sync_changes_apply, which
 * applies it and moves the cursor in one transaction. A crash between batches
 * loses nothing (the cursor covers exactly what was applied) and a rerun
 * applies nothing twice (it starts from that cursor; and applying the ERP's
 * current state of a row again changes nothing, so bumps nothing).
 */
create or replace function sincro.erp_cursor(azi text)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select c.erp_cursor from sincro_private.company c where c.azi = erp_cursor.azi
$$;

comment on function sincro.erp_cursor(text) is
  E'The ERP change cursor up to which the hub has applied the ERP''s changes ('''' before the first sync; NULL for an unknown company). SECURITY DEFINER: reads the company table.';

create or replace function sincro.sync_changes_apply(
  azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_changes_apply.azi;
  v_cursor text;
  v_bad jsonb;
  v_change jsonb;
  v_entity text;
  v_received integer;
  v_changed integer := 0;
  v_tombstoned integer := 0;
  v_ignored integer := 0;
  v_latest jsonb;
  v_rows jsonb;
  v_max_bytes integer;
begin
  -- validate
  select c.erp_cursor, c.max_document_bytes into v_cursor, v_max_bytes from sincro_private.company c where c.azi = v_azi for no key update;
  if not found then
    raise exception using errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', v_azi);
  end if;
  if next_cursor is null or from_cursor is null then
    raise exception using errcode = 'SY201', message = 'sync: from_cursor and next_cursor are required (use '''' for the beginning)';
  end if;
  if v_cursor <> from_cursor then
    raise exception using
      errcode = 'SY122',
      message = pg_catalog.format('sync: the hub''s ERP cursor for company %s is %L, not %L: another run has moved it; this batch is not applied',
                                  v_azi, v_cursor, from_cursor),
      hint = 'Pull again from sincro.erp_cursor(azi).';
  end if;
  if changes is null or pg_catalog.jsonb_typeof(changes) <> 'array' then
    raise exception using errcode = 'SY201', message = 'sync: changes must be a JSON array';
  end if;
  select x into v_bad from pg_catalog.jsonb_array_elements(changes) x
    where pg_catalog.jsonb_typeof(x) <> 'object'
       or not (x ->> 'entity' = 'order' or x ->> 'entity' in (select e.entity from sincro_private.erp_entity e))
       or x ->> 'op' is null or x ->> 'op' not in ('upsert', 'delete')
       or pg_catalog.jsonb_typeof(x -> 'key') is distinct from 'object'
       or (x ->> 'op' = 'upsert' and pg_catalog.jsonb_typeof(x -> 'data') is distinct from 'object')
    limit 1;
  if found then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: malformed change %s', pg_catalog.left(v_bad::text, 300)),
      hint = 'A change is {"entity": order|customer|article|particolarita|accessory|document, "op": "upsert"|"delete", "key": {...}, "data": {...}}; data is required for upsert.';
  end if;
  select x into v_bad from pg_catalog.jsonb_array_elements(changes) x where pg_catalog.pg_column_size(x) > v_max_bytes limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: %s %s', v_bad ->> 'entity', pg_catalog.left((v_bad -> 'key')::text, 200)),
                                           'the change (bytes)', pg_catalog.pg_column_size(v_bad), v_azi, 'max_document_bytes', v_max_bytes);
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'changes', 0, 0, 0, null);
  v_received := pg_catalog.jsonb_array_length(changes);

  -- apply: per row only its last change counts (each carries the row's current state). Held in a
  -- variable, never in a temporary table: a caller could have created that table first, with a trigger
  -- of its own that would run here as the owner.
  select coalesce(pg_catalog.jsonb_agg(l.x order by l.entity, l.key), '[]') into v_latest
  from (
    select distinct on (x ->> 'entity', x -> 'key') x ->> 'entity' as entity, x -> 'key' as key, x
    from pg_catalog.jsonb_array_elements(changes) with ordinality e(x, n)
    order by x ->> 'entity', x -> 'key', e.n desc
  ) l;

  -- orders first: their row locks are shared with other parties, the counter comes after them
  for v_change in
    select l from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = 'order' order by l -> 'key' ->> 'tor_chia'
  loop
    if v_change ->> 'op' = 'delete' then
      v_ignored := v_ignored + 1;  -- orders are never deleted in the hub
    else
      perform sincro.erp_write_order(v_azi, (v_change -> 'data') || pg_catalog.jsonb_build_object('tor_chia', v_change -> 'key' -> 'tor_chia'));
    end if;
  end loop;
  v_changed := v_changed + (select pg_catalog.count(*) from sincro.arportes a where a.azi = v_azi and a.id_sincro is null);

  for v_entity in select e.entity from sincro_private.erp_entity e order by e.entity loop
    v_rows := (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('key', l -> 'key', 'data', l -> 'data'))
               from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = v_entity and l ->> 'op' = 'upsert');
    if v_rows is not null then
      if v_entity = 'document' then
        v_changed := v_changed + sincro_private.upsert_documents(v_azi, v_rows);
      else
        v_changed := v_changed + sincro_private.upsert_erp_rows(v_entity, v_azi, v_rows);
      end if;
    end if;
    v_rows := (select pg_catalog.jsonb_agg(l -> 'key')
               from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = v_entity and l ->> 'op' = 'delete');
    if v_rows is not null then
      v_tombstoned := v_tombstoned + sincro_private.tombstone_erp_rows(v_entity, v_azi, v_rows);
    end if;
  end loop;

  -- the cursor moves with what it covers
  update sincro_private.company c set erp_cursor = next_cursor where c.azi = v_azi;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'changes', v_received, v_changed + v_tombstoned, v_tombstoned, next_cursor);
  return pg_catalog.jsonb_build_object('received', v_received, 'changed', v_changed + v_tombstoned,
                                       'tombstoned', v_tombstoned, 'ignored', v_ignored);
end;
$$;

comment on function sincro.sync_changes_apply(text, bigint, text, text, jsonb) is
  E'Applies one batch of ERP changes ([{"entity","op","key","data"}]) and moves the company''s ERP cursor from from_cursor to next_cursor, in one transaction. SY122 if the cursor is not from_cursor. Only rows that really change get a new change number. Orders go through erp_write_order; order deletions are ignored. Returns {"received","changed","tombstoned","ignored"}. SECURITY DEFINER: writes ERP-owned tables.';

-- who may use it
revoke all on function sincro.erp_cursor(text) from public;
grant execute on function sincro.erp_cursor(text) to sincro_worker, sincro_admin;
revoke all on function sincro.sync_changes_apply(text,bigint,text,text,jsonb) from public;
grant execute on function sincro.sync_changes_apply(text,bigint,text,text,jsonb) to sincro_worker, sincro_admin;
