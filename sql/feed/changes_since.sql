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
set search_path = pg_catalog, pg_temp
as $$
begin
  -- validate
  perform sincro_private.check_feed_arguments('changes_since', $1, $2, $3);

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

-- who may use it
revoke all on function sincro.changes_since(text,bigint,integer) from public;
grant execute on function sincro.changes_since(text,bigint,integer) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
