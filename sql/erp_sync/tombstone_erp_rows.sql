/*
 * Marks ERP-owned rows deleted (tombstones), each with a new change number so
 * consumers following id_sincro learn of the deletion. Two callers:
 *   - a sync for changes passes the keys the ERP reported deleted (`keys`, an
 *     array of key objects); rows already tombstoned or never seen are left
 *     alone (no number is spent);
 *   - a total rebuild's sweep passes its `run_id`: every live row whose key
 *     the rebuild did not receive is tombstoned.
 * Document lines go with their document. As in upsert_erp_rows, the counter
 * is moved once by the count, in the same statement that writes the rows.
 */
create or replace function sincro_private.tombstone_erp_rows(
  entity text, azi text, keys jsonb default null, run_id bigint default null)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set datestyle = 'ISO, YMD'
-- the planner settings below inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
declare
  v_table regclass;
  v_keys text[];
  v_key_text text;
  v_chosen text;
  v_count integer;
  v_hashjoin constant text := pg_catalog.current_setting('enable_hashjoin');
  v_mergejoin constant text := pg_catalog.current_setting('enable_mergejoin');
  v_seqscan constant text := pg_catalog.current_setting('enable_seqscan');
  v_nestloop constant text := pg_catalog.current_setting('enable_nestloop');
begin
  -- validate
  select e.table_name, e.key_columns into v_table, v_keys
    from sincro_private.erp_entity e where e.entity = tombstone_erp_rows.entity;
  if v_table is null then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: unknown entity "%s"', entity);
  end if;
  if (keys is null) = (run_id is null) then
    raise exception using errcode = 'SY201', message = 'tombstone_erp_rows: give either keys or run_id';
  end if;
  v_key_text := (select pg_catalog.string_agg(pg_catalog.format('t.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k);

  if run_id is not null then
    v_chosen := pg_catalog.format($sql$
      select %1$s, pg_catalog.row_number() over (order by %1$s) as position
      from %2$s t
      where t.azi = $1 and not t.deleted
        -- rows numbered after the rebuild began were written by it: received, nothing to check
        and t.id_sincro <= (select r.id_sincro_at_start from sincro.sync_runs r where r.azi = $1 and r.run_id = $3)
        and not exists (select 1 from sincro_private.rebuild_seen s
                        where s.azi = $1 and s.run_id = $3 and s.entity = $4 and s.key = %3$s)
      $sql$, (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k), v_table, v_key_text);
  else
    v_chosen := pg_catalog.format($sql$
      select %1$s, pg_catalog.row_number() over (order by %1$s) as position
      from %2$s t
      join (select distinct %3$s as key_text from pg_catalog.jsonb_array_elements($2) e(x),
              pg_catalog.jsonb_populate_record(null::%2$s, e.x) t) k on k.key_text = %3$s
      where t.azi = $1 and not t.deleted
      $sql$, (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k), v_table, v_key_text);
  end if;

  -- apply (named keys: a few rows of a big table, probed by primary key, never a hash of the table)
  if keys is not null then
    perform pg_catalog.set_config('enable_hashjoin', 'off', true), pg_catalog.set_config('enable_mergejoin', 'off', true),
            pg_catalog.set_config('enable_seqscan', 'off', true);
  else
    -- the sweep: every live row against every key received, one hash anti-join (never a nested loop:
    -- the scratch table's statistics may say it is empty)
    perform pg_catalog.set_config('enable_nestloop', 'off', true);
  end if;
  execute pg_catalog.format($sql$
    with chosen as (%1$s),
    bump as (
      update sincro_private.id_sincro_counter c
        set last_value = c.last_value + (select pg_catalog.count(*) from chosen)
        where c.azi = $1 and exists (select 1 from chosen)
        returning c.last_value - (select pg_catalog.count(*) from chosen) as base
    )
    update %2$s t
      set deleted = true, id_sincro = b.base + c.position, updated_at = pg_catalog.now()
      from chosen c cross join bump b
      where t.azi = $1 and (%3$s) = (%4$s)
    $sql$, v_chosen, v_table,
    (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k),
    (select pg_catalog.string_agg(pg_catalog.format('c.%I', k), ', ') from pg_catalog.unnest(v_keys) k))
    using azi, keys, run_id, entity;
  get diagnostics v_count = row_count;
  perform pg_catalog.set_config('enable_hashjoin', v_hashjoin, true), pg_catalog.set_config('enable_mergejoin', v_mergejoin, true),
          pg_catalog.set_config('enable_seqscan', v_seqscan, true), pg_catalog.set_config('enable_nestloop', v_nestloop, true);

  if v_table = 'sincro.documenti'::regclass and v_count > 0 then
    delete from sincro.documenti_righe r
      using sincro.documenti d
      where d.azi = tombstone_erp_rows.azi and d.deleted
        and r.azi = d.azi and r.tipo_doc = d.tipo_doc and r.numero = d.numero;
  end if;
  return v_count;
end;
$$;

comment on function sincro_private.tombstone_erp_rows(text, text, jsonb, bigint) is
  E'Marks ERP-owned rows deleted with a new change number: those named by keys (a sync for changes), or every live row a rebuild (run_id) did not receive. Returns how many.';

-- who may use it
revoke all on function sincro_private.tombstone_erp_rows(text,text,jsonb,bigint) from public;
