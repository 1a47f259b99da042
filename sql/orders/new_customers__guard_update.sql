create or replace function sincro_private.tg_new_customers__guard_update()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if sincro_private.current_party() in ('G', 'H') then
    new.updated_at := now();
    return new;
  end if;
  raise exception using
    errcode = 'SY107',
    message = pg_catalog.format('new_customers: customer %s cannot be changed by a store or app', old.customer_id),
    hint = 'Once written, a new customer changes only by the ERP''s answer (its code).';
end;
$$;

comment on function sincro_private.tg_new_customers__guard_update() is
  E'BEFORE UPDATE on new_customers: only the ERP side changes a stored customer (SY107 otherwise). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_guard_update
  before update on sincro.new_customers
  for each row execute function sincro_private.tg_new_customers__guard_update();

create trigger _100_refuse_delete
  before delete on sincro.new_customers
  for each row execute function sincro_private.tg__refuse_delete();

-- who may use it
revoke all on function sincro_private.tg_new_customers__guard_update() from public;
