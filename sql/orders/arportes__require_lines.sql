/*
 * An order is its header and its lines, written together: at commit, an order
 * without lines is refused, and so is one with more lines than its company's
 * max_lines_per_order (the line guard refuses most such orders earlier, at
 * the first line numbered past the limit). Deferred, because the header is
 * inserted before its lines.
 */
create or replace function sincro_private.tg_arportes__require_lines()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_max_lines integer;
  v_lines bigint;
begin
  -- one query (this runs at commit, while the transaction holds its company's counter); it counts no
  -- further than one past the limit, and finds nothing when the header is gone
  select c.max_lines_per_order,
         (select pg_catalog.count(*) from (select 1 from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub
                                           limit c.max_lines_per_order + 1) r)
    into v_max_lines, v_lines
  from sincro.arportes a join sincro_private.company c on c.azi = a.azi
  where a.azi = new.azi and a.id_pub = new.id_pub;
  if not found then
    return null;
  end if;
  if v_lines = 0 then
    raise exception using
      errcode = 'SY105',
      message = pg_catalog.format('arportes: order %s of company %s has no lines', new.id_pub, new.azi),
      detail = pg_catalog.format('prov_tipo %s, id_int %s', new.prov_tipo, coalesce(new.id_int, '(none)')),
      hint = 'Insert the header and its lines (sincro.arporrig) in the same transaction.';
  elsif v_lines > v_max_lines then
    perform sincro_private.raise_too_large(pg_catalog.format('arportes (order %s)', new.id_pub), 'the number of lines',
                                           (select pg_catalog.count(*) from sincro.arporrig r where r.azi = new.azi and r.id_pub = new.id_pub),
                                           new.azi, 'max_lines_per_order', v_max_lines);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__require_lines() is
  E'Deferred (at commit), after insert on arportes: refuses an order that has no lines (SY105) or more lines than its company allows (SY140). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create constraint trigger _800_require_lines
  after insert on sincro.arportes
  deferrable initially deferred
  for each row execute function sincro_private.tg_arportes__require_lines();

-- who may use it
revoke all on function sincro_private.tg_arportes__require_lines() from public;
