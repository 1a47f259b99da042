/*
 * Size limits (issue 10): each company bounds what one order, line, new
 * customer or ERP document may hold (sincro_private.company.max_lines_per_order,
 * max_text_length, max_document_bytes; an admin sets them through
 * sincro.apstatosyn). Whoever checks a limit refuses with SY140 through
 * raise_too_large, so every refusal reads alike and says which setting to raise.
 */
create or replace function sincro_private.raise_too_large(
  context text, what text, size bigint, azi text, setting text, size_limit bigint)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception using
    errcode = 'SY140',
    message = pg_catalog.format('%s: %s is %s; company %s allows at most %s (%s)', context, what, size, azi, size_limit, setting),
    hint = pg_catalog.format('Send less, or have an administrator raise the company''s limit: update sincro.apstatosyn set %s = ... where azi = %L.',
                             setting, azi);
end;
$$;

comment on function sincro_private.raise_too_large(text, text, bigint, text, text, bigint) is
  E'Raises SY140: something is larger than the company''s setting allows, naming the setting to raise.';

/*
 * The longest of named text values, for the refusal of one that is too long
 * (callers compare greatest(length(...)) first, which is cheap, and
 * come here only to name the field).
 */
create or replace function sincro_private.longest_field(names text[], vals text[], out field text, out field_length integer)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select f.name, pg_catalog.length(f.val)
  from rows from (pg_catalog.unnest(names), pg_catalog.unnest(vals)) f(name, val)
  order by pg_catalog.length(f.val) desc nulls last
  limit 1
$$;

comment on function sincro_private.longest_field(text[], text[]) is
  E'The name and length of the longest of the values (names and vals in the same order).';

/*
 * A client-supplied value as a message shows it: quoted, and cut at 40
 * characters, so that a refusal does not echo a megabyte into the client's
 * error and the server's log.
 *
 * PL/pgSQL, not SQL: with its SET clause an SQL function is not inlined, and
 * each call parses and plans its body again (fmgr_sql). The store mapping
 * names every line it reads with it, five calls an order: 0.25 ms of the
 * order's 4 ms as SQL (migration 000017, docs/performance.md).
 */
create or replace function sincro_private.shown(value text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  return case when value is null then 'NULL'
              when pg_catalog.length(value) <= 40 then pg_catalog.quote_literal(value)
              else pg_catalog.quote_literal(pg_catalog.left(value, 40)) || pg_catalog.format('... (%s characters)', pg_catalog.length(value)) end;
end;
$$;

comment on function sincro_private.shown(text) is E'A value for an error message: quoted, at most 40 characters of it.';

-- who may use it
revoke all on function sincro_private.raise_too_large(text, text, bigint, text, text, bigint) from public;
revoke all on function sincro_private.longest_field(text[], text[]) from public;
revoke all on function sincro_private.shown(text) from public;
