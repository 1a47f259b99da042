/*
 * Whose slice this connection reads. An app login's agents are its own agent
 * and, when that agent supervises others (sincro.agenti.cod_supervisore), the
 * agents it supervises (one level: an area manager sees their agents'
 * customers). A deleted agent supervises no one and is supervised by no one.
 * NULL for every login that is not an app login (policies then never match).
 *
 * Policies call these as (select ...), so PostgreSQL evaluates each once per
 * query (an init plan), not once per row.
 *
 * SECURITY DEFINER: reads the login and company tables, which clients cannot.
 */
create or replace function sincro_private.session_agents()
returns text[]
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  return (
    select case
      when l.cod_agente is null then '{}'::text[]
      else array[l.cod_agente] || coalesce(
        (select pg_catalog.array_agg(a.cod_agente order by a.cod_agente)
         from sincro.agenti a
         where a.azi = l.azi and a.cod_supervisore = l.cod_agente and not a.deleted and a.cod_agente <> l.cod_agente),
        '{}')
    end
    from sincro_private.login l
    where l.login = session_user and l.kind = 'app'
  );
end;
$$;

comment on function sincro_private.session_agents() is
  E'The agents whose slice this app login sees: its own cod_agente and the agents it supervises ({} for an app login without an agent, NULL for other logins). SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_history_from()
returns date
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  return (
    select c.device_history_from
    from sincro_private.login l join sincro_private.company c on c.azi = l.azi
    where l.login = session_user
  );
end;
$$;

comment on function sincro_private.session_history_from() is
  E'First day of the device history window of this login''s company (orders and documents dated before it are out of every device''s slice). SECURITY DEFINER to read the company table.';

-- who may use it
revoke all on function sincro_private.session_agents() from public;
grant execute on function sincro_private.session_agents() to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
revoke all on function sincro_private.session_history_from() from public;
grant execute on function sincro_private.session_history_from() to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
