/*
 * The party behind the connection, from session_user: a client cannot change
 * it (SET SESSION AUTHORIZATION needs a superuser), and SECURITY DEFINER code
 * still sees it, unlike current_user. Each party connects as its own login.
 * NULL fields for roles that are not company-bound (owner, admin, worker).
 */
create or replace function sincro_private.session_login()
returns sincro_private.login
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select l.* from sincro_private.login l where l.login = session_user
$$;

comment on function sincro_private.session_login() is
  E'The company-bound login of this connection (by session_user), or NULL. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_company()
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select l.azi from sincro_private.login l where l.login = session_user
$$;

comment on function sincro_private.session_company() is
  E'Company of this connection''s login, for row-level security policies. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_device()
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select l.prov_id from sincro_private.login l where l.login = session_user
$$;

comment on function sincro_private.session_device() is
  E'Device ID of this connection''s app login, for row-level security policies. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_agent()
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select l.cod_agente from sincro_private.login l where l.login = session_user
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
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select coalesce((select l.azi = may_see_company.azi from sincro_private.login l where l.login = session_user), true)
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
