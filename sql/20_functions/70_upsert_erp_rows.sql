/*
 * The generic write of ERP-owned rows (every entity of sincro_private.erp_entity):
 * upsert a batch of {"key": {...}, "data": {...}} objects, giving a new change
 * number only to rows that really change (new, different, or coming back from
 * a tombstone). Within a batch the last object for a key wins.
 *
 * Change numbers: the rows that change are counted first, then the company's
 * counter is moved once by that count and the rows are written with their
 * numbers, in one statement. The counter row lock is held to the commit, so the
 * numbers follow commit order. Only syncs write these tables, one per company
 * at a time, so no other transaction holds their row locks: taking the counter
 * before writing them cannot deadlock. (Orders, which other parties write, get
 * theirs at commit instead; see assign_pending_id_sincro.)
 *
 * Unknown data fields are ignored (an ERP may send more than the hub keeps);
 * missing key fields (SY102) and values that do not fit (SY201) are refused,
 * naming the field. `also_changed` lists keys (as key_text) to count as
 * changed whatever their columns say: documents whose lines changed.
 * `run_id`, for a total rebuild: the keys received are remembered for the
 * final sweep.
 */
create or replace function sincro_private.upsert_erp_rows(
  entity text, azi text, rows jsonb, run_id bigint default null, also_changed text[] default '{}')
returns integer
language plpgsql
volatile
security definer
set search_path = ''
set datestyle = 'ISO, YMD'
as $$
declare
  v_table regclass;
  v_keys text[];
  v_data text[];
  v_key text;
  v_row jsonb;
  v_position integer := 0;
  v_changed integer;
begin
  -- validate
  select e.table_name, e.key_columns into v_table, v_keys
    from sincro_private.erp_entity e where e.entity = upsert_erp_rows.entity;
  if v_table is null then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: unknown entity "%s"', upsert_erp_rows.entity),
      hint = (select pg_catalog.format('Entities: order, %s.', pg_catalog.string_agg(e.entity, ', ' order by e.entity))
              from sincro_private.erp_entity e);
  end if;
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: %s rows must be a JSON array', entity);
  end if;
  for v_row in select r from pg_catalog.jsonb_array_elements(rows) r
    where pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
       or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object'
    limit 1
  loop
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: each %s row must be {"key": {...}, "data": {...}} (got %s)', entity, pg_catalog.left(v_row::text, 200));
  end loop;
  foreach v_key in array v_keys loop
    for v_row in select r from pg_catalog.jsonb_array_elements(rows) r
      where pg_catalog.jsonb_typeof(r -> 'key' -> v_key) is distinct from 'string' limit 1
    loop
      raise exception using
        errcode = 'SY102',
        message = pg_catalog.format('sync: %s key field "%s" is missing or not a string (key %s)', entity, v_key, v_row -> 'key'),
        hint = pg_catalog.format('The key of a %s is {%s}, every field a string.', entity, pg_catalog.array_to_string(v_keys, ', '));
    end loop;
  end loop;

  select pg_catalog.array_agg(a.attname::text order by a.attnum) into v_data
    from pg_catalog.pg_attribute a
    where a.attrelid = v_table and a.attnum > 0 and not a.attisdropped
      and a.attname::text <> all (v_keys || '{azi,id_sincro,deleted,updated_at}'::text[]);

  -- apply
  begin
    execute pg_catalog.format($sql$
      with incoming as (
        select distinct on (%1$s) r.*, %5$s as key_text
        from pg_catalog.jsonb_array_elements($2) with ordinality e(x, n)
        cross join lateral pg_catalog.jsonb_populate_record(null::%3$s, (e.x -> 'key') || coalesce(e.x -> 'data', '{}')) r
        order by %1$s, e.n desc
      ),
      seen as (
        insert into sincro_private.rebuild_seen (azi, run_id, entity, key)
        select $1, $3, $4, i.key_text from incoming i where $3 is not null
        on conflict do nothing
      ),
      changed as (
        select i.*, pg_catalog.row_number() over (order by %1$s) as position
        from incoming i
        where i.key_text = any ($5)
           or not exists (
             select 1 from %3$s t
             where t.azi = $1 and (%6$s) = (%7$s) and not t.deleted
               and (%8$s) is not distinct from (%9$s))
      ),
      bump as (
        update sincro_private.id_sincro_counter c
          set last_value = c.last_value + (select pg_catalog.count(*) from changed)
          where c.azi = $1 and exists (select 1 from changed)
          returning c.last_value - (select pg_catalog.count(*) from changed) as base
      )
      insert into %3$s as t (azi, %1$s, %10$s, id_sincro, deleted, updated_at)
      select $1, %11$s, %12$s, b.base + c.position, false, pg_catalog.now()
      from changed c cross join bump b
      on conflict (azi, %1$s) do update
        set (%10$s, id_sincro, deleted, updated_at) = (%13$s, excluded.id_sincro, false, pg_catalog.now())
      $sql$,
      (select pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ') from pg_catalog.unnest(v_keys) k),   -- 1 keys
      null,
      v_table,                                                                                              -- 3
      null,
      (select pg_catalog.string_agg(pg_catalog.format('r.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k), -- 5 key_text
      (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k),  -- 6
      (select pg_catalog.string_agg(pg_catalog.format('i.%I', k), ', ') from pg_catalog.unnest(v_keys) k),  -- 7
      (select pg_catalog.string_agg(pg_catalog.format('t.%I', d), ', ') from pg_catalog.unnest(v_data) d) || ', null',  -- 8
      (select pg_catalog.string_agg(pg_catalog.format('i.%I', d), ', ') from pg_catalog.unnest(v_data) d) || ', null',  -- 9
      (select pg_catalog.string_agg(pg_catalog.quote_ident(d), ', ') from pg_catalog.unnest(v_data) d),   -- 10 data columns
      (select pg_catalog.string_agg(pg_catalog.format('c.%I', k), ', ') from pg_catalog.unnest(v_keys) k), -- 11
      (select pg_catalog.string_agg(pg_catalog.format('c.%I', d), ', ') from pg_catalog.unnest(v_data) d), -- 12
      (select pg_catalog.string_agg(pg_catalog.format('excluded.%I', d), ', ') from pg_catalog.unnest(v_data) d) -- 13
    ) using azi, rows, run_id, entity, coalesce(also_changed, '{}');
  exception when data_exception then
    -- find the row and field that did not fit, and say so
    for v_row in select r from pg_catalog.jsonb_array_elements(rows) r loop
      v_position := v_position + 1;
      begin
        execute pg_catalog.format('select pg_catalog.jsonb_populate_record(null::%s, $1)', v_table)
          using (v_row -> 'key') || coalesce(v_row -> 'data', '{}');
      exception when data_exception then
        execute pg_catalog.format('select sincro_private.raise_bad_field($1, $2, null::%s)', v_table)
          using pg_catalog.format('sync: %s row %s (key %s)', entity, v_position, v_row -> 'key'),
                (v_row -> 'key') || coalesce(v_row -> 'data', '{}');
      end;
    end loop;
    raise;
  end;
  get diagnostics v_changed = row_count;
  return v_changed;
end;
$$;

comment on function sincro_private.upsert_erp_rows(text, text, jsonb, bigint, text[]) is
  E'Upserts a batch of ERP-owned rows of one entity ([{"key":{...},"data":{...}}]); only rows that really change get a new change number. Returns how many changed. With run_id, remembers the keys for a rebuild''s sweep.';
