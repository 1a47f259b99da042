/* History rows are append-only; the hub alone completes a version's change number. */
create or replace function sincro_private.tg_arportes_history__append_only()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'UPDATE' and sincro_private.current_party() is not distinct from 'H'
     and old.id_sincro is null and new.id_sincro is not null
     and (pg_catalog.to_jsonb(old) - 'id_sincro') = (pg_catalog.to_jsonb(new) - 'id_sincro') then
    return new;
  end if;
  raise exception using
    errcode = 'SY108',
    message = 'arportes_history: history is append-only',
    hint = 'Each change of an order adds a version; versions are never changed or removed.';
end;
$$;

comment on function sincro_private.tg_arportes_history__append_only() is
  E'BEFORE UPDATE/DELETE on arportes_history: refuses every change except the hub stamping a pending change number. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_append_only
  before update or delete on sincro.arportes_history
  for each row execute function sincro_private.tg_arportes_history__append_only();

-- who may use it
revoke all on function sincro_private.tg_arportes_history__append_only() from public;
