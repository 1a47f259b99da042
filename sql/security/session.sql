/*
 * The party behind the connection, from session_user: a client cannot change
 * it (SET SESSION AUTHORIZATION needs a superuser), and SECURITY DEFINER code
 * still sees it, unlike current_user. Each party connects as its own login.
 * NULL fields for roles that are not company-bound (owner, admin, worker).
 *
 * The helpers that row-level security policies call (session_company,
 * session_device, session_agent, may_see_company; session_agents and
 * session_history_from in device/session_slice.sql) are PL/pgSQL, not SQL:
 * PostgreSQL parses and plans an SQL function's body at every call, and a
 * policy's init plan calls it once per query and reference (some thirty times
 * for one page of sincro.device_changes_since), while PL/pgSQL keeps its plan
 * for the session. Measured: a device's first download 10-15% faster
 * (docs/performance.md). session_login is PL/pgSQL for the same reason: every
 * order's insert trigger calls it.
 */
create or replace function sincro_private.session_login()
returns sincro_private.login
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_login sincro_private.login;
begin
  select l.* into v_login from sincro_private.login l where l.login = session_user;
  return v_login;
end;
$$;

comment on function sincro_private.session_login() is
  E'The company-bound login of this connection (by session_user), or NULL. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_company()
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  return (
    select l.azi from sincro_private.login l where l.login = session_user
  );
end;
$$;

comment on function sincro_private.session_company() is
  E'Company of this connection''s login, for row-level security policies. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_device()
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  return (
    select l.prov_id from sincro_private.login l where l.login = session_user
  );
end;
$$;

comment on function sincro_private.session_device() is
  E'Device ID of this connection''s app login, for row-level security policies. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_agent()
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  return (
    select l.cod_agente from sincro_private.login l where l.login = session_user
  );
end;
$$;

comment on function sincro_private.session_agent() is
  E'Sales agent of this connection''s app login, for row-level security policies. SECURITY DEFINER to read the login table.';

/*
 * Whether this connection may see a company's row in apstatosyn: its own
 * company for a company-bound login, every company for others (the group
 * grants decide whether they may read apstatosyn at all).
 */
create or replace function sincro_private.may_see_company(azi text)
returns boolean
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  return (
    select coalesce((select l.azi = may_see_company.azi from sincro_private.login l where l.login = session_user), true)
  );
end;
$$;

comment on function sincro_private.may_see_company(text) is
  E'True when this connection may see the company: its own for store/app/ERP logins, all for admin, worker and owner.';

-- who may use it
revoke all on function sincro_private.may_see_company(text) from public;
grant execute on function sincro_private.may_see_company(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
revoke all on function sincro_private.session_agent() from public;
grant execute on function sincro_private.session_agent() to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
revoke all on function sincro_private.session_company() from public;
grant execute on function sincro_private.session_company() to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
revoke all on function sincro_private.session_device() from public;
grant execute on function sincro_private.session_device() to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
revoke all on function sincro_private.session_login() from public;
