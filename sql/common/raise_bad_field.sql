/*
 * Raises SY201 naming the first key of `doc` whose value cannot be read as the
 * column of `template` it is meant for. Called only after a cast failed, to
 * turn PostgreSQL's "invalid input syntax for type numeric" into a message an
 * ERP integrator can act on.
 */
create or replace function sincro_private.raise_bad_field(context text, doc jsonb, template anyelement)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key text;
begin
  for v_key in select k from pg_catalog.jsonb_object_keys(doc) k order by k loop
    begin
      perform pg_catalog.jsonb_populate_record(template, pg_catalog.jsonb_build_object(v_key, doc -> v_key));
    exception when data_exception then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('%s: field "%s" has an invalid value (%s)', context, v_key, doc -> v_key),
        detail = sqlerrm,
        hint = 'Send numbers as JSON numbers, dates as YYYY-MM-DD strings, codes as strings.';
    end;
  end loop;
  raise exception using
    errcode = 'SY201',
    message = pg_catalog.format('%s: a field has an invalid value', context);
end;
$$;

comment on function sincro_private.raise_bad_field(text, jsonb, anyelement) is
  E'Raises SY201 naming the first field of a JSON document that does not fit its column.';

-- who may use it
revoke all on function sincro_private.raise_bad_field(text,jsonb,anyelement) from public;
