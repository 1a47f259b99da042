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
 * missing key fields (SY102), values that do not fit and values the table's
 * rules refuse (NaN, infinity) (SY201) are refused, naming the field or rule. `also_changed` lists keys (as key_text) to count as
 * changed whatever their columns say: documents whose lines changed.
 * `run_id`, for a total rebuild: the keys received are remembered for the
 * final sweep.
 *
 * The statement is written once as a template ({table}, {keys}, {t.data}…
 * filled per entity by fill_sql_template): a reader sees the SQL that runs.
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
  v_sql text;
  v_changed integer;
  v_rule text;
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
  -- the tables keep no foreign key to the company (a quarter of a rebuild's cost): checked here, once a batch
  if not exists (select 1 from sincro_private.company c where c.azi = upsert_erp_rows.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('sync: unknown company (azi = %s)', sincro_private.shown(upsert_erp_rows.azi)),
      hint = 'Register the company first (insert into sincro.apstatosyn).';
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

  -- the statement, for this entity's table: its key columns and its data columns (all but the hub's own)
  select pg_catalog.array_agg(a.attname::text order by a.attnum) into v_data
    from pg_catalog.pg_attribute a
    where a.attrelid = v_table and a.attnum > 0 and not a.attisdropped
      -- slice_agente: the hub's (the customer's agent, set by the slice triggers), never the ERP's
      and a.attname::text <> all (v_keys || '{azi,id_sincro,deleted,updated_at,slice_agente}'::text[]);
  v_sql := sincro_private.fill_sql_template($sql$
    with incoming as (
      -- the last state of each key in the batch, numbered in batch order
      -- (a field the ERP leaves out is null, or the column's default where the column needs a value)
      select distinct on ({r.keys}) {r.keys}, {incoming_data}, {key_text} as key_text, e.n
      from pg_catalog.jsonb_array_elements($2) with ordinality e(x, n)
      cross join lateral pg_catalog.jsonb_populate_record(null::{table}, (e.x -> 'key') || coalesce(e.x -> 'data', '{}')) r
      order by {r.keys}, e.n desc
    ),
    seen as (
      insert into sincro_private.rebuild_seen (azi, run_id, entity, key)
      select $1, $3, $4, i.key_text from incoming i where $3 is not null
    ),
    changed as (
      -- new keys, tombstones coming back, rows whose data differ, and the ones the caller says changed
      select i.*, pg_catalog.row_number() over (order by i.n) as position, t.row_id
      from incoming i
      left join lateral (
        select t.ctid as row_id, t.deleted, {t.data}
        from {table} t where t.azi = $1 and ({t.keys}) = ({i.keys})
        limit 1  -- keeps the probe a per-row primary-key lookup (not flattened into a join)
      ) t on true
      where t.row_id is null or t.deleted or i.key_text = any ($5)
         or row({i.data}) is distinct from row({t.data})
    ),
    bump as (
      update sincro_private.id_sincro_counter c
        set last_value = c.last_value + (select pg_catalog.count(*) from changed)
        where c.azi = $1 and exists (select 1 from changed)
        returning c.last_value - (select pg_catalog.count(*) from changed) as base
    ),
    inserted as (
      -- only syncs write these tables, one per company at a time: a plain insert cannot race
      insert into {table} (azi, {keys}, {data}, id_sincro, deleted, updated_at)
      select $1, {c.keys}, {c.data}, (select b.base from bump b) + c.position, false, pg_catalog.now()
      from changed c
      where c.row_id is null
    ),
    updated as (
      update {table} t
        set ({data}, id_sincro, deleted, updated_at) = ({c.data}, (select b.base from bump b) + c.position, false, pg_catalog.now())
        from changed c
        where c.row_id is not null and t.ctid = c.row_id
    )
    select pg_catalog.count(*) from changed
    $sql$,
    pg_catalog.jsonb_build_object(
      'table', v_table::text,
      'keys', sincro_private.column_list(v_keys),
      'data', sincro_private.column_list(v_data),
      't.keys', sincro_private.column_list(v_keys, 't'), 'i.keys', sincro_private.column_list(v_keys, 'i'),
      'c.keys', sincro_private.column_list(v_keys, 'c'),
      't.data', sincro_private.column_list(v_data, 't'), 'i.data', sincro_private.column_list(v_data, 'i'),
      'c.data', sincro_private.column_list(v_data, 'c'), 'r.keys', sincro_private.column_list(v_keys, 'r'),
      'incoming_data', (
        select pg_catalog.string_agg(
                 case when a.attnotnull and d.adbin is not null
                      then pg_catalog.format('coalesce(r.%1$I, %2$s) as %1$I', a.attname, pg_catalog.pg_get_expr(d.adbin, d.adrelid))
                      else pg_catalog.format('r.%I', a.attname) end,
                 ', ' order by u.o)
        from pg_catalog.unnest(v_data) with ordinality u(c, o)
        join pg_catalog.pg_attribute a on a.attrelid = v_table and a.attname = u.c
        left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum),
      -- the key as one text (fields joined by the unit separator), as rebuild_seen and also_changed hold it
      'key_text', (select pg_catalog.string_agg(pg_catalog.format('r.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k)));

  -- apply
  begin
    execute v_sql into v_changed using azi, rows, run_id, entity, coalesce(also_changed, '{}');
  exception when check_violation then
    -- a value of the right type that the table's rules refuse: NaN, an infinite date
    get stacked diagnostics v_rule = constraint_name;
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: a %s row breaks the rule %s (%s)', entity, v_rule, sqlerrm),
      hint = 'Numbers must be numbers (not NaN) and dates real dates (not infinity).';
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
  return v_changed;
end;
$$;

comment on function sincro_private.upsert_erp_rows(text, text, jsonb, bigint, text[]) is
  E'Upserts a batch of ERP-owned rows of one entity ([{"key":{...},"data":{...}}]); only rows that really change get a new change number. Returns how many changed. With run_id, remembers the keys for a rebuild''s sweep.';

-- who may use it
revoke all on function sincro_private.upsert_erp_rows(text,text,jsonb,bigint,text[]) from public;
