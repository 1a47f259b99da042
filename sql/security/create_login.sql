/*
 * How an integrator gives a party its own login. The role is created with
 * LOGIN, made a member of its group role, and (for store, app, ERP and console
 * operator) bound to one company, and for an app to one device and agent, in sincro_private.login.
 *
 * Every login gets the limits of its kind (sincro_private.login_limits): how
 * many connections it may open at once, and its statement, lock and
 * idle-in-transaction timeouts, so that one login cannot take every
 * connection and one idle transaction cannot hold a company's counter for
 * long. A login can lower its timeouts for itself; it cannot raise its
 * connection limit, and the worker's sweep of overdue sessions
 * (sincro.end_overdue_sessions) ends client sessions that stay too long
 * whatever they set. docs/security.md says how to change them (ALTER ROLE).
 *
 * SECURITY DEFINER: creating roles needs the owner's CREATEROLE; only
 * sincro_admin may execute it.
 */
/*
 * The limits a new login gets, by kind: a phone (app) needs one or two
 * connections and short statements; a store's web servers a handful more; the
 * ERP's exports and the worker's pushes run longer; an admin runs syncs and
 * rebuilds (no statement timeout). Values are PostgreSQL settings as ALTER
 * ROLE ... SET takes them.
 */
create or replace function sincro_private.login_limits(
  kind text,
  out connection_limit integer, out statement_timeout text, out lock_timeout text, out idle_in_transaction_timeout text)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select l.connection_limit, l.statement_timeout, l.lock_timeout, l.idle_in_transaction_timeout
  from (values
    ('store', 20, '30s', '10s', '10s'),
    ('app', 2, '30s', '10s', '10s'),
    ('erp', 10, '5min', '30s', '1min'),
    ('worker', 40, '15min', '1min', '5min'),
    ('operator', 5, '30s', '10s', '1min'),
    ('admin', 10, '0', '1min', '10min')
  ) l(kind, connection_limit, statement_timeout, lock_timeout, idle_in_transaction_timeout)
  where l.kind = login_limits.kind
$$;

comment on function sincro_private.login_limits(text) is
  E'Connection limit and statement, lock and idle-in-transaction timeouts that sincro.create_login gives a login of each kind (store, app, erp, operator, worker, admin).';

create or replace function sincro.create_login(
  role_name text, kind text, azi text default null, prov_id text default null,
  password text default null, cod_agente text default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_limits record;
begin
  -- validate
  if role_name is null or role_name !~ '^[a-z_][a-z0-9_]{0,62}$' then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('create_login: role_name must be lowercase letters, digits and _ (got %s)', coalesce(pg_catalog.quote_literal(role_name), 'NULL')),
      hint = 'For example store_c00001 or app_c00001_dev50.';
  end if;
  if kind is null or kind not in ('store', 'app', 'erp', 'operator', 'worker', 'admin') then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('create_login: kind must be store, app, erp, operator, worker or admin (got %s)', coalesce(pg_catalog.quote_literal(kind), 'NULL'));
  end if;
  if kind in ('store', 'app', 'erp', 'operator') and (azi is null or not exists (select 1 from sincro_private.company c where c.azi = create_login.azi)) then
    raise exception using
      errcode = case when azi is null then 'SY102' else 'SY100' end,
      message = pg_catalog.format('create_login: a %s login needs a registered company (azi = %s)', kind, coalesce(pg_catalog.quote_literal(azi), 'NULL'));
  end if;
  if kind in ('worker', 'admin') and azi is not null then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('create_login: a %s login serves every company; omit azi', kind);
  end if;
  if (kind = 'app') <> (prov_id is not null) then
    raise exception using
      errcode = case when kind = 'app' then 'SY102' else 'SY101' end,
      message = case when kind = 'app' then 'create_login: an app login needs prov_id (its device ID)'
                     else 'create_login: prov_id is for app logins only' end;
  end if;
  if kind <> 'app' and cod_agente is not null then
    raise exception using errcode = 'SY101', message = 'create_login: cod_agente is for app logins only';
  end if;
  if exists (select 1 from pg_catalog.pg_roles r where r.rolname = role_name) then
    raise exception using
      errcode = 'SY110', message = pg_catalog.format('create_login: role %s already exists', role_name);
  end if;

  -- apply
  select * into v_limits from sincro_private.login_limits(kind);
  execute pg_catalog.format('create role %I login connection limit %s %s in role %I', role_name, v_limits.connection_limit,
    case when password is null then '' else pg_catalog.format('password %L', password) end, 'sincro_' || kind);
  execute pg_catalog.format('alter role %I set statement_timeout = %L', role_name, v_limits.statement_timeout);
  execute pg_catalog.format('alter role %I set lock_timeout = %L', role_name, v_limits.lock_timeout);
  execute pg_catalog.format('alter role %I set idle_in_transaction_session_timeout = %L', role_name, v_limits.idle_in_transaction_timeout);
  if kind in ('store', 'app', 'erp', 'operator') then
    insert into sincro_private.login (azi, login, kind, prov_id, cod_agente)
      values (azi, role_name, kind, prov_id, cod_agente);
  end if;
end;
$$;

comment on function sincro.create_login(text, text, text, text, text, text) is
  E'Creates a login role for a party: kind store, app, erp or operator (the console''s) bound to company azi (an app also to device prov_id and agent cod_agente), or a worker or admin login for every company, with the connection limit and timeouts of its kind (sincro_private.login_limits). Admin only.';

-- who may use it
revoke all on function sincro_private.login_limits(text) from public;
revoke all on function sincro.create_login(text,text,text,text,text,text) from public;
grant execute on function sincro.create_login(text,text,text,text,text,text) to sincro_admin;
