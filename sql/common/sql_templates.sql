/*
 * Dynamic SQL that reads like SQL: a statement written with named slots
 * ({table}, {keys}, {t.data}…) filled from a JSON object, rather than a
 * format() call with a dozen numbered arguments. Slots are filled with
 * identifiers the caller quoted (column_list quotes every name).
 */
create or replace function sincro_private.fill_sql_template(template text, fragments jsonb)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_sql text := template;
  v_slot record;
begin
  for v_slot in select f.key, f.value from pg_catalog.jsonb_each_text(fragments) f loop
    v_sql := pg_catalog.replace(v_sql, '{' || v_slot.key || '}', v_slot.value);
  end loop;
  if v_sql ~ '\{[a-z_.]+\}' then
    raise exception 'fill_sql_template: slot % has no value', pg_catalog.substring(v_sql, '\{[a-z_.]+\}');
  end if;
  return v_sql;
end;
$$;

comment on function sincro_private.fill_sql_template(text, jsonb) is
  E'Replaces each {name} in a SQL template by fragments->>name; refuses a template with a slot left unfilled.';

create or replace function sincro_private.column_list(columns text[], alias text default null)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select pg_catalog.string_agg(
           case when alias is null then pg_catalog.quote_ident(c) else pg_catalog.quote_ident(alias) || '.' || pg_catalog.quote_ident(c) end,
           ', ' order by o)
  from pg_catalog.unnest(columns) with ordinality u(c, o)
$$;

comment on function sincro_private.column_list(text[], text) is
  E'Quoted, comma-separated column names, each prefixed by alias when given: for SQL templates.';

-- who may use it
revoke all on function sincro_private.fill_sql_template(text, jsonb) from public;
-- a pure string function: the device feed (sincro_private.device_feed_sql) fills its statement with it, with the caller's rights
grant execute on function sincro_private.fill_sql_template(text, jsonb) to sincro_app;
revoke all on function sincro_private.column_list(text[], text) from public;
