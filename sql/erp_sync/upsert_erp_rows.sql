/*
 * The generic write of ERP-owned rows (every entity of sincro_private.erp_entity):
 * upsert a batch of {"key": {...}, "data": {...}} objects, giving a new change
 * number only to rows that really change (new, different, or coming back from
 * a tombstone). Within a batch the last object for a key wins.
 *
 * Change numbers: the rows that change are counted first, then the company's
 * counter is moved once by that count and the rows are written with their
 * numbers (in batch order), in one statement: new keys by a plain insert,
 * known ones by an update. The counter row lock is held to the commit, so the
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
set search_path = pg_catalog, pg_temp
set datestyle = 'ISO, YMD'
-- a batch (thousands of rows) against a table of millions: probe the primary key per row, never
-- hash or scan the table (whose statistics lag far behind during a first rebuild)
set enable_hashjoin = off
set enable_mergejoin = off
set enable_seqscan = off
-- the settings above inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
declare
  v_table regclass;
  v_keys text[];
  v_data text[];
  v_key text;
  v_row jsonb;
  v_position integer := 0;
  v_key_list text;
  v_dedupe integer;
  v_changed integer;
  v_expected integer;
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
  -- one pass over the batch finds the first malformed row
  select r, case when pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
                   or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object' then 'shape' else 'key' end
    into v_row, v_key
    from pg_catalog.jsonb_array_elements(rows) r
    where pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
       or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object'
       or exists (select 1 from pg_catalog.unnest(v_keys) k where pg_catalog.jsonb_typeof(r -> 'key' -> k) is distinct from 'string')
    limit 1;
  if v_key = 'shape' then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: each %s row must be {"key": {...}, "data": {...}} (got %s)', entity, pg_catalog.left(v_row::text, 200));
  elsif v_key = 'key' then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('sync: %s key field "%s" is missing or not a string (key %s)', entity,
                                  (select k from pg_catalog.unnest(v_keys) k
                                   where pg_catalog.jsonb_typeof(v_row -> 'key' -> k) is distinct from 'string' limit 1),
                                  v_row -> 'key'),
      hint = pg_catalog.format('The key of a %s is {%s}, every field a string.', entity, pg_catalog.array_to_string(v_keys, ', '));
  end if;

  select pg_catalog.array_agg(a.attname::text order by a.attnum) into v_data
    from pg_catalog.pg_attribute a
    where a.attrelid = v_table and a.attnum > 0 and not a.attisdropped
      and a.attname::text <> all (v_keys || '{azi,id_sincro,deleted,updated_at}'::text[]);
  v_key_list := (select pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ') from pg_catalog.unnest(v_keys) k);

  -- apply: first as sent; if a key comes twice in the batch (21000), again keeping its last state
  for v_dedupe in 0 .. 1 loop
    begin
      execute pg_catalog.format($sql$
        with incoming as (
          select %2$s r.*, %5$s as key_text
          from pg_catalog.jsonb_array_elements($2) with ordinality e(x, n)
          cross join lateral pg_catalog.jsonb_populate_record(null::%3$s, (e.x -> 'key') || coalesce(e.x -> 'data', '{}')) r
          %4$s
        ),
        seen as (
          insert into sincro_private.rebuild_seen (azi, run_id, entity, key)
          select $1, $3, $4, i.key_text from incoming i where $3 is not null
        ),
        changed as (
          select i.*, pg_catalog.row_number() over () as position, t.row_id
          from incoming i
          left join lateral (
            select t.ctid as row_id, t.deleted, %8$s
            from %3$s t where t.azi = $1 and (%6$s) = (%7$s)
            limit 1  -- keeps the probe a per-row primary-key lookup (not flattened into a join)
          ) t on true
          where t.row_id is null or t.deleted or i.key_text = any ($5)
             or (%9$s) is distinct from (%14$s)
        ),
        bump as (
          update sincro_private.id_sincro_counter c
            set last_value = c.last_value + (select pg_catalog.count(*) from changed)
            where c.azi = $1 and exists (select 1 from changed)
            returning c.last_value - (select pg_catalog.count(*) from changed) as base
        ),
        inserted as (
          -- only syncs write these tables, one per company at a time: a plain insert cannot race
          insert into %3$s (azi, %1$s, %10$s, id_sincro, deleted, updated_at)
          select $1, %11$s, %12$s, (select b.base from bump b) + c.position, false, pg_catalog.now()
          from changed c
          where c.row_id is null
          returning 1
        ),
        updated as (
          update %3$s t
            set (%10$s, id_sincro, deleted, updated_at) = (%12$s, (select b.base from bump b) + c.position, false, pg_catalog.now())
            from changed c
            where c.row_id is not null and t.ctid = c.row_id
          returning 1
        )
        select (select pg_catalog.count(*) from inserted) + (select pg_catalog.count(*) from updated), (select pg_catalog.count(*) from changed)
        $sql$,
        v_key_list,                                                                                       -- 1 keys
        case when v_dedupe = 1 then pg_catalog.format('distinct on (%s)', v_key_list) else '' end,     -- 2
        v_table,                                                                                          -- 3
        case when v_dedupe = 1 then pg_catalog.format('order by %s, e.n desc', v_key_list) else '' end, -- 4
        (select pg_catalog.string_agg(pg_catalog.format('r.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k), -- 5 key_text
        (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k),  -- 6
        (select pg_catalog.string_agg(pg_catalog.format('i.%I', k), ', ') from pg_catalog.unnest(v_keys) k),  -- 7
        (select pg_catalog.string_agg(pg_catalog.format('t.%I', d), ', ') from pg_catalog.unnest(v_data) d),  -- 8
        (select pg_catalog.string_agg(pg_catalog.format('i.%I', d), ', ') from pg_catalog.unnest(v_data) d) || ', null',  -- 9
        (select pg_catalog.string_agg(pg_catalog.quote_ident(d), ', ') from pg_catalog.unnest(v_data) d),   -- 10 data columns
        (select pg_catalog.string_agg(pg_catalog.format('c.%I', k), ', ') from pg_catalog.unnest(v_keys) k), -- 11
        (select pg_catalog.string_agg(pg_catalog.format('c.%I', d), ', ') from pg_catalog.unnest(v_data) d), -- 12
        null,                                                                                             -- 13
        (select pg_catalog.string_agg(pg_catalog.format('t.%I', d), ', ') from pg_catalog.unnest(v_data) d) || ', null'  -- 14
      ) into v_changed, v_expected using azi, rows, run_id, entity, coalesce(also_changed, '{}');
      if v_changed <> v_expected then
        -- a known key twice in the batch: an update uses only one of them; undo and dedupe
        raise exception using errcode = '21000', message = 'a key appears twice in the batch';
      end if;
      exit;
    exception
      when cardinality_violation or unique_violation then
        -- a key twice in the batch: the update touched a row twice (21000) or the insert clashed with itself
        if v_dedupe = 1 then raise; end if;
      when data_exception then
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
  end loop;
  return v_changed;
end;
$$;

comment on function sincro_private.upsert_erp_rows(text, text, jsonb, bigint, text[]) is
  E'Upserts a batch of ERP-owned rows of one entity ([{"key":{...},"data":{...}}]); only rows that really change get a new change number. Returns how many changed. With run_id, remembers the keys for a rebuild''s sweep.';

-- who may use it
revoke all on function sincro_private.upsert_erp_rows(text,text,jsonb,bigint,text[]) from public;
