/*
 * Lines are written with their header, in the transaction that created the
 * order; afterwards only the ERP changes them. Field checks come first so that
 * a bad line is refused with our code, naming the field, before any constraint.
 */
create or replace function sincro_private.tg_arporrig__guard()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_party constant text := sincro_private.current_party();
  v_created_xact xid8;
begin
  if tg_op = 'DELETE' then
    if v_party in ('G', 'H') then
      return old;
    end if;
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arporrig: line %s of order %s cannot be deleted by a store or app', old.riga, old.id_pub),
      hint = 'Lines change only through the ERP (sincro.erp_write_order).';
  end if;

  -- validate: fields
  if new.riga is null or new.articolo is null or pg_catalog.btrim(new.articolo) = '' or new.quantita is null then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('arporrig: %s is required (order %s)',
                                  case when new.riga is null then 'riga' when new.quantita is null then 'quantita' else 'articolo' end,
                                  new.id_pub),
      hint = 'Each line needs riga (1, 2, ...), articolo and quantita.';
  end if;
  if new.riga <= 0 or new.quantita <= 0 or new.prezzo < 0 or new.sconto < 0 or new.sconto > 100 then
    raise exception using
      errcode = 'SY104',
      message = pg_catalog.format('arporrig: %s (order %s, line %s)',
                                  case when new.riga <= 0 then pg_catalog.format('riga must be positive (got %s)', new.riga)
                                       when new.quantita <= 0 then pg_catalog.format('quantita must be greater than 0 (got %s)', new.quantita)
                                       when new.prezzo < 0 then pg_catalog.format('prezzo cannot be negative (got %s)', new.prezzo)
                                       else pg_catalog.format('sconto must be a percentage from 0 to 100 (got %s)', new.sconto) end,
                                  new.id_pub, new.riga),
      hint = 'Fix the line and send the whole order again in one transaction.';
  end if;

  if v_party in ('G', 'H') then
    new.updated_at := now();
    return new;
  end if;

  -- validate: the order is being created in this very transaction
  select a.created_xact into v_created_xact
  from sincro.arportes a
  where a.azi = new.azi and a.id_pub = new.id_pub;
  if not found then
    raise exception using
      errcode = 'SY109',
      message = pg_catalog.format('arporrig: company %s has no order with id_pub %s', new.azi, new.id_pub),
      hint = 'Insert the header first and use the id_pub that INSERT ... RETURNING gives back.';
  end if;
  if tg_op = 'UPDATE' or v_created_xact <> pg_catalog.pg_current_xact_id() then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arporrig: the lines of order %s can no longer be changed by a store or app', new.id_pub),
      hint = 'Lines are written in the transaction that creates the order; later changes come from the ERP.';
  end if;
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;

comment on function sincro_private.tg_arporrig__guard() is
  E'BEFORE INSERT/UPDATE/DELETE on arporrig: validates line fields; a store or app may only insert lines in the transaction that created the order.';

create trigger _100_guard
  before insert or update or delete on sincro.arporrig
  for each row execute function sincro_private.tg_arporrig__guard();

-- who may use it
revoke all on function sincro_private.tg_arporrig__guard() from public;
