/*
 * The arguments of a change feed (changes_since, all_changes_since), checked
 * alike: a company the caller may see (SY100), a cursor of 0 or more and a
 * batch of 1 to 100000 rows (SY101). Runs with the caller's rights, so a
 * company hidden from the caller by apstatosyn is "unknown".
 */
create or replace function sincro_private.check_feed_arguments(feed text, azi text, "cursor" bigint, max_rows integer)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if azi is null or not exists (select 1 from sincro.apstatosyn c where c.azi = check_feed_arguments.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('%s: unknown company (azi = %L)', feed, azi),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if "cursor" is null or "cursor" < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('%s: cursor must be 0 or a change number already read (got %s)', feed, coalesce("cursor"::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if max_rows is null or max_rows < 1 or max_rows > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('%s: max_rows must be between 1 and 100000 (got %s)', feed, coalesce(max_rows::text, 'NULL')),
      hint = 'Read in batches of a few thousand rows at most.';
  end if;
end;
$$;

comment on function sincro_private.check_feed_arguments(text, text, bigint, integer) is
  E'Checks a change feed''s arguments (SY100 unknown or hidden company, SY101 bad cursor or max_rows), with the caller''s rights.';

-- who may use it
revoke all on function sincro_private.check_feed_arguments(text,text,bigint,integer) from public;
grant execute on function sincro_private.check_feed_arguments(text,text,bigint,integer) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
