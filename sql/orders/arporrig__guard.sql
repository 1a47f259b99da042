/*
 * Lines are written with their header, in the transaction that created the
 * order; afterwards only the ERP changes them. Field checks come first so that
 * a bad line is refused with our code, naming the field, before any constraint.
 * A line for an order the login may not write (another company's, another
 * device's) is refused exactly like one for an order that does not exist
 * (SY109), so a client learns nothing about orders that are not its own.
 * Line numbers beyond the company's max_lines_per_order make the guard count
 * the order's lines (SY140 past the limit); the exact count is checked again
 * at commit (tg_arportes__require_lines).
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
  v_order record;
  v_lines bigint;
  v_longest record;
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

  -- the order, its company's limits and the connection's login (one query: this runs for every line while
  -- the order's transaction holds its company's counter); for a client login, only an order it may write
  -- lines of, so that another company's or device's order looks like a missing one
  select a.created_xact, c.max_text_length, c.max_lines_per_order, l.login into v_order
  from sincro.arportes a
  join sincro_private.company c on c.azi = a.azi
  left join sincro_private.login l on l.login = session_user and v_party is null
  where a.azi = new.azi and a.id_pub = new.id_pub
    and (l.login is null
         or (a.azi = l.azi
             and (l.kind = 'store' and a.prov_tipo = 'S'
                  or l.kind = 'app' and a.prov_tipo = 'A' and a.prov_id = l.prov_id)));
  if not found then
    raise exception using
      errcode = 'SY109',
      message = pg_catalog.format('arporrig: company %s has no order with id_pub %s that this connection may write lines of',
                                  sincro_private.shown(new.azi), new.id_pub),
      hint = 'Insert the header first and use the id_pub that INSERT ... RETURNING gives back.';
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
  if greatest(pg_catalog.length(new.articolo), pg_catalog.length(new.descrizione), pg_catalog.length(new.unita_misura),
              pg_catalog.length(new.iva), pg_catalog.length(new.note)) > v_order.max_text_length then
    select * into v_longest from sincro_private.longest_field(array['articolo', 'descrizione', 'unita_misura', 'iva', 'note'],
                                                              array[new.articolo, new.descrizione, new.unita_misura, new.iva, new.note]);
    perform sincro_private.raise_too_large(pg_catalog.format('arporrig (order %s, line %s)', new.id_pub, new.riga),
                                           pg_catalog.format('field %s (characters)', v_longest.field), v_longest.field_length,
                                           new.azi, 'max_text_length', v_order.max_text_length);
  end if;
  -- (NaN sorts above every number in PostgreSQL: it passes quantita > 0, so it is named first)
  if new.quantita = 'NaN' or new.prezzo = 'NaN' or new.sconto = 'NaN' or not pg_catalog.isfinite(new.data_consegna)
     or new.riga <= 0 or new.quantita <= 0 or new.prezzo < 0 or new.sconto < 0 or new.sconto > 100 then
    raise exception using
      errcode = 'SY104',
      message = pg_catalog.format('arporrig: %s (order %s, line %s)',
                                  case when new.quantita = 'NaN' then 'quantita must be a number (got NaN)'
                                       when new.prezzo = 'NaN' then 'prezzo must be a number (got NaN)'
                                       when new.sconto = 'NaN' then 'sconto must be a number (got NaN)'
                                       when not pg_catalog.isfinite(new.data_consegna) then pg_catalog.format('data_consegna must be a date (got %s)', new.data_consegna)
                                       when new.riga <= 0 then pg_catalog.format('riga must be positive (got %s)', new.riga)
                                       when new.quantita <= 0 then pg_catalog.format('quantita must be greater than 0 (got %s)', new.quantita)
                                       when new.prezzo < 0 then pg_catalog.format('prezzo cannot be negative (got %s)', new.prezzo)
                                       else pg_catalog.format('sconto must be a percentage from 0 to 100 (got %s)', new.sconto) end,
                                  new.id_pub, new.riga),
      hint = 'Fix the line and send the whole order again in one transaction.';
  end if;
  if tg_op = 'INSERT' and new.riga > v_order.max_lines_per_order then
    -- numbers up to the limit cannot make more lines than the limit; beyond it, count
    select pg_catalog.count(*) + 1 into v_lines
    from sincro.arporrig r where r.azi = new.azi and r.id_pub = new.id_pub;
    if v_lines > v_order.max_lines_per_order then
      perform sincro_private.raise_too_large(pg_catalog.format('arporrig (order %s)', new.id_pub), 'the number of lines', v_lines,
                                             new.azi, 'max_lines_per_order', v_order.max_lines_per_order);
    end if;
  end if;

  if v_party in ('G', 'H') then
    new.updated_at := now();
    return new;
  end if;

  -- validate: the order is being created in this very transaction
  if tg_op = 'UPDATE' or v_order.created_xact <> pg_catalog.pg_current_xact_id() then
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
