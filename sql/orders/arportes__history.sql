/*
 * Writes every version of an order header to sincro.arportes_history. The
 * commit-time stamping of id_sincro is not a new version: it completes the
 * version the ERP's change wrote (assign_pending_id_sincro stamps that history
 * row too), so it is skipped here.
 */
create or replace function sincro_private.tg_arportes__history()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_party text := sincro_private.current_party();
begin
  if tg_op = 'DELETE' then
    insert into sincro.arportes_history values (default, tg_op, coalesce(v_party, 'H'), session_user, pg_catalog.clock_timestamp(), old.*);
    return null;
  end if;
  if tg_op = 'UPDATE' and (old.id_sincro is null and new.id_sincro is not null or new is not distinct from old) then
    return null;  -- the commit-time stamp completes a version; an update that changes nothing is none
  end if;
  if v_party is null then
    v_party := case
      when tg_op = 'INSERT' then new.prov_tipo
      when new.ack_store <> old.ack_store then 'S'
      when new.ack_app <> old.ack_app then 'A'
      when new.ack_gest <> old.ack_gest then 'G'
    end;
  end if;
  insert into sincro.arportes_history values (default, tg_op, v_party, session_user, pg_catalog.clock_timestamp(), new.*);
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__history() is
  E'AFTER INSERT/UPDATE/DELETE on arportes: appends the new version to arportes_history with the acting party. SECURITY DEFINER because clients cannot write history.';

create trigger _900_history
  after insert or update or delete on sincro.arportes
  for each row execute function sincro_private.tg_arportes__history();

-- who may use it
revoke all on function sincro_private.tg_arportes__history() from public;
