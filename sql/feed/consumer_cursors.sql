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
set search_path = pg_catalog, pg_temp
as $$
  -- a company the caller may not see answers like one that does not exist
  select c.tombstones_purged_through from sincro_private.company c
  where c.azi = tombstones_purged_through.azi and sincro_private.may_see_company(c.azi)
$$;

comment on function sincro_private.tombstones_purged_through(text) is
  E'Largest change number of a purged tombstone of a company (0: none); NULL for a company the caller may not see or that does not exist. For all_changes_since, which runs with the caller''s rights. SECURITY DEFINER: reads the company table.';

create or replace function sincro.advance_consumer_cursor(azi text, consumer text, "cursor" bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
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

-- who may use it
revoke all on function sincro.advance_consumer_cursor(text,text,bigint) from public;
grant execute on function sincro.advance_consumer_cursor(text,text,bigint) to sincro_store, sincro_app, sincro_worker, sincro_admin;
revoke all on function sincro_private.tombstones_purged_through(text) from public;
grant execute on function sincro_private.tombstones_purged_through(text) to sincro_store, sincro_app, sincro_worker, sincro_admin;
