/*
 * The change feed for consumers: orders the ERP side changed after `cursor`,
 * in change-number order. Because change numbers grow in commit order, a
 * consumer that stores the last id_sincro it read and asks again never misses
 * a change. The (azi, id_sincro) index makes the cost follow the rows returned.
 */
create or replace function sincro.changes_since(azi text, "cursor" bigint, max_rows integer default 1000)
returns setof sincro.arportes
language plpgsql
stable
set search_path = ''
as $$
begin
  -- validate
  if $1 is null or not exists (select 1 from sincro.apstatosyn c where c.azi = $1) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('changes_since: unknown company (azi = %L)', $1),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if $2 is null or $2 < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('changes_since: cursor must be 0 or a change number already read (got %s)', coalesce($2::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if $3 is null or $3 < 1 or $3 > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('changes_since: max_rows must be between 1 and 100000 (got %s)', coalesce($3::text, 'NULL')),
      hint = 'Read in batches of a few thousand rows at most.';
  end if;

  -- read
  return query
    select a.*
    from sincro.arportes a
    where a.azi = $1 and a.id_sincro > $2
    order by a.id_sincro
    limit $3;
end;
$$;

comment on function sincro.changes_since(text, bigint, integer) is
  E'Orders of a company whose id_sincro is above cursor, in id_sincro order, at most max_rows. Store the largest id_sincro read and pass it next time.';
