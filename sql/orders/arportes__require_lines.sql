/*
 * An order is its header and its lines, written together: at commit, an order
 * without lines is refused. Deferred, because the header is inserted before
 * its lines.
 */
create or replace function sincro_private.tg_arportes__require_lines()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if exists (select 1 from sincro.arportes a where a.azi = new.azi and a.id_pub = new.id_pub)
     and not exists (select 1 from sincro.arporrig r where r.azi = new.azi and r.id_pub = new.id_pub) then
    raise exception using
      errcode = 'SY105',
      message = pg_catalog.format('arportes: order %s of company %s has no lines', new.id_pub, new.azi),
      detail = pg_catalog.format('prov_tipo %s, id_int %s', new.prov_tipo, coalesce(new.id_int, '(none)')),
      hint = 'Insert the header and its lines (sincro.arporrig) in the same transaction.';
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__require_lines() is
  E'Deferred (at commit), after insert on arportes: refuses an order that has no lines (SY105). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create constraint trigger _800_require_lines
  after insert on sincro.arportes
  deferrable initially deferred
  for each row execute function sincro_private.tg_arportes__require_lines();

-- who may use it
revoke all on function sincro_private.tg_arportes__require_lines() from public;
