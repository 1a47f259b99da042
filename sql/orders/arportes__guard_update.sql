/*
 * After insert, a store or app may change only acks, and only from 0 to 1
 * ("acquired" is never taken back). Everything else belongs to the ERP side and
 * arrives through sincro.erp_write_order, which acts as party G. Acks never
 * touch id_sincro. An ack that is already 1 writes nothing at all (the row is
 * skipped: no new version, no history row), so repeating it cannot fill the
 * history or the table.
 */
create or replace function sincro_private.tg_arportes__guard_update()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_column text;
  v_login sincro_private.login;
begin
  if sincro_private.current_party() in ('G', 'H') then
    if sincro_private.current_party() = 'G' then
      new.updated_at := now();
    end if;
    return new;
  end if;

  -- validate: only acks change
  select n.key into v_column
  from pg_catalog.jsonb_each(pg_catalog.to_jsonb(new)) n
  join pg_catalog.jsonb_each(pg_catalog.to_jsonb(old)) o using (key)
  where n.value is distinct from o.value
    and n.key not in ('ack_store', 'ack_gest', 'ack_app', 'updated_at')
  order by n.key
  limit 1;
  if v_column is not null then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arportes: column %s of order %s cannot be changed by a store or app', v_column, old.id_pub),
      hint = 'After insert a party may only set its own ack to 1; order data changes come from the ERP.';
  end if;
  if new.ack_store < old.ack_store or new.ack_gest < old.ack_gest or new.ack_app < old.ack_app then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arportes: an ack of order %s cannot go back from 1 to 0', old.id_pub),
      hint = 'An ack says the party has acquired the order; follow later changes with sincro.changes_since.';
  end if;
  if (new.ack_store, new.ack_gest, new.ack_app) is not distinct from (old.ack_store, old.ack_gest, old.ack_app) then
    return null;  -- nothing changes: skip the row
  end if;

  -- validate: a login sets only its own party's ack
  v_login := sincro_private.session_login();
  if v_login.login is not null then
    v_column := case
      when new.ack_store <> old.ack_store and v_login.kind <> 'store' then 'ack_store'
      when new.ack_app <> old.ack_app and v_login.kind <> 'app' then 'ack_app'
      when new.ack_gest <> old.ack_gest and v_login.kind <> 'erp' then 'ack_gest'
    end;
    if v_column is not null then
      raise exception using
        errcode = 'SY111',
        message = pg_catalog.format('arportes: a %s login cannot set %s (order %s)', v_login.kind, v_column, old.id_pub),
        hint = 'Each party sets only its own ack: ack_store the store, ack_app an app, ack_gest the ERP.';
    end if;
  end if;

  new.updated_at := now();
  return new;
end;
$$;

comment on function sincro_private.tg_arportes__guard_update() is
  E'BEFORE UPDATE on arportes: a direct update may only set acks from 0 to 1; the ERP and the hub write through their functions.';

create trigger _100_guard_update
  before update on sincro.arportes
  for each row execute function sincro_private.tg_arportes__guard_update();

create trigger _100_refuse_delete
  before delete on sincro.arportes
  for each row execute function sincro_private.tg__refuse_delete();

-- who may use it
revoke all on function sincro_private.tg_arportes__guard_update() from public;
