--! Previous: sha1:c323829b99aaed420fb6ee92522de0923935fc06
--! Hash: sha1:0cb7ee5382daaa15946680971befe993a19be0f7
--! Message: a webhook rings the dispatcher only when its company's inbox chain is idle

-- >>> migrations/parts/drop-replaceable.sql
/*
 * Generated migrations start here (npm run sql:compose): everything sql/
 * defines is dropped, then the migration's table changes run, then sql/ is
 * created again whole. So an upgraded hub ends with exactly the functions,
 * triggers, views, policies and grants of sql/ — nothing stale survives a
 * rename or a removal — and a fresh hub and an upgraded one are the same.
 * Tables and their data are never touched here. Nothing is dropped with
 * CASCADE: an object of someone else's (a DBA's view on ours) makes the
 * migration stop with PostgreSQL's own message instead of vanishing.
 */
do $drop_replaceable$
declare
  v_schemas constant regnamespace[] := array['sincro'::regnamespace, 'sincro_private'::regnamespace];
  -- every group role of ours that exists yet (sincro_operator arrives with a later migration)
  v_roles constant text := (
    select 'public' || coalesce(', ' || pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ', ' order by r.rolname), '')
    from pg_catalog.pg_roles r
    where r.rolname in ('sincro_store', 'sincro_app', 'sincro_erp', 'sincro_worker', 'sincro_admin', 'sincro_operator'));
  v_row record;
  v_dropped integer;
begin
  -- triggers (ours only: not the internal ones behind foreign keys)
  for v_row in
    select t.tgname, t.tgrelid::regclass as rel
    from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid
    where c.relnamespace = any (v_schemas) and not t.tgisinternal
  loop
    execute pg_catalog.format('drop trigger %I on %s', v_row.tgname, v_row.rel);
  end loop;

  -- row-level security policies (whether RLS is enabled is the table's, and stays)
  for v_row in
    select p.polname, p.polrelid::regclass as rel
    from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid
    where c.relnamespace = any (v_schemas)
  loop
    execute pg_catalog.format('drop policy %I on %s', v_row.polname, v_row.rel);
  end loop;

  -- views, those no other view uses first
  loop
    v_dropped := 0;
    for v_row in
      select c.oid::regclass as rel
      from pg_catalog.pg_class c
      where c.relnamespace = any (v_schemas) and c.relkind in ('v', 'm')
        and not exists (
          select 1 from pg_catalog.pg_depend d join pg_catalog.pg_rewrite r on r.oid = d.objid
          where d.refobjid = c.oid and d.classid = 'pg_catalog.pg_rewrite'::regclass and r.ev_class <> c.oid
            and (select v.relnamespace from pg_catalog.pg_class v where v.oid = r.ev_class) = any (v_schemas))
    loop
      execute pg_catalog.format('drop view %s', v_row.rel);
      v_dropped := v_dropped + 1;
    end loop;
    exit when v_dropped = 0;
  end loop;

  -- functions and procedures
  for v_row in
    select p.oid::regprocedure as fn, p.prokind
    from pg_catalog.pg_proc p
    where p.pronamespace = any (v_schemas)
      and not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
  loop
    execute pg_catalog.format('drop %s %s', case v_row.prokind when 'p' then 'procedure' else 'function' end, v_row.fn);
  end loop;

  -- privileges on what stays (tables, sequences, schemas): sql/ grants them again
  execute pg_catalog.format('revoke all on all tables in schema sincro, sincro_private from %s', v_roles);
  execute pg_catalog.format('revoke all on all sequences in schema sincro, sincro_private from %s', v_roles);
  execute pg_catalog.format('revoke all on schema sincro, sincro_private from %s', v_roles);
  for v_row in
    select c.oid::regclass as rel, a.attname
    from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
    where c.relnamespace = any (v_schemas) and a.attacl is not null and a.attnum > 0
  loop
    execute pg_catalog.format('revoke all (%I) on %s from %s', v_row.attname, v_row.rel, v_roles);
  end loop;
  execute pg_catalog.format('revoke all on all tables in schema graphile_worker from %s', v_roles);
  execute pg_catalog.format('revoke all on all sequences in schema graphile_worker from %s', v_roles);
  execute pg_catalog.format('revoke all on all functions in schema graphile_worker from %s', v_roles);
  execute pg_catalog.format('revoke all on schema graphile_worker from %s', v_roles);
end;
$drop_replaceable$;

-- >>> migrations/next.sql
-- Table changes for the next migration (npm run sql:compose puts them after the
-- drops and before sql/): ALTER TABLE, CREATE TABLE with its comments, indexes,
-- constraints, data moves. Empty this file's statements when the migration is
-- committed (npm run migration:commit does it).

-- >>> sql/security/roles.sql
/*
 * Group roles, one per party. Roles belong to the whole PostgreSQL cluster, so
 * they are created only if missing (several sincro databases, e.g. test runs,
 * share them); everything they may do is granted per database below.
 */
do $$
declare
  v_role text;
begin
  foreach v_role in array array['sincro_store', 'sincro_app', 'sincro_erp', 'sincro_worker', 'sincro_admin'] loop
    begin
      execute pg_catalog.format('create role %I nologin', v_role);
    exception when duplicate_object or unique_violation then
      null;  -- already there (another database of the cluster made it)
    end;
  end loop;
end;
$$;

comment on role sincro_store is E'Group of e-commerce store logins: insert store orders and new customers, read and ack their company''s orders.';
comment on role sincro_app is E'Group of app (device) logins: insert orders of their own device, read their device''s and agent''s orders, ack them.';
comment on role sincro_erp is E'Group of ERP logins: read their company''s orders, write through sincro.erp_write_order.';
comment on role sincro_worker is E'Group of worker logins: run graphile-worker jobs, read every company''s orders, write through sincro.erp_write_order.';
comment on role sincro_admin is E'Group of administrator logins: register companies, set quotas, create logins, read everything.';

-- >>> sql/console/operator_role.sql
/*
 * The console's operators: people who watch and act on one company's orders
 * and syncs from the browser (issue 12). Like the party groups, the role
 * belongs to the cluster and is created only if missing; what it may do is
 * granted per database in console/operator.access.sql. Its logins are bound to
 * one company (sincro_private.login, kind operator); an admin login serves
 * every company in the console.
 */
do $$
begin
  create role sincro_operator nologin;
exception when duplicate_object or unique_violation then
  null;  -- already there (another database of the cluster made it)
end;
$$;

comment on role sincro_operator is E'Group of console operator logins: read one company''s orders, problems, runs and quota; retry and resolve its problem orders; start its partial syncs.';

-- >>> sql/security/schemas.sql
/*
 * Two schemas by audience: `sincro` is what stores, apps, ERPs and operators
 * use; `sincro_private` holds counters and helpers nobody calls directly.
 * The schemas themselves are made by the migrations; here, who may use them.
 * Nothing is granted to PUBLIC: each party gets exactly what it needs.
 */
comment on schema sincro is
  E'Public interface of the sincro hub: order tables written directly by stores and apps, the ERP entry point, change feeds and pending views.';
comment on schema sincro_private is
  E'Internals of the sincro hub: per-company counters and helper functions. Not for clients.';

-- who may use it
revoke all on schema sincro from public;
revoke all on schema sincro_private from public;
grant usage on schema sincro to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant usage on schema sincro_private to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

/*
 * Nobody but the owner creates anything in the hub's database, not even a
 * temporary object: a login that cannot create a temporary type, table or
 * function cannot plant one for the hub's functions to trip over (they also
 * name pg_temp last in their search_path, and use no temporary tables: two
 * walls). The public schema of a database made before PostgreSQL 15 still
 * lets PUBLIC create in it; not here.
 */
do $$
begin
  execute pg_catalog.format('revoke temporary on database %I from public', pg_catalog.current_database());
  if exists (select 1 from pg_catalog.pg_namespace n where n.nspname = 'public') then
    revoke create on schema public from public;
  end if;
end;
$$;

-- >>> sql/security/session.sql
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

-- >>> sql/device/session_slice.sql
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

-- >>> sql/security/party.sql
/*
 * Which party the current statement acts for: 'G' inside sincro.erp_write_order,
 * 'H' while the hub stamps change numbers at commit, NULL for a direct write by
 * a store or app. Triggers use it to tell a client's direct write (checked
 * strictly) from the hub's own functions.
 *
 * The value lives in the transaction-local setting `sincro.party`, which any
 * role can set. It is honoured only when it carries the hub's secret, which is
 * kept in a table no client can read: only the hub's SECURITY DEFINER functions
 * can claim a party. (The trigger functions must themselves be SECURITY DEFINER
 * to reach counters and history, so current_user cannot tell who called.)
 */

/*
 * PL/pgSQL, not SQL: every order's triggers call it (four times for an order of
 * two lines), and PostgreSQL parses and plans an SQL function's body at every
 * call from a trigger, while PL/pgSQL keeps its plan for the session.
 * A direct client write (no claim) reads nothing.
 */
create or replace function sincro_private.current_party()
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_claim constant text := pg_catalog.current_setting('sincro.party', true);
begin
  if v_claim is null or v_claim = '' then
    return null;
  end if;
  if pg_catalog.split_part(v_claim, ':', 2) = (select p.secret from sincro_private.party_secret p) then
    return pg_catalog.split_part(v_claim, ':', 1);
  end if;
  return null;
end;
$$;

comment on function sincro_private.current_party() is
  E'The party the hub''s own functions act for (G ERP, H hub), or NULL for a direct client write. A claim without the hub''s secret is ignored. SECURITY DEFINER to read the secret.';

/*
 * Sets the acting party for the rest of the transaction and returns the raw
 * previous setting, so a caller can put it back with restore_party. Only the
 * owner can run it (it reads the secret); clients get no EXECUTE on it.
 */
create or replace function sincro_private.set_party(party text)
returns text
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_previous text := coalesce(pg_catalog.current_setting('sincro.party', true), '');
begin
  perform pg_catalog.set_config('sincro.party',
    case when coalesce(party, '') = '' then ''
         else party || ':' || (select p.secret from sincro_private.party_secret p) end,
    true);
  return v_previous;
end;
$$;

comment on function sincro_private.set_party(text) is
  E'Claims an acting party (G, H) for the rest of the transaction, with the hub''s secret; returns the previous raw setting for restore_party.';

create or replace function sincro_private.restore_party(previous text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  perform pg_catalog.set_config('sincro.party', coalesce(previous, ''), true);
end;
$$;

comment on function sincro_private.restore_party(text) is
  E'Puts back the sincro.party setting that set_party returned.';

-- who may use it
revoke all on function sincro_private.current_party() from public;
revoke all on function sincro_private.restore_party(text) from public;
revoke all on function sincro_private.set_party(text) from public;

-- >>> sql/security/create_login.sql
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

-- >>> sql/security/overdue_sessions.sql
/*
 * The time limits create_login gives a login are its own settings: a hostile
 * client can switch them off (SET idle_in_transaction_session_timeout = 0) and
 * hold its company's public-ID counter in an open transaction for ever. This
 * is the limit it cannot switch off: the worker runs it every minute and it
 * ends the sessions of company-bound logins (store, app, ERP) that have idled
 * inside a transaction, or run one statement, for longer than the given
 * times. Their transaction rolls back (nothing half-written stays) and the
 * counter is free again.
 *
 * SECURITY DEFINER: it reads every session's state and ends sessions of other
 * roles, which the hub's owner may do only as a member of pg_read_all_stats
 * and pg_signal_backend (docs/security.md: the production set-up grants
 * them); without them it refuses (SY150) rather than silently end nothing.
 */
create or replace function sincro.end_overdue_sessions(
  idle_in_transaction_after interval default interval '1 minute', running_after interval default interval '5 minutes')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_session record;
  v_ended integer := 0;
begin
  -- validate
  if not (pg_catalog.pg_has_role('pg_read_all_stats', 'member') and pg_catalog.pg_has_role('pg_signal_backend', 'member')) then
    raise exception using
      errcode = 'SY150',
      message = pg_catalog.format('end_overdue_sessions: the hub''s owner (%s) cannot see or end other sessions', current_user),
      hint = 'Grant it pg_read_all_stats and pg_signal_backend (docs/security.md, production set-up).';
  end if;
  if idle_in_transaction_after is null or running_after is null
     or idle_in_transaction_after < interval '0' or running_after < interval '0' then
    raise exception using
      errcode = 'SY101', message = 'end_overdue_sessions: the times must be 0 or more';
  end if;

  -- apply
  for v_session in
    select a.pid
    from pg_catalog.pg_stat_activity a
    join sincro_private.login l on l.login = a.usename
    where a.datname = pg_catalog.current_database() and a.pid <> pg_catalog.pg_backend_pid()
      and (a.state in ('idle in transaction', 'idle in transaction (aborted)')
             and a.state_change < pg_catalog.clock_timestamp() - idle_in_transaction_after
           or a.state = 'active' and a.query_start < pg_catalog.clock_timestamp() - running_after)
  loop
    if pg_catalog.pg_terminate_backend(v_session.pid) then
      v_ended := v_ended + 1;
    end if;
  end loop;
  return v_ended;
end;
$$;

comment on function sincro.end_overdue_sessions(interval, interval) is
  E'Ends the sessions of store, app and ERP logins idle in a transaction longer than idle_in_transaction_after or running one statement longer than running_after (their transactions roll back); returns how many. The worker runs it every minute. SY150 when the owner lacks pg_read_all_stats and pg_signal_backend. SECURITY DEFINER: sees and ends other roles'' sessions.';

-- who may use it
revoke all on function sincro.end_overdue_sessions(interval, interval) from public;
grant execute on function sincro.end_overdue_sessions(interval, interval) to sincro_worker, sincro_admin;

-- >>> sql/security/graphile_worker.sql
/*
 * graphile-worker's schema (made by graphile-worker's own migrations, which
 * `sincro migrate` runs first, as the owner): the worker group runs the queue;
 * nobody else may touch it. Orders reach the queue through the insert trigger,
 * which runs as the owner (sincro_private.enqueue_push_order).
 *
 * graphile-worker enables row-level security on its tables and defines no
 * policy, so only their owner could use them: the worker would have to run as
 * the owner of the whole hub. These policies let the worker group use every
 * row of the queue, so that a worker login owns nothing and is no superuser
 * (docs/security.md). They are made again by every migration, since a new
 * graphile-worker version may add tables.
 */
revoke all on schema graphile_worker from public;
revoke execute on all functions in schema graphile_worker from public;

do $$
declare
  v_table regclass;
begin
  for v_table in
    select c.oid::regclass from pg_catalog.pg_class c
    where c.relnamespace = 'graphile_worker'::regnamespace and c.relkind in ('r', 'p') and c.relrowsecurity
  loop
    execute pg_catalog.format('drop policy if exists sincro_worker_queue on %s', v_table);
    execute pg_catalog.format('create policy sincro_worker_queue on %s to sincro_worker using (true) with check (true)', v_table);
  end loop;
end;
$$;

-- who may use it
grant usage on schema graphile_worker to sincro_worker;
grant select, insert, update, delete on all tables in schema graphile_worker to sincro_worker;
grant usage, select on all sequences in schema graphile_worker to sincro_worker;
grant execute on all functions in schema graphile_worker to sincro_worker;

-- >>> sql/common/raise_bad_field.sql
/*
 * Raises SY201 naming the first key of `doc` whose value cannot be read as the
 * column of `template` it is meant for. Called only after a cast failed, to
 * turn PostgreSQL's "invalid input syntax for type numeric" into a message an
 * ERP integrator can act on.
 */
create or replace function sincro_private.raise_bad_field(context text, doc jsonb, template anyelement)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key text;
begin
  for v_key in select k from pg_catalog.jsonb_object_keys(doc) k order by k loop
    begin
      perform pg_catalog.jsonb_populate_record(template, pg_catalog.jsonb_build_object(v_key, doc -> v_key));
    exception when data_exception then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('%s: field "%s" has an invalid value (%s)', context, v_key, doc -> v_key),
        detail = sqlerrm,
        hint = 'Send numbers as JSON numbers, dates as YYYY-MM-DD strings, codes as strings.';
    end;
  end loop;
  raise exception using
    errcode = 'SY201',
    message = pg_catalog.format('%s: a field has an invalid value', context);
end;
$$;

comment on function sincro_private.raise_bad_field(text, jsonb, anyelement) is
  E'Raises SY201 naming the first field of a JSON document that does not fit its column.';

-- who may use it
revoke all on function sincro_private.raise_bad_field(text,jsonb,anyelement) from public;

-- >>> sql/common/limits.sql
/*
 * Size limits (issue 10): each company bounds what one order, line, new
 * customer or ERP document may hold (sincro_private.company.max_lines_per_order,
 * max_text_length, max_document_bytes; an admin sets them through
 * sincro.apstatosyn). Whoever checks a limit refuses with SY140 through
 * raise_too_large, so every refusal reads alike and says which setting to raise.
 */
create or replace function sincro_private.raise_too_large(
  context text, what text, size bigint, azi text, setting text, size_limit bigint)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception using
    errcode = 'SY140',
    message = pg_catalog.format('%s: %s is %s; company %s allows at most %s (%s)', context, what, size, azi, size_limit, setting),
    hint = pg_catalog.format('Send less, or have an administrator raise the company''s limit: update sincro.apstatosyn set %s = ... where azi = %L.',
                             setting, azi);
end;
$$;

comment on function sincro_private.raise_too_large(text, text, bigint, text, text, bigint) is
  E'Raises SY140: something is larger than the company''s setting allows, naming the setting to raise.';

/*
 * The longest of named text values, for the refusal of one that is too long
 * (callers compare greatest(length(...)) first, which is cheap, and
 * come here only to name the field).
 */
create or replace function sincro_private.longest_field(names text[], vals text[], out field text, out field_length integer)
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select f.name, pg_catalog.length(f.val)
  from rows from (pg_catalog.unnest(names), pg_catalog.unnest(vals)) f(name, val)
  order by pg_catalog.length(f.val) desc nulls last
  limit 1
$$;

comment on function sincro_private.longest_field(text[], text[]) is
  E'The name and length of the longest of the values (names and vals in the same order).';

/*
 * A client-supplied value as a message shows it: quoted, and cut at 40
 * characters, so that a refusal does not echo a megabyte into the client's
 * error and the server's log.
 *
 * PL/pgSQL, not SQL: with its SET clause an SQL function is not inlined, and
 * each call parses and plans its body again (fmgr_sql). The store mapping
 * names every line it reads with it, five calls an order: 0.25 ms of the
 * order's 4 ms as SQL (migration 000017, docs/performance.md).
 */
create or replace function sincro_private.shown(value text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  return case when value is null then 'NULL'
              when pg_catalog.length(value) <= 40 then pg_catalog.quote_literal(value)
              else pg_catalog.quote_literal(pg_catalog.left(value, 40)) || pg_catalog.format('... (%s characters)', pg_catalog.length(value)) end;
end;
$$;

comment on function sincro_private.shown(text) is E'A value for an error message: quoted, at most 40 characters of it.';

-- who may use it
revoke all on function sincro_private.raise_too_large(text, text, bigint, text, text, bigint) from public;
revoke all on function sincro_private.longest_field(text[], text[]) from public;
revoke all on function sincro_private.shown(text) from public;

-- >>> sql/common/refuse_delete.sql
/*
 * What the hub keeps is never deleted by a client: orders, their lines, new
 * customers (nothing is ever lost). Only the hub itself (party H, e.g. a
 * future retention job run by an administrator) may remove rows. Shared by
 * every table that keeps its rows for good; the hint names the table's way.
 */
create or replace function sincro_private.tg__refuse_delete()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if sincro_private.current_party() is not distinct from 'H' then
    return old;
  end if;
  raise exception using
    errcode = 'SY108',
    message = pg_catalog.format('%s: rows are never deleted', tg_table_name),
    hint = case tg_table_name
             when 'arportes' then 'Orders are kept for good; the ERP changes an order through sincro.erp_write_order.'
             when 'arporrig' then 'Order lines are kept for good; the ERP replaces lines through sincro.erp_write_order.'
             when 'new_customers' then 'New customers are kept for good; the ERP gives them a code through sincro.erp_write_order.'
             else pg_catalog.format('%s keeps its rows for good.', tg_table_name)
           end;
end;
$$;

comment on function sincro_private.tg__refuse_delete() is
  E'BEFORE DELETE: refuses deletes by anyone but the hub itself (SY108). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

-- who may use it
revoke all on function sincro_private.tg__refuse_delete() from public;

-- >>> sql/common/sql_templates.sql
/*
 * Dynamic SQL that reads like SQL: a statement written with named slots
 * ({table}, {keys}, {t.data}…) filled from a JSON object, rather than a
 * format() call with a dozen numbered arguments. Slots are filled with
 * identifiers the caller quoted (column_list quotes every name).
 */
create or replace function sincro_private.fill_sql_template(template text, fragments jsonb)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_sql text := template;
  v_slot record;
begin
  for v_slot in select f.key, f.value from pg_catalog.jsonb_each_text(fragments) f loop
    v_sql := pg_catalog.replace(v_sql, '{' || v_slot.key || '}', v_slot.value);
  end loop;
  if v_sql ~ '\{[a-z_.]+\}' then
    raise exception 'fill_sql_template: slot % has no value', pg_catalog.substring(v_sql, '\{[a-z_.]+\}');
  end if;
  return v_sql;
end;
$$;

comment on function sincro_private.fill_sql_template(text, jsonb) is
  E'Replaces each {name} in a SQL template by fragments->>name; refuses a template with a slot left unfilled.';

create or replace function sincro_private.column_list(columns text[], alias text default null)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select pg_catalog.string_agg(
           case when alias is null then pg_catalog.quote_ident(c) else pg_catalog.quote_ident(alias) || '.' || pg_catalog.quote_ident(c) end,
           ', ' order by o)
  from pg_catalog.unnest(columns) with ordinality u(c, o)
$$;

comment on function sincro_private.column_list(text[], text) is
  E'Quoted, comma-separated column names, each prefixed by alias when given: for SQL templates.';

-- who may use it
revoke all on function sincro_private.fill_sql_template(text, jsonb) from public;
-- a pure string function: the device feed (sincro_private.device_feed_sql) fills its statement with it, with the caller's rights
grant execute on function sincro_private.fill_sql_template(text, jsonb) to sincro_app;
revoke all on function sincro_private.column_list(text[], text) from public;

-- >>> sql/common/fiscal.sql
/*
 * Italian fiscal identifiers (issue 13): one definition of "valid" for every
 * writer — the new-customer trigger, the store connectors, the console — so a
 * value the hub accepts is one an Italian ERP and the e-invoicing exchange
 * (SDI) accept too, instead of a rejection hours later at push time.
 *
 * Each *_problem function answers NULL when the value is valid and otherwise a
 * short English reason ("check digit is wrong"), fit to follow the field's name
 * in a message. NULL in, NULL out: a missing value is nothing to check (whether
 * a field is required is the caller's rule). The functions normalise what they
 * read — surrounding blanks (space, tab, CR, LF) are ignored, codice fiscale
 * and SDI code are read in upper case — so a caller may pass raw input; a
 * caller that stores the value should store the normalised form
 * (sincro_private.fiscal_normalised) so that what was checked is what is sent.
 * A blank value ('' or only blanks) is not valid: send NULL for "none".
 *
 * They only read their argument: immutable and parallel safe, usable in
 * CHECK constraints and indexes, callable by every client role (a store
 * connector or an app may check a form before it writes).
 */

/*
 * Partita IVA: 11 digits, the last one a check digit (a Luhn variant: digits
 * in even places doubled, 9 taken off a double above 9, the total plus the
 * check digit a multiple of 10). The "IT" country prefix of VIES is refused
 * with its own reason (the ERP's field holds the bare number). The office
 * code in digits 8–10 is not checked: the Agenzia delle Entrate adds offices,
 * and numbers such as 12345678903 are valid.
 */
create or replace function sincro.partita_iva_problem(partita_iva text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
declare
  v text := pg_catalog.btrim(partita_iva, E' \t\r\n');
  v_sum integer := 0;
  v_digit integer;
begin
  if v = '' then
    return 'is blank (send NULL when there is none)';
  elsif v ~* '^IT[0-9]{11}$' then
    return 'must be 11 digits, without the IT country prefix';
  elsif v !~ '^[0-9]{11}$' then
    return 'must be 11 digits';
  elsif v = '00000000000' then
    return 'cannot be all zeros';
  end if;
  for i in 1 .. 10 loop
    v_digit := pg_catalog.ascii(pg_catalog.substr(v, i, 1)) - 48;
    if i % 2 = 0 then
      v_digit := v_digit * 2;
      if v_digit > 9 then
        v_digit := v_digit - 9;
      end if;
    end if;
    v_sum := v_sum + v_digit;
  end loop;
  if (10 - v_sum % 10) % 10 <> pg_catalog.ascii(pg_catalog.substr(v, 11, 1)) - 48 then
    return 'check digit is wrong';
  end if;
  return null;
end;
$$;

comment on function sincro.partita_iva_problem(text) is
  E'NULL when the text is a valid Italian partita IVA (11 digits, correct check digit; blanks around it ignored), else a short reason. NULL for NULL.';

/*
 * Codice fiscale. A person's: 16 characters, AAAAAA 00 A 00 A 000 A (surname,
 * name, year, month letter, day — plus 40 for women —, place code, check
 * letter). Where two people would share a code the Agenzia replaces digits,
 * from the right, by the letters LMNPQRSTUV for 0–9 (omocodia): any of the
 * seven digit places may hold one of those letters, and the check letter is
 * computed on the code as written. A company's (or a provisional) codice
 * fiscale is 11 digits with the partita IVA's check digit.
 */
create or replace function sincro.codice_fiscale_problem(codice_fiscale text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
declare
  -- the value of a character in an odd place (1st, 3rd … 15th), for A–Z; a digit counts as the letter in its place (0 = A)
  c_odd constant integer[] := array[1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  v text := pg_catalog.upper(pg_catalog.btrim(codice_fiscale, E' \t\r\n'));
  v_sum integer := 0;
  v_code integer;
  v_day integer;
begin
  if v = '' then
    return 'is blank (send NULL when there is none)';
  elsif v ~ '^[0-9]{11}$' then
    return sincro.partita_iva_problem(v);
  elsif pg_catalog.length(v) <> 16 then
    return 'must be 16 characters (a person''s) or 11 digits (a company''s)';
  elsif v !~ '^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$' then
    return 'must read AAAAAA00A00A000A (letters and digits in those places; digits may be written LMNPQRSTUV)';
  elsif pg_catalog.strpos('ABCDEHLMPRST', pg_catalog.substr(v, 9, 1)) = 0 then
    return 'month letter (9th character) must be one of ABCDEHLMPRST';
  end if;
  v_day := pg_catalog.translate(pg_catalog.substr(v, 10, 2), 'LMNPQRSTUV', '0123456789')::integer;
  if v_day not between 1 and 31 and v_day not between 41 and 71 then
    return 'day of birth (10th and 11th characters) must be 01–31, or 41–71 for a woman';
  end if;
  for i in 1 .. 15 loop
    v_code := pg_catalog.ascii(pg_catalog.substr(v, i, 1));
    v_code := case when v_code between 48 and 57 then v_code - 48 else v_code - 65 end;  -- 0–9 or A=0 … Z=25
    v_sum := v_sum + case when i % 2 = 1 then c_odd[v_code + 1] else v_code end;
  end loop;
  if pg_catalog.chr(65 + v_sum % 26) <> pg_catalog.substr(v, 16, 1) then
    return 'check character (16th) is wrong';
  end if;
  return null;
end;
$$;

comment on function sincro.codice_fiscale_problem(text) is
  E'NULL when the text is a valid codice fiscale (16 characters with check letter, omocodia accepted; or 11 digits like a partita IVA; case and surrounding blanks ignored), else a short reason. NULL for NULL.';

/*
 * SDI code (codice destinatario): the e-invoicing channel a B2B invoice goes
 * to, 7 letters or digits. '0000000' means "no channel: deliver to the PEC
 * address (or the customer's tax drawer)"; 'XXXXXXX' is the code for a
 * customer abroad. A public administration office has a 6-character code
 * (codice univoco ufficio, from IPA) and receives FatturaPA in the public
 * format: accepted too, so one field serves both; telling B2B from B2G is the
 * ERP's (a 6-character code means the public format). '000000' is nobody's:
 * refused with a hint towards the seven zeros.
 */
create or replace function sincro.sdi_code_problem(sdi_code text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
declare
  v text := pg_catalog.upper(pg_catalog.btrim(sdi_code, E' \t\r\n'));
begin
  if v = '' then
    return 'is blank (send NULL when there is none)';
  elsif v !~ '^[A-Z0-9]*$' then
    return 'must be letters and digits only';
  elsif v = '000000' then
    return 'is six zeros: "deliver by PEC" is seven zeros, 0000000';
  elsif pg_catalog.length(v) not in (6, 7) then
    return 'must be 7 characters (6 for a public administration office)';
  end if;
  return null;
end;
$$;

comment on function sincro.sdi_code_problem(text) is
  E'NULL when the text is an SDI recipient code: 7 letters or digits (0000000 = deliver by PEC, XXXXXXX = abroad) or a public administration office''s 6-character code; case and surrounding blanks ignored. Else a short reason. NULL for NULL.';

/*
 * PEC address: whether it looks like an e-mail address, nothing more (whether
 * the domain is a certified-mail provider's cannot be told from the text).
 * One @, something before it, no blanks inside, a domain of dot-separated
 * non-empty parts with at least one dot, at most 254 characters (the SMTP
 * limit). Quoted local parts and IP-literal domains, legal in RFC 5321, are
 * refused: no PEC provider hands them out.
 */
create or replace function sincro.pec_problem(pec text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
declare
  v text := pg_catalog.btrim(pec, E' \t\r\n');
begin
  if v = '' then
    return 'is blank (send NULL when there is none)';
  elsif pg_catalog.length(v) > 254 then
    return 'is longer than 254 characters';
  elsif v ~ '[[:space:]]' then
    return 'cannot contain blanks';
  elsif v !~ '^[^@]*@[^@]*$' then
    return 'must contain exactly one @';
  elsif v ~ '^@' then
    return 'has nothing before the @';
  elsif v !~ '@[^.]+(\.[^.]+)+$' then
    return 'domain after the @ must have a dot and no empty part (like pec.example.it)';
  end if;
  return null;
end;
$$;

comment on function sincro.pec_problem(text) is
  E'NULL when the text looks like an e-mail address (one @, no blanks, a domain with a dot; surrounding blanks ignored): a PEC address''s syntax only. Else a short reason. NULL for NULL.';

/*
 * The form a caller stores after a check passed: blanks around it removed,
 * codice fiscale and SDI code in upper case, a blank value NULL. Kept beside
 * the checks so the two cannot drift apart.
 */
create or replace function sincro_private.fiscal_normalised(field text, value text)
returns text
language plpgsql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: a new customer's trigger calls it for each fiscal field, and an SQL function's body is
  -- parsed and planned again at every call from a trigger
  return nullif(
    case when field in ('codice_fiscale', 'sdi_code') then pg_catalog.upper(pg_catalog.btrim(value, E' \t\r\n'))
         else pg_catalog.btrim(value, E' \t\r\n') end,
    '');
end;
$$;

comment on function sincro_private.fiscal_normalised(text, text) is
  E'The stored form of a fiscal field (partita_iva, codice_fiscale, sdi_code, pec): trimmed, upper case for codice fiscale and SDI code, NULL when blank.';

/*
 * The refusal every writer raises for a bad fiscal value, one code per kind
 * (SY180 partita IVA, SY181 codice fiscale, SY182 SDI code, SY183 PEC): the
 * message names the field and shows the value, the hint says what is wrong.
 * Values are checked as given (callers normalise first when they store).
 */
create or replace function sincro_private.check_fiscal_fields(
  context text, partita_iva text, codice_fiscale text, sdi_code text default null, pec text default null)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_problem text;
begin
  v_problem := sincro.partita_iva_problem(partita_iva);
  if v_problem is not null then
    raise exception using
      errcode = 'SY180',
      message = pg_catalog.format('%s: partita_iva %s is not a valid Italian VAT number', context, sincro_private.shown(partita_iva)),
      hint = pg_catalog.format('partita_iva %s. Send the 11 digits with their check digit, or NULL when the customer has none.', v_problem);
  end if;
  v_problem := sincro.codice_fiscale_problem(codice_fiscale);
  if v_problem is not null then
    raise exception using
      errcode = 'SY181',
      message = pg_catalog.format('%s: codice_fiscale %s is not a valid Italian fiscal code', context, sincro_private.shown(codice_fiscale)),
      hint = pg_catalog.format('codice_fiscale %s. Send the 16 characters of a person''s code or the 11 digits of a company''s, or NULL when there is none.', v_problem);
  end if;
  v_problem := sincro.sdi_code_problem(sdi_code);
  if v_problem is not null then
    raise exception using
      errcode = 'SY182',
      message = pg_catalog.format('%s: sdi_code %s is not a valid SDI recipient code', context, sincro_private.shown(sdi_code)),
      hint = pg_catalog.format('sdi_code %s. Send the customer''s 7-character code (6 for a public office), 0000000 to deliver by PEC, or NULL.', v_problem);
  end if;
  v_problem := sincro.pec_problem(pec);
  if v_problem is not null then
    raise exception using
      errcode = 'SY183',
      message = pg_catalog.format('%s: pec %s is not a valid e-mail address', context, sincro_private.shown(pec)),
      hint = pg_catalog.format('pec %s. Send the customer''s certified e-mail address, or NULL.', v_problem);
  end if;
end;
$$;

comment on function sincro_private.check_fiscal_fields(text, text, text, text, text) is
  E'Raises SY180 (partita_iva), SY181 (codice_fiscale), SY182 (sdi_code) or SY183 (pec) for the first value the *_problem functions find wrong; NULLs are not checked.';

-- who may use it
revoke all on function sincro.partita_iva_problem(text) from public;
revoke all on function sincro.codice_fiscale_problem(text) from public;
revoke all on function sincro.sdi_code_problem(text) from public;
revoke all on function sincro.pec_problem(text) from public;
revoke all on function sincro_private.fiscal_normalised(text, text) from public;
revoke all on function sincro_private.check_fiscal_fields(text, text, text, text, text) from public;
grant execute on function sincro.partita_iva_problem(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.codice_fiscale_problem(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.sdi_code_problem(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.pec_problem(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/companies/apstatosyn.sql
/*
 * APSTATOSYN as the protocol describes it: one row per company with its
 * public-ID counter, its change-number counter and its sync quota. Stored as
 * three tables so that the two counters never share a row lock; this view
 * puts them back together and takes inserts and quota updates. It reads the
 * private tables as its owner and shows a company-bound login its own company;
 * as a security barrier, so that a cheap function of the caller's in a WHERE
 * clause is never handed the rows of other companies before that filter runs.
 * The size limits of each company (max_lines_per_order, max_text_length,
 * max_document_bytes) are set here too, by an admin.
 */
create or replace view sincro.apstatosyn with (security_barrier = true) as
  select c.azi, c.ragione_sociale, p.last_value as last_id_pub, s.last_value as last_id_sincro,
         c.sync_quota, c.sync_used, c.sync_period_start, c.push_mode, c.created_at,
         c.max_lines_per_order, c.max_text_length, c.max_document_bytes
  from sincro_private.company c
  join sincro_private.id_pub_counter p using (azi)
  join sincro_private.id_sincro_counter s using (azi)
  where sincro_private.may_see_company(c.azi);

comment on view sincro.apstatosyn is
  E'One row per company: counters and sync quota. insert into sincro.apstatosyn(azi) values (...) registers a company.';
comment on column sincro.apstatosyn.azi is E'Company code: 1-20 letters, digits, _ or -.';
comment on column sincro.apstatosyn.ragione_sociale is E'Company name.';
comment on column sincro.apstatosyn.last_id_pub is E'Last public order ID handed out (read-only).';
comment on column sincro.apstatosyn.last_id_sincro is E'Last change number handed out (read-only).';
comment on column sincro.apstatosyn.sync_quota is E'Syncs allowed per contract period.';
comment on column sincro.apstatosyn.sync_used is E'Syncs used in the current period.';
comment on column sincro.apstatosyn.sync_period_start is E'First day of the current contract period.';
comment on column sincro.apstatosyn.push_mode is E'auto (retries and sweep) or manual (one attempt, then partial sync).';
comment on column sincro.apstatosyn.created_at is E'When the company was registered.';
comment on column sincro.apstatosyn.max_lines_per_order is E'Most lines an order or ERP document may have (default 1000); more is refused (SY140).';
comment on column sincro.apstatosyn.max_text_length is E'Most characters one text field of an order, line or new customer may hold (default 4000); more is refused (SY140).';
comment on column sincro.apstatosyn.max_document_bytes is E'Most bytes one ERP document or sync row may take (default 1 MiB); more is refused (SY140).';

create or replace function sincro_private.tg_apstatosyn__write()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'DELETE' then
    raise exception using
      errcode = 'SY108', message = pg_catalog.format('apstatosyn: company %s cannot be deleted', old.azi),
      hint = 'Companies are kept with their orders.';
  end if;

  -- validate
  if tg_op = 'INSERT' then
    if new.azi is null or new.azi !~ '^[A-Za-z0-9_-]{1,20}$' then
      raise exception using
        errcode = case when new.azi is null then 'SY102' else 'SY101' end,
        message = pg_catalog.format('apstatosyn: azi must be 1-20 letters, digits, _ or - (got %s)', coalesce(pg_catalog.quote_literal(new.azi), 'NULL')),
        hint = 'For example C00001.';
    end if;
    if exists (select 1 from sincro_private.company c where c.azi = new.azi) then
      raise exception using
        errcode = 'SY110', message = pg_catalog.format('apstatosyn: company %s is already registered', new.azi);
    end if;
  elsif new.azi is distinct from old.azi then
    raise exception using errcode = 'SY103', message = 'apstatosyn: azi cannot be changed';
  end if;
  if (tg_op = 'INSERT' and (coalesce(new.last_id_pub, 0) <> 0 or coalesce(new.last_id_sincro, 0) <> 0))
     or (tg_op = 'UPDATE' and (new.last_id_pub is distinct from old.last_id_pub
                               or new.last_id_sincro is distinct from old.last_id_sincro)) then
    raise exception using
      errcode = 'SY103',
      message = pg_catalog.format('apstatosyn: the counters of company %s are kept by the hub', new.azi),
      hint = 'last_id_pub and last_id_sincro only move when orders are written.';
  end if;
  if new.push_mode is not null and new.push_mode not in ('auto', 'manual') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('apstatosyn: push_mode must be auto or manual (got %L)', new.push_mode);
  end if;
  if coalesce(new.sync_quota, 0) < 0 or coalesce(new.sync_used, 0) < 0 then
    raise exception using
      errcode = 'SY101', message = 'apstatosyn: sync_quota and sync_used cannot be negative';
  end if;
  if new.max_lines_per_order < 1 or new.max_text_length < 1 or new.max_document_bytes < 1 then
    raise exception using
      errcode = 'SY101', message = 'apstatosyn: max_lines_per_order, max_text_length and max_document_bytes must be 1 or more',
      hint = 'They bound what one order, field or ERP document may hold; omit them for the defaults.';
  end if;

  -- apply
  if tg_op = 'INSERT' then
    insert into sincro_private.company (azi, ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode)
      values (new.azi, new.ragione_sociale, coalesce(new.sync_quota, 0), coalesce(new.sync_used, 0),
              coalesce(new.sync_period_start, current_date), coalesce(new.push_mode, 'auto'));
    -- the limits: the table's defaults unless given
    update sincro_private.company c
      set max_lines_per_order = coalesce(new.max_lines_per_order, c.max_lines_per_order),
          max_text_length = coalesce(new.max_text_length, c.max_text_length),
          max_document_bytes = coalesce(new.max_document_bytes, c.max_document_bytes)
      where c.azi = new.azi
        and (new.max_lines_per_order is not null or new.max_text_length is not null or new.max_document_bytes is not null);
    insert into sincro_private.id_pub_counter (azi) values (new.azi);
    insert into sincro_private.id_sincro_counter (azi) values (new.azi);
  else
    update sincro_private.company c
      set ragione_sociale = new.ragione_sociale, sync_quota = new.sync_quota, sync_used = new.sync_used,
          sync_period_start = new.sync_period_start, push_mode = new.push_mode,
          max_lines_per_order = new.max_lines_per_order, max_text_length = new.max_text_length,
          max_document_bytes = new.max_document_bytes
      where c.azi = old.azi;
  end if;
  select v.* into new from sincro.apstatosyn v where v.azi = new.azi;
  return new;
end;
$$;

comment on function sincro_private.tg_apstatosyn__write() is
  E'INSTEAD OF trigger on sincro.apstatosyn: registers a company (with both counters at 0), updates its name, quota and size limits, refuses counter edits and deletes. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_write
  instead of insert or update or delete on sincro.apstatosyn
  for each row execute function sincro_private.tg_apstatosyn__write();

-- who may use it
revoke all on function sincro_private.tg_apstatosyn__write() from public;
grant select on sincro.apstatosyn to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode,
              max_lines_per_order, max_text_length, max_document_bytes)
  on sincro.apstatosyn to sincro_admin;
grant update (ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode,
              max_lines_per_order, max_text_length, max_document_bytes)
  on sincro.apstatosyn to sincro_admin;

-- >>> sql/companies/company_keeps_erp_rows.sql
/*
 * A company that still holds ERP-owned rows (any table of
 * sincro_private.erp_entity) cannot be deleted: those tables keep no foreign
 * key to the company (checking one cost a quarter of a rebuild), so this
 * trigger keeps what the key's ON DELETE RESTRICT kept. Clients cannot delete
 * companies at all (sincro.apstatosyn refuses, SY108); this guards the hub's
 * owner working by hand.
 */
create or replace function sincro_private.tg_company__keep_erp_rows()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  v_table regclass;
  v_holds boolean;
begin
  for v_table in select e.table_name from sincro_private.erp_entity e order by e.entity loop
    execute pg_catalog.format('select exists (select 1 from %s t where t.azi = $1)', v_table) into v_holds using old.azi;
    if v_holds then
      raise exception using
        errcode = 'SY108',
        message = pg_catalog.format('company %s cannot be deleted: it still holds rows of %s', old.azi, v_table),
        hint = 'ERP-owned rows go with the company''s data; the hub never deletes a company.';
    end if;
  end loop;
  return old;
end;
$$;

comment on function sincro_private.tg_company__keep_erp_rows() is
  E'BEFORE DELETE trigger on sincro_private.company: refuses (SY108) to delete a company that still holds ERP-owned rows, which keep no foreign key to it.';

create trigger _100_keep_erp_rows
  before delete on sincro_private.company
  for each row execute function sincro_private.tg_company__keep_erp_rows();

-- who may use it
revoke all on function sincro_private.tg_company__keep_erp_rows() from public;

-- >>> sql/feed/assign_pending_id_sincro.sql
/*
 * Gives change numbers to every order row this transaction changed on the ERP
 * side (id_sincro NULL). Runs from a deferred constraint trigger, that is at
 * commit, after every row lock the transaction needs is already held: the
 * company counter is the last lock taken, so two ERP transactions touching
 * orders in different order cannot deadlock on it, and the counter lock held
 * to the end of the commit makes numbers increase in commit order.
 *
 * Only this transaction's rows can be seen with id_sincro NULL (no committed
 * row has it), so the partial index finds exactly them. Companies are taken in
 * azi order, one counter update each.
 *
 * SECURITY DEFINER: it runs at the commit of a client's or ERP's transaction
 * and must stamp rows and history that those roles cannot write.
 */
create or replace function sincro_private.assign_pending_id_sincro()
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_azi text;
  v_count bigint;
  v_last bigint;
  v_previous_party text;
begin
  for v_azi, v_count in
    select a.azi, count(*)
    from sincro.arportes a
    where a.id_sincro is null
    group by a.azi
    order by a.azi
  loop
    -- bump: the counter lock, taken last
    update sincro_private.id_sincro_counter c
      set last_value = c.last_value + v_count
      where c.azi = v_azi
      returning c.last_value into v_last;

    -- stamp rows in id_pub order, then the history versions they wrote
    v_previous_party := sincro_private.set_party('H');
    update sincro.arportes a
      set id_sincro = v_last - v_count + s.position
      from (
        select p.id_pub, row_number() over (order by p.id_pub) as position
        from sincro.arportes p
        where p.azi = v_azi and p.id_sincro is null
      ) s
      where a.azi = v_azi and a.id_pub = s.id_pub;
    update sincro.arportes_history h
      set id_sincro = a.id_sincro
      from sincro.arportes a
      where h.azi = v_azi and h.id_sincro is null
        and a.azi = h.azi and a.id_pub = h.id_pub;
    perform sincro_private.restore_party(v_previous_party);

    -- orders that left a device slice by this change (tg_arportes__slice_move): their slice-log entries, now
    -- that the counter is held
    if pg_catalog.current_setting('sincro.order_slice_moves', true) = 'on' then
      perform sincro_private.log_order_slice_moves(v_azi);
    end if;
  end loop;
end;
$$;

comment on function sincro_private.assign_pending_id_sincro() is
  E'At commit: gives the next change numbers of each company to the order rows this transaction changed on the ERP side, taking the counter lock last.';

/*
 * Change numbers are given at commit (see assign_pending_id_sincro): the
 * first deferred event of a transaction stamps all its pending rows, the
 * others find nothing left to do.
 */
create or replace function sincro_private.tg__assign_pending_id_sincro()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  perform sincro_private.assign_pending_id_sincro();
  return null;
end;
$$;

comment on function sincro_private.tg__assign_pending_id_sincro() is
  E'Deferred (at commit), after an ERP-side write left id_sincro NULL: gives the transaction''s pending rows their change numbers. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create constraint trigger _950_assign_id_sincro
  after insert or update on sincro.arportes
  deferrable initially deferred
  for each row
  when (new.id_sincro is null)
  execute function sincro_private.tg__assign_pending_id_sincro();

-- who may use it
revoke all on function sincro_private.assign_pending_id_sincro() from public;
revoke all on function sincro_private.tg__assign_pending_id_sincro() from public;

-- >>> sql/feed/check_feed_arguments.sql
/*
 * The arguments of a change feed (changes_since, all_changes_since), checked
 * alike: a company the caller may see (SY100), a cursor of 0 or more and a
 * batch of 1 to 100000 rows (SY101). Runs with the caller's rights, so a
 * company hidden from the caller by apstatosyn is "unknown".
 */
create or replace function sincro_private.check_feed_arguments(feed text, azi text, "cursor" bigint, max_rows integer)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if azi is null or not exists (select 1 from sincro.apstatosyn c where c.azi = check_feed_arguments.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('%s: unknown company (azi = %L)', feed, azi),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if "cursor" is null or "cursor" < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('%s: cursor must be 0 or a change number already read (got %s)', feed, coalesce("cursor"::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if max_rows is null or max_rows < 1 or max_rows > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('%s: max_rows must be between 1 and 100000 (got %s)', feed, coalesce(max_rows::text, 'NULL')),
      hint = 'Read in batches of a few thousand rows at most.';
  end if;
end;
$$;

comment on function sincro_private.check_feed_arguments(text, text, bigint, integer) is
  E'Checks a change feed''s arguments (SY100 unknown or hidden company, SY101 bad cursor or max_rows), with the caller''s rights.';

-- who may use it
revoke all on function sincro_private.check_feed_arguments(text,text,bigint,integer) from public;
grant execute on function sincro_private.check_feed_arguments(text,text,bigint,integer) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/feed/changes_since.sql
/*
 * The change feed for consumers: orders the ERP side changed after `cursor`,
 * in change-number order. Because change numbers grow in commit order, a
 * consumer that stores the last id_sincro it read and asks again never misses
 * a change. The (azi, id_sincro) index makes the cost follow the rows returned.
 */
create or replace function sincro.changes_since(azi text, "cursor" bigint, max_rows integer default 1000)
returns setof sincro.arportes
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- validate
  perform sincro_private.check_feed_arguments('changes_since', $1, $2, $3);

  -- read
  return query
    select a.*
    from sincro.arportes a
    where a.azi = $1 and a.id_sincro > $2
    order by a.id_sincro
    limit $3;
end;
$$;

comment on function sincro.changes_since(text, bigint, integer) is
  E'Orders of a company whose id_sincro is above cursor, in id_sincro order, at most max_rows. Store the largest id_sincro read and pass it next time.';

-- who may use it
revoke all on function sincro.changes_since(text,bigint,integer) from public;
grant execute on function sincro.changes_since(text,bigint,integer) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/feed/all_changes_since.sql
create or replace function sincro.all_changes_since(azi text, "cursor" bigint, max_rows integer default 1000)
returns table (entity text, id_sincro bigint, deleted boolean, key jsonb, data jsonb)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_purged bigint;
begin
  -- validate
  perform sincro_private.check_feed_arguments('all_changes_since', $1, $2, $3);
  v_purged := sincro_private.tombstones_purged_through($1);
  if $2 > 0 and $2 < v_purged then
    raise exception using
      errcode = 'SY130',
      message = pg_catalog.format('all_changes_since: cursor %s of company %s is older than the tombstone retention: deletions up to change %s have been purged and cannot be sent',
                                  $2, $1, v_purged),
      hint = 'Rebuild your copy: read again from cursor 0 (every live row), replace what you hold, then follow from the largest id_sincro read.';
  end if;

  -- read: one ordered feed over every table
  return query
    select u.entity, u.id_sincro, u.deleted, u.key, u.data
    from (
      select 'order'::text as entity, a.id_sincro, false as deleted, pg_catalog.jsonb_build_object('id_pub', a.id_pub) as key,
             pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)) as data
      from sincro.arportes a where a.azi = $1 and a.id_sincro > $2
      union all
      select 'customer', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at}'::text[]
      from sincro.clienti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'article', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_art', t.cod_art),
             pg_catalog.to_jsonb(t) - '{azi,cod_art,id_sincro,deleted,updated_at}'::text[]
      from sincro.articoli t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'particolarita', t.id_sincro, t.deleted,
             pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,cod_art,valido_dal,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.particolarita t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'accessory', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tabella', t.tabella, 'codice', t.codice),
             pg_catalog.to_jsonb(t) - '{azi,tabella,codice,id_sincro,deleted,updated_at}'::text[]
      from sincro.tabelle_accessorie t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'document', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tipo_doc', t.tipo_doc, 'numero', t.numero),
             pg_catalog.to_jsonb(t) - '{azi,tipo_doc,numero,id_sincro,deleted,updated_at,slice_agente,righe}'::text[]
               -- the lines the document carries (documenti.righe, built the same way), or, written without them, its rows
               || pg_catalog.jsonb_build_object('lines', coalesce(t.righe,
                    (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                     from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero)))
      from sincro.documenti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'agent', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_agente', t.cod_agente),
             pg_catalog.to_jsonb(t) - '{azi,cod_agente,id_sincro,deleted,updated_at}'::text[]
      from sincro.agenti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'open_item', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'id_partita', t.id_partita),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_partita,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.partite_aperte t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'customer_credit', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.fidi t where t.azi = $1 and t.id_sincro > $2
    ) u
    order by u.id_sincro
    limit $3;
end;
$$;

comment on function sincro.all_changes_since(text, bigint, integer) is
  E'Every ERP-side change of a company above cursor, in change-number order, at most max_rows: orders (with lines) and the ERP-owned tables (documents with lines), as (entity, id_sincro, deleted, key, data). One cursor per company covers them all. SY130 when the cursor is older than the tombstone retention: rebuild your copy from 0.';

-- who may use it
revoke all on function sincro.all_changes_since(text,bigint,integer) from public;
grant execute on function sincro.all_changes_since(text,bigint,integer) to sincro_store, sincro_app, sincro_worker, sincro_admin;

-- >>> sql/feed/consumer_cursors.sql
/*
 * Consumers (the store, each app device) follow every ERP-side change of a
 * company with ONE cursor: orders and the ERP-owned tables share the
 * company's change-number counter, so "everything above my cursor, in
 * change-number order" is a single, gap-free feed. all_changes_since merges
 * the per-table (azi, id_sincro) indexes; a consumer interested in one table
 * can also read it directly with id_sincro > cursor. Consumers record what
 * they imported with advance_consumer_cursor, which gives operators each
 * consumer's lag (sincro.consumer_lag).
 */
create or replace function sincro_private.tombstones_purged_through(azi text)
returns bigint
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  -- a company the caller may not see answers like one that does not exist
  select c.tombstones_purged_through from sincro_private.company c
  where c.azi = tombstones_purged_through.azi and sincro_private.may_see_company(c.azi)
$$;

comment on function sincro_private.tombstones_purged_through(text) is
  E'Largest change number of a purged tombstone of a company (0: none); NULL for a company the caller may not see or that does not exist. For all_changes_since, which runs with the caller''s rights. SECURITY DEFINER: reads the company table.';

create or replace function sincro.advance_consumer_cursor(azi text, consumer text, "cursor" bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_login sincro_private.login := sincro_private.session_login();
  v_last bigint;
begin
  -- validate
  select c.last_value into v_last from sincro_private.id_sincro_counter c where c.azi = advance_consumer_cursor.azi;
  if not found or not sincro_private.may_see_company(advance_consumer_cursor.azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('advance_consumer_cursor: unknown company (azi = %L)', advance_consumer_cursor.azi);
  end if;
  if v_login.kind = 'store' and consumer is distinct from 'store'
     or v_login.kind = 'app' and consumer is distinct from 'app:' || v_login.prov_id
     or v_login.kind = 'erp' then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('advance_consumer_cursor: this login may not move the cursor of consumer %L', consumer),
      hint = case v_login.kind when 'store' then 'A store login advances the consumer ''store''.'
                               when 'app' then pg_catalog.format('This app login advances the consumer ''app:%s''.', v_login.prov_id)
                               else 'The ERP is not a consumer of the hub''s change feed.' end;
  end if;
  if consumer is null or consumer !~ '^[A-Za-z0-9:_.-]{1,80}$' then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('advance_consumer_cursor: field "consumer" must be 1-80 letters, digits, :, _, . or - (got %L)', consumer),
      hint = 'Use store, or app:<device id>.';
  end if;
  if "cursor" is null or "cursor" < 0 or "cursor" > v_last then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('advance_consumer_cursor: field "cursor" must be between 0 and the last change number %s (got %s)',
                                  v_last, coalesce("cursor"::text, 'NULL')),
      hint = 'Pass the largest id_sincro you have imported.';
  end if;

  -- apply
  insert into sincro.consumer_cursors as k (azi, consumer, id_sincro_read)
    values (advance_consumer_cursor.azi, consumer, "cursor")
    on conflict (azi, consumer) do update set id_sincro_read = excluded.id_sincro_read, updated_at = pg_catalog.now();
end;
$$;

comment on function sincro.advance_consumer_cursor(text, text, bigint) is
  E'A consumer records the largest change number it has imported (a store login as ''store'', an app login as ''app:<device>''; admins any name). Feeds sincro.consumer_lag. SECURITY DEFINER: reads the counter and the login.';

-- who may use it
revoke all on function sincro.advance_consumer_cursor(text,text,bigint) from public;
grant execute on function sincro.advance_consumer_cursor(text,text,bigint) to sincro_store, sincro_app, sincro_worker, sincro_admin;
revoke all on function sincro_private.tombstones_purged_through(text) from public;
grant execute on function sincro_private.tombstones_purged_through(text) to sincro_store, sincro_app, sincro_worker, sincro_admin;

-- >>> sql/feed/consumer_cursors.access.sql
/*
 * Consumer cursors: a store or app login reads its company's cursors; worker
 * and admin every company's. Written only by sincro.advance_consumer_cursor.
 */
create policy own_company on sincro.consumer_cursors for select to sincro_store, sincro_app, sincro_erp
  using (azi = sincro_private.session_company());
create policy every_company on sincro.consumer_cursors for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.consumer_cursors to sincro_store, sincro_app, sincro_worker, sincro_admin;

-- >>> sql/feed/consumer_lag.sql
/*
 * How far behind each consumer is: its cursor against the company's last
 * change number. Reads the counter as the view's owner; shows a
 * company-bound login only its company, as a security barrier (a cheap
 * function of the caller's in a WHERE clause sees only those rows).
 */
create or replace view sincro.consumer_lag with (security_barrier = true) as
  select k.azi, k.consumer, k.id_sincro_read as "cursor", c.last_value as last_change,
         c.last_value - k.id_sincro_read as lag, k.updated_at
  from sincro.consumer_cursors k
  join sincro_private.id_sincro_counter c using (azi)
  where sincro_private.may_see_company(k.azi);

comment on view sincro.consumer_lag is E'Each consumer''s cursor, the company''s last change number, and the difference (changes not imported yet).';
comment on column sincro.consumer_lag.azi is E'Company code.';
comment on column sincro.consumer_lag.consumer is E'store or app:<device id>.';
comment on column sincro.consumer_lag."cursor" is E'Largest change number the consumer has imported.';
comment on column sincro.consumer_lag.last_change is E'The company''s last change number.';
comment on column sincro.consumer_lag.lag is E'Changes the consumer has not imported yet.';
comment on column sincro.consumer_lag.updated_at is E'When the consumer last advanced its cursor.';

-- who may use it
grant select on sincro.consumer_lag to sincro_store, sincro_app, sincro_worker, sincro_admin;

-- >>> sql/orders/arportes__prepare_insert.sql
/*
 * Every new order passes here. A store or app insert is checked strictly
 * (nothing the hub owns may be supplied, a login writes only as itself and
 * within its company's size limits), made idempotent on the creator's own
 * key, and given the next public ID. The counter row is locked before the
 * duplicate check, so two identical inserts racing each other are serialized:
 * the second one sees the first and is skipped, burning no number.
 *
 * A login's company is checked before anything that could tell it whether
 * another company exists: "not yours" and "does not exist" both answer SY111.
 * Client values are shown in messages through sincro_private.shown (cut short).
 */
create or replace function sincro_private.tg_arportes__prepare_insert()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_erp constant boolean := sincro_private.current_party() is not distinct from 'G';
  v_existing sincro.arportes;
  v_login sincro_private.login;
  v_company sincro_private.company;
  v_longest record;
begin
  -- validate: a login writes its own company only (before the company's existence is looked at)
  if not v_erp then
    v_login := sincro_private.session_login();
    if v_login.login is not null and new.azi is distinct from v_login.azi then
      raise exception using
        errcode = 'SY111',
        message = pg_catalog.format('arportes: login %s belongs to company %s, not %s', v_login.login, v_login.azi, sincro_private.shown(new.azi)),
        hint = 'A login writes orders of its own company only.';
    end if;
  end if;

  -- validate: company
  select * into v_company from sincro_private.company c where c.azi = new.azi;
  if not found then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('arportes: unknown company (azi = %s)', sincro_private.shown(new.azi)),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;

  -- validate: sizes, before anything else is done with the values
  if greatest(pg_catalog.length(new.id_int), pg_catalog.length(new.prov_id), pg_catalog.length(new.prov_tipo),
              pg_catalog.length(new.autore_tipo), pg_catalog.length(new.autore_cod), pg_catalog.length(new.tor_chia),
              pg_catalog.length(new.conferma), pg_catalog.length(new.cliente_cod), pg_catalog.length(new.cod_agente),
              pg_catalog.length(new.dest_ragione_sociale), pg_catalog.length(new.dest_indirizzo), pg_catalog.length(new.dest_cap),
              pg_catalog.length(new.dest_citta), pg_catalog.length(new.dest_provincia), pg_catalog.length(new.dest_nazione),
              pg_catalog.length(new.cod_pagamento), pg_catalog.length(new.note), pg_catalog.length(new.valuta))
     > v_company.max_text_length then
    select * into v_longest from sincro_private.longest_field(
      array['id_int', 'prov_id', 'prov_tipo', 'autore_tipo', 'autore_cod', 'tor_chia', 'conferma', 'cliente_cod', 'cod_agente',
            'dest_ragione_sociale', 'dest_indirizzo', 'dest_cap', 'dest_citta', 'dest_provincia', 'dest_nazione', 'cod_pagamento', 'note', 'valuta'],
      array[new.id_int, new.prov_id, new.prov_tipo, new.autore_tipo, new.autore_cod, new.tor_chia, new.conferma, new.cliente_cod, new.cod_agente,
            new.dest_ragione_sociale, new.dest_indirizzo, new.dest_cap, new.dest_citta, new.dest_provincia, new.dest_nazione,
            new.cod_pagamento, new.note, new.valuta]);
    perform sincro_private.raise_too_large('arportes', pg_catalog.format('field %s (characters)', v_longest.field), v_longest.field_length,
                                           new.azi, 'max_text_length', v_company.max_text_length);
  end if;

  -- validate: numbers and dates (NaN passes numeric, infinity passes date)
  if new.totale_imponibile = 'NaN' or new.totale_iva = 'NaN' or new.totale_documento = 'NaN' or not pg_catalog.isfinite(new.data_ordine) then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('arportes: %s must be %s',
                                  case when new.totale_imponibile = 'NaN' then 'totale_imponibile' when new.totale_iva = 'NaN' then 'totale_iva'
                                       when new.totale_documento = 'NaN' then 'totale_documento' else 'data_ordine' end,
                                  case when pg_catalog.isfinite(new.data_ordine) is not false then 'a number (got NaN)' else 'a date (got infinity)' end);
  end if;

  -- validate: columns the hub owns
  if new.id_pub is not null then
    raise exception using
      errcode = 'SY103',
      message = 'arportes: id_pub is assigned by the hub and cannot be supplied',
      hint = 'Omit id_pub and read it back with INSERT ... RETURNING id_pub.';
  end if;
  if not v_erp then
    if new.id_sincro is not null or new.tor_chia is not null or new.conferma is not null then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('arportes: %s is written by the ERP side and cannot be supplied by a store or app',
                                    case when new.id_sincro is not null then 'id_sincro'
                                         when new.tor_chia is not null then 'tor_chia' else 'conferma' end),
        hint = 'Omit it; the ERP''s answer fills it.';
    end if;

    -- validate: provenance
    if new.prov_tipo is null then
      raise exception using
        errcode = 'SY102', message = 'arportes: prov_tipo is required',
        hint = 'S for the store, A for an app.';
    elsif new.prov_tipo = 'G' then
      raise exception using
        errcode = 'SY103', message = 'arportes: prov_tipo G (ERP-made order) cannot be inserted directly',
        hint = 'The ERP exports its own orders through sincro.erp_write_order.';
    elsif new.prov_tipo not in ('S', 'A') then
      raise exception using
        errcode = 'SY101', message = pg_catalog.format('arportes: prov_tipo must be S, A or G (got %s)', sincro_private.shown(new.prov_tipo)),
        hint = 'S for the store, A for an app.';
    end if;
    if new.id_int is null or pg_catalog.btrim(new.id_int) = '' then
      raise exception using
        errcode = 'SY102', message = 'arportes: id_int is required for store and app orders',
        hint = 'id_int is the order''s own ID inside the store or device; it makes a retried insert harmless.';
    end if;
    if new.prov_tipo = 'A' and (new.prov_id is null or pg_catalog.btrim(new.prov_id) = '') then
      raise exception using
        errcode = 'SY102', message = 'arportes: prov_id (the device ID) is required for app orders',
        hint = 'Send the ID of the device that took the order.';
    elsif new.prov_tipo = 'S' and new.prov_id is not null then
      raise exception using
        errcode = 'SY101', message = 'arportes: prov_id is for app devices only and must be empty for store orders';
    end if;

    -- validate: a store or app login writes only as itself: its party, its device, its author
    if v_login.login is not null then
      if v_login.kind <> 'store' and new.prov_tipo = 'S' or v_login.kind <> 'app' and new.prov_tipo = 'A' then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: a %s login cannot insert %s orders', v_login.kind,
                                      case new.prov_tipo when 'S' then 'store' else 'app' end),
          hint = 'Each party inserts only its own orders: the store prov_tipo S, an app prov_tipo A.';
      elsif v_login.kind = 'app' and new.prov_id is distinct from v_login.prov_id then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: login %s is device %s and cannot write prov_id %s',
                                      v_login.login, v_login.prov_id, sincro_private.shown(new.prov_id)),
          hint = 'An app writes its own device ID in prov_id.';
      elsif v_login.kind = 'store' and new.autore_tipo is distinct from 'C' then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: a store login writes orders of customers (autore_tipo C), not %s', sincro_private.shown(new.autore_tipo)),
          hint = 'Agents write through their apps, operators through the ERP.';
      elsif v_login.kind = 'app' and (v_login.cod_agente is null or new.autore_tipo is distinct from 'T'
                                      or new.autore_cod is distinct from v_login.cod_agente
                                      or coalesce(new.cod_agente, v_login.cod_agente) <> v_login.cod_agente) then
        raise exception using
          errcode = 'SY111',
          message = case when v_login.cod_agente is null
                         then pg_catalog.format('arportes: login %s has no agent and cannot write orders', v_login.login)
                         else pg_catalog.format('arportes: login %s writes as agent %s (autore_tipo T, autore_cod and cod_agente %s), not as %s %s',
                                                v_login.login, v_login.cod_agente, v_login.cod_agente, sincro_private.shown(new.autore_tipo),
                                                sincro_private.shown(coalesce(nullif(new.cod_agente, v_login.cod_agente), new.autore_cod))) end,
          hint = 'An app writes orders as its own agent: create the login with cod_agente (sincro.create_login).';
      end if;
    end if;

    -- validate: acks (only the creator's own may be given, and it is 1 anyway)
    if (new.prov_tipo <> 'S' and new.ack_store is distinct from 0 and new.ack_store is not null)
       or (new.ack_gest is distinct from 0 and new.ack_gest is not null)
       or (new.prov_tipo <> 'A' and new.ack_app is distinct from 0 and new.ack_app is not null) then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('arportes: an order from %s cannot set another party''s ack',
                                    case new.prov_tipo when 'S' then 'the store' else 'an app' end),
        hint = 'Omit the ack columns; the hub sets the creator''s ack to 1 and the others to 0.';
    end if;
  end if;

  -- validate: author
  if new.autore_tipo is null or new.autore_cod is null then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('arportes: %s is required', case when new.autore_tipo is null then 'autore_tipo' else 'autore_cod' end),
      hint = 'autore_tipo C customer, T sales agent, O ERP operator; autore_cod their code (0 for a new web customer).';
  elsif new.autore_tipo not in ('C', 'T', 'O') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('arportes: autore_tipo must be C, T or O (got %s)', sincro_private.shown(new.autore_tipo)),
      hint = 'C customer, T sales agent, O ERP operator.';
  end if;
  -- a new customer goes with orders of the party (and device) that wrote it; another's looks like none
  if new.new_customer_id is not null and not exists (
    select 1 from sincro.new_customers c
    where c.azi = new.azi and c.customer_id = new.new_customer_id
      and c.prov_tipo = new.prov_tipo and c.prov_id is not distinct from new.prov_id
  ) then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('arportes: new_customer_id %s is not a new customer of this %s', new.new_customer_id,
                                  case new.prov_tipo when 'S' then 'store' when 'A' then 'device' else 'party' end),
      hint = 'Insert the customer into sincro.new_customers first (as the same store or device) and use the customer_id it returns.';
  end if;

  -- public ID: the counter lock serializes inserts of one company until commit
  update sincro_private.id_pub_counter c
    set last_value = c.last_value + 1
    where c.azi = new.azi
    returning c.last_value into new.id_pub;

  -- idempotency: the same creator key again is the same order
  if not v_erp then
    -- (written so that uniq_arportes__creator_key answers it: IS NOT DISTINCT FROM would scan the table)
    if new.prov_id is null then
      select * into v_existing from sincro.arportes a
      where a.azi = new.azi and a.prov_tipo = new.prov_tipo and a.prov_tipo <> 'G'
        and a.prov_id is null and a.id_int = new.id_int;
    else
      select * into v_existing from sincro.arportes a
      where a.azi = new.azi and a.prov_tipo = new.prov_tipo and a.prov_tipo <> 'G'
        and a.prov_id = new.prov_id and a.id_int = new.id_int;
    end if;
    if found then
      update sincro_private.id_pub_counter c set last_value = c.last_value - 1 where c.azi = new.azi;
      if (v_existing.autore_tipo, v_existing.autore_cod, v_existing.cliente_cod, v_existing.new_customer_id,
          v_existing.cod_agente,
          v_existing.dest_ragione_sociale, v_existing.dest_indirizzo, v_existing.dest_cap, v_existing.dest_citta,
          v_existing.dest_provincia, v_existing.dest_nazione, v_existing.cod_pagamento, v_existing.note,
          v_existing.valuta, v_existing.totale_imponibile, v_existing.totale_iva, v_existing.totale_documento)
         is not distinct from
         (new.autore_tipo, new.autore_cod, new.cliente_cod, new.new_customer_id,
          coalesce(new.cod_agente, case when new.autore_tipo = 'T' then new.autore_cod end),
          new.dest_ragione_sociale, new.dest_indirizzo, new.dest_cap, new.dest_citta,
          new.dest_provincia, new.dest_nazione, new.cod_pagamento, new.note,
          new.valuta, new.totale_imponibile, new.totale_iva, new.totale_documento)
         and (new.data_ordine is null or new.data_ordine = v_existing.data_ordine) then
        return null;  -- already stored: skip, nothing written
      end if;
      raise exception using
        errcode = 'SY106',
        message = pg_catalog.format('arportes: order %s of %s%s already exists as id_pub %s with different content',
                                    sincro_private.shown(new.id_int), case new.prov_tipo when 'S' then 'the store' else 'device ' end,
                                    coalesce(new.prov_id, ''), v_existing.id_pub),
        detail = pg_catalog.format('azi %s, prov_tipo %s, prov_id %s, id_int %s', new.azi, new.prov_tipo,
                                   coalesce(new.prov_id, '(none)'), sincro_private.shown(new.id_int)),
        hint = 'A retry must send the same order; a different order needs its own id_int.';
    end if;
  end if;

  -- fill: acks, change number, bookkeeping
  new.ack_store := case when new.prov_tipo = 'S' then 1 else 0 end;
  new.ack_app := case when new.prov_tipo = 'A' then 1 else 0 end;
  new.ack_gest := case when new.prov_tipo = 'G' then 1 else 0 end;
  new.id_sincro := case when v_erp then null else 0 end;
  new.data_ordine := coalesce(new.data_ordine, current_date);
  new.cod_agente := coalesce(new.cod_agente, case when new.autore_tipo = 'T' then new.autore_cod end);
  new.created_xact := pg_catalog.pg_current_xact_id();
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;

comment on function sincro_private.tg_arportes__prepare_insert() is
  E'BEFORE INSERT on arportes: validates a new order, skips an identical retry, refuses a conflicting one, assigns id_pub from the company counter and sets acks and id_sincro. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_prepare_insert
  before insert on sincro.arportes
  for each row execute function sincro_private.tg_arportes__prepare_insert();

-- who may use it
revoke all on function sincro_private.tg_arportes__prepare_insert() from public;

-- >>> sql/orders/arportes__guard_update.sql
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

-- >>> sql/orders/arportes__history.sql
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

-- >>> sql/orders/arportes__require_lines.sql
/*
 * An order is its header and its lines, written together: at commit, an order
 * without lines is refused, and so is one with more lines than its company's
 * max_lines_per_order (the line guard refuses most such orders earlier, at
 * the first line numbered past the limit). Deferred, because the header is
 * inserted before its lines.
 */
create or replace function sincro_private.tg_arportes__require_lines()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_max_lines integer;
  v_lines bigint;
begin
  -- one query (this runs at commit, while the transaction holds its company's counter); it counts no
  -- further than one past the limit, and finds nothing when the header is gone
  select c.max_lines_per_order,
         (select pg_catalog.count(*) from (select 1 from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub
                                           limit c.max_lines_per_order + 1) r)
    into v_max_lines, v_lines
  from sincro.arportes a join sincro_private.company c on c.azi = a.azi
  where a.azi = new.azi and a.id_pub = new.id_pub;
  if not found then
    return null;
  end if;
  if v_lines = 0 then
    raise exception using
      errcode = 'SY105',
      message = pg_catalog.format('arportes: order %s of company %s has no lines', new.id_pub, new.azi),
      detail = pg_catalog.format('prov_tipo %s, id_int %s', new.prov_tipo, coalesce(new.id_int, '(none)')),
      hint = 'Insert the header and its lines (sincro.arporrig) in the same transaction.';
  elsif v_lines > v_max_lines then
    perform sincro_private.raise_too_large(pg_catalog.format('arportes (order %s)', new.id_pub), 'the number of lines',
                                           (select pg_catalog.count(*) from sincro.arporrig r where r.azi = new.azi and r.id_pub = new.id_pub),
                                           new.azi, 'max_lines_per_order', v_max_lines);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__require_lines() is
  E'Deferred (at commit), after insert on arportes: refuses an order that has no lines (SY105) or more lines than its company allows (SY140). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create constraint trigger _800_require_lines
  after insert on sincro.arportes
  deferrable initially deferred
  for each row execute function sincro_private.tg_arportes__require_lines();

-- who may use it
revoke all on function sincro_private.tg_arportes__require_lines() from public;

-- >>> sql/orders/arporrig__guard.sql
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

-- >>> sql/orders/new_customers__prepare_insert.sql
/*
 * New customers follow the same rules as orders: checked strictly (a login's
 * own company first, so "not yours" and "does not exist" answer alike, SY111;
 * sizes within the company's max_text_length, SY140; an Italian customer's
 * partita IVA and codice fiscale, SY180 and SY181), idempotent on the
 * creator's key, changed afterwards only by the ERP (the customer code).
 * Identical retries racing each other are serialized on the company's
 * public-ID counter row, which the order that names the customer takes next
 * in the same transaction anyway: a row no client can lock otherwise (an
 * advisory lock's key, by contrast, any session can compute and hold).
 */
create or replace function sincro_private.tg_new_customers__prepare_insert()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_existing sincro.new_customers;
  v_login sincro_private.login := sincro_private.session_login();
  v_company sincro_private.company;
  v_longest record;
begin
  -- validate: a login writes its own company only (before the company's existence is looked at)
  if v_login.login is not null and new.azi is distinct from v_login.azi then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('new_customers: login %s belongs to company %s, not %s', v_login.login, v_login.azi, sincro_private.shown(new.azi)),
      hint = 'A login writes customers of its own company only.';
  end if;
  select * into v_company from sincro_private.company c where c.azi = new.azi;
  if not found then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('new_customers: unknown company (azi = %s)', sincro_private.shown(new.azi)),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if greatest(pg_catalog.length(new.prov_tipo), pg_catalog.length(new.prov_id), pg_catalog.length(new.id_int),
              pg_catalog.length(new.ragione_sociale), pg_catalog.length(new.partita_iva), pg_catalog.length(new.codice_fiscale),
              pg_catalog.length(new.email), pg_catalog.length(new.telefono), pg_catalog.length(new.indirizzo),
              pg_catalog.length(new.cap), pg_catalog.length(new.citta), pg_catalog.length(new.provincia),
              pg_catalog.length(new.nazione), pg_catalog.length(new.cod_cli)) > v_company.max_text_length then
    select * into v_longest from sincro_private.longest_field(
      array['prov_tipo', 'prov_id', 'id_int', 'ragione_sociale', 'partita_iva', 'codice_fiscale', 'email', 'telefono', 'indirizzo',
            'cap', 'citta', 'provincia', 'nazione', 'cod_cli'],
      array[new.prov_tipo, new.prov_id, new.id_int, new.ragione_sociale, new.partita_iva, new.codice_fiscale, new.email, new.telefono,
            new.indirizzo, new.cap, new.citta, new.provincia, new.nazione, new.cod_cli]);
    perform sincro_private.raise_too_large('new_customers', pg_catalog.format('field %s (characters)', v_longest.field), v_longest.field_length,
                                           new.azi, 'max_text_length', v_company.max_text_length);
  end if;
  if new.prov_tipo is null or new.prov_tipo not in ('S', 'A') then
    raise exception using
      errcode = case when new.prov_tipo is null then 'SY102' else 'SY101' end,
      message = pg_catalog.format('new_customers: prov_tipo must be S or A (got %s)', sincro_private.shown(new.prov_tipo)),
      hint = 'S for the store, A for an app; the ERP''s own customers arrive by sync.';
  end if;
  if new.id_int is null or pg_catalog.btrim(new.id_int) = '' then
    raise exception using
      errcode = 'SY102', message = 'new_customers: id_int is required',
      hint = 'id_int is the customer''s ID inside the store or device.';
  end if;
  if new.prov_tipo = 'A' and (new.prov_id is null or pg_catalog.btrim(new.prov_id) = '') then
    raise exception using errcode = 'SY102', message = 'new_customers: prov_id (the device ID) is required for app customers';
  elsif new.prov_tipo = 'S' and new.prov_id is not null then
    raise exception using errcode = 'SY101', message = 'new_customers: prov_id must be empty for store customers';
  end if;
  if v_login.login is not null and (
       v_login.kind <> case new.prov_tipo when 'S' then 'store' else 'app' end
       or (v_login.kind = 'app' and new.prov_id is distinct from v_login.prov_id)) then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('new_customers: login %s (%s of company %s%s) cannot write a customer as %s %s',
                                  v_login.login, v_login.kind, v_login.azi, coalesce(', device ' || v_login.prov_id, ''),
                                  new.prov_tipo, sincro_private.shown(new.prov_id)),
      hint = 'A login writes customers of its own company, as its own party and device.';
  end if;
  if new.ragione_sociale is null or pg_catalog.btrim(new.ragione_sociale) = '' then
    raise exception using errcode = 'SY102', message = 'new_customers: ragione_sociale (the customer''s name) is required';
  end if;
  if new.cod_cli is not null then
    raise exception using
      errcode = 'SY103', message = 'new_customers: cod_cli is assigned by the ERP and cannot be supplied',
      hint = 'For a customer the ERP already knows, put its code in arportes.cliente_cod instead.';
  end if;

  -- validate: Italian fiscal identifiers (sql/common/fiscal.sql), stored in the form that was checked
  -- (trimmed, codice fiscale in upper case, blank as NULL), before the retry check compares them;
  -- a customer abroad keeps its own country's numbers, which the ERP checks
  if pg_catalog.upper(pg_catalog.btrim(new.nazione)) = 'IT' then
    new.partita_iva := sincro_private.fiscal_normalised('partita_iva', new.partita_iva);
    new.codice_fiscale := sincro_private.fiscal_normalised('codice_fiscale', new.codice_fiscale);
    perform sincro_private.check_fiscal_fields('new_customers', new.partita_iva, new.codice_fiscale);
  end if;

  -- idempotency: identical retries wait for each other on the company's counter row, then see each other
  perform 1 from sincro_private.id_pub_counter c where c.azi = new.azi for no key update;
  -- (two queries, so that uniq_new_customers__creator_key answers each: with "c.prov_id = new.prov_id or both
  -- null" the index could only narrow to the company's party, and every insert read all its customers)
  if new.prov_id is null then
    select * into v_existing from sincro.new_customers c
    where c.azi = new.azi and c.prov_tipo = new.prov_tipo and c.prov_id is null and c.id_int = new.id_int;
  else
    select * into v_existing from sincro.new_customers c
    where c.azi = new.azi and c.prov_tipo = new.prov_tipo and c.prov_id = new.prov_id and c.id_int = new.id_int;
  end if;
  if found then
    if (v_existing.ragione_sociale, v_existing.partita_iva, v_existing.codice_fiscale, v_existing.email,
        v_existing.telefono, v_existing.indirizzo, v_existing.cap, v_existing.citta, v_existing.provincia,
        v_existing.nazione)
       is not distinct from
       (new.ragione_sociale, new.partita_iva, new.codice_fiscale, new.email, new.telefono, new.indirizzo,
        new.cap, new.citta, new.provincia, new.nazione) then
      return null;
    end if;
    raise exception using
      errcode = 'SY106',
      message = pg_catalog.format('new_customers: customer %s already exists as customer_id %s with different content',
                                  sincro_private.shown(new.id_int), v_existing.customer_id),
      hint = 'A retry must send the same customer; a different customer needs its own id_int.';
  end if;

  new.created_xact := pg_catalog.pg_current_xact_id();
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;

comment on function sincro_private.tg_new_customers__prepare_insert() is
  E'BEFORE INSERT on new_customers: validates, skips an identical retry, refuses a conflicting one (SY106). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_prepare_insert
  before insert on sincro.new_customers
  for each row execute function sincro_private.tg_new_customers__prepare_insert();

-- who may use it
revoke all on function sincro_private.tg_new_customers__prepare_insert() from public;

-- >>> sql/orders/new_customers__guard_update.sql
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

-- >>> sql/orders/arportes_history__append_only.sql
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

-- >>> sql/orders/find_order.sql
/*
 * A retried insert of an order the hub already has is skipped (INSERT returns
 * no row), so the client needs a way to learn the public ID it got the first
 * time: this is it, by the creator's own key.
 */
create or replace function sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text)
returns bigint
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- one query per case, so that uniq_arportes__creator_key answers each: "a.prov_id = prov_id or both null"
  -- narrowed the index to the party only and read all its orders
  if find_order.prov_id is null then
    return (select a.id_pub from sincro.arportes a
            where a.azi = find_order.azi and a.prov_tipo = find_order.prov_tipo and a.prov_tipo <> 'G'
              and a.prov_id is null and a.id_int = find_order.id_int);
  end if;
  return (select a.id_pub from sincro.arportes a
          where a.azi = find_order.azi and a.prov_tipo = find_order.prov_tipo and a.prov_tipo <> 'G'
            and a.prov_id = find_order.prov_id and a.id_int = find_order.id_int);
end;
$$;

comment on function sincro.find_order(text, text, text, text) is
  E'Public ID of the order a store (S, prov_id NULL) or app (A, its device ID) created with its own id_int; NULL if the hub has none. Use it after a retried INSERT returned no row.';

create or replace function sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text)
returns bigint
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- one query per case, so that uniq_new_customers__creator_key answers each (as find_order)
  if find_new_customer.prov_id is null then
    return (select c.customer_id from sincro.new_customers c
            where c.azi = find_new_customer.azi and c.prov_tipo = find_new_customer.prov_tipo
              and c.prov_id is null and c.id_int = find_new_customer.id_int);
  end if;
  return (select c.customer_id from sincro.new_customers c
          where c.azi = find_new_customer.azi and c.prov_tipo = find_new_customer.prov_tipo
            and c.prov_id = find_new_customer.prov_id and c.id_int = find_new_customer.id_int);
end;
$$;

comment on function sincro.find_new_customer(text, text, text, text) is
  E'customer_id of the new customer a store or app created with its own id_int; NULL if none. Use it after a retried INSERT returned no row.';

-- who may use it
revoke all on function sincro.find_new_customer(text,text,text,text) from public;
grant execute on function sincro.find_new_customer(text,text,text,text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
revoke all on function sincro.find_order(text,text,text,text) from public;
grant execute on function sincro.find_order(text,text,text,text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/orders/pending.sql
/*
 * What each party has not acquired yet. The ERP must acquire every store and
 * app order; the store and the apps acquire what the ERP has published
 * (id_sincro > 0): orders made in the ERP and other parties' orders once the
 * ERP holds them. Later changes to acquired orders are followed with
 * sincro.changes_since, not here. The views run with the caller's rights, so
 * row-level security shows each login only its own orders.
 */
create or replace view sincro.pending_gest with (security_invoker = true) as
  select a.* from sincro.arportes a where a.ack_gest = 0;

comment on view sincro.pending_gest is
  E'Orders the ERP has not acquired yet (ack_gest = 0): store and app orders waiting to be pushed.';

create or replace view sincro.pending_store with (security_invoker = true) as
  select a.* from sincro.arportes a where a.ack_store = 0 and a.id_sincro > 0;

comment on view sincro.pending_store is
  E'Orders the ERP has published (id_sincro > 0) that the store has not acquired (ack_store = 0).';

-- an app login reads more orders than it acks (its slice's customers'): it lists the ones it acks
create or replace view sincro.pending_app with (security_invoker = true) as
  select a.* from sincro.arportes a
  where a.ack_app = 0 and a.id_sincro > 0
    and (sincro_private.session_device() is null
         or a.prov_tipo = 'A' and a.prov_id = sincro_private.session_device()
         or a.prov_tipo = 'G' and a.cod_agente = sincro_private.session_agent());

comment on view sincro.pending_app is
  E'Orders the ERP has published (id_sincro > 0) that the apps have not acquired (ack_app = 0).';

/* The views show arportes' columns unchanged: they carry arportes' column comments. */
do $$
declare
  v_view text;
  v_column record;
begin
  foreach v_view in array array['pending_gest', 'pending_store', 'pending_app'] loop
    for v_column in
      select a.attname, pg_catalog.col_description(a.attrelid, a.attnum) as description
      from pg_catalog.pg_attribute a
      where a.attrelid = 'sincro.arportes'::regclass and a.attnum > 0 and not a.attisdropped
    loop
      execute pg_catalog.format('comment on column sincro.%I.%I is %L', v_view, v_column.attname, v_column.description);
    end loop;
  end loop;
end;
$$;

-- who may use it
grant select on sincro.pending_app to sincro_app, sincro_admin;
grant select on sincro.pending_gest to sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.pending_store to sincro_store, sincro_admin;

-- >>> sql/orders/arportes.access.sql
/*
 * Who sees and writes order headers. A store login sees its company's orders;
 * an app login its own device's orders and the ERP-made orders of its agent
 * (and reads those of its slice's customers);
 * an ERP login its company's; worker and admin every company's. The owner
 * (migrations, SECURITY DEFINER functions) is not subject to these policies.
 * Write rules (which party, which device, which ack) are checked by the
 * triggers with our error codes; WITH CHECK is a second wall. The grants list
 * the columns a party may send, including protected ones, which the triggers
 * refuse with a clear SQLSTATE rather than a bare "permission denied".
 */
create policy store_company on sincro.arportes to sincro_store
  using (azi = sincro_private.session_company())
  with check (azi = sincro_private.session_company());
-- (the store acks app and ERP orders of its company too; that only store orders are
-- inserted by a store login is the insert trigger's rule, SY111)
-- (the session's company, device and agent as init plans: evaluated once per query, not once per row)
create policy app_device_or_agent on sincro.arportes to sincro_app
  using (azi = (select sincro_private.session_company())
         and ((prov_tipo = 'A' and prov_id = (select sincro_private.session_device()))
              or (prov_tipo = 'G' and cod_agente = (select sincro_private.session_agent()))))
  with check (azi = (select sincro_private.session_company())
              and ((prov_tipo = 'A' and prov_id = (select sincro_private.session_device()))
                   or (prov_tipo = 'G' and cod_agente = (select sincro_private.session_agent()))));
-- an app also reads the orders of the customers in its slice dated inside the history window
-- (docs/devices.md); reading only: writing and acking stay with the policy above
create policy app_slice_customers on sincro.arportes for select to sincro_app
  using (azi = (select sincro_private.session_company())
         and data_ordine >= (select sincro_private.session_history_from())
         and exists (select 1 from sincro.clienti c
                     where c.azi = arportes.azi and c.cod_cli = arportes.cliente_cod
                       and c.cod_agente = any ((select sincro_private.session_agents())::text[])));
create policy erp_company on sincro.arportes for select to sincro_erp
  using (azi = sincro_private.session_company());
create policy every_company on sincro.arportes for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.arportes to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, id_pub, tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro, data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  on sincro.arportes to sincro_store, sincro_app;
grant update (tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro, data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  on sincro.arportes to sincro_store, sincro_app;

-- >>> sql/orders/arporrig.access.sql
/*
 * Order lines: visible with their order (the arportes policies decide);
 * stores and apps insert lines of the orders they create (the guard trigger
 * holds the rules: same transaction, same party, same device). The insert
 * policy checks only the company: a header inserted by the same statement (a
 * data-modifying WITH feeding the lines, as clients naturally write an order)
 * is not visible to that statement's policy checks, so "the order is visible"
 * cannot be the rule for writing its lines. The guard trigger sees the header.
 */
create policy visible_order on sincro.arporrig for select
  using (exists (select 1 from sincro.arportes a where a.azi = arporrig.azi and a.id_pub = arporrig.id_pub));
create policy own_company on sincro.arporrig for insert to sincro_store, sincro_app
  with check (azi = sincro_private.session_company());

-- who may use it
grant select on sincro.arporrig to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  on sincro.arporrig to sincro_store, sincro_app;

-- >>> sql/orders/arportes_history.access.sql
/*
 * Order history: readable with its order, written only by the history trigger.
 */
create policy visible_order on sincro.arportes_history for select
  using (exists (select 1 from sincro.arportes a where a.azi = arportes_history.azi and a.id_pub = arportes_history.id_pub));

-- who may use it
grant select on sincro.arportes_history to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/orders/new_customers.access.sql
/*
 * New customers: a store login reads and writes its company's store-made
 * ones, an app login its own device's; ERP, worker and admin read them.
 */
create policy store_company on sincro.new_customers to sincro_store
  using (azi = sincro_private.session_company() and prov_tipo = 'S')
  with check (azi = sincro_private.session_company() and prov_tipo = 'S');
create policy app_device on sincro.new_customers to sincro_app
  using (azi = sincro_private.session_company() and prov_tipo = 'A' and prov_id = sincro_private.session_device())
  with check (azi = sincro_private.session_company() and prov_tipo = 'A' and prov_id = sincro_private.session_device());
create policy erp_company on sincro.new_customers for select to sincro_erp
  using (azi = sincro_private.session_company());
create policy every_company on sincro.new_customers for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.new_customers to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, codice_fiscale, email, telefono, indirizzo, cap, citta, provincia, nazione, cod_cli)
  on sincro.new_customers to sincro_store, sincro_app;

-- >>> sql/push/enqueue_push_order.sql
/*
 * The doorbell for the worker: one graphile-worker job per store/app order.
 * A new order is taken by the worker's dispatcher (sincro.push_take, below)
 * without a job; this function rings for one order that needs one (the
 * sweep, an operator's re-push). The
 * job key makes a second enqueue of the same order replace, not duplicate, a
 * waiting job (and start a fresh one if the old one is locked by a worker
 * that died). In manual mode the job gets one attempt; the order then waits
 * for a partial sync.
 *
 * SECURITY DEFINER because no client or worker role has rights on the
 * graphile_worker schema's tables.
 */
create or replace function sincro_private.enqueue_push_order(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro.order_push p set doorbell_rung = true
    where p.azi = enqueue_push_order.azi and p.id_pub = enqueue_push_order.id_pub and not p.doorbell_rung;
  perform graphile_worker.add_job(
    identifier := 'push_order',
    payload := pg_catalog.json_build_object('azi', azi, 'id_pub', id_pub),
    job_key := pg_catalog.format('push_order:%s:%s', azi, id_pub),
    max_attempts := case (select c.push_mode from sincro_private.company c where c.azi = enqueue_push_order.azi)
                      when 'manual' then 1 else 25 end
  );
end;
$$;

comment on function sincro_private.enqueue_push_order(text, bigint) is
  E'Enqueues the graphile-worker job push_order for one order (job key push_order:<azi>:<id_pub>; 25 attempts in auto mode, 1 in manual) and marks its doorbell rung.';

-- who may use it
revoke all on function sincro_private.enqueue_push_order(text,bigint) from public;

/*
 * The worker's dispatcher (src/worker/dispatcher.ts) takes new orders and
 * pushes them itself, without a graphile-worker job: a job would cost the
 * insert a NOTIFY (PostgreSQL serialises the commits of notifying
 * transactions) and every order two more commits (taking the job, completing
 * it). push_take claims, as push_claim does, up to max_orders new orders
 * (doorbell not rung) of one company, the company of the oldest one, in
 * web-ID order; rows another dispatcher holds are skipped. Each claimed order
 * is marked rung, in flight, with its push_started event; the result is the
 * company and the ERP requests (an empty set: nothing new). The claim's
 * commit is asynchronous, like push_claim's: a claim lost in a crash leaves
 * the order pending and not rung, and it is taken again.
 *
 * What the dispatcher sends comes back through push_answers (or
 * push_acquired / push_rejected / push_failed); a failed push gets its retry
 * from push_retry_later. If the worker dies holding a claim, the order stays
 * in flight with no job, and sweep_pushes rings for it after 5 minutes.
 *
 * SECURITY DEFINER: the worker's role may not write order_push or the job
 * queue itself. SY101 for max_orders outside 1..1000.
 */
create or replace function sincro.push_take(max_orders integer, out azi text, out requests jsonb)
returns setof record
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi text;
  v_id_pub bigint;
  v_request jsonb;
  v_requests jsonb := '[]';
begin
  if max_orders is null or max_orders < 1 or max_orders > 1000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('push_take: max_orders must be between 1 and 1000 (got %s)', coalesce(max_orders::text, 'null')),
      hint = 'SINCRO_PUSH_BATCH sets it where the ERP takes batches; 1 otherwise.';
  end if;
  -- the company of the oldest new order nobody else holds
  select p.azi into v_azi
  from sincro.order_push p
  where p.state = 'pending' and not p.doorbell_rung
  order by p.created_at, p.azi, p.id_pub
  limit 1
  for update skip locked;
  if v_azi is null then
    return;
  end if;
  for v_id_pub in
    select p.id_pub
    from sincro.order_push p
    where p.azi = v_azi and p.state = 'pending' and not p.doorbell_rung
    order by p.id_pub
    limit max_orders
    for update skip locked
  loop
    -- in flight, rung, push_started (or acquired already, and rung: nothing to send)
    v_request := sincro.push_claim(v_azi, v_id_pub);
    if v_request is not null then
      v_requests := v_requests || pg_catalog.jsonb_build_array(v_request);
    end if;
  end loop;
  azi := v_azi;
  requests := v_requests;
  return next;
end;
$$;

comment on function sincro.push_take(integer) is
  E'Worker''s dispatcher: claims (as push_claim) up to max_orders new orders of one company, the company of the oldest new order, in web-ID order, and returns the company and the ERP requests (no row: nothing new). The orders are in flight and rung; their answers go back through push_answers. SY101 for max_orders outside 1..1000. SECURITY DEFINER: the worker cannot write order_push itself.';

/*
 * After a push by the dispatcher failed (the ERP unreachable, a timeout, a
 * server error: push_failed put the order back to pending), the retries are
 * graphile-worker's, with its backoff: a push_order job per order, first run
 * after `after`, 25 attempts, for an auto-mode company. In manual mode the
 * dispatcher's push was the one attempt: the order waits for a partial sync.
 * Orders no longer pending are left alone. Returns how many got a job.
 */
create or replace function sincro.push_retry_later(azi text, id_pubs bigint[], after interval default interval '2 seconds')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_specs graphile_worker.job_spec[];
begin
  if after is null or after < interval '0' or after > interval '1 day' then
    raise exception using errcode = 'SY101',
      message = pg_catalog.format('push_retry_later: after must be between 0 and 1 day (got %s)', coalesce(after::text, 'null'));
  end if;
  select pg_catalog.array_agg(row(
           'push_order'::text,
           pg_catalog.json_build_object('azi', p.azi, 'id_pub', p.id_pub),
           null::text, now() + after, 25::smallint,
           pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub),
           null::smallint, null::text[])::graphile_worker.job_spec
         order by p.id_pub)
    into v_specs
  from sincro.order_push p
  join sincro_private.company c on c.azi = p.azi
  where p.azi = azi and p.id_pub = any (id_pubs) and p.state = 'pending' and c.push_mode = 'auto';
  if v_specs is null then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return pg_catalog.cardinality(v_specs);
end;
$$;

comment on function sincro.push_retry_later(text, bigint[], interval) is
  E'Worker''s dispatcher, after pushes that failed: a push_order job (25 attempts, first run after `after`) for each of these orders still pending, in an auto-mode company; in manual mode none (the order waits for a partial sync). Returns how many. SY101 for after outside 0..1 day. SECURITY DEFINER: the worker cannot write the job queue for another task.';

revoke all on function sincro.push_take(integer) from public;
grant execute on function sincro.push_take(integer) to sincro_worker, sincro_admin;
revoke all on function sincro.push_retry_later(text, bigint[], interval) from public;
grant execute on function sincro.push_retry_later(text, bigint[], interval) to sincro_worker, sincro_admin;

-- >>> sql/push/dispatcher_doorbell.sql
/*
 * The dispatcher's doorbell (issues 13 and 15). The worker's dispatcher finds
 * new orders and webhook deliveries by polling (sincro.dispatch_poll); an
 * insert sends no NOTIFY, because PostgreSQL serialises the commits of all
 * notifying transactions, which defeats group commit. But polling every 2 ms
 * whenever orders come cost more CPU than the orders themselves at 20 a second
 * (each round trip is a wake-up of two processes), and a hub idle for a second
 * let the next order wait up to 20 ms.
 *
 * So the dispatcher dozes between finds, and only a dozing dispatcher is rung:
 * it dozes holding an advisory lock exclusively (taken by dispatch_poll before
 * it looks, kept when it found nothing); an insert tries the same lock in
 * share mode, held to its commit. The insert rings (one NOTIFY per
 * transaction, whatever it writes) only when it cannot get it, that is while
 * a dispatcher dozes. No insert is missed: an insert that got the shared lock
 * keeps the dispatcher from dozing until it commits (the dispatcher then polls
 * again soon), and the dispatcher's look after taking the lock sees every
 * insert that committed before. With no worker running, or a dispatcher busy
 * pushing, inserts send nothing, as before.
 *
 * Why an advisory key, which any login can name (STYLE.md keeps those from
 * guarantees between companies): the lock guards latency, never an order. A
 * login that holds the key makes inserts ring, or keeps the dispatcher from
 * dozing; either way every order is still found by the dispatcher's polls
 * (SINCRO_PUSH_POLL_MS), as before this doorbell. The alternative, a row
 * lock, would make each insert write a lock into a shared row.
 */
create or replace function sincro_private.ring_dispatcher()
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  -- (1397313091, 1): 'SINC', the dispatcher's doze; shared locks never conflict with each other
  if not pg_catalog.pg_try_advisory_xact_lock_shared(1397313091, 1) then
    perform pg_catalog.pg_notify('sincro_dispatch', '');
  end if;
end;
$$;

comment on function sincro_private.ring_dispatcher() is
  E'Called where new work for the worker''s dispatcher is written (an order''s push record, a webhook delivery): sends NOTIFY sincro_dispatch at commit, once per transaction, only while a dispatcher dozes (it holds the doze lock); otherwise takes the doze lock in share mode to the commit, so that no dispatcher starts dozing before this work is visible.';

/*
 * One look of the dispatcher, on its own connection: new webhook deliveries
 * rung (store_inbox_dispatch), then new orders of one company claimed
 * (push_take). With doze, the doze lock is taken before looking (every
 * statement below then reads a snapshot taken after it) and kept only when
 * nothing was found: the dispatcher then waits for the doorbell. `dozing` says
 * whether this session holds the lock after the call; the caller passes it
 * back as `held` (session advisory locks count their acquisitions).
 */
create or replace function sincro.dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean,
                                                out inbox integer, out azi text, out requests jsonb, out dozing boolean)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
begin
  -- the doze lock: taken (or kept) to doze, released when awake
  if doze and not held then
    dozing := pg_catalog.pg_try_advisory_lock(1397313091, 1);
  elsif held and not doze then
    perform pg_catalog.pg_advisory_unlock(1397313091, 1);
    dozing := false;
  else
    dozing := coalesce(held, false);
  end if;

  -- look
  if ring_inbox then
    inbox := sincro.store_inbox_dispatch(500, interval '0', 10);
  end if;
  if take_orders then
    select t.azi, t.requests into azi, requests from sincro.push_take(max_orders) t;
  end if;

  -- something found: awake
  if dozing and (coalesce(inbox, 0) > 0 or azi is not null) then
    perform pg_catalog.pg_advisory_unlock(1397313091, 1);
    dozing := false;
  end if;
end;
$$;

comment on function sincro.dispatch_poll(integer, boolean, boolean, boolean, boolean) is
  E'Worker''s dispatcher, one look: rings for new webhook deliveries (store_inbox_dispatch, with ring_inbox), claims new orders of one company (push_take, with take_orders; azi NULL: none); with doze, takes the doze lock before looking and keeps it when nothing was found (dozing: then inserts ring it, see sincro_private.ring_dispatcher); held says whether the session holds it from the last call. SECURITY DEFINER: as push_take and store_inbox_dispatch.';

-- who may use it
revoke all on function sincro_private.ring_dispatcher() from public;
revoke all on function sincro.dispatch_poll(integer, boolean, boolean, boolean, boolean) from public;
grant execute on function sincro.dispatch_poll(integer, boolean, boolean, boolean, boolean) to sincro_worker, sincro_admin;

-- >>> sql/push/arportes__enqueue_push.sql
/*
 * Rule 1 of the protocol: a new store/app order reaches the ERP in real time.
 * Its push record (pending, doorbell not rung) is written in the inserting
 * transaction, so it exists exactly when the order does. The worker's
 * dispatcher (sincro.dispatch_poll) takes it and pushes it: the insert adds
 * no job and sends no NOTIFY while the dispatcher is busy, so concurrent
 * inserts keep PostgreSQL's group commit (issue 15); it rings a dispatcher
 * that dozes (sincro_private.ring_dispatcher). If the worker is down, the
 * record waits; the dispatcher finds it when it starts.
 */
create or replace function sincro_private.tg_arportes__enqueue_push()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  insert into sincro.order_push (azi, id_pub) values (new.azi, new.id_pub);
  perform sincro_private.ring_dispatcher();
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__enqueue_push() is
  E'AFTER INSERT on arportes (store and app orders): records the push as pending, its doorbell not rung yet (the worker''s dispatcher takes it: sincro.push_take), and rings a dozing dispatcher (sincro_private.ring_dispatcher). SECURITY DEFINER: fired by clients'' statements, it reaches a table they have no rights on.';

create trigger _500_enqueue_push
  after insert on sincro.arportes
  for each row
  when (new.prov_tipo in ('S', 'A'))
  execute function sincro_private.tg_arportes__enqueue_push();

-- who may use it
revoke all on function sincro_private.tg_arportes__enqueue_push() from public;

-- >>> sql/push/push_outcomes.sql
/*
 * The worker's side of a push, in four steps it calls around the ERP request:
 * claim (read the order, mark it in flight), then acquired, rejected or
 * failed. The TypeScript task only carries the order to the ERP and the answer
 * back; what an answer means is decided here.
 *
 * SECURITY DEFINER: the worker's role has no write rights on order_push; these
 * functions are its only way to change it. Granted to sincro_worker and
 * sincro_admin.
 */
create or replace function sincro.push_claim(azi text, id_pub bigint)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_push sincro.order_push;
  v_order sincro.arportes;
begin
  select * into v_push from sincro.order_push p
    where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub
    for update;
  if not found or v_push.state in ('acquired', 'rejected', 'resolved') then
    return null;  -- nothing to push (any more)
  end if;
  select * into v_order from sincro.arportes a where a.azi = push_claim.azi and a.id_pub = push_claim.id_pub;
  if v_order.ack_gest = 1 then
    update sincro.order_push p set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), updated_at = now(), doorbell_rung = true
      where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
    return null;
  end if;

  update sincro.order_push p
    set state = 'in_flight', attempts = p.attempts + 1, last_attempt_at = now(), updated_at = now(), doorbell_rung = true
    where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (push_claim.azi, push_claim.id_pub, 'push_started', pg_catalog.format('attempt %s', v_push.attempts + 1));
  -- the claim is advisory (if a crash loses it, the order is still pending and is pushed
  -- again, which the ERP's idempotency makes harmless): no need to wait for its fsync
  perform pg_catalog.set_config('synchronous_commit', 'off', true);

  return pg_catalog.jsonb_build_object(
    'azi', v_order.azi, 'web_id', v_order.id_pub, 'prov_tipo', v_order.prov_tipo, 'prov_id', v_order.prov_id,
    'id_int', v_order.id_int, 'autore_tipo', v_order.autore_tipo, 'autore_cod', v_order.autore_cod,
    'data_ordine', v_order.data_ordine::text, 'cliente_cod', v_order.cliente_cod, 'cod_agente', v_order.cod_agente,
    'dest_ragione_sociale', v_order.dest_ragione_sociale, 'dest_indirizzo', v_order.dest_indirizzo,
    'dest_cap', v_order.dest_cap, 'dest_citta', v_order.dest_citta, 'dest_provincia', v_order.dest_provincia,
    'dest_nazione', v_order.dest_nazione, 'cod_pagamento', v_order.cod_pagamento, 'note', v_order.note,
    'valuta', v_order.valuta, 'totale_imponibile', v_order.totale_imponibile::text,
    'totale_iva', v_order.totale_iva::text, 'totale_documento', v_order.totale_documento::text,
    'lines', (
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'riga', r.riga, 'articolo', r.articolo, 'descrizione', r.descrizione, 'quantita', r.quantita::text,
        'unita_misura', r.unita_misura, 'prezzo', r.prezzo::text, 'sconto', r.sconto::text, 'iva', r.iva,
        'data_consegna', r.data_consegna::text, 'note', r.note) order by r.riga)
      from sincro.arporrig r where r.azi = v_order.azi and r.id_pub = v_order.id_pub),
    'new_customer', (
      select pg_catalog.jsonb_build_object(
        'customer_id', c.customer_id, 'ragione_sociale', c.ragione_sociale, 'partita_iva', c.partita_iva,
        'codice_fiscale', c.codice_fiscale, 'email', c.email, 'telefono', c.telefono, 'indirizzo', c.indirizzo,
        'cap', c.cap, 'citta', c.citta, 'provincia', c.provincia, 'nazione', c.nazione)
      from sincro.new_customers c where c.azi = v_order.azi and c.customer_id = v_order.new_customer_id)
  );
end;
$$;

comment on function sincro.push_claim(text, bigint) is
  E'Worker, before calling the ERP: marks a pending order in flight (attempts + 1, event push_started) and returns it as the ERP request (header, lines, new customer) in JSON; NULL when there is nothing to push (acquired, rejected, resolved, unknown). SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_order sincro.arportes;
  v_doc jsonb;
begin
  select * into v_order from sincro.arportes a where a.azi = push_acquired.azi and a.id_pub = push_acquired.id_pub;
  if not found then
    raise exception using
      errcode = 'SY200', message = pg_catalog.format('push_acquired: company %s has no order with id_pub %s', push_acquired.azi, push_acquired.id_pub);
  end if;

  -- the ERP's answer, in one step: key, ack, and the customer's code (also as author code of a new web customer)
  v_doc := pg_catalog.jsonb_build_object('id_pub', push_acquired.id_pub, 'tor_chia', push_acquired.tor_chia);
  if push_acquired.cliente_cod is not null then
    v_doc := v_doc || pg_catalog.jsonb_build_object('cliente_cod', push_acquired.cliente_cod);
    if v_order.autore_tipo = 'C' and v_order.autore_cod = '0' then
      v_doc := v_doc || pg_catalog.jsonb_build_object('autore_cod', push_acquired.cliente_cod);
    end if;
  end if;
  perform sincro.erp_write_order(push_acquired.azi, v_doc);

  update sincro.order_push p
    set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), last_error = null, updated_at = now()
    where p.azi = push_acquired.azi and p.id_pub = push_acquired.id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (push_acquired.azi, push_acquired.id_pub, 'push_acquired', push_acquired.tor_chia);
end;
$$;

comment on function sincro.push_acquired(text, bigint, text, text) is
  E'Worker, after the ERP created (or already had) the order: writes the ERP''s key and customer code back through erp_write_order and marks the push acquired (event push_acquired). Idempotent. SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_rejected(azi text, id_pub bigint, erp_message text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  with rejected as (
    update sincro.order_push p
      set state = 'rejected', erp_message = push_rejected.erp_message, updated_at = now()
      where p.azi = push_rejected.azi and p.id_pub = push_rejected.id_pub and p.state not in ('acquired', 'resolved')
      returning p.azi, p.id_pub)
  insert into sincro.order_events (azi, id_pub, event, detail)
    select r.azi, r.id_pub, 'push_rejected', push_rejected.erp_message from rejected r
$$;

comment on function sincro.push_rejected(text, bigint, text) is
  E'Worker, when the ERP refused the order as invalid: records the ERP''s message (also as event push_rejected); the order is not retried (see sincro.push_problems). SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_failed(azi text, id_pub bigint, error text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  with failed as (
    update sincro.order_push p
      set state = 'pending', last_error = push_failed.error, updated_at = now()
      where p.azi = push_failed.azi and p.id_pub = push_failed.id_pub and p.state = 'in_flight'
      returning p.azi, p.id_pub)
  insert into sincro.order_events (azi, id_pub, event, detail)
    select f.azi, f.id_pub, 'push_failed', push_failed.error from failed f
$$;

comment on function sincro.push_failed(text, bigint, text) is
  E'Worker, when the ERP could not be reached (unreachable, timeout, server error): the order goes back to pending with the error (also as event push_failed); a retry, the sweep or a partial sync pushes it later. SECURITY DEFINER: the worker cannot write order_push itself.';

-- who may use it
revoke all on function sincro.push_acquired(text,bigint,text,text) from public;
grant execute on function sincro.push_acquired(text,bigint,text,text) to sincro_worker, sincro_admin;
revoke all on function sincro.push_claim(text,bigint) from public;
grant execute on function sincro.push_claim(text,bigint) to sincro_worker, sincro_admin;
revoke all on function sincro.push_failed(text,bigint,text) from public;
grant execute on function sincro.push_failed(text,bigint,text) to sincro_worker, sincro_admin;
revoke all on function sincro.push_rejected(text,bigint,text) from public;
grant execute on function sincro.push_rejected(text,bigint,text) to sincro_worker, sincro_admin;

-- >>> sql/push/push_batch.sql
/*
 * Pushes in batches (docs/erp-api.md, "Order batches"): a push_order job
 * claims its own order and up to max_orders - 1 other new orders of the same
 * company, the worker sends them to the ERP in one request, and writes every
 * answer back in one transaction (push_answers).
 *
 * Which other orders a batch takes: pending ones whose doorbell has not rung
 * yet (the dispatcher has not enqueued their job), or whose own doorbell
 * (their push_order job) is still waiting, alive and not taken by a worker.
 * Such a job is removed as its order is claimed, so each order is claimed by one job; an order
 * whose job already runs is left to it, and an order with no live job (a
 * manual-mode order whose one attempt failed: it waits for a partial sync) is
 * never taken. If the batch's worker dies, the orders stay in flight with no
 * job, and the sweep (sweep_pushes: in flight longer than 5 minutes, no live
 * job) rings for each again; a re-push is harmless because the ERP creates
 * orders idempotently on their web ID.
 *
 * SECURITY DEFINER: the worker's role has no write rights on order_push or the
 * job queue; these functions are its way to change them.
 */
create or replace function sincro.push_claim_batch(azi text, id_pub bigint, max_orders integer)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_requests jsonb := '[]';
  v_request jsonb;
  v_other bigint;
  v_rung boolean;
begin
  if max_orders is null or max_orders < 1 or max_orders > 1000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('push_claim_batch: max_orders must be between 1 and 1000 (got %s)', coalesce(max_orders::text, 'null')),
      hint = 'SINCRO_PUSH_BATCH sets it; 1 pushes each order in its own request.';
  end if;
  -- the job's own order first, with push_claim's rules (an order in flight is claimed again: its pusher may be dead)
  v_request := sincro.push_claim(azi, id_pub);
  if v_request is not null then
    v_requests := pg_catalog.jsonb_build_array(v_request);
  end if;
  if max_orders = 1 then
    return v_requests;
  end if;
  for v_other, v_rung in
    select p.id_pub, p.doorbell_rung
    from sincro.order_push p
    where p.azi = azi and p.state = 'pending' and p.id_pub <> id_pub
      and (not p.doorbell_rung
           or exists (select 1 from graphile_worker.jobs j
                      where j.key = pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub)
                        and j.locked_at is null and j.attempts < j.max_attempts))
    order by p.id_pub
    limit max_orders - pg_catalog.jsonb_array_length(v_requests)
    for update of p skip locked
  loop
    -- its doorbell is answered by this batch (a job a worker locked meanwhile keeps running: it finds the order in flight and pushes it again, harmlessly);
    -- an order the dispatcher has not rung for yet has no job: the claim marks it rung
    if v_rung then
      perform graphile_worker.remove_job(pg_catalog.format('push_order:%s:%s', azi, v_other));
    end if;
    v_request := sincro.push_claim(azi, v_other);
    if v_request is not null then
      v_requests := v_requests || pg_catalog.jsonb_build_array(v_request);
    end if;
  end loop;
  return v_requests;
end;
$$;

comment on function sincro.push_claim_batch(text, bigint, integer) is
  E'Worker, before one batch request to the ERP: claims the job''s own order (as push_claim) and up to max_orders - 1 other pending orders of the company not rung yet or whose push_order job is waiting (the job is removed: this batch answers it); returns the ERP requests as a JSON array, empty when there is nothing to push. SY101 for max_orders outside 1..1000. SECURITY DEFINER: the worker cannot write order_push or the job queue itself.';

create or replace function sincro.push_answers(azi text, answers jsonb)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_answer jsonb;
  v_position integer := 0;
  v_web_id bigint;
  v_outcome text;
begin
  if answers is null or pg_catalog.jsonb_typeof(answers) <> 'array' then
    raise exception using errcode = 'SY101', message = 'push_answers: answers must be a JSON array',
      hint = 'One object per order: {"web_id", "outcome": "acquired"|"rejected"|"failed", "tor_chia", "cliente_cod", "message"}.';
  end if;
  -- check them all before writing any: a bad answer leaves nothing half-written
  for v_answer in select a from pg_catalog.jsonb_array_elements(answers) a loop
    v_position := v_position + 1;
    if pg_catalog.jsonb_typeof(v_answer) <> 'object' or pg_catalog.jsonb_typeof(v_answer -> 'web_id') <> 'number' then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s: web_id must be a number', v_position);
    end if;
    v_outcome := v_answer ->> 'outcome';
    if v_outcome is null or v_outcome not in ('acquired', 'rejected', 'failed') then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s (web_id %s): outcome must be acquired, rejected or failed (got %s)', v_position, v_answer -> 'web_id', coalesce(v_answer ->> 'outcome', 'null'));
    end if;
    if v_outcome = 'acquired' and coalesce(v_answer ->> 'tor_chia', '') = '' then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s (web_id %s): an acquired order needs tor_chia', v_position, v_answer -> 'web_id');
    end if;
  end loop;
  -- then apply them, in web_id order (the same lock order in every batch)
  for v_answer in
    select a from pg_catalog.jsonb_array_elements(answers) a order by (a ->> 'web_id')::bigint
  loop
    v_web_id := (v_answer ->> 'web_id')::bigint;
    case v_answer ->> 'outcome'
      when 'acquired' then
        perform sincro.push_acquired(azi, v_web_id, v_answer ->> 'tor_chia', v_answer ->> 'cliente_cod');
      when 'rejected' then
        perform sincro.push_rejected(azi, v_web_id, coalesce(v_answer ->> 'message', 'rejected by the ERP'));
      else
        perform sincro.push_failed(azi, v_web_id, coalesce(v_answer ->> 'message', 'no answer from the ERP'));
    end case;
  end loop;
end;
$$;

comment on function sincro.push_answers(text, jsonb) is
  E'Worker, after one batch request to the ERP: writes every order''s answer back in one transaction — acquired (push_acquired: key, customer code, ack), rejected (push_rejected: the ERP''s message) or failed (push_failed: pending again). All answers are checked before any is written (SY101 names the bad one). SECURITY DEFINER: the worker cannot write order_push itself.';

-- who may use it
revoke all on function sincro.push_claim_batch(text,bigint,integer) from public;
grant execute on function sincro.push_claim_batch(text,bigint,integer) to sincro_worker, sincro_admin;
revoke all on function sincro.push_answers(text,jsonb) from public;
grant execute on function sincro.push_answers(text,jsonb) to sincro_worker, sincro_admin;

-- >>> sql/push/sweep_pushes.sql
/*
 * The doorbell can be lost: a job that failed for good, a worker killed while
 * holding a job (graphile-worker frees such a job only after 4 hours). The
 * sweep rings again for every order of an auto-mode company that is pending
 * without a live job, or in flight for longer than stale_after (a new order
 * whose doorbell has not rung is the dispatcher's, for stale_after). Run by the
 * worker's crontab every minute; a re-push is harmless because the ERP creates
 * orders idempotently on their web ID.
 *
 * SECURITY DEFINER: reads the job queue and enqueues, which the worker's SQL
 * role may not do directly for another task.
 */
create or replace function sincro.sweep_pushes(stale_after interval default interval '5 minutes')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_order record;
  v_count integer := 0;
begin
  for v_order in
    select p.azi, p.id_pub
    from sincro.order_push p
    join sincro_private.company c on c.azi = p.azi
    where c.push_mode = 'auto'
      and (p.state = 'pending' or (p.state = 'in_flight' and p.last_attempt_at < now() - stale_after))
      -- a new order waits for the dispatcher (sincro.push_take), unless that has not come for stale_after
      and (p.doorbell_rung or p.created_at < now() - stale_after)
      and not exists (
        select 1 from graphile_worker.jobs j
        where j.key = pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub)
          and j.attempts < j.max_attempts
          and (j.locked_at is null or j.locked_at > now() - stale_after))
    order by p.azi, p.id_pub
  loop
    perform sincro_private.enqueue_push_order(v_order.azi, v_order.id_pub);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

comment on function sincro.sweep_pushes(interval) is
  E'Re-enqueues push_order for every auto-mode order that is pending without a live job, or in flight longer than stale_after; returns how many. SECURITY DEFINER: reads and writes the job queue.';

-- who may use it
revoke all on function sincro.sweep_pushes(interval) from public;
grant execute on function sincro.sweep_pushes(interval) to sincro_worker, sincro_admin;

-- >>> sql/push/partial_sync.sql
create or replace function sincro.partial_sync_finish(
  azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text default null)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro.sync_runs r
    set state = case when partial_sync_finish.error is null then 'succeeded' else 'failed' end,
        finished_at = now(),
        -- done when it succeeded; a failed run keeps the phase it failed in
        phase = case when partial_sync_finish.error is null then 'done' else r.phase end,
        phase_item = case when partial_sync_finish.error is null then null else r.phase_item end,
        phase_step = case when partial_sync_finish.error is null then null else r.phase_step end,
        phase_steps = case when partial_sync_finish.error is null then null else r.phase_steps end,
        orders_pushed = partial_sync_finish.orders_pushed,
        orders_rejected = partial_sync_finish.orders_rejected,
        orders_failed = partial_sync_finish.orders_failed,
        error = partial_sync_finish.error
    where r.azi = partial_sync_finish.azi and r.run_id = partial_sync_finish.run_id and r.state = 'running'
$$;

comment on function sincro.partial_sync_finish(text, bigint, integer, integer, integer, text) is
  E'Ends a partial sync run with its counts; failed when error is given, else succeeded. SECURITY DEFINER: the only writer of sync_runs with the other sync_run_* functions.';

/*
 * Rule 2 of the protocol: a partial sync pushes every pending order (and the
 * new customers they carry) now, pulls nothing and uses no quota. In SQL it
 * opens the run and rings the worker; `npx sincro sync partial` does the same
 * work in its own process and waits for it.
 */
create or replace function sincro.partial_sync(azi text)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_run_id bigint;
begin
  -- a console operator starts its own company's runs only (admins any): another company is unknown
  if not sincro_private.may_see_company(azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', azi);
  end if;
  v_run_id := sincro.sync_run_begin(azi, 'partial');
  -- the run belongs to the job now, not to this session: alive while the job can run (sync_run_begin)
  update sincro.sync_runs r set backend_pid = null, phase = 'queued' where r.azi = partial_sync.azi and r.run_id = v_run_id;
  perform graphile_worker.add_job(
    identifier := 'partial_sync',
    payload := pg_catalog.json_build_object('azi', azi, 'run_id', v_run_id),
    job_key := sincro_private.sync_run_job_key(azi, v_run_id),
    max_attempts := 1);
  return v_run_id;
end;
$$;

comment on function sincro.partial_sync(text) is
  E'Starts a partial sync of a company: the worker pushes every pending order (with its new customer) to the ERP; nothing is pulled, no quota is used. Returns the run_id (see sincro.sync_runs). An operator login starts its own company''s only (SY100 for another). SECURITY DEFINER: enqueues the job.';

create or replace function sincro.pushable_orders(azi text)
returns setof bigint
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select p.id_pub from sincro.order_push p
  where p.azi = pushable_orders.azi and p.state in ('pending', 'in_flight')
  order by p.id_pub
$$;

comment on function sincro.pushable_orders(text) is
  E'Public IDs of the orders a partial sync pushes: pending or in flight, oldest first (rejected orders are not retried). SECURITY DEFINER: reads order_push for the worker.';

create or replace function sincro_private.sync_run_job_key(azi text, run_id bigint)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select 'partial_sync/' || azi || '/' || run_id
$$;

comment on function sincro_private.sync_run_job_key(text, bigint) is
  E'The graphile-worker job key of a sync run queued for the worker (a partial sync, or a sync the console requested): how sync_run_begin tells a queued run from an abandoned one.';

/*
 * Whoever works on a partial run (the CLI's session, or the worker that took
 * the queued job) reports after each order: the counts so far, and that its
 * session is alive. A run closed as abandoned meanwhile answers SY123, so the
 * late worker stops instead of pushing for a run nobody follows.
 */
create or replace function sincro.partial_sync_progress(
  azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro.sync_runs r
    set orders_pushed = partial_sync_progress.orders_pushed, orders_rejected = partial_sync_progress.orders_rejected,
        orders_failed = partial_sync_progress.orders_failed, progress_at = pg_catalog.now(),
        backend_pid = pg_catalog.pg_backend_pid(),
        phase = case when r.phase = 'queued' then 'starting' else r.phase end  -- taken over by the worker
    where r.azi = partial_sync_progress.azi and r.run_id = partial_sync_progress.run_id and r.kind = 'partial'
      and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a running partial sync', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;

comment on function sincro.partial_sync_progress(text, bigint, integer, integer, integer) is
  E'A partial run''s counts so far, and that the session working on it is alive (it takes over a run queued for the worker). SY123 if the run is not running. SECURITY DEFINER: writes sync_runs.';

-- who may use it
revoke all on function sincro.partial_sync(text) from public;
grant execute on function sincro.partial_sync(text) to sincro_admin, sincro_operator;
revoke all on function sincro.pushable_orders(text) from public;
grant execute on function sincro.pushable_orders(text) to sincro_worker, sincro_admin;
revoke all on function sincro.partial_sync_finish(text,bigint,integer,integer,integer,text) from public;
grant execute on function sincro.partial_sync_finish(text,bigint,integer,integer,integer,text) to sincro_worker, sincro_admin;
revoke all on function sincro_private.sync_run_job_key(text, bigint) from public;
revoke all on function sincro.partial_sync_progress(text, bigint, integer, integer, integer) from public;
grant execute on function sincro.partial_sync_progress(text, bigint, integer, integer, integer) to sincro_worker, sincro_admin;

-- >>> sql/push/push_problems.sql
/*
 * What an operator must look at: orders the ERP rejected (with its message,
 * never retried automatically) and orders that keep failing to reach it.
 */
create or replace view sincro.push_problems with (security_invoker = true) as
  select p.azi, p.id_pub, a.prov_tipo, a.prov_id, a.id_int, p.state, p.attempts, p.last_attempt_at,
         p.last_error, p.erp_message, p.created_at
  from sincro.order_push p
  join sincro.arportes a on a.azi = p.azi and a.id_pub = p.id_pub
  where p.state = 'rejected' or (p.state in ('pending', 'in_flight') and p.attempts >= 3);

comment on view sincro.push_problems is
  E'Orders rejected by the ERP (erp_message) or failing to reach it after 3 or more attempts (last_error).';
comment on column sincro.push_problems.azi is E'Company code.';
comment on column sincro.push_problems.id_pub is E'The order.';
comment on column sincro.push_problems.prov_tipo is E'Who created it: S store, A app.';
comment on column sincro.push_problems.prov_id is E'Device of an app order.';
comment on column sincro.push_problems.id_int is E'The creator''s own order ID.';
comment on column sincro.push_problems.state is E'rejected, or pending / in_flight after repeated failures.';
comment on column sincro.push_problems.attempts is E'Pushes started so far.';
comment on column sincro.push_problems.last_attempt_at is E'When the last push started.';
comment on column sincro.push_problems.last_error is E'Why the last push failed to reach the ERP.';
comment on column sincro.push_problems.erp_message is E'The ERP''s reason for rejecting the order.';
comment on column sincro.push_problems.created_at is E'When the order was queued for the ERP.';

-- who may use it
grant select on sincro.push_problems to sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/push/order_push.access.sql
/*
 * Push state: readable with its order; changed only by the push_* functions.
 */
create policy visible_order on sincro.order_push for select
  using (exists (select 1 from sincro.arportes a where a.azi = order_push.azi and a.id_pub = order_push.id_pub));

-- who may use it
grant select on sincro.order_push to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/erp_orders/replace_order_lines.sql
/*
 * Makes the lines of one order equal to the ERP's list: lines not in the list
 * are deleted, new ones inserted, changed ones updated; unchanged lines are not
 * touched. Returns whether anything changed. Lines without `riga` are numbered
 * by their position in the list. At most the company's max_lines_per_order
 * lines (SY140); each field one value, not a JSON object or list (SY201).
 */
create or replace function sincro_private.replace_order_lines(azi text, id_pub bigint, lines jsonb)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  c_line_keys constant text[] := array[
    'riga', 'articolo', 'descrizione', 'quantita', 'unita_misura', 'prezzo', 'sconto',
    'iva', 'data_consegna', 'note'];
  v_azi constant text := replace_order_lines.azi;
  v_id_pub constant bigint := replace_order_lines.id_pub;
  v_line jsonb;
  v_position integer := 0;
  v_key text;
  v_rows sincro.arporrig[] := '{}';
  v_row sincro.arporrig;
  v_deleted integer;
  v_written integer;
  v_max_lines integer;
begin
  -- validate
  if lines is null or pg_catalog.jsonb_typeof(lines) <> 'array' or pg_catalog.jsonb_array_length(lines) = 0 then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: "lines" must be a non-empty array of line objects',
      hint = 'Send every line of the order: the list replaces the lines the hub holds.';
  end if;
  select c.max_lines_per_order into v_max_lines from sincro_private.company c where c.azi = v_azi;
  if pg_catalog.jsonb_array_length(lines) > v_max_lines then
    perform sincro_private.raise_too_large('erp_write_order', 'the number of lines', pg_catalog.jsonb_array_length(lines),
                                           v_azi, 'max_lines_per_order', v_max_lines);
  end if;
  for v_line in select * from pg_catalog.jsonb_array_elements(lines) loop
    v_position := v_position + 1;
    if pg_catalog.jsonb_typeof(v_line) <> 'object' then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: lines[%s] must be an object', v_position);
    end if;
    for v_key in select k from pg_catalog.jsonb_object_keys(v_line) k loop
      if not v_key = any (c_line_keys) then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('erp_write_order: lines[%s] has unknown field "%s"', v_position, v_key),
          hint = pg_catalog.format('Line fields: %s.', pg_catalog.array_to_string(c_line_keys, ', '));
      elsif pg_catalog.jsonb_typeof(v_line -> v_key) in ('object', 'array') then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('erp_write_order: lines[%s] field "%s" must be a string, a number or null (got a JSON %s)',
                                      v_position, v_key, pg_catalog.jsonb_typeof(v_line -> v_key));
      end if;
    end loop;
    begin
      v_row := pg_catalog.jsonb_populate_record(null::sincro.arporrig, v_line);
    exception when data_exception then
      perform sincro_private.raise_bad_field(pg_catalog.format('erp_write_order: lines[%s]', v_position), v_line, null::sincro.arporrig);
    end;
    v_row.azi := v_azi;
    v_row.id_pub := v_id_pub;
    v_row.riga := coalesce(v_row.riga, v_position);
    v_row.prezzo := coalesce(v_row.prezzo, 0);
    v_row.sconto := coalesce(v_row.sconto, 0);
    v_rows := v_rows || v_row;
  end loop;
  if (select count(distinct r.riga) from pg_catalog.unnest(v_rows) r) <> pg_catalog.cardinality(v_rows) then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: two lines have the same "riga"',
      hint = 'Give each line its own riga, or omit riga on all lines to number them by position.';
  end if;

  -- apply
  delete from sincro.arporrig r
    where r.azi = v_azi and r.id_pub = v_id_pub
      and r.riga <> all (select n.riga from pg_catalog.unnest(v_rows) n);
  get diagnostics v_deleted = row_count;

  insert into sincro.arporrig as r
    (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  select n.azi, n.id_pub, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto,
         n.iva, n.data_consegna, n.note
  from pg_catalog.unnest(v_rows) n
  order by n.riga
  on conflict (azi, id_pub, riga) do update
    set articolo = excluded.articolo, descrizione = excluded.descrizione, quantita = excluded.quantita,
        unita_misura = excluded.unita_misura, prezzo = excluded.prezzo, sconto = excluded.sconto,
        iva = excluded.iva, data_consegna = excluded.data_consegna, note = excluded.note,
        updated_at = now()
    where (r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva, r.data_consegna, r.note)
      is distinct from
      (excluded.articolo, excluded.descrizione, excluded.quantita, excluded.unita_misura, excluded.prezzo,
       excluded.sconto, excluded.iva, excluded.data_consegna, excluded.note);
  get diagnostics v_written = row_count;

  return v_deleted + v_written > 0;
end;
$$;

comment on function sincro_private.replace_order_lines(text, bigint, jsonb) is
  E'Makes the lines of an order equal to the ERP''s JSON list (delete, insert, update only what differs); returns whether anything changed.';

-- who may use it
revoke all on function sincro_private.replace_order_lines(text,bigint,jsonb) from public;

-- >>> sql/erp_orders/erp_write_order.sql
/*
 * The one entry point for ERP-side writes to orders, used by the ERP's own
 * login, by the push (the ERP's answer to an order sent) and by a sync for
 * changes. It reads as its steps, each a function of its own:
 *   erp_order_fields  — who may write, and doc checked field by field;
 *   erp_locate_order  — which order doc is about (locked), if any;
 *   then one of two writes:
 *   erp_export_order  — an order made in the ERP: a new public ID;
 *   erp_update_order  — the ERP acquired or changed a known order.
 * A call that changes nothing leaves id_sincro alone; one that changes
 * something sets it NULL, and the deferred trigger gives the row its change
 * number at commit (taking the counter lock last).
 *
 * SECURITY DEFINER: the ERP's role writes through this function only; inside
 * it the triggers trust the acting party 'G'. The step functions are not
 * definers, and nobody but the owner may call them.
 *
 * Exporting a new ERP-made order takes the company's public-ID counter until
 * commit (public IDs are gap-free and returned at once, so nothing else is
 * possible). An ERP transaction that both changes orders and exports new ones
 * should export the new ones first: otherwise it can deadlock with a store
 * insert or another export (PostgreSQL detects it, 40P01, and the ERP retries).
 */
create or replace function sincro_private.erp_order_fields(azi text, doc jsonb)
returns sincro.arportes
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
  c_header_keys constant text[] := array[
    'id_pub', 'tor_chia', 'conferma', 'autore_tipo', 'autore_cod', 'data_ordine', 'cliente_cod', 'cod_agente',
    'dest_ragione_sociale', 'dest_indirizzo', 'dest_cap', 'dest_citta', 'dest_provincia', 'dest_nazione',
    'cod_pagamento', 'note', 'valuta', 'totale_imponibile', 'totale_iva', 'totale_documento', 'lines'];
  c_hub_keys constant text[] := array[
    'azi', 'ack_store', 'ack_gest', 'ack_app', 'prov_tipo', 'prov_id', 'id_int', 'id_sincro',
    'new_customer_id', 'created_xact', 'created_at', 'updated_at'];
  v_azi constant text := erp_order_fields.azi;
  v_key text;
  v_fields sincro.arportes;
  v_company sincro_private.company;
  v_login sincro_private.login := sincro_private.session_login();
begin
  -- an ERP login writes its own company only
  if v_login.login is not null and (v_login.kind <> 'erp' or v_login.azi is distinct from v_azi) then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('erp_write_order: login %s (%s of company %s) cannot write orders of company %s',
                                  v_login.login, v_login.kind, v_login.azi, v_azi);
  end if;

  -- company and document shape
  select * into v_company from sincro_private.company c where c.azi = v_azi;
  if not found then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('erp_write_order: unknown company (azi = %s)', sincro_private.shown(v_azi)),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if doc is null or pg_catalog.jsonb_typeof(doc) <> 'object' then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: doc must be a JSON object',
      hint = 'Keys are arportes column names plus "lines", e.g. {"id_pub": 1, "tor_chia": "C201700001230"}.';
  end if;
  if pg_catalog.pg_column_size(doc) > v_company.max_document_bytes then
    perform sincro_private.raise_too_large('erp_write_order', 'the document (bytes)', pg_catalog.pg_column_size(doc),
                                           v_azi, 'max_document_bytes', v_company.max_document_bytes);
  end if;
  for v_key in select k from pg_catalog.jsonb_object_keys(doc) k order by k loop
    if v_key <> 'lines' and pg_catalog.jsonb_typeof(doc -> v_key) in ('object', 'array') then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: field "%s" must be a string, a number or null (got a JSON %s)',
                                    v_key, pg_catalog.jsonb_typeof(doc -> v_key)),
        hint = 'Only "lines" holds a list; every other field is one value.';
    elsif v_key <> 'lines' and pg_catalog.length(doc ->> v_key) > v_company.max_text_length then
      perform sincro_private.raise_too_large('erp_write_order', pg_catalog.format('field %s (characters)', v_key),
                                             pg_catalog.length(doc ->> v_key), v_azi, 'max_text_length', v_company.max_text_length);
    end if;
    if v_key = any (c_hub_keys) then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('erp_write_order: field "%s" is set by the hub, not by the ERP', v_key),
        hint = 'Remove it from doc; the hub sets acks, provenance and change numbers itself.';
    elsif not v_key = any (c_header_keys) then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: unknown field "%s"', v_key),
        hint = pg_catalog.format('Fields: %s.', pg_catalog.array_to_string(c_header_keys, ', '));
    end if;
  end loop;

  -- field types
  begin
    v_fields := pg_catalog.jsonb_populate_record(null::sincro.arportes, doc - 'lines');
  exception when data_exception then
    perform sincro_private.raise_bad_field('erp_write_order', doc - 'lines', null::sincro.arportes);
  end;
  if v_fields.totale_imponibile = 'NaN' or v_fields.totale_iva = 'NaN' or v_fields.totale_documento = 'NaN'
     or not pg_catalog.isfinite(v_fields.data_ordine) then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('erp_write_order: field "%s" must be %s',
                                  case when v_fields.totale_imponibile = 'NaN' then 'totale_imponibile' when v_fields.totale_iva = 'NaN' then 'totale_iva'
                                       when v_fields.totale_documento = 'NaN' then 'totale_documento' else 'data_ordine' end,
                                  case when pg_catalog.isfinite(v_fields.data_ordine) is not false then 'a number (got NaN)' else 'a date (got infinity)' end);
  end if;
  if doc ? 'id_pub' and (pg_catalog.jsonb_typeof(doc -> 'id_pub') <> 'number' or v_fields.id_pub < 1) then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('erp_write_order: field "id_pub" must be a positive integer (got %s)', doc -> 'id_pub');
  end if;
  if doc ? 'tor_chia' and (pg_catalog.jsonb_typeof(doc -> 'tor_chia') <> 'string' or pg_catalog.btrim(v_fields.tor_chia) = '') then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('erp_write_order: field "tor_chia" must be a non-empty string (got %s)', doc -> 'tor_chia'),
      hint = 'tor_chia is the ERP''s order key, e.g. "C201700001230".';
  end if;
  if v_fields.id_pub is null and v_fields.tor_chia is null then
    raise exception using
      errcode = 'SY203',
      message = 'erp_write_order: doc needs "id_pub" (an order the hub sent) or "tor_chia" (an order made in the ERP)',
      hint = 'With id_pub the ERP answers for a store/app order; with an unknown tor_chia it exports a new order.';
  end if;
  return v_fields;
end;
$$;

comment on function sincro_private.erp_order_fields(text, jsonb) is
  E'Step 1 of erp_write_order: refuses a login writing another company (SY111), an unknown company (SY100), a doc that is not an object, larger than the company allows (SY140), hub-owned (SY103) or unknown fields, fields that are not single values, too long (SY140), do not fit, are NaN or infinity (SY201, naming the field), a doc with neither id_pub nor tor_chia (SY203); returns doc''s header as an arportes row.';

create or replace function sincro_private.erp_locate_order(azi text, fields sincro.arportes)
returns sincro.arportes
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_azi constant text := erp_locate_order.azi;
  v_order sincro.arportes;
  v_owner bigint;
begin
  if fields.id_pub is not null then
    -- an order the hub sent: it must exist, and the ERP key may not belong to another one
    select * into v_order from sincro.arportes a where a.azi = v_azi and a.id_pub = fields.id_pub for update;
    if not found then
      raise exception using
        errcode = 'SY200',
        message = pg_catalog.format('erp_write_order: company %s has no order with id_pub %s', v_azi, fields.id_pub),
        hint = 'To export an order made in the ERP, omit id_pub and send its tor_chia.';
    end if;
    if fields.tor_chia is not null then
      select a.id_pub into v_owner from sincro.arportes a
        where a.azi = v_azi and a.tor_chia = fields.tor_chia and a.id_pub <> fields.id_pub;
      if found then
        raise exception using
          errcode = 'SY202',
          message = pg_catalog.format('erp_write_order: tor_chia %s already belongs to order %s, not %s', fields.tor_chia, v_owner, fields.id_pub);
      end if;
    end if;
  else
    -- by the ERP's key
    select * into v_order from sincro.arportes a where a.azi = v_azi and a.tor_chia = fields.tor_chia for update;
    if not found then
      -- a new export: it takes the company's public-ID counter (the insert would anyway). The same export
      -- sent twice at once: the second waits here for the first to commit, then finds its order (a new
      -- statement sees it) instead of a key clash. A row lock, not an advisory one: any session can
      -- compute an advisory key and hold it; no client can lock this row.
      perform 1 from sincro_private.id_pub_counter c where c.azi = v_azi for no key update;
      select * into v_order from sincro.arportes a where a.azi = v_azi and a.tor_chia = fields.tor_chia for update;
    end if;
  end if;
  if v_order.id_pub is not null and fields.tor_chia is not null and v_order.tor_chia is not null
     and v_order.tor_chia <> fields.tor_chia then
    raise exception using
      errcode = 'SY202',
      message = pg_catalog.format('erp_write_order: order %s already has tor_chia %s; the ERP key of an order does not change (got %s)',
                                  v_order.id_pub, v_order.tor_chia, fields.tor_chia);
  end if;
  return v_order;  -- all null: no such order yet (an export)
end;
$$;

comment on function sincro_private.erp_locate_order(text, sincro.arportes) is
  E'Step 2 of erp_write_order: the order doc is about, locked (by id_pub, else by tor_chia); a row of nulls when tor_chia is new. Refuses an unknown id_pub (SY200) and an ERP key that belongs to another order or would change (SY202).';

create or replace function sincro_private.erp_export_order(azi text, fields sincro.arportes, lines jsonb)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_id_pub bigint;
begin
  if lines is null then
    raise exception using
      errcode = 'SY102',
      message = 'erp_write_order: field "lines" is required for an order made in the ERP',
      hint = 'Send the order''s lines as an array of objects.';
  end if;
  if fields.autore_tipo is null or fields.autore_cod is null then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('erp_write_order: field "%s" is required for an order made in the ERP',
                                  case when fields.autore_tipo is null then 'autore_tipo' else 'autore_cod' end),
      hint = 'An ERP operator is autore_tipo "O" with the operator''s code in autore_cod.';
  end if;
  -- a new public ID, never a lookup (the insert trigger takes it from the company's counter)
  insert into sincro.arportes (
    azi, prov_tipo, tor_chia, conferma, autore_tipo, autore_cod, data_ordine, cliente_cod, cod_agente,
    dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
    cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  values (
    azi, 'G', fields.tor_chia, fields.conferma, fields.autore_tipo, fields.autore_cod,
    fields.data_ordine, fields.cliente_cod, fields.cod_agente, fields.dest_ragione_sociale, fields.dest_indirizzo,
    fields.dest_cap, fields.dest_citta, fields.dest_provincia, fields.dest_nazione,
    fields.cod_pagamento, fields.note, coalesce(fields.valuta, 'EUR'), fields.totale_imponibile,
    fields.totale_iva, fields.totale_documento)
  returning id_pub into v_id_pub;
  perform sincro_private.replace_order_lines(azi, v_id_pub, lines);
  return v_id_pub;
end;
$$;

comment on function sincro_private.erp_export_order(text, sincro.arportes, jsonb) is
  E'Step 3a of erp_write_order: an order made in the ERP (prov_tipo G) with its lines and a new public ID; needs lines, autore_tipo and autore_cod (SY102). Returns the id_pub.';

create or replace function sincro_private.erp_update_order(old sincro.arportes, doc jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_new sincro.arportes := pg_catalog.jsonb_populate_record(old, doc - 'lines' - 'id_pub');
  v_lines_changed boolean := false;
begin
  if doc ? 'lines' then
    v_lines_changed := sincro_private.replace_order_lines(old.azi, old.id_pub, doc -> 'lines');
  end if;
  if v_lines_changed or v_new is distinct from old then
    update sincro.arportes a
      set tor_chia = v_new.tor_chia, conferma = v_new.conferma, autore_tipo = v_new.autore_tipo,
          autore_cod = v_new.autore_cod, data_ordine = v_new.data_ordine, cliente_cod = v_new.cliente_cod,
          cod_agente = v_new.cod_agente,
          dest_ragione_sociale = v_new.dest_ragione_sociale, dest_indirizzo = v_new.dest_indirizzo,
          dest_cap = v_new.dest_cap, dest_citta = v_new.dest_citta, dest_provincia = v_new.dest_provincia,
          dest_nazione = v_new.dest_nazione, cod_pagamento = v_new.cod_pagamento, note = v_new.note,
          valuta = v_new.valuta, totale_imponibile = v_new.totale_imponibile, totale_iva = v_new.totale_iva,
          totale_documento = v_new.totale_documento,
          ack_gest = 1,
          id_sincro = null  -- bump: the change number is given at commit
      where a.azi = old.azi and a.id_pub = old.id_pub;
    -- the ERP's code for the order's new customer goes to the customer too
    if v_new.new_customer_id is not null and v_new.cliente_cod is not null then
      update sincro.new_customers c
        set cod_cli = v_new.cliente_cod, updated_at = pg_catalog.now()
        where c.azi = old.azi and c.customer_id = v_new.new_customer_id
          and c.cod_cli is distinct from v_new.cliente_cod;
    end if;
  elsif old.ack_gest = 0 then
    -- an acquisition that changes no data is an ack: no change number
    update sincro.arportes a set ack_gest = 1 where a.azi = old.azi and a.id_pub = old.id_pub;
  end if;
end;
$$;

comment on function sincro_private.erp_update_order(sincro.arportes, jsonb) is
  E'Step 3b of erp_write_order: the ERP acquired or changed a known order: sets what doc carries (lines replaced when sent), ack_gest = 1, a new change number at commit only when data changed; the order''s new customer gets the ERP''s customer code.';

create or replace function sincro.erp_write_order(azi text, doc jsonb)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_fields sincro.arportes;
  v_order sincro.arportes;
  v_previous_party text;
  v_id_pub bigint;
begin
  v_fields := sincro_private.erp_order_fields(azi, doc);
  v_order := sincro_private.erp_locate_order(azi, v_fields);
  v_previous_party := sincro_private.set_party('G');
  if v_order.id_pub is null then
    v_id_pub := sincro_private.erp_export_order(azi, v_fields, doc -> 'lines');
  else
    perform sincro_private.erp_update_order(v_order, doc);
    v_id_pub := v_order.id_pub;
  end if;
  perform sincro_private.restore_party(v_previous_party);
  return v_id_pub;
end;
$$;

comment on function sincro.erp_write_order(text, jsonb) is
  E'The ERP''s one entry point for orders. doc keys are arportes column names plus "lines" (the full list of lines). With id_pub: the ERP acquired or changed that order (ack_gest = 1; sets what doc carries). Without id_pub and an unknown tor_chia: a new order made in the ERP (prov_tipo G, a new id_pub). Without id_pub and a known tor_chia: changes that order. A call that changes data bumps id_sincro at commit; one that changes nothing bumps nothing. Returns id_pub.';

-- who may use it
revoke all on function sincro_private.erp_order_fields(text, jsonb) from public;
revoke all on function sincro_private.erp_locate_order(text, sincro.arportes) from public;
revoke all on function sincro_private.erp_export_order(text, sincro.arportes, jsonb) from public;
revoke all on function sincro_private.erp_update_order(sincro.arportes, jsonb) from public;
revoke all on function sincro.erp_write_order(text,jsonb) from public;
grant execute on function sincro.erp_write_order(text,jsonb) to sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/erp_sync/sync_runs.sql
/*
 * Sync runs: begin refuses a second run of the same kind for a company while
 * one is running. A run a crash or an interrupt left "running" never blocks
 * the next one for long: begin first closes as failed every run whose session
 * is gone (the run notes the session that works on it, at begin and at each
 * progress) or that made no progress for 10 minutes; a partial run queued for
 * the worker counts as alive while its job waits or runs.
 *
 * SECURITY DEFINER: parties cannot write sync_runs; these are the only paths.
 */
create or replace function sincro.sync_run_begin(azi text, kind text)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_run_begin.azi;
  v_with_erp constant boolean := kind is distinct from 'partial';
  v_company sincro_private.company;
  v_period_start date;
  v_run_id bigint;
  v_running sincro.sync_runs;
begin
  -- validate
  if kind is null or kind not in ('partial', 'changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync: kind must be partial, changes or rebuild (got %s)', sincro_private.shown(kind));
  end if;

  -- one partial sync, and one sync with the ERP (changes or rebuild), per company at a time: two begins of a
  -- company queue on its row, which no client can lock (an advisory lock's key any session can compute and
  -- hold, stopping another company's syncs). NO KEY UPDATE does not wait for the key-share locks that
  -- client inserts hold on the row through their foreign key.
  perform 1 from sincro_private.company c where c.azi = v_azi for no key update;
  if not found then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %s)', sincro_private.shown(v_azi));
  end if;

  -- a crashed run does not block the company: closed when its session is gone or it has made no progress for long
  update sincro.sync_runs r
    set state = 'failed', finished_at = pg_catalog.now(),
        error = case when r.progress_at < pg_catalog.now() - sincro_private.sync_run_stale_after(r.kind)
                       then pg_catalog.format('abandoned: no progress since %s', r.progress_at)
                     when r.backend_pid is null then 'abandoned: its worker job is gone'
                     else 'abandoned: the session that ran it is gone' end
    where r.azi = v_azi and (r.kind <> 'partial') = v_with_erp and r.state = 'running'
      and (r.progress_at < pg_catalog.now() - sincro_private.sync_run_stale_after(r.kind)
           or (r.backend_pid is not null and r.backend_pid <> pg_catalog.pg_backend_pid()
               and not exists (select 1 from pg_catalog.pg_stat_activity a where a.pid = r.backend_pid))
           or (r.backend_pid is null and not exists (
                 -- queued by sincro.partial_sync and not yet taken by a worker: alive while its job can still run
                 select 1 from graphile_worker.jobs j
                 where j.key = sincro_private.sync_run_job_key(r.azi, r.run_id)
                   and (j.locked_at is not null or j.attempts < j.max_attempts))));
  if kind = 'rebuild' then
    -- keys left by a rebuild that crashed (a failed or finished rebuild removes its own)
    delete from sincro_private.rebuild_seen s
      where s.azi = v_azi
        and s.run_id in (select r.run_id from sincro.sync_runs r where r.azi = v_azi and r.state <> 'running');
  end if;

  select * into v_running from sincro.sync_runs r
    where r.azi = v_azi and (r.kind <> 'partial') = v_with_erp and r.state = 'running';
  if found then
    raise exception using
      errcode = 'SY120',
      message = pg_catalog.format('sync: company %s already has a %s sync running (run %s, started %s); a second one is refused',
                                  v_azi, v_running.kind, v_running.run_id, v_running.started_at),
      hint = 'Wait for it to finish (see sincro.sync_runs). A run whose process died is closed by the next attempt at once.';
  end if;

  -- the contract: a sync with the ERP needs a unit of quota left in the current period
  if v_with_erp then
    v_period_start := sincro_private.roll_sync_period(v_azi);
    select * into v_company from sincro_private.company c where c.azi = v_azi;
    if v_company.sync_used >= v_company.sync_quota then
      raise exception using
        errcode = 'SY121',
        message = pg_catalog.format('sync: company %s has used %s of its %s syncs for the period %s to %s; the %s sync was not started',
                                    v_azi, v_company.sync_used, v_company.sync_quota, v_period_start,
                                    (v_period_start + v_company.sync_period)::date - 1, kind),
        hint = pg_catalog.format('The next period starts on %s. An administrator can raise the contract: npx sincro quota --azi %s --set <n>.',
                                 (v_period_start + v_company.sync_period)::date, v_azi);
    end if;
  end if;

  insert into sincro.sync_runs (azi, kind, uses_quota, backend_pid, erp_cursor_from, id_sincro_at_start)
    values (v_azi, kind, v_with_erp,
            pg_catalog.pg_backend_pid(),
            case when v_with_erp then (select c.erp_cursor from sincro_private.company c where c.azi = v_azi) end,
            case when kind = 'rebuild' then (select s.last_value from sincro_private.id_sincro_counter s where s.azi = v_azi) end)
    returning run_id into v_run_id;
  return v_run_id;
end;
$$;

comment on function sincro.sync_run_begin(text, text) is
  E'Starts a sync run (partial, changes, rebuild) for a company and returns its run_id. SY120 if one is running (changes and rebuild exclude each other); SY121 if a changes/rebuild run finds the quota used up. A refusal writes nothing. The session that begins a run works on it (or hands a partial run to the worker, see partial_sync); when that session is gone, the next begin closes the run as failed. SECURITY DEFINER: the only writer of sync_runs with the other sync_run_* functions.';

create or replace function sincro_private.sync_run_stale_after(kind text)
returns interval
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  -- every kind notes progress at least once per batch or order, each far shorter than this
  select interval '10 minutes'
$$;

comment on function sincro_private.sync_run_stale_after(text) is
  E'How long a running sync may go without progress before the next attempt closes it as abandoned.';

/*
 * Changes and rebuild runs: progress after each applied batch (refusing a run
 * that is no longer running), completion (charges one unit of quota, in the
 * same transaction) and failure (charges nothing).
 */
create or replace function sincro_private.sync_run_progress(
  azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro.sync_runs r
    set rows_received = r.rows_received + received, rows_changed = r.rows_changed + changed,
        rows_tombstoned = r.rows_tombstoned + tombstoned, erp_cursor_to = coalesce(erp_cursor, r.erp_cursor_to),
        progress_at = pg_catalog.now()
    where r.azi = sync_run_progress.azi and r.run_id = sync_run_progress.run_id and r.kind = sync_run_progress.kind
      and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a running %s sync', run_id, azi, kind),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;

comment on function sincro_private.sync_run_progress(text, bigint, text, bigint, bigint, bigint, text) is
  E'Adds a batch''s counts to a running changes/rebuild run and notes its progress; SY123 if the run is not running.';

create or replace function sincro.sync_run_complete(azi text, run_id bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_run sincro.sync_runs;
begin
  update sincro.sync_runs r
    set state = 'succeeded', finished_at = pg_catalog.now(), progress_at = pg_catalog.now(),
        phase = 'done', phase_item = null, phase_step = null, phase_steps = null
    where r.azi = sync_run_complete.azi and r.run_id = sync_run_complete.run_id and r.state = 'running'
    returning * into v_run;
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not running', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs).';
  end if;
  if v_run.uses_quota then
    perform sincro_private.roll_sync_period(azi);
    update sincro_private.company c set sync_used = c.sync_used + 1 where c.azi = sync_run_complete.azi;
  end if;
end;
$$;

comment on function sincro.sync_run_complete(text, bigint) is
  E'Marks a changes or rebuild run succeeded and, in the same transaction, uses one unit of the company''s quota. SECURITY DEFINER: writes sync_runs and the company''s usage.';

create or replace function sincro.sync_run_fail(azi text, run_id bigint, error text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro.sync_runs r
    set state = 'failed', finished_at = pg_catalog.now(), error = coalesce(sync_run_fail.error, 'failed')
    where r.azi = sync_run_fail.azi and r.run_id = sync_run_fail.run_id and r.state = 'running';
  delete from sincro_private.rebuild_seen s where s.azi = sync_run_fail.azi and s.run_id = sync_run_fail.run_id;
$$;

comment on function sincro.sync_run_fail(text, bigint, text) is
  E'Marks a run failed with its error; no quota is used. What its committed batches applied stays applied (each with the ERP cursor it covers). SECURITY DEFINER: writes sync_runs.';

/*
 * The phase of a running sync, for the people following it (the console's
 * sync view, sincro status): written by the session working on the run at
 * each change of phase — a rebuild before each entity's snapshot and before
 * the sweep, a sync for changes before fetching and before applying each page,
 * a partial sync before each order. Its own short transaction, so it shows at
 * once (a batch's counts show when the batch commits). Notes progress too.
 * The phases begin, take, complete and the queueing functions set themselves
 * (starting, queued, done) are not written here.
 *
 * SECURITY DEFINER: parties cannot write sync_runs; the worker and an admin's
 * CLI run syncs.
 */
create or replace function sincro.sync_run_phase(
  azi text, run_id bigint, phase text, item text default null, step integer default null, steps integer default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- validate
  if phase is null or phase not in ('reading', 'tombstoning', 'fetching', 'applying', 'pushing') then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('sync_run_phase: phase must be reading, tombstoning, fetching, applying or pushing (got %s)', sincro_private.shown(phase)),
      hint = 'queued, starting and done are set by the hub itself.';
  end if;
  if step < 1 or steps < 0 or step > steps or pg_catalog.length(item) > 100 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('sync_run_phase: step %s of %s (item %s) is not a step of a phase', step, steps, sincro_private.shown(item)),
      hint = 'step counts from 1 and is at most steps; item is an entity name.';
  end if;

  -- apply
  update sincro.sync_runs r
    set phase = sync_run_phase.phase, phase_item = sync_run_phase.item, phase_step = sync_run_phase.step,
        phase_steps = sync_run_phase.steps, progress_at = pg_catalog.now()
    where r.azi = sync_run_phase.azi and r.run_id = sync_run_phase.run_id and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not running', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;

comment on function sincro.sync_run_phase(text, bigint, text, text, integer, integer) is
  E'The phase a running sync enters (reading an entity i of n, tombstoning, fetching or applying page i, pushing order i of n), written by the session working on it so the console and sincro status show it live. SY101 for an unknown phase or a bad step; SY123 if the run is not running. SECURITY DEFINER: writes sync_runs.';

-- who may use it: a sync is begun only by an admin login (the CLI) or requested by an operator
-- (sincro.sync_request, queued); the worker never begins one, it works the runs it is handed
-- (sync_run_take, partial_sync_progress) to their end, so it may apply, complete and fail them
revoke all on function sincro.sync_run_begin(text,text) from public;
grant execute on function sincro.sync_run_begin(text,text) to sincro_admin;
revoke all on function sincro.sync_run_complete(text,bigint) from public;
grant execute on function sincro.sync_run_complete(text,bigint) to sincro_worker, sincro_admin;
revoke all on function sincro.sync_run_phase(text,bigint,text,text,integer,integer) from public;
grant execute on function sincro.sync_run_phase(text,bigint,text,text,integer,integer) to sincro_worker, sincro_admin;
revoke all on function sincro.sync_run_fail(text,bigint,text) from public;
grant execute on function sincro.sync_run_fail(text,bigint,text) to sincro_worker, sincro_admin;
revoke all on function sincro_private.sync_run_progress(text,bigint,text,bigint,bigint,bigint,text) from public;
revoke all on function sincro_private.sync_run_stale_after(text) from public;

-- >>> sql/erp_sync/sync_runs.access.sql
/*
 * Sync runs: the admin and the worker see every run, an ERP login its
 * company's; written only by the sync_run_* and partial_sync_* functions.
 */
create policy every_company on sincro.sync_runs for select to sincro_worker, sincro_admin using (true);
create policy erp_company on sincro.sync_runs for select to sincro_erp using (azi = sincro_private.session_company());

-- who may use it
grant select on sincro.sync_runs to sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/erp_sync/quota.sql
/*
 * The contracted sync quota: per company, syncs allowed per contract period
 * (sync_quota, sync_period from sync_period_start) and syncs used. A completed
 * sync for changes or total rebuild uses one (sincro.sync_run_complete);
 * partial syncs and real-time pushes never do. When a period ends the next
 * one starts with nothing used.
 */
create or replace function sincro_private.current_period_start(period_start date, period interval, today date)
returns date
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_start date := period_start;
  v_steps integer := 0;
begin
  -- boundaries are counted from the first day (31 Jan + 2 months is 31 Mar, not 28 Mar)
  while (period_start + period * (v_steps + 1))::date <= today loop
    v_steps := v_steps + 1;
    v_start := (period_start + period * v_steps)::date;
  end loop;
  return v_start;
end;
$$;

comment on function sincro_private.current_period_start(date, interval, date) is
  E'First day of the contract period containing today, for periods of the given length counted from period_start.';

create or replace function sincro_private.roll_sync_period(azi text)
returns date
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_company sincro_private.company;
  v_start date;
begin
  select * into v_company from sincro_private.company c where c.azi = roll_sync_period.azi for no key update;
  v_start := sincro_private.current_period_start(v_company.sync_period_start, v_company.sync_period, current_date);
  if v_start <> v_company.sync_period_start then
    update sincro_private.company c set sync_period_start = v_start, sync_used = 0 where c.azi = roll_sync_period.azi;
  end if;
  return v_start;
end;
$$;

comment on function sincro_private.roll_sync_period(text) is
  E'Moves a company to its current contract period (usage back to 0 when a period has ended) and returns the period''s first day. Locks the company row.';

create or replace function sincro.quota(only_azi text default null)
returns table (azi text, sync_quota integer, sync_used integer, sync_remaining integer, period_start date, period_end date)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select c.azi, c.sync_quota, p.used, greatest(c.sync_quota - p.used, 0), p.start, (p.start + c.sync_period)::date - 1
  from sincro_private.company c
  cross join lateral (
    select s.start, case when s.start = c.sync_period_start then c.sync_used else 0 end as used
    from (select sincro_private.current_period_start(c.sync_period_start, c.sync_period, current_date) as start) s
  ) p
  where (quota.only_azi is null or c.azi = quota.only_azi) and sincro_private.may_see_company(c.azi)
  order by c.azi
$$;

comment on function sincro.quota(text) is
  E'The sync quota of one company (or of every company the caller may see): allowed per period, used, remaining, and the current period. SECURITY DEFINER: reads the company table.';

create or replace function sincro.set_sync_contract(
  azi text, sync_quota integer, period interval default null, period_start date default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_company sincro_private.company;
begin
  -- validate
  select * into v_company from sincro_private.company c where c.azi = set_sync_contract.azi for no key update;
  if not found then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('set_sync_contract: unknown company (azi = %L)', set_sync_contract.azi);
  end if;
  if sync_quota is null or sync_quota < 0 then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('set_sync_contract: field "sync_quota" must be 0 or more (got %s)', coalesce(sync_quota::text, 'NULL')),
      hint = 'The number of syncs for changes and total rebuilds allowed per period.';
  end if;
  if period is not null and (period <= interval '0' or period < interval '1 day') then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('set_sync_contract: field "period" must be at least a day (got %s)', period),
      hint = 'For example ''1 month'' or ''7 days''.';
  end if;

  -- apply: a new period start begins a new period with nothing used
  update sincro_private.company c
    set sync_quota = set_sync_contract.sync_quota,
        sync_period = coalesce(set_sync_contract.period, c.sync_period),
        sync_period_start = coalesce(set_sync_contract.period_start, c.sync_period_start),
        sync_used = case when set_sync_contract.period_start is distinct from null
                              and set_sync_contract.period_start <> c.sync_period_start then 0 else c.sync_used end
    where c.azi = set_sync_contract.azi;
end;
$$;

comment on function sincro.set_sync_contract(text, integer, interval, date) is
  E'Sets a company''s contract: syncs allowed per period, and optionally the period''s length and first day (a new first day starts a period with nothing used). Admin only. SECURITY DEFINER: writes the company table.';

-- who may use it
revoke all on function sincro.quota(text) from public;
grant execute on function sincro.quota(text) to sincro_admin;
revoke all on function sincro.set_sync_contract(text,integer,interval,date) from public;
grant execute on function sincro.set_sync_contract(text,integer,interval,date) to sincro_admin;
revoke all on function sincro_private.current_period_start(date,interval,date) from public;
revoke all on function sincro_private.roll_sync_period(text) from public;

-- >>> sql/erp_sync/upsert_erp_rows.sql
/*
 * The generic write of ERP-owned rows (every entity of sincro_private.erp_entity):
 * upsert a batch of {"key": {...}, "data": {...}} objects, giving a new change
 * number only to rows that really change (new, different, or coming back from
 * a tombstone). Within a batch the last object for a key wins.
 *
 * Change numbers: the rows that change are counted first, then the company's
 * counter is moved once by that count and the rows are written with their
 * numbers (in batch order), in one statement: new keys by a plain insert,
 * known ones by an update. The counter row lock is held to the commit, so the
 * numbers follow commit order. Only syncs write these tables, one per company
 * at a time, so no other transaction holds their row locks: taking the counter
 * before writing them cannot deadlock. (Orders, which other parties write, get
 * theirs at commit instead; see assign_pending_id_sincro.)
 *
 * Unknown data fields are ignored (an ERP may send more than the hub keeps);
 * missing key fields (SY102), values that do not fit and values the table's
 * rules refuse (NaN, infinity) (SY201) are refused, naming the field or rule. `also_changed` lists keys (as key_text) to count as
 * changed whatever their columns say: documents whose lines changed.
 * `run_id`, for a total rebuild: the keys received are remembered for the
 * final sweep.
 *
 * The statement is written once as a template ({table}, {keys}, {t.data}…
 * filled per entity by fill_sql_template): a reader sees the SQL that runs.
 */
create or replace function sincro_private.upsert_erp_rows(
  entity text, azi text, rows jsonb, run_id bigint default null, also_changed text[] default '{}')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set datestyle = 'ISO, YMD'
-- a batch (thousands of rows) against a table of millions: probe the primary key per row, never
-- hash or scan the table (whose statistics lag far behind during a first rebuild)
set enable_hashjoin = off
set enable_mergejoin = off
set enable_seqscan = off
-- the settings above inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
declare
  v_table regclass;
  v_keys text[];
  v_data text[];
  v_key text;
  v_row jsonb;
  v_position integer := 0;
  v_sql text;
  v_changed integer;
  v_rule text;
begin
  -- validate
  select e.table_name, e.key_columns into v_table, v_keys
    from sincro_private.erp_entity e where e.entity = upsert_erp_rows.entity;
  if v_table is null then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: unknown entity "%s"', upsert_erp_rows.entity),
      hint = (select pg_catalog.format('Entities: order, %s.', pg_catalog.string_agg(e.entity, ', ' order by e.entity))
              from sincro_private.erp_entity e);
  end if;
  -- the tables keep no foreign key to the company (a quarter of a rebuild's cost): checked here, once a batch
  if not exists (select 1 from sincro_private.company c where c.azi = upsert_erp_rows.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('sync: unknown company (azi = %s)', sincro_private.shown(upsert_erp_rows.azi)),
      hint = 'Register the company first (insert into sincro.apstatosyn).';
  end if;
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: %s rows must be a JSON array', entity);
  end if;
  -- one pass over the batch finds the first malformed row
  select r, case when pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
                   or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object' then 'shape' else 'key' end
    into v_row, v_key
    from pg_catalog.jsonb_array_elements(rows) r
    where pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
       or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object'
       or exists (select 1 from pg_catalog.unnest(v_keys) k where pg_catalog.jsonb_typeof(r -> 'key' -> k) is distinct from 'string')
    limit 1;
  if v_key = 'shape' then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: each %s row must be {"key": {...}, "data": {...}} (got %s)', entity, pg_catalog.left(v_row::text, 200));
  elsif v_key = 'key' then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('sync: %s key field "%s" is missing or not a string (key %s)', entity,
                                  (select k from pg_catalog.unnest(v_keys) k
                                   where pg_catalog.jsonb_typeof(v_row -> 'key' -> k) is distinct from 'string' limit 1),
                                  v_row -> 'key'),
      hint = pg_catalog.format('The key of a %s is {%s}, every field a string.', entity, pg_catalog.array_to_string(v_keys, ', '));
  end if;

  -- the statement, for this entity's table: its key columns and its data columns (all but the hub's own)
  select pg_catalog.array_agg(a.attname::text order by a.attnum) into v_data
    from pg_catalog.pg_attribute a
    where a.attrelid = v_table and a.attnum > 0 and not a.attisdropped
      -- slice_agente: the hub's (the customer's agent, set by the slice triggers), never the ERP's
      and a.attname::text <> all (v_keys || '{azi,id_sincro,deleted,updated_at,slice_agente}'::text[]);
  v_sql := sincro_private.fill_sql_template($sql$
    with incoming as (
      -- the last state of each key in the batch, numbered in batch order
      -- (a field the ERP leaves out is null, or the column's default where the column needs a value)
      select distinct on ({r.keys}) {r.keys}, {incoming_data}, {key_text} as key_text, e.n
      from pg_catalog.jsonb_array_elements($2) with ordinality e(x, n)
      cross join lateral pg_catalog.jsonb_populate_record(null::{table}, (e.x -> 'key') || coalesce(e.x -> 'data', '{}')) r
      order by {r.keys}, e.n desc
    ),
    seen as (
      insert into sincro_private.rebuild_seen (azi, run_id, entity, key)
      select $1, $3, $4, i.key_text from incoming i where $3 is not null
    ),
    changed as (
      -- new keys, tombstones coming back, rows whose data differ, and the ones the caller says changed
      select i.*, pg_catalog.row_number() over (order by i.n) as position, t.row_id
      from incoming i
      left join lateral (
        select t.ctid as row_id, t.deleted, {t.data}
        from {table} t where t.azi = $1 and ({t.keys}) = ({i.keys})
        limit 1  -- keeps the probe a per-row primary-key lookup (not flattened into a join)
      ) t on true
      where t.row_id is null or t.deleted or i.key_text = any ($5)
         or row({i.data}) is distinct from row({t.data})
    ),
    bump as (
      update sincro_private.id_sincro_counter c
        set last_value = c.last_value + (select pg_catalog.count(*) from changed)
        where c.azi = $1 and exists (select 1 from changed)
        returning c.last_value - (select pg_catalog.count(*) from changed) as base
    ),
    inserted as (
      -- only syncs write these tables, one per company at a time: a plain insert cannot race
      insert into {table} (azi, {keys}, {data}, id_sincro, deleted, updated_at)
      select $1, {c.keys}, {c.data}, (select b.base from bump b) + c.position, false, pg_catalog.now()
      from changed c
      where c.row_id is null
    ),
    updated as (
      update {table} t
        set ({data}, id_sincro, deleted, updated_at) = ({c.data}, (select b.base from bump b) + c.position, false, pg_catalog.now())
        from changed c
        where c.row_id is not null and t.ctid = c.row_id
    )
    select pg_catalog.count(*) from changed
    $sql$,
    pg_catalog.jsonb_build_object(
      'table', v_table::text,
      'keys', sincro_private.column_list(v_keys),
      'data', sincro_private.column_list(v_data),
      't.keys', sincro_private.column_list(v_keys, 't'), 'i.keys', sincro_private.column_list(v_keys, 'i'),
      'c.keys', sincro_private.column_list(v_keys, 'c'),
      't.data', sincro_private.column_list(v_data, 't'), 'i.data', sincro_private.column_list(v_data, 'i'),
      'c.data', sincro_private.column_list(v_data, 'c'), 'r.keys', sincro_private.column_list(v_keys, 'r'),
      'incoming_data', (
        select pg_catalog.string_agg(
                 case when a.attnotnull and d.adbin is not null
                      then pg_catalog.format('coalesce(r.%1$I, %2$s) as %1$I', a.attname, pg_catalog.pg_get_expr(d.adbin, d.adrelid))
                      else pg_catalog.format('r.%I', a.attname) end,
                 ', ' order by u.o)
        from pg_catalog.unnest(v_data) with ordinality u(c, o)
        join pg_catalog.pg_attribute a on a.attrelid = v_table and a.attname = u.c
        left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum),
      -- the key as one text (fields joined by the unit separator), as rebuild_seen and also_changed hold it
      'key_text', (select pg_catalog.string_agg(pg_catalog.format('r.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k)));

  -- apply
  begin
    execute v_sql into v_changed using azi, rows, run_id, entity, coalesce(also_changed, '{}');
  exception when check_violation then
    -- a value of the right type that the table's rules refuse: NaN, an infinite date
    get stacked diagnostics v_rule = constraint_name;
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: a %s row breaks the rule %s (%s)', entity, v_rule, sqlerrm),
      hint = 'Numbers must be numbers (not NaN) and dates real dates (not infinity).';
  when data_exception then
    -- find the row and field that did not fit, and say so
    for v_row in select r from pg_catalog.jsonb_array_elements(rows) r loop
      v_position := v_position + 1;
      begin
        execute pg_catalog.format('select pg_catalog.jsonb_populate_record(null::%s, $1)', v_table)
          using (v_row -> 'key') || coalesce(v_row -> 'data', '{}');
      exception when data_exception then
        execute pg_catalog.format('select sincro_private.raise_bad_field($1, $2, null::%s)', v_table)
          using pg_catalog.format('sync: %s row %s (key %s)', entity, v_position, v_row -> 'key'),
                (v_row -> 'key') || coalesce(v_row -> 'data', '{}');
      end;
    end loop;
    raise;
  end;
  return v_changed;
end;
$$;

comment on function sincro_private.upsert_erp_rows(text, text, jsonb, bigint, text[]) is
  E'Upserts a batch of ERP-owned rows of one entity ([{"key":{...},"data":{...}}]); only rows that really change get a new change number. Returns how many changed. With run_id, remembers the keys for a rebuild''s sweep.';

-- who may use it
revoke all on function sincro_private.upsert_erp_rows(text,text,jsonb,bigint,text[]) from public;

-- >>> sql/erp_sync/tombstone_erp_rows.sql
/*
 * Marks ERP-owned rows deleted (tombstones), each with a new change number so
 * consumers following id_sincro learn of the deletion. Two callers:
 *   - a sync for changes passes the keys the ERP reported deleted (`keys`, an
 *     array of key objects); rows already tombstoned or never seen are left
 *     alone (no number is spent);
 *   - a total rebuild's sweep passes its `run_id`: every live row whose key
 *     the rebuild did not receive is tombstoned.
 * Document lines go with their document. As in upsert_erp_rows, the counter
 * is moved once by the count, in the same statement that writes the rows.
 */
create or replace function sincro_private.tombstone_erp_rows(
  entity text, azi text, keys jsonb default null, run_id bigint default null)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set datestyle = 'ISO, YMD'
-- the planner settings below inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
declare
  v_table regclass;
  v_keys text[];
  v_key_text text;
  v_chosen text;
  v_count integer;
  v_hashjoin constant text := pg_catalog.current_setting('enable_hashjoin');
  v_mergejoin constant text := pg_catalog.current_setting('enable_mergejoin');
  v_seqscan constant text := pg_catalog.current_setting('enable_seqscan');
  v_nestloop constant text := pg_catalog.current_setting('enable_nestloop');
begin
  -- validate
  select e.table_name, e.key_columns into v_table, v_keys
    from sincro_private.erp_entity e where e.entity = tombstone_erp_rows.entity;
  if v_table is null then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: unknown entity "%s"', entity);
  end if;
  if (keys is null) = (run_id is null) then
    raise exception using errcode = 'SY201', message = 'tombstone_erp_rows: give either keys or run_id';
  end if;
  v_key_text := (select pg_catalog.string_agg(pg_catalog.format('t.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k);

  if run_id is not null then
    v_chosen := pg_catalog.format($sql$
      select %1$s, pg_catalog.row_number() over (order by %1$s) as position
      from %2$s t
      where t.azi = $1 and not t.deleted
        -- rows numbered after the rebuild began were written by it: received, nothing to check
        and t.id_sincro <= (select r.id_sincro_at_start from sincro.sync_runs r where r.azi = $1 and r.run_id = $3)
        and not exists (select 1 from sincro_private.rebuild_seen s
                        where s.azi = $1 and s.run_id = $3 and s.entity = $4 and s.key = %3$s)
      $sql$, (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k), v_table, v_key_text);
  else
    v_chosen := pg_catalog.format($sql$
      select %1$s, pg_catalog.row_number() over (order by %1$s) as position
      from %2$s t
      join (select distinct %3$s as key_text from pg_catalog.jsonb_array_elements($2) e(x),
              pg_catalog.jsonb_populate_record(null::%2$s, e.x) t) k on k.key_text = %3$s
      where t.azi = $1 and not t.deleted
      $sql$, (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k), v_table, v_key_text);
  end if;

  -- apply (named keys: a few rows of a big table, probed by primary key, never a hash of the table)
  if keys is not null then
    perform pg_catalog.set_config('enable_hashjoin', 'off', true), pg_catalog.set_config('enable_mergejoin', 'off', true),
            pg_catalog.set_config('enable_seqscan', 'off', true);
  else
    -- the sweep: every live row against every key received, one hash anti-join (never a nested loop:
    -- the scratch table's statistics may say it is empty)
    perform pg_catalog.set_config('enable_nestloop', 'off', true);
  end if;
  execute pg_catalog.format($sql$
    with chosen as (%1$s),
    bump as (
      update sincro_private.id_sincro_counter c
        set last_value = c.last_value + (select pg_catalog.count(*) from chosen)
        where c.azi = $1 and exists (select 1 from chosen)
        returning c.last_value - (select pg_catalog.count(*) from chosen) as base
    )
    update %2$s t
      set deleted = true, id_sincro = b.base + c.position, updated_at = pg_catalog.now()
      from chosen c cross join bump b
      where t.azi = $1 and (%3$s) = (%4$s)
    $sql$, v_chosen, v_table,
    (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k),
    (select pg_catalog.string_agg(pg_catalog.format('c.%I', k), ', ') from pg_catalog.unnest(v_keys) k))
    using azi, keys, run_id, entity;
  get diagnostics v_count = row_count;
  perform pg_catalog.set_config('enable_hashjoin', v_hashjoin, true), pg_catalog.set_config('enable_mergejoin', v_mergejoin, true),
          pg_catalog.set_config('enable_seqscan', v_seqscan, true), pg_catalog.set_config('enable_nestloop', v_nestloop, true);

  if v_table = 'sincro.documenti'::regclass and v_count > 0 then
    delete from sincro.documenti_righe r
      using sincro.documenti d
      where d.azi = tombstone_erp_rows.azi and d.deleted
        and r.azi = d.azi and r.tipo_doc = d.tipo_doc and r.numero = d.numero;
  end if;
  return v_count;
end;
$$;

comment on function sincro_private.tombstone_erp_rows(text, text, jsonb, bigint) is
  E'Marks ERP-owned rows deleted with a new change number: those named by keys (a sync for changes), or every live row a rebuild (run_id) did not receive. Returns how many.';

-- who may use it
revoke all on function sincro_private.tombstone_erp_rows(text,text,jsonb,bigint) from public;

-- >>> sql/erp_sync/upsert_documents.sql
/*
 * Writes a batch of the ERP's documents (quotes, delivery notes, invoices):
 * headers through upsert_erp_rows, lines replaced for the documents whose
 * lines differ from the hub's. A document whose lines changed gets a new
 * change number even if its header did not. At most the company's
 * max_lines_per_order lines per document (SY140). Each document's header
 * also carries its lines as JSON (documenti.righe, what the device feed
 * sends; each line its fields but the document's key, as all_changes_since
 * sends them), written in the same statement as the header: whatever the
 * ERP puts in data.righe is replaced.
 */
create or replace function sincro_private.upsert_documents(azi text, rows jsonb, run_id bigint default null)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
-- a batch against tables of millions: probe primary keys, never hash or scan the big tables
set enable_hashjoin = off
set enable_mergejoin = off
set enable_seqscan = off
-- the settings above inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
#variable_conflict use_column
declare
  v_azi constant text := upsert_documents.azi;
  v_bad jsonb;
  v_lines_changed text[];
  v_changed integer;
  v_lines sincro.documenti_righe[];
  v_rows jsonb;
  v_max_lines integer := (select c.max_lines_per_order from sincro_private.company c where c.azi = upsert_documents.azi);
  v_rule text;
begin
  -- validate
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = 'sync: document rows must be a JSON array';
  end if;
  select x -> 'key' into v_bad from pg_catalog.jsonb_array_elements(rows) x
    where pg_catalog.jsonb_typeof(coalesce(x -> 'data' -> 'lines', '[]')) <> 'array'
       or exists (select 1 from pg_catalog.jsonb_array_elements(
                    case when pg_catalog.jsonb_typeof(x -> 'data' -> 'lines') = 'array' then x -> 'data' -> 'lines' else '[]' end) l
                  where pg_catalog.jsonb_typeof(l) <> 'object')
    limit 1;
  if found then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: document %s: "lines" must be an array of line objects', v_bad),
      hint = 'Line fields: riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva.';
  end if;

  select x -> 'key' into v_bad from pg_catalog.jsonb_array_elements(rows) x
    where pg_catalog.jsonb_array_length(coalesce(x -> 'data' -> 'lines', '[]')) > v_max_lines
    limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: document %s', v_bad), 'the number of lines',
                                           (select pg_catalog.max(pg_catalog.jsonb_array_length(coalesce(x -> 'data' -> 'lines', '[]')))
                                            from pg_catalog.jsonb_array_elements(rows) x),
                                           v_azi, 'max_lines_per_order', v_max_lines);
  end if;

  -- which documents' lines differ (read before anything is written). Held in a variable, never in a
  -- temporary table: a caller could have created that table first, with a trigger of its own.
  begin
    select pg_catalog.array_agg(row(v_azi, d.tipo_doc, d.numero, coalesce(l.riga, o.n::integer), l.articolo, l.descrizione, l.quantita,
                                    l.unita_misura, l.prezzo, l.sconto, l.iva)::sincro.documenti_righe)
      into v_lines
    from (
      select distinct on (x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero')
             x -> 'key' ->> 'tipo_doc' as tipo_doc, x -> 'key' ->> 'numero' as numero,
             coalesce(x -> 'data' -> 'lines', '[]') as lines
      from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
      order by x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero', e.n desc
    ) d
    cross join lateral pg_catalog.jsonb_array_elements(d.lines) with ordinality o(line, n)
    cross join lateral pg_catalog.jsonb_populate_record(null::sincro.documenti_righe, o.line) l;
  exception when data_exception then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: a document line has an invalid value (%s)', sqlerrm),
      hint = 'Send quantities and prices as JSON numbers or decimal strings.';
  end;

  select pg_catalog.array_agg(distinct c.tipo_doc || E'\x1f' || c.numero) into v_lines_changed
  from (
    (select n.tipo_doc, n.numero, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto, n.iva
     from pg_catalog.unnest(v_lines) n
     except all
     select r.tipo_doc, r.numero, r.riga, r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva
     from sincro.documenti_righe r
     where r.azi = v_azi and (r.tipo_doc, r.numero) in (select x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero'
                                                         from pg_catalog.jsonb_array_elements(rows) x))
    union all
    (select r.tipo_doc, r.numero, r.riga, r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva
     from sincro.documenti_righe r
     where r.azi = v_azi and (r.tipo_doc, r.numero) in (select x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero'
                                                         from pg_catalog.jsonb_array_elements(rows) x)
     except all
     select n.tipo_doc, n.numero, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto, n.iva
     from pg_catalog.unnest(v_lines) n)
  ) c;

  -- apply: headers (each with its lines as JSON: data.righe, the ERP's own replaced), then the lines of the
  -- documents whose lines changed
  select pg_catalog.jsonb_agg(e.x || pg_catalog.jsonb_build_object('data', coalesce(e.x -> 'data', '{}')
                                       || pg_catalog.jsonb_build_object('righe', coalesce(l.righe, '[]'))) order by e.n)
    into v_rows
  from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
  left join (
    select n.tipo_doc, n.numero, pg_catalog.jsonb_agg(pg_catalog.to_jsonb(n) - '{azi,tipo_doc,numero}'::text[] order by n.riga) as righe
    from pg_catalog.unnest(v_lines) n
    group by n.tipo_doc, n.numero
  ) l on l.tipo_doc = e.x -> 'key' ->> 'tipo_doc' and l.numero = e.x -> 'key' ->> 'numero';
  v_changed := sincro_private.upsert_erp_rows('document', v_azi, coalesce(v_rows, '[]'), run_id, coalesce(v_lines_changed, '{}'));
  if v_lines_changed is not null then
    delete from sincro.documenti_righe r
      where r.azi = v_azi and r.tipo_doc || E'\x1f' || r.numero = any (v_lines_changed);
    begin
      insert into sincro.documenti_righe
        select n.* from pg_catalog.unnest(v_lines) n where n.tipo_doc || E'\x1f' || n.numero = any (v_lines_changed);
    exception when check_violation then
      get stacked diagnostics v_rule = constraint_name;
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('sync: a document line breaks the rule %s (%s)', v_rule, sqlerrm),
        hint = 'Numbers must be numbers (not NaN).';
    end;
  end if;
  return v_changed;
end;
$$;

comment on function sincro_private.upsert_documents(text, jsonb, bigint) is
  E'Upserts a batch of ERP documents with their lines ([{"key":{"tipo_doc","numero"},"data":{...,"lines":[...]}}]); a document whose header or lines changed gets a new change number. Returns how many changed.';

-- who may use it
revoke all on function sincro_private.upsert_documents(text,jsonb,bigint) from public;

-- >>> sql/erp_sync/sync_changes.sql
/*
 * Sync for changes (rule 3): the sync process pulls the ERP's changes since
 * the cursor the hub holds and hands each batch to sync_changes_apply, which
 * applies it and moves the cursor in one transaction. A crash between batches
 * loses nothing (the cursor covers exactly what was applied) and a rerun
 * applies nothing twice (it starts from that cursor; and applying the ERP's
 * current state of a row again changes nothing, so bumps nothing).
 */
create or replace function sincro.erp_cursor(azi text)
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select c.erp_cursor from sincro_private.company c where c.azi = erp_cursor.azi
$$;

comment on function sincro.erp_cursor(text) is
  E'The ERP change cursor up to which the hub has applied the ERP''s changes ('''' before the first sync; NULL for an unknown company). SECURITY DEFINER: reads the company table.';

create or replace function sincro.sync_changes_apply(
  azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_changes_apply.azi;
  v_cursor text;
  v_bad jsonb;
  v_change jsonb;
  v_entity text;
  v_received integer;
  v_changed integer := 0;
  v_tombstoned integer := 0;
  v_ignored integer := 0;
  v_latest jsonb;
  v_rows jsonb;
  v_max_bytes integer;
begin
  -- validate
  select c.erp_cursor, c.max_document_bytes into v_cursor, v_max_bytes from sincro_private.company c where c.azi = v_azi for no key update;
  if not found then
    raise exception using errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', v_azi);
  end if;
  if next_cursor is null or from_cursor is null then
    raise exception using errcode = 'SY201', message = 'sync: from_cursor and next_cursor are required (use '''' for the beginning)';
  end if;
  if v_cursor <> from_cursor then
    raise exception using
      errcode = 'SY122',
      message = pg_catalog.format('sync: the hub''s ERP cursor for company %s is %L, not %L: another run has moved it; this batch is not applied',
                                  v_azi, v_cursor, from_cursor),
      hint = 'Pull again from sincro.erp_cursor(azi).';
  end if;
  if changes is null or pg_catalog.jsonb_typeof(changes) <> 'array' then
    raise exception using errcode = 'SY201', message = 'sync: changes must be a JSON array';
  end if;
  select x into v_bad from pg_catalog.jsonb_array_elements(changes) x
    where pg_catalog.jsonb_typeof(x) <> 'object'
       or not (x ->> 'entity' = 'order' or x ->> 'entity' in (select e.entity from sincro_private.erp_entity e))
       or x ->> 'op' is null or x ->> 'op' not in ('upsert', 'delete')
       or pg_catalog.jsonb_typeof(x -> 'key') is distinct from 'object'
       or (x ->> 'op' = 'upsert' and pg_catalog.jsonb_typeof(x -> 'data') is distinct from 'object')
    limit 1;
  if found then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: malformed change %s', pg_catalog.left(v_bad::text, 300)),
      hint = 'A change is {"entity": order|customer|article|particolarita|accessory|document, "op": "upsert"|"delete", "key": {...}, "data": {...}}; data is required for upsert.';
  end if;
  select x into v_bad from pg_catalog.jsonb_array_elements(changes) x where pg_catalog.pg_column_size(x) > v_max_bytes limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: %s %s', v_bad ->> 'entity', pg_catalog.left((v_bad -> 'key')::text, 200)),
                                           'the change (bytes)', pg_catalog.pg_column_size(v_bad), v_azi, 'max_document_bytes', v_max_bytes);
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'changes', 0, 0, 0, null);
  v_received := pg_catalog.jsonb_array_length(changes);

  -- apply: per row only its last change counts (each carries the row's current state). Held in a
  -- variable, never in a temporary table: a caller could have created that table first, with a trigger
  -- of its own that would run here as the owner.
  select coalesce(pg_catalog.jsonb_agg(l.x order by l.entity, l.key), '[]') into v_latest
  from (
    select distinct on (x ->> 'entity', x -> 'key') x ->> 'entity' as entity, x -> 'key' as key, x
    from pg_catalog.jsonb_array_elements(changes) with ordinality e(x, n)
    order by x ->> 'entity', x -> 'key', e.n desc
  ) l;

  -- orders first: their row locks are shared with other parties, the counter comes after them
  for v_change in
    select l from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = 'order' order by l -> 'key' ->> 'tor_chia'
  loop
    if v_change ->> 'op' = 'delete' then
      v_ignored := v_ignored + 1;  -- orders are never deleted in the hub
    else
      perform sincro.erp_write_order(v_azi, (v_change -> 'data') || pg_catalog.jsonb_build_object('tor_chia', v_change -> 'key' -> 'tor_chia'));
    end if;
  end loop;
  v_changed := v_changed + (select pg_catalog.count(*) from sincro.arportes a where a.azi = v_azi and a.id_sincro is null);

  for v_entity in select e.entity from sincro_private.erp_entity e order by e.entity loop
    v_rows := (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('key', l -> 'key', 'data', l -> 'data'))
               from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = v_entity and l ->> 'op' = 'upsert');
    if v_rows is not null then
      if v_entity = 'document' then
        v_changed := v_changed + sincro_private.upsert_documents(v_azi, v_rows);
      else
        v_changed := v_changed + sincro_private.upsert_erp_rows(v_entity, v_azi, v_rows);
      end if;
    end if;
    v_rows := (select pg_catalog.jsonb_agg(l -> 'key')
               from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = v_entity and l ->> 'op' = 'delete');
    if v_rows is not null then
      v_tombstoned := v_tombstoned + sincro_private.tombstone_erp_rows(v_entity, v_azi, v_rows);
    end if;
  end loop;

  -- the cursor moves with what it covers
  update sincro_private.company c set erp_cursor = next_cursor where c.azi = v_azi;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'changes', v_received, v_changed + v_tombstoned, v_tombstoned, next_cursor);
  return pg_catalog.jsonb_build_object('received', v_received, 'changed', v_changed + v_tombstoned,
                                       'tombstoned', v_tombstoned, 'ignored', v_ignored);
end;
$$;

comment on function sincro.sync_changes_apply(text, bigint, text, text, jsonb) is
  E'Applies one batch of ERP changes ([{"entity","op","key","data"}]) and moves the company''s ERP cursor from from_cursor to next_cursor, in one transaction. SY122 if the cursor is not from_cursor. Only rows that really change get a new change number. Orders go through erp_write_order; order deletions are ignored. Returns {"received","changed","tombstoned","ignored"}. SECURITY DEFINER: writes ERP-owned tables.';

-- who may use it
revoke all on function sincro.erp_cursor(text) from public;
grant execute on function sincro.erp_cursor(text) to sincro_worker, sincro_admin;
revoke all on function sincro.sync_changes_apply(text,bigint,text,text,jsonb) from public;
grant execute on function sincro.sync_changes_apply(text,bigint,text,text,jsonb) to sincro_worker, sincro_admin;

-- >>> sql/erp_sync/sync_rebuild.sql
/*
 * Total rebuild (rule 3): the sync process streams every entity's snapshot
 * from the ERP and hands it over in batches to sync_rebuild_apply, which
 * upserts them (only real changes get a change number) and remembers the keys
 * received; sync_rebuild_sweep then, in one transaction, tombstones every row
 * the ERP no longer has and sets the ERP cursor to the snapshot's position.
 *
 * Consumers reading meanwhile never see an empty or half-deleted catalogue:
 * nothing is emptied or deleted while the snapshots stream, and all the
 * tombstones appear together at the sweep's commit. A rebuild interrupted
 * before the sweep has only upserted true ERP states; it is not resumed: the
 * next rebuild starts over (and the failed run used no quota).
 */
create or replace function sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_rebuild_apply.azi;
  v_row jsonb;
  v_received integer;
  v_changed integer := 0;
begin
  -- validate
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: %s snapshot rows must be a JSON array', entity);
  end if;
  select x into v_row from pg_catalog.jsonb_array_elements(rows) x
  where pg_catalog.pg_column_size(x) > (select c.max_document_bytes from sincro_private.company c where c.azi = v_azi)
  limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: %s %s', entity, pg_catalog.left((v_row -> 'key')::text, 200)),
                                           'the snapshot row (bytes)', pg_catalog.pg_column_size(v_row), v_azi, 'max_document_bytes',
                                           (select c.max_document_bytes from sincro_private.company c where c.azi = v_azi));
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, 0, 0, null);
  v_received := pg_catalog.jsonb_array_length(rows);

  -- apply
  if entity = 'order' then
    for v_row in
      select distinct on (x -> 'key' ->> 'tor_chia') x from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
      order by x -> 'key' ->> 'tor_chia', e.n desc
    loop
      if pg_catalog.jsonb_typeof(v_row -> 'key' -> 'tor_chia') is distinct from 'string'
         or pg_catalog.jsonb_typeof(v_row -> 'data') is distinct from 'object' then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('sync: order snapshot row must be {"key": {"tor_chia": ...}, "data": {...}} (got %s)', pg_catalog.left(v_row::text, 200));
      end if;
      perform sincro.erp_write_order(v_azi, (v_row -> 'data') || pg_catalog.jsonb_build_object('tor_chia', v_row -> 'key' -> 'tor_chia'));
    end loop;
    v_changed := (select pg_catalog.count(*) from sincro.arportes a where a.azi = v_azi and a.id_sincro is null);
  elsif entity = 'document' then
    v_changed := sincro_private.upsert_documents(v_azi, rows, run_id);
  else
    v_changed := sincro_private.upsert_erp_rows(entity, v_azi, rows, run_id);
  end if;

  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', v_received, v_changed, 0, null);
  return pg_catalog.jsonb_build_object('received', v_received, 'changed', v_changed);
end;
$$;

comment on function sincro.sync_rebuild_apply(text, bigint, text, jsonb) is
  E'Applies one batch of a total rebuild''s snapshot of an entity ([{"key","data"}]): upserts (only real changes get a change number) and remembers the keys for the sweep. Orders go through erp_write_order and are never tombstoned. Returns {"received","changed"}. SECURITY DEFINER: writes ERP-owned tables.';

create or replace function sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_rebuild_sweep.azi;
  v_entity text;
  v_tombstoned integer := 0;
begin
  -- validate
  if erp_cursor is null then
    raise exception using errcode = 'SY201', message = 'sync: erp_cursor is required (the position of the first snapshot)';
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, 0, 0, null);

  -- apply: every deletion at once, and the cursor the snapshots reflect
  for v_entity in select e.entity from sincro_private.erp_entity e order by e.entity loop
    v_tombstoned := v_tombstoned + sincro_private.tombstone_erp_rows(v_entity, v_azi, null, run_id);
  end loop;
  delete from sincro_private.rebuild_seen s where s.azi = v_azi and s.run_id = sync_rebuild_sweep.run_id;
  update sincro_private.company c set erp_cursor = sync_rebuild_sweep.erp_cursor where c.azi = v_azi;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, v_tombstoned, v_tombstoned, erp_cursor);
  return pg_catalog.jsonb_build_object('tombstoned', v_tombstoned);
end;
$$;

comment on function sincro.sync_rebuild_sweep(text, bigint, text) is
  E'Ends a total rebuild''s data work in one transaction: tombstones (with new change numbers) every live row no snapshot contained, and sets the ERP cursor to erp_cursor (the first snapshot''s position, so changes made during the rebuild are pulled again by the next sync for changes). Returns {"tombstoned"}. SECURITY DEFINER.';

-- who may use it
revoke all on function sincro.sync_rebuild_apply(text,bigint,text,jsonb) from public;
grant execute on function sincro.sync_rebuild_apply(text,bigint,text,jsonb) to sincro_worker, sincro_admin;
revoke all on function sincro.sync_rebuild_sweep(text,bigint,text) from public;
grant execute on function sincro.sync_rebuild_sweep(text,bigint,text) to sincro_worker, sincro_admin;

-- >>> sql/erp_sync/purge_tombstones.sql
/*
 * Tombstones (and the devices' slice-log entries) are kept for the company's
 * tombstone_retention, then removed.
 * The largest change number removed is remembered, so a consumer whose cursor
 * is older gets SY130 ("rebuild your copy") instead of silently missing the
 * deletion. The worker runs it daily.
 */
create or replace function sincro.purge_tombstones(only_azi text default null)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_company sincro_private.company;
  v_entity sincro_private.erp_entity;
  v_purged bigint;
  v_max bigint;
  v_total bigint := 0;
begin
  for v_company in select * from sincro_private.company c where only_azi is null or c.azi = only_azi order by c.azi loop
    for v_entity in select * from sincro_private.erp_entity e order by e.entity loop
      execute pg_catalog.format($sql$
        with gone as (
          delete from %s t where t.azi = $1 and t.deleted and t.updated_at < pg_catalog.now() - $2
          returning t.id_sincro)
        select pg_catalog.count(*), pg_catalog.max(g.id_sincro) from gone g
        $sql$, v_entity.table_name)
        into v_purged, v_max
        using v_company.azi, v_company.tombstone_retention;
      if v_purged > 0 then
        update sincro_private.company c
          set tombstones_purged_through = greatest(c.tombstones_purged_through, v_max)
          where c.azi = v_company.azi;
        v_total := v_total + v_purged;
      end if;
    end loop;
    -- the devices' slice log (removals of rows that left a slice) is kept as long as tombstones
    with gone as (
      delete from sincro.device_slice_log l where l.azi = v_company.azi and l.created_at < pg_catalog.now() - v_company.tombstone_retention
      returning l.id_sincro)
    select pg_catalog.count(*), pg_catalog.max(g.id_sincro) into v_purged, v_max from gone g;
    if v_purged > 0 then
      update sincro_private.company c
        set tombstones_purged_through = greatest(c.tombstones_purged_through, v_max)
        where c.azi = v_company.azi;
      v_total := v_total + v_purged;
    end if;
  end loop;
  return v_total;
end;
$$;

comment on function sincro.purge_tombstones(text) is
  E'Removes tombstones older than each company''s tombstone_retention (one company, or all) and records the largest change number removed, so older cursors get SY130. Returns how many rows were removed. SECURITY DEFINER.';

-- who may use it
revoke all on function sincro.purge_tombstones(text) from public;
grant execute on function sincro.purge_tombstones(text) to sincro_worker, sincro_admin;

-- >>> sql/erp_sync/erp_data.access.sql
/*
 * ERP-owned data (clienti, articoli, particolarita, tabelle_accessorie,
 * documenti, documenti_righe, agenti, partite_aperte, fidi): store and ERP
 * logins read their company's rows, the worker and the admin every company's;
 * nobody writes them but the sync functions, which run as the owner. RLS is
 * enabled on these tables by the migrations that made them.
 *
 * An app login (a device) reads its slice (docs/devices.md): every article
 * and accessory table of its company; its agents' (its own and, for a
 * supervisor, those it supervises) customers and agent rows; those
 * customers' particolarità, open items and credit data, and the article-level
 * particolarità (cod_cli '*'); their documents dated inside the company's
 * history window. The session's agents and window are init plans
 * ((select ...)): evaluated once per query, and the conditions match the
 * (azi, slice_agente, id_sincro) indexes.
 */
do $$
declare
  v_table text;
begin
  foreach v_table in array array['clienti', 'articoli', 'particolarita', 'tabelle_accessorie', 'documenti', 'documenti_righe',
                                  'agenti', 'partite_aperte', 'fidi'] loop
    execute pg_catalog.format(
      'create policy own_company on sincro.%I for select to sincro_store, sincro_erp using (azi = sincro_private.session_company())',
      v_table);
    execute pg_catalog.format(
      'create policy every_company on sincro.%I for select to sincro_worker, sincro_admin using (true)', v_table);
  end loop;
  foreach v_table in array array['articoli', 'tabelle_accessorie'] loop
    execute pg_catalog.format(
      'create policy app_company on sincro.%I for select to sincro_app using (azi = (select sincro_private.session_company()))',
      v_table);
  end loop;
  foreach v_table in array array['partite_aperte', 'fidi'] loop
    execute pg_catalog.format(
      'create policy app_slice on sincro.%I for select to sincro_app
         using (azi = (select sincro_private.session_company()) and slice_agente = any ((select sincro_private.session_agents())::text[]))',
      v_table);
  end loop;
end;
$$;

create policy app_slice on sincro.clienti for select to sincro_app
  using (azi = (select sincro_private.session_company()) and cod_agente = any ((select sincro_private.session_agents())::text[]));
create policy app_slice on sincro.agenti for select to sincro_app
  using (azi = (select sincro_private.session_company()) and cod_agente = any ((select sincro_private.session_agents())::text[]));
create policy app_slice on sincro.particolarita for select to sincro_app
  using (azi = (select sincro_private.session_company())
         and (slice_agente = any ((select sincro_private.session_agents())::text[]) or cod_cli = '*'));
create policy app_slice on sincro.documenti for select to sincro_app
  using (azi = (select sincro_private.session_company()) and slice_agente = any ((select sincro_private.session_agents())::text[])
         and (data_doc is null or data_doc >= (select sincro_private.session_history_from())));
-- lines go with their document (the documenti policy decides)
create policy app_slice on sincro.documenti_righe for select to sincro_app
  using (exists (select 1 from sincro.documenti d
                 where d.azi = documenti_righe.azi and d.tipo_doc = documenti_righe.tipo_doc and d.numero = documenti_righe.numero));

-- who may use it
grant select on sincro.agenti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.articoli to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.clienti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.documenti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.documenti_righe to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.fidi to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.particolarita to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.partite_aperte to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.tabelle_accessorie to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- >>> sql/device/slice_log.sql
/*
 * Writing the device slice log (sincro.device_slice_log). An entry is
 * addressed to every agent whose devices' slice the row entered or left, as
 * the relations stand when it is written: the row's agent AND that agent's
 * supervisor, each an entry of its own. A device reads only the entries
 * addressed to its own agent: whom a supervisor supervises when it reads may
 * differ from when the row moved (an agent may have changed supervisor in
 * between), so the reader never decides from today's relations who was
 * affected yesterday. Entries are
 * numbered from the company's change counter, like every change: the counter
 * is moved once by the number of entries and the entries take the numbers in
 * order. Callers already hold the counter's row lock (a sync that wrote the
 * rows a moment before, in the same transaction) or take it here after every
 * other lock they need (device_history_advance locks the company row first),
 * so numbers keep following commit order.
 *
 * `entries` is a JSON array of {"azi", "cod_agente", "entity", "key"}.
 */
create or replace function sincro_private.append_slice_log(entries jsonb, reason text, with_supervisors boolean default true)
returns integer
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
  with given as (
    select x.azi, x.cod_agente, x.entity, x.key, o.n
    from pg_catalog.jsonb_array_elements(coalesce(entries, '[]')) with ordinality o(v, n)
    cross join lateral pg_catalog.jsonb_to_record(o.v) x(azi text, cod_agente text, entity text, key jsonb)
    where x.cod_agente is not null
  ),
  e as (
    -- each entry for its agent and, when asked, for that agent's supervisor now (one entry each)
    select a.azi, a.cod_agente, a.entity, a.key,
           pg_catalog.row_number() over (partition by a.azi order by a.n, a.side) as position
    from (
      select g.azi, g.cod_agente, g.entity, g.key, g.n, 1 as side from given g
      union all
      select g.azi, s.cod_supervisore, g.entity, g.key, g.n, 2
      from given g
      join sincro.agenti s on s.azi = g.azi and s.cod_agente = g.cod_agente
      where with_supervisors and not s.deleted and s.cod_supervisore is not null and s.cod_supervisore <> g.cod_agente
    ) a
  ),
  counts as (
    select e.azi, pg_catalog.count(*) as n from e group by e.azi
  ),
  bump as (
    update sincro_private.id_sincro_counter c
      set last_value = c.last_value + k.n
      from counts k
      where c.azi = k.azi
      returning c.azi, c.last_value - k.n as base
  ),
  written as (
    insert into sincro.device_slice_log (azi, id_sincro, cod_agente, entity, key, reason)
    select e.azi, b.base + e.position, e.cod_agente, e.entity, e.key, append_slice_log.reason
    from e join bump b on b.azi = e.azi
    returning 1
  )
  select pg_catalog.count(*)::integer from written
$$;

comment on function sincro_private.append_slice_log(jsonb, text, boolean) is
  E'Appends entries [{"azi","cod_agente","entity","key"}] to sincro.device_slice_log with the next change numbers of each company, each also for its agent''s supervisor (with_supervisors); entries without an agent are skipped. Returns how many were written.';

/*
 * Every row that belongs to one customer and that a device of the customer's
 * agent may hold, as slice-log entries for an agent: the customer itself
 * (when asked), its particolarità, open items and credit data, and its
 * documents and orders inside the history window. Tombstones too: a device
 * may not have read a tombstone yet, and once the row has left its slice the
 * tombstone is no longer its to read; the entry then brings the removal.
 */
create or replace function sincro_private.customer_slice_entries(azi text, cod_cli text, cod_agente text, with_customer boolean)
returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', $1, 'cod_agente', $3, 'entity', r.entity, 'key', r.key)), '[]')
  from (
    select 'customer' as entity, pg_catalog.jsonb_build_object('cod_cli', c.cod_cli) as key
      from sincro.clienti c where c.azi = $1 and c.cod_cli = $2 and $4
    union all
    select 'particolarita', pg_catalog.jsonb_build_object('cod_cli', p.cod_cli, 'cod_art', p.cod_art, 'valido_dal', p.valido_dal)
      from sincro.particolarita p where p.azi = $1 and p.cod_cli = $2
    union all
    select 'open_item', pg_catalog.jsonb_build_object('cod_cli', o.cod_cli, 'id_partita', o.id_partita)
      from sincro.partite_aperte o where o.azi = $1 and o.cod_cli = $2
    union all
    select 'customer_credit', pg_catalog.jsonb_build_object('cod_cli', f.cod_cli)
      from sincro.fidi f where f.azi = $1 and f.cod_cli = $2
    union all
    select 'document', pg_catalog.jsonb_build_object('tipo_doc', d.tipo_doc, 'numero', d.numero)
      from sincro.documenti d
      where d.azi = $1 and d.cliente_cod = $2
        and (d.data_doc is null or d.data_doc >= (select k.device_history_from from sincro_private.company k where k.azi = $1))
    union all
    select 'order', pg_catalog.jsonb_build_object('id_pub', a.id_pub)
      from sincro.arportes a
      where a.azi = $1 and a.cliente_cod = $2
        and a.data_ordine >= (select k.device_history_from from sincro_private.company k where k.azi = $1)
  ) r
$$;

comment on function sincro_private.customer_slice_entries(text, text, text, boolean) is
  E'Slice-log entries, for agent cod_agente, of every row of customer cod_cli a device may hold or may not have seen deleted yet (the customer if with_customer, particolarità, open items, credit, documents and orders in the history window; tombstones included).';

/*
 * A customer changes agent (or gets one): its rows follow it. slice_agente is
 * set on its particolarità, open items, credit data and documents, and the
 * slice log tells the agent it left (removals) and the agent it joined (its
 * rows, whatever their change numbers). The customer row itself is logged
 * for the agent it left; the agent it joined reads the customer's own change.
 * `moves` is a JSON array of {"azi", "cod_cli", "from_agente", "to_agente"}.
 */
create or replace function sincro_private.reslice_customers(moves jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_entries jsonb;
begin
  -- the rows follow their customer
  update sincro.particolarita p set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where p.azi = m.azi and p.cod_cli = m.cod_cli and p.slice_agente is distinct from m.to_agente;
  update sincro.partite_aperte o set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where o.azi = m.azi and o.cod_cli = m.cod_cli and o.slice_agente is distinct from m.to_agente;
  update sincro.fidi f set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where f.azi = m.azi and f.cod_cli = m.cod_cli and f.slice_agente is distinct from m.to_agente;
  update sincro.documenti d set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where d.azi = m.azi and d.cliente_cod = m.cod_cli and d.slice_agente is distinct from m.to_agente;

  -- the devices of both agents look at them again
  select coalesce(pg_catalog.jsonb_agg(x.v order by m.n, s.side, x.n), '[]') into v_entries
  from pg_catalog.jsonb_array_elements(moves) with ordinality m(v, n)
  cross join lateral (values (1, m.v ->> 'from_agente', true), (2, m.v ->> 'to_agente', false)) s(side, agent, with_customer)
  cross join lateral pg_catalog.jsonb_array_elements(
    case when s.agent is null then '[]'::jsonb
         else sincro_private.customer_slice_entries(m.v ->> 'azi', m.v ->> 'cod_cli', s.agent, s.with_customer) end)
    with ordinality x(v, n);
  perform sincro_private.append_slice_log(v_entries, 'reassigned');
end;
$$;

comment on function sincro_private.reslice_customers(jsonb) is
  E'Customers changed agent ([{"azi","cod_cli","from_agente","to_agente"}]): moves their rows'' slice_agente and logs every row for both agents'' devices.';

-- who may use it
revoke all on function sincro_private.append_slice_log(jsonb, text, boolean) from public;
revoke all on function sincro_private.customer_slice_entries(text, text, text, boolean) from public;
revoke all on function sincro_private.reslice_customers(jsonb) from public;

-- >>> sql/device/slice_triggers.sql
/*
 * Keeping every row's slice owner (slice_agente) and the slice log current as
 * the syncs write. Only syncs write these tables (as the owner), so the
 * triggers run there; statement-level triggers see a whole batch at once
 * (transition tables), and a batch that moves nobody costs one join.
 */

/* A new row of a customer belongs to the customer's agent (article-level particolarità, cod_cli '*', to nobody). */
create or replace function sincro_private.tg__set_slice_agente()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  new.slice_agente := case when tg_table_name = 'particolarita' and new.cod_cli = '*' then null
                           else (select c.cod_agente from sincro.clienti c where c.azi = new.azi and c.cod_cli = new.cod_cli) end;
  return new;
end;
$$;

comment on function sincro_private.tg__set_slice_agente() is
  E'Before a row of a customer (particolarità, open item, credit) is inserted: slice_agente := the customer''s agent (null for article-level particolarità and customers the hub does not know yet).';

create or replace function sincro_private.tg_documenti__set_slice_agente()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  new.slice_agente := (select c.cod_agente from sincro.clienti c where c.azi = new.azi and c.cod_cli = new.cliente_cod);
  return new;
end;
$$;

comment on function sincro_private.tg_documenti__set_slice_agente() is
  E'Before a document is inserted or its customer written: slice_agente := the agent of cliente_cod.';

create trigger _100_set_slice_agente before insert on sincro.particolarita
  for each row execute function sincro_private.tg__set_slice_agente();
create trigger _100_set_slice_agente before insert on sincro.partite_aperte
  for each row execute function sincro_private.tg__set_slice_agente();
create trigger _100_set_slice_agente before insert on sincro.fidi
  for each row execute function sincro_private.tg__set_slice_agente();
create trigger _100_set_slice_agente before insert or update of cliente_cod on sincro.documenti
  for each row execute function sincro_private.tg_documenti__set_slice_agente();

/* A customer that arrives with an agent, or changes agent, takes its rows along (reslice_customers). */
create or replace function sincro_private.tg_clienti__reslice()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_moves jsonb;
begin
  if tg_op = 'INSERT' then
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_cli', n.cod_cli, 'from_agente', null, 'to_agente', n.cod_agente)
                                order by n.azi, n.cod_cli)
      into v_moves
      from new_rows n where n.cod_agente is not null;
  else
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_cli', n.cod_cli, 'from_agente', o.cod_agente, 'to_agente', n.cod_agente)
                                order by n.azi, n.cod_cli)
      into v_moves
      from new_rows n join old_rows o on o.azi = n.azi and o.cod_cli = n.cod_cli
      where o.cod_agente is distinct from n.cod_agente;
  end if;
  if v_moves is not null then
    perform sincro_private.reslice_customers(v_moves);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_clienti__reslice() is
  E'After customers are written: those whose agent changed (or who arrived with one) take their rows to the new agent''s slice and are logged for both agents'' devices.';

create trigger _500_reslice_inserted after insert on sincro.clienti
  referencing new table as new_rows
  for each statement execute function sincro_private.tg_clienti__reslice();
create trigger _500_reslice_updated after update on sincro.clienti
  referencing old table as old_rows new table as new_rows
  for each statement execute function sincro_private.tg_clienti__reslice();

/*
 * An agent's supervisor changes (or the agent arrives with one, or is deleted
 * or comes back): the old supervisor's devices lose the agent and its
 * customers' rows, the new one's gain them. Nothing moves in the tables
 * (slice_agente stays the agent's); only the log tells the two supervisors.
 */
create or replace function sincro_private.tg_agenti__supervisor()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_moves jsonb;
  v_entries jsonb;
begin
  -- the agents whose supervisor changed (a new agent had none; a deleted one has none)
  if tg_op = 'INSERT' then
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_agente', n.cod_agente, 'from_sup', null, 'to_sup', n.cod_supervisore))
      into v_moves
      from new_rows n where n.cod_supervisore is not null and not n.deleted;
  else
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_agente', n.cod_agente,
             'from_sup', case when o.deleted then null else o.cod_supervisore end,
             'to_sup', case when n.deleted then null else n.cod_supervisore end))
      into v_moves
      from new_rows n join old_rows o on o.azi = n.azi and o.cod_agente = n.cod_agente
      where (case when o.deleted then null else o.cod_supervisore end) is distinct from (case when n.deleted then null else n.cod_supervisore end);
  end if;
  if v_moves is null then
    return null;
  end if;

  -- the agent and every row of its customers, for both supervisors' devices
  select pg_catalog.jsonb_agg(e.v order by m.n, s.side, e.o1, e.o2) into v_entries
  from pg_catalog.jsonb_array_elements(v_moves) with ordinality m(m, n)
  cross join lateral (values (1, m.m ->> 'from_sup'), (2, m.m ->> 'to_sup')) s(side, sup)
  cross join lateral (
    select pg_catalog.jsonb_build_object('azi', m.m ->> 'azi', 'cod_agente', s.sup, 'entity', 'agent',
                                         'key', pg_catalog.jsonb_build_object('cod_agente', m.m ->> 'cod_agente')) as v, '' as o1, 0::bigint as o2
    union all
    select x.v, c.cod_cli, x.n
    from sincro.clienti c
    cross join lateral pg_catalog.jsonb_array_elements(sincro_private.customer_slice_entries(c.azi, c.cod_cli, s.sup, true))
      with ordinality x(v, n)
    where c.azi = m.m ->> 'azi' and c.cod_agente = m.m ->> 'cod_agente'
  ) e
  where s.sup is not null;
  if v_entries is not null then
    -- addressed to the supervisors themselves (not to their own supervisors: supervision is one level)
    perform sincro_private.append_slice_log(v_entries, 'supervisor', false);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_agenti__supervisor() is
  E'After agents are written: for those whose supervisor changed, logs the agent and every row of its customers for the old and the new supervisor''s devices.';

create trigger _500_supervisor_inserted after insert on sincro.agenti
  referencing new table as new_rows
  for each statement execute function sincro_private.tg_agenti__supervisor();
create trigger _500_supervisor_updated after update on sincro.agenti
  referencing old table as old_rows new table as new_rows
  for each statement execute function sincro_private.tg_agenti__supervisor();

/*
 * A document that changes customer, or whose date moves before the history
 * window, leaves its agent's slice: its own new change number is invisible to
 * that agent's devices, so the log tells them.
 */
create or replace function sincro_private.tg_documenti__moved()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_entries jsonb;
begin
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'azi', o.azi, 'cod_agente', o.slice_agente, 'entity', 'document',
           'key', pg_catalog.jsonb_build_object('tipo_doc', o.tipo_doc, 'numero', o.numero)) order by o.azi, o.tipo_doc, o.numero)
    into v_entries
  from old_rows o
  join new_rows n on n.azi = o.azi and n.tipo_doc = o.tipo_doc and n.numero = o.numero
  join sincro_private.company k on k.azi = o.azi
  -- tombstones too: a device may not have read the tombstone before the row left its slice
  where o.slice_agente is not null
    and (o.data_doc is null or o.data_doc >= k.device_history_from)
    and (n.cliente_cod is distinct from o.cliente_cod or n.data_doc is distinct from o.data_doc)
    and (n.slice_agente is distinct from o.slice_agente or n.data_doc < k.device_history_from);
  if v_entries is not null then
    perform sincro_private.append_slice_log(v_entries, 'moved');
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_documenti__moved() is
  E'After documents are updated: those that left their agent''s slice (another customer, or dated before the history window) are logged for that agent''s devices.';

create trigger _500_moved after update on sincro.documenti
  referencing old table as old_rows new table as new_rows
  for each statement execute function sincro_private.tg_documenti__moved();

-- who may use it
revoke all on function sincro_private.tg__set_slice_agente() from public;
revoke all on function sincro_private.tg_documenti__set_slice_agente() from public;
revoke all on function sincro_private.tg_clienti__reslice() from public;
revoke all on function sincro_private.tg_agenti__supervisor() from public;
revoke all on function sincro_private.tg_documenti__moved() from public;

/*
 * An order the ERP gives to another customer, or dates before the history
 * window, leaves the slice of the agent of its former customer. Orders get
 * their change numbers at commit (the counter is the last lock taken, see
 * assign_pending_id_sincro), so the slice-log entry is too: this trigger only
 * notes the order and the agent, and says so in a transaction-local setting
 * that assign_pending_id_sincro reads. SECURITY DEFINER: fired by the ERP's
 * and the worker's statements, it writes a table they have no rights on.
 */
create or replace function sincro_private.tg_arportes__slice_move()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_agent text;
begin
  select c.cod_agente into v_agent from sincro.clienti c where c.azi = old.azi and c.cod_cli = old.cliente_cod;
  if v_agent is not null
     and old.data_ordine >= (select k.device_history_from from sincro_private.company k where k.azi = old.azi) then
    insert into sincro_private.order_slice_moves (azi, id_pub, cod_agente) values (old.azi, old.id_pub, v_agent)
      on conflict do nothing;
    perform pg_catalog.set_config('sincro.order_slice_moves', 'on', true);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__slice_move() is
  E'After an order changes customer or date: notes it for the slice log of the agent whose devices held it (written at commit). SECURITY DEFINER: fired by the ERP''s statements, it writes a private table.';

create trigger _600_slice_move after update on sincro.arportes
  for each row
  when (old.cliente_cod is distinct from new.cliente_cod or old.data_ordine is distinct from new.data_ordine)
  execute function sincro_private.tg_arportes__slice_move();

/* At commit, with the company's counter already held: the noted orders into the slice log. */
create or replace function sincro_private.log_order_slice_moves(azi text)
returns integer
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
  with moved as (
    delete from sincro_private.order_slice_moves m where m.azi = log_order_slice_moves.azi
    returning m.azi, m.id_pub, m.cod_agente)
  select sincro_private.append_slice_log(
    (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', m.azi, 'cod_agente', m.cod_agente, 'entity', 'order',
                                                                'key', pg_catalog.jsonb_build_object('id_pub', m.id_pub)) order by m.id_pub)
     from moved m),
    'moved')
$$;

comment on function sincro_private.log_order_slice_moves(text) is
  E'Writes the slice-log entries of the orders of a company noted by tg_arportes__slice_move, and forgets them. Called at commit by assign_pending_id_sincro, which holds the counter.';

revoke all on function sincro_private.tg_arportes__slice_move() from public;
revoke all on function sincro_private.log_order_slice_moves(text) from public;

-- >>> sql/device/device_history.sql
/*
 * The device history window: orders and documents dated from
 * company.device_history_from on are in the slice. The window moves once a
 * day (the worker runs device_history_advance) or when an admin changes the
 * number of months; each move logs, in the same transaction, every document
 * and order that crossed its start, for the agent whose devices held (or now
 * hold) it. So the window a policy applies and the removals a device reads
 * always agree: nothing is hidden from a device before its removal is
 * numbered.
 */
create or replace function sincro.device_history_advance(only_azi text default null)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_company record;
  v_new date;
  v_entries jsonb;
  v_total integer := 0;
begin
  for v_company in
    select c.azi, c.device_history_months, c.device_history_from from sincro_private.company c
    where only_azi is null or c.azi = only_azi order by c.azi
  loop
    v_new := (current_date - pg_catalog.make_interval(months => v_company.device_history_months))::date;
    continue when v_new = v_company.device_history_from;

    -- the company row first (a sync takes it before the counter too), then the counter (append_slice_log)
    update sincro_private.company c set device_history_from = v_new where c.azi = v_company.azi;

    select pg_catalog.jsonb_agg(r.v order by r.o1, r.o2) into v_entries
    from (
      select pg_catalog.jsonb_build_object('azi', d.azi, 'cod_agente', d.slice_agente, 'entity', 'document',
                                           'key', pg_catalog.jsonb_build_object('tipo_doc', d.tipo_doc, 'numero', d.numero)) as v,
             1 as o1, d.data_doc::text || d.tipo_doc || d.numero as o2
      from sincro.documenti d
      -- tombstones too: a device that has not read a tombstone yet could not read it once the row is out of the window
      where d.azi = v_company.azi and d.slice_agente is not null
        and d.data_doc >= least(v_new, v_company.device_history_from) and d.data_doc < greatest(v_new, v_company.device_history_from)
      union all
      select pg_catalog.jsonb_build_object('azi', a.azi, 'cod_agente', k.cod_agente, 'entity', 'order',
                                           'key', pg_catalog.jsonb_build_object('id_pub', a.id_pub)),
             2, a.id_pub::text
      from sincro.arportes a
      join sincro.clienti k on k.azi = a.azi and k.cod_cli = a.cliente_cod
      where a.azi = v_company.azi and k.cod_agente is not null
        and a.data_ordine >= least(v_new, v_company.device_history_from) and a.data_ordine < greatest(v_new, v_company.device_history_from)
    ) r;
    v_total := v_total + sincro_private.append_slice_log(v_entries,
                 case when v_new > v_company.device_history_from then 'aged_out' else 'history' end);
  end loop;
  return v_total;
end;
$$;

comment on function sincro.device_history_advance(text) is
  E'Moves each company''s (or one company''s) device history window to today minus device_history_months and logs every order and document that crossed its start for its agent''s devices (removals when the window shrinks, additions when it grows). Returns how many entries it logged. The worker runs it daily. SECURITY DEFINER: writes the company table and the slice log.';

create or replace function sincro.set_device_history_months(azi text, months integer)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- validate
  if not exists (select 1 from sincro_private.company c where c.azi = set_device_history_months.azi) then
    raise exception using errcode = 'SY100', message = pg_catalog.format('set_device_history_months: unknown company (azi = %L)', azi);
  end if;
  if months is null or months < 1 or months > 120 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('set_device_history_months: field "months" must be between 1 and 120 (got %s)', coalesce(months::text, 'NULL')),
      hint = 'Devices hold this many months of orders and documents; 12 is the default.';
  end if;

  -- apply: the setting, then the window (and its removals or additions) at once
  update sincro_private.company c set device_history_months = months where c.azi = set_device_history_months.azi;
  return sincro.device_history_advance(azi);
end;
$$;

comment on function sincro.set_device_history_months(text, integer) is
  E'Sets how many months of orders and documents a company''s devices hold (1-120, default 12) and moves the window at once, logging what enters or leaves. Returns how many slice-log entries it wrote. Admin only. SECURITY DEFINER.';

-- who may use it
revoke all on function sincro.device_history_advance(text) from public;
grant execute on function sincro.device_history_advance(text) to sincro_worker, sincro_admin;
revoke all on function sincro.set_device_history_months(text, integer) from public;
grant execute on function sincro.set_device_history_months(text, integer) to sincro_admin;

-- >>> sql/device/device_changes_since.sql
/*
 * The device feed (docs/devices.md): everything in the calling app login's
 * slice that changed after `cursor`, in change-number order, with ONE cursor
 * for every entity. Two sources share the company's change counter:
 *   - the rows themselves: a row whose own change number is above the cursor
 *     and that the login may see (row-level security decides) comes with its
 *     state, or as a removal when it is a tombstone;
 *   - the slice log: a row that entered or left the slice without changing
 *     (its customer was reassigned, its agent's supervisor changed, it moved
 *     to another customer or out of the history window) has an entry for the
 *     login's agent (written for the row's agent and for its supervisor at
 *     the time), read as "look at this row again": its current state when
 *     the login may see it now, a removal when it may not.
 * Each number appears once, so a page never splits a change and the cursor is
 * always the last id_sincro read.
 *
 * Cost: one statement per page, a lazy merge of ordered ranges. Each source
 * is read in change-number order through an index: the customers' rows
 * through (azi, agent, id_sincro), one range per agent of the login (its own,
 * plus those it supervises; the log: its own only), the agent a constant of
 * the statement so that each range is an ordered index scan; articles,
 * accessory tables, article-level particolarità and orders through (azi,
 * id_sincro). The planner merges the ranges (Merge Append) and stops at
 * max_rows: a range is read only up to where the page ends, and a row's data
 * is built only when the merge takes it. A pull costs what it returns,
 * whatever the company's size.
 *
 * The statement is written once (device_feed_sql) and runs two ways: for a
 * login with one agent (the common case), as a static statement of
 * device_changes_since (written into it when it is created), planned once
 * per session (a generic plan: planning this statement cost 4-7 ms a page,
 * as much as reading 2,000 rows); for a supervisor, built with its agents as
 * literals and planned at each call.
 *
 * Runs with the caller's rights: row-level security is the only judge of
 * what a login sees, here as in a direct SELECT.
 */
create or replace function sincro_private.device_feed_sql(agents text[], azi text default '$3', agent text default '$4')
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  -- each entity's data: the columns of the row d whose row_to_json a device gets, written once for the entity's
  -- rows and for its slice-log lookups ({data.<entity>} below)
  v_data constant jsonb := pg_catalog.jsonb_build_object(
    'data.article', 't.descrizione, t.unita_misura, t.prezzo, t.cod_iva, t.giacenza',
    'data.accessory', 't.descrizione, t.dati',
    'data.agent', 't.nome, t.email, t.telefono, t.cod_supervisore',
    'data.customer', 't.ragione_sociale, t.partita_iva, t.codice_fiscale, t.indirizzo, t.cap, t.citta, t.provincia, t.nazione, t.email, t.telefono, t.listino, t.cod_agente, t.cod_pagamento',
    'data.particolarita', 't.valido_al, t.prezzo, t.sconto',
    'data.open_item', 't.tipo_doc, t.numero_doc, t.data_doc, t.data_scadenza, t.importo, t.importo_pagato, t.pagata',
    'data.customer_credit', 't.fido, t.esposizione, t.bloccato, t.motivo_blocco',
    'data.document', $document$t.data_doc, t.cliente_cod, t.tor_chia, t.note, t.totale_imponibile, t.totale_iva, t.totale_documento,
      coalesce(t.righe,
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero)) as lines$document$);
begin
  -- $1 cursor, $2 max_rows; azi: the company, agent: the login's own agent, agents: one per agent of the login
  -- (each an SQL expression: a parameter, a variable, or a quoted literal). What each part costs, measured
  -- (docs/performance.md):
  --   - a row's key: jsonb_object of an array of texts (every key field is text; valido_dal is written in ISO, as
  --     device_changes_since sets DateStyle), the same jsonb as jsonb_build_object at 3/4 of its cost (which looks
  --     up each argument's type at every call);
  --   - a row's data: row_to_json of a row of its columns (json_build_object, which also looks up its arguments'
  --     types at every call, cost 12 % more a page);
  --   - a document's lines: the ones it carries (documenti.righe), read from documenti_righe only for a document
  --     written without them (reading them there, with the lines' row-level security checking the document again
  --     for each line, was a fifth of a first download);
  --   - the slice log's entries (at most max_rows) are looked up by key as plain typed values (k1, k2, k3, kid:
  --     compared with a table's columns they make primary-key lookups, where an expression on key, ->> not being
  --     leakproof, would wait behind the row-level security filter and use no index); a log entry whose row the
  --     login may not read (or that is deleted) is a removal.
  return sincro_private.fill_sql_template(pg_catalog.replace($page$
    with log_page as (
      select l.entity, l.id_sincro, l.key,
             case l.entity when 'article' then l.key ->> 'cod_art' when 'accessory' then l.key ->> 'tabella'
                           when 'agent' then l.key ->> 'cod_agente' when 'document' then l.key ->> 'tipo_doc'
                           else l.key ->> 'cod_cli' end as k1,
             case l.entity when 'accessory' then l.key ->> 'codice' when 'particolarita' then l.key ->> 'cod_art'
                           when 'open_item' then l.key ->> 'id_partita' when 'document' then l.key ->> 'numero' end as k2,
             case when l.entity = 'particolarita' then (l.key ->> 'valido_dal')::date end as k3,
             case when l.entity = 'order' then (l.key ->> 'id_pub')::bigint end as kid
      from sincro.device_slice_log l
      where l.azi = {azi} and l.cod_agente = {agent} and l.id_sincro > $1
      order by l.id_sincro
      limit $2
    )
    select u.entity, u.id_sincro, u.deleted, u.key, u.data
    from (
      (select 'article'::text as entity, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_art', t.cod_art]) as key,
              case when not t.deleted then pg_catalog.row_to_json(d) end as data
       from sincro.articoli t cross join lateral (select {data.article}) d where t.azi = {azi} and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'accessory'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['tabella', t.tabella, 'codice', t.codice]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.tabelle_accessorie t cross join lateral (select {data.accessory}) d where t.azi = {azi} and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'particolarita'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal::text]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.particolarita t cross join lateral (select {data.particolarita}) d where t.azi = {azi} and t.cod_cli = '*' and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      -- orders (never deleted: a log entry for one the login may no longer read is a removal)
      (select 'order'::text, a.id_sincro, false, pg_catalog.jsonb_build_object('id_pub', a.id_pub),
              (pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)))::json
       from sincro.arportes a where a.azi = {azi} and a.id_sincro > $1 order by a.id_sincro limit $2)
      {agents}
      union all
      -- the slice log: "look at this row again"
      (select l.entity, l.id_sincro, x.removal, l.key, x.data
       from log_page l
       cross join lateral (
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.articoli t on t.azi = {azi} and t.cod_art = l.k1 and not t.deleted cross join lateral (select {data.article}) d where l.entity = 'article'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.tabelle_accessorie t on t.azi = {azi} and t.tabella = l.k1 and t.codice = l.k2 and not t.deleted cross join lateral (select {data.accessory}) d where l.entity = 'accessory'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.agenti t on t.azi = {azi} and t.cod_agente = l.k1 and not t.deleted cross join lateral (select {data.agent}) d where l.entity = 'agent'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.clienti t on t.azi = {azi} and t.cod_cli = l.k1 and not t.deleted cross join lateral (select {data.customer}) d where l.entity = 'customer'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.particolarita t on t.azi = {azi} and t.cod_cli = l.k1 and t.cod_art = l.k2 and t.valido_dal = l.k3 and not t.deleted cross join lateral (select {data.particolarita}) d where l.entity = 'particolarita'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.partite_aperte t on t.azi = {azi} and t.cod_cli = l.k1 and t.id_partita = l.k2 and not t.deleted cross join lateral (select {data.open_item}) d where l.entity = 'open_item'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.fidi t on t.azi = {azi} and t.cod_cli = l.k1 and not t.deleted cross join lateral (select {data.customer_credit}) d where l.entity = 'customer_credit'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.documenti t on t.azi = {azi} and t.tipo_doc = l.k1 and t.numero = l.k2 and not t.deleted
         cross join lateral (select {data.document}) d
         where l.entity = 'document'
         union all
         select a.azi is null, case when a.azi is not null then (pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)))::json end
         from (select) o left join sincro.arportes a on a.azi = {azi} and a.id_pub = l.kid where l.entity = 'order'
       ) x(removal, data)
       order by l.id_sincro)
    ) u
    order by u.id_sincro
    limit $2
$page$,
    '{agents}',
    coalesce((select pg_catalog.string_agg(pg_catalog.format($branch$
      union all
      (select 'customer'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.clienti t cross join lateral (select {data.customer}) d where t.azi = {azi} and t.cod_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'particolarita'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal::text]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.particolarita t cross join lateral (select {data.particolarita}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'open_item'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'id_partita', t.id_partita]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.partite_aperte t cross join lateral (select {data.open_item}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'customer_credit'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.fidi t cross join lateral (select {data.customer_credit}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'document'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['tipo_doc', t.tipo_doc, 'numero', t.numero]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.documenti t
       cross join lateral (select {data.document}) d
       where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'agent'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_agente', t.cod_agente]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.agenti t cross join lateral (select {data.agent}) d where t.azi = {azi} and t.cod_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
$branch$, a.expr), '' order by a.n)
              from pg_catalog.unnest(agents) with ordinality a(expr, n)), '')),
    v_data || pg_catalog.jsonb_build_object('azi', azi, 'agent', agent));
end;
$$;

comment on function sincro_private.device_feed_sql(text[], text, text) is
  E'The device feed''s page statement ($1 cursor, $2 max_rows; azi, agent: SQL expressions for the company and the login''s agent, $3 and $4 by default), with one range per source and per agent in agents (SQL expressions). Read by device_changes_since, and by the migration that writes device_changes_since''s statement for a one-agent login.';

-- written by a DO block: its one-agent statement is device_feed_sql's, as static SQL ({one_agent_statement} below)
do $generate$
begin
  execute pg_catalog.replace($function$
create or replace function sincro.device_changes_since("cursor" bigint, max_rows integer default 1000)
returns table (entity text, id_sincro bigint, deleted boolean, key jsonb, data json)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
-- one statement of some twenty index ranges and lookups: its cost estimate passes JIT's thresholds, and compiling
-- its ~600 expressions takes seconds (measured: 5.3 s of a 5.6 s page of 10,000 rows), far more than running it
set jit = off
-- each agent's range is read in id_sincro order and stops at max_rows: never gathered by a bitmap and sorted (the
-- planner cannot know a lateral agent's range is large, and would sort the whole range for every page)
set enable_bitmapscan = off
-- valido_dal::text in a key (device_feed_sql): always YYYY-MM-DD
set datestyle = 'ISO, YMD'
-- the one-agent statement's plan is the same whatever the cursor: ordered ranges merged up to max_rows cost what
-- they return (planning it cost 4-7 ms a page)
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_azi constant text := sincro_private.session_company();
  v_agents constant text[] := sincro_private.session_agents();
  v_agent constant text := sincro_private.session_agent();
  v_purged bigint;
begin
  -- validate
  if v_agents is null then
    raise exception using
      errcode = 'SY190',
      message = 'device_changes_since: only an app login (a device) has a slice',
      hint = 'Connect with the app login of the device (sincro.create_login(..., ''app'', azi, prov_id, cod_agente => ...)). Other parties follow sincro.all_changes_since.';
  end if;
  if $1 is null or $1 < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('device_changes_since: cursor must be 0 or a change number already read (got %s)', coalesce($1::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if $2 is null or $2 < 1 or $2 > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('device_changes_since: max_rows must be between 1 and 100000 (got %s)', coalesce($2::text, 'NULL')),
      hint = 'Read in pages of a few thousand rows at most.';
  end if;
  v_purged := sincro_private.tombstones_purged_through(v_azi);
  if $1 > 0 and $1 < v_purged then
    raise exception using
      errcode = 'SY130',
      message = pg_catalog.format('device_changes_since: cursor %s is older than the tombstone retention: removals up to change %s have been purged and cannot be sent', $1, v_purged),
      hint = 'Empty the device''s copy and download again from cursor 0.';
  end if;

  -- read
  if pg_catalog.cardinality(v_agents) = 1 then
    -- the statement of device_feed_sql for one agent, written here when this function was (below): static, so
    -- PL/pgSQL keeps its plan for the session
    return query {one_agent_statement};
  else
    -- a supervisor: its agents as literals, planned at each call
    return query execute sincro_private.device_feed_sql(array(select pg_catalog.quote_literal(a) from pg_catalog.unnest(v_agents) a))
      using $1, $2, v_azi, v_agent;
  end if;
end;
$$
$function$, '{one_agent_statement}', sincro_private.device_feed_sql(array['v_agent'], 'v_azi', 'v_agent'));
end;
$generate$;

comment on function sincro.device_changes_since(bigint, integer) is
  E'The calling app login''s device feed: every change to a row of its slice above cursor, in change-number order, at most max_rows, as (entity, id_sincro, deleted, key, data); deleted = true is a removal (a tombstone, or a row that left the slice). One cursor covers every entity; start from 0 (the first download), then pass the last id_sincro read. SY190 for a login that is not an app login; SY130 when the cursor is older than the tombstone retention. See docs/devices.md.';

-- who may use it
revoke all on function sincro_private.device_feed_sql(text[], text, text) from public;
-- device_changes_since builds a supervisor's statement with the caller's rights
grant execute on function sincro_private.device_feed_sql(text[], text, text) to sincro_app;
revoke all on function sincro.device_changes_since(bigint, integer) from public;
grant execute on function sincro.device_changes_since(bigint, integer) to sincro_app;

-- >>> sql/device/device_slice_size.sql
/*
 * What a first download will bring, per entity, before it starts: rows and
 * approximate bytes (the rows' size as PostgreSQL stores them; JSON on the
 * wire is of the same order), so an app can show progress and warn on a
 * mobile connection. Reads the slice through row-level security, like the
 * feed; costs one pass over the slice's index ranges.
 */
create or replace function sincro.device_slice_size()
returns table (entity text, "rows" bigint, approx_bytes bigint)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sincro_private.session_company();
begin
  -- validate
  if sincro_private.session_agents() is null then
    raise exception using
      errcode = 'SY190',
      message = 'device_slice_size: only an app login (a device) has a slice',
      hint = 'Connect with the app login of the device.';
  end if;

  -- read
  return query
    select 'accessory'::text, pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.tabelle_accessorie t where t.azi = v_azi and not t.deleted
    union all
    select 'agent', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.agenti t where t.azi = v_azi and not t.deleted
    union all
    select 'article', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.articoli t where t.azi = v_azi and not t.deleted
    union all
    select 'customer', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.clienti t where t.azi = v_azi and not t.deleted
    union all
    select 'customer_credit', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.fidi t where t.azi = v_azi and not t.deleted
    union all
    select 'document', pg_catalog.count(*),
           -- the lines are in the row (righe), or, for a document written without them, in documenti_righe
           coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)
                    + case when t.righe is null then
                        (select coalesce(pg_catalog.sum(pg_catalog.pg_column_size(r.*)), 0) from sincro.documenti_righe r
                         where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero) else 0 end), 0)::bigint
      from sincro.documenti t where t.azi = v_azi and not t.deleted
    union all
    select 'open_item', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.partite_aperte t where t.azi = v_azi and not t.deleted
    union all
    select 'order', pg_catalog.count(*),
           coalesce(pg_catalog.sum(pg_catalog.pg_column_size(a.*)
                    + (select coalesce(pg_catalog.sum(pg_catalog.pg_column_size(r.*)), 0) from sincro.arporrig r
                       where r.azi = a.azi and r.id_pub = a.id_pub)), 0)::bigint
      from sincro.arportes a where a.azi = v_azi and a.id_sincro > 0
    union all
    select 'particolarita', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.particolarita t where t.azi = v_azi and not t.deleted;
end;
$$;

comment on function sincro.device_slice_size() is
  E'Per entity, how many rows the calling app login''s first download brings and about how many bytes (stored size). SY190 for a login that is not an app login.';

-- who may use it
revoke all on function sincro.device_slice_size() from public;
grant execute on function sincro.device_slice_size() to sincro_app;

-- >>> sql/device/device_slice_log.access.sql
/*
 * The slice log: an app login reads the entries addressed to its own agent
 * (a supervisor's entries are written to it by name), which
 * device_changes_since merges into its feed;
 * worker and admin read every company's. Written only by the hub's triggers
 * and functions (as the owner).
 */
create policy app_slice on sincro.device_slice_log for select to sincro_app
  using (azi = (select sincro_private.session_company()) and cod_agente = (select sincro_private.session_agent()));
create policy every_company on sincro.device_slice_log for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.device_slice_log to sincro_app, sincro_worker, sincro_admin;

-- >>> sql/device/credit_flags.sql
/*
 * Orders for blocked customers or over the credit limit are ACCEPTED: an app
 * works offline, and the ERP, which pushes back with its own answer (a
 * rejection shows in sincro.push_problems), stays the authority on credit.
 * The device sees the blocked flag and the credit data in its slice and can
 * warn before the order is written; the operator sees here every order the
 * ERP has not acquired yet whose customer is blocked, or whose total would
 * take the customer's exposure over its limit, by the credit data the hub
 * holds now. Runs with the caller's rights (row-level security decides).
 */
create or replace view sincro.order_credit_flags with (security_invoker = true) as
  select a.azi, a.id_pub, a.prov_tipo, a.prov_id, a.cod_agente, a.cliente_cod, a.data_ordine, a.totale_documento,
         f.bloccato, f.motivo_blocco, f.fido, f.esposizione,
         case when f.bloccato then 'blocked' else 'over_credit' end as flag
  from sincro.arportes a
  join sincro.fidi f on f.azi = a.azi and f.cod_cli = a.cliente_cod and not f.deleted
  where a.ack_gest = 0
    and (f.bloccato or f.fido is not null and coalesce(f.esposizione, 0) + coalesce(a.totale_documento, 0) > f.fido);

comment on view sincro.order_credit_flags is E'Orders not yet acquired by the ERP whose customer is blocked, or whose total takes the customer''s exposure over its credit limit (by the credit data the hub holds). They are accepted and pushed as usual; the ERP decides.';
comment on column sincro.order_credit_flags.azi is E'Company code.';
comment on column sincro.order_credit_flags.id_pub is E'Public ID of the order.';
comment on column sincro.order_credit_flags.prov_tipo is E'Who created it: S store, A app.';
comment on column sincro.order_credit_flags.prov_id is E'Device ID of an app order.';
comment on column sincro.order_credit_flags.cod_agente is E'Agent of the order.';
comment on column sincro.order_credit_flags.cliente_cod is E'Customer.';
comment on column sincro.order_credit_flags.data_ordine is E'Order date.';
comment on column sincro.order_credit_flags.totale_documento is E'Order total as sent.';
comment on column sincro.order_credit_flags.bloccato is E'The customer is blocked in the ERP.';
comment on column sincro.order_credit_flags.motivo_blocco is E'Why, as the ERP says.';
comment on column sincro.order_credit_flags.fido is E'Credit limit.';
comment on column sincro.order_credit_flags.esposizione is E'Exposure before this order.';
comment on column sincro.order_credit_flags.flag is E'blocked, or over_credit (exposure + order total > limit).';

-- the console operator reads its company's credit data for it
create policy operator_company on sincro.fidi for select to sincro_operator
  using (azi = sincro_private.session_company());

-- who may use it
grant select on sincro.fidi to sincro_operator;
grant select on sincro.order_credit_flags to sincro_store, sincro_app, sincro_operator, sincro_worker, sincro_admin;

-- >>> sql/companies/company_status.sql
/*
 * One line per company for operators (npx sincro status): what each party has
 * not acquired, the oldest order the ERP has not acquired, the ERP cursor and
 * the quota. Reads as the view's owner; a company-bound login sees its own
 * (a security barrier: the filter runs before any function of the caller's).
 */
create or replace view sincro.company_status with (security_barrier = true) as
  select c.azi,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0) as pending_gest,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_store = 0 and a.id_sincro > 0) as pending_store,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_app = 0 and a.id_sincro > 0) as pending_app,
         (select pg_catalog.min(a.created_at) from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0) as oldest_unacquired_at,
         s.last_value as last_change,
         c.erp_cursor,
         q.sync_quota, q.sync_used, q.sync_remaining, q.period_end
  from sincro_private.company c
  join sincro_private.id_sincro_counter s using (azi)
  cross join lateral sincro.quota(c.azi) q
  where sincro_private.may_see_company(c.azi);

comment on view sincro.company_status is E'Per company: orders each party has not acquired, the oldest order the ERP has not acquired, last change number, ERP cursor, quota.';
comment on column sincro.company_status.azi is E'Company code.';
comment on column sincro.company_status.pending_gest is E'Orders the ERP has not acquired (ack_gest = 0).';
comment on column sincro.company_status.pending_store is E'Published orders the store has not acquired.';
comment on column sincro.company_status.pending_app is E'Published orders the apps have not acquired.';
comment on column sincro.company_status.oldest_unacquired_at is E'When the oldest order the ERP has not acquired was written.';
comment on column sincro.company_status.last_change is E'The company''s last change number.';
comment on column sincro.company_status.erp_cursor is E'ERP change cursor the hub has applied up to.';
comment on column sincro.company_status.sync_quota is E'Syncs allowed per period.';
comment on column sincro.company_status.sync_used is E'Syncs used this period.';
comment on column sincro.company_status.sync_remaining is E'Syncs left this period.';
comment on column sincro.company_status.period_end is E'Last day of the current period.';

-- who may use it
grant select on sincro.company_status to sincro_worker, sincro_admin;

-- >>> sql/console/order_events.sql
/*
 * Order events (push attempts and the ERP's answers, operators' actions) are
 * evidence, like history: nobody changes or removes them, not even the owner
 * by mistake. Readable with their order (the order's row-level security).
 */
create or replace function sincro_private.tg_order_events__append_only()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception using
    errcode = 'SY108',
    message = 'order_events: events are append-only',
    hint = 'Each push attempt and operator action adds an event; events are never changed or removed.';
end;
$$;

comment on function sincro_private.tg_order_events__append_only() is
  E'BEFORE UPDATE/DELETE on order_events: refuses every change (SY108).';

create trigger _100_append_only
  before update or delete on sincro.order_events
  for each row execute function sincro_private.tg_order_events__append_only();

create policy visible_order on sincro.order_events for select
  using (exists (select 1 from sincro.arportes a where a.azi = order_events.azi and a.id_pub = order_events.id_pub));

-- who may use it
revoke all on function sincro_private.tg_order_events__append_only() from public;
grant select on sincro.order_events to sincro_erp, sincro_worker, sincro_admin, sincro_operator;

-- >>> sql/console/operator_actions.sql
/*
 * What an operator does to a problem order from the console (or psql): push
 * it again now, or close it by hand with a note. Each action is an order
 * event with the operator's login, so the order's timeline shows who did what
 * and why.
 *
 * SECURITY DEFINER: operators have no write rights on order_push, the events
 * or the job queue. The functions therefore check the company themselves: an
 * order of a company the login may not see is "not found" (SY160), the same
 * answer as an order that does not exist, so a forged request learns nothing.
 */
create or replace function sincro_private.operator_order_push(azi text, id_pub bigint)
returns sincro.order_push
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_push sincro.order_push;
begin
  select * into v_push from sincro.order_push p
    where p.azi = azi and p.id_pub = id_pub and sincro_private.may_see_company(p.azi)
    for update;
  if not found then
    raise exception using
      errcode = 'SY160',
      message = pg_catalog.format('no order %s of company %s to act on', id_pub, azi),
      hint = 'Only store and app orders of a company your login serves can be retried or resolved.';
  end if;
  return v_push;
end;
$$;

comment on function sincro_private.operator_order_push(text, bigint) is
  E'The push row of an order the caller''s login may act on, locked; SY160 when there is none (unknown order, or another company''s). SECURITY DEFINER: reads order_push across row-level security and checks the company itself.';

create or replace function sincro.push_retry(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
begin
  -- validate
  if v_push.state not in ('rejected', 'pending', 'in_flight') then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s is %s: nothing to retry', id_pub, azi, v_push.state);
  end if;

  -- apply: pending again, and a fresh job now (the job key replaces a waiting one)
  update sincro.order_push p set state = 'pending', updated_at = now()
    where p.azi = azi and p.id_pub = id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (azi, id_pub, 'retry', pg_catalog.format('was %s', v_push.state));
  perform sincro_private.enqueue_push_order(azi, id_pub);
end;
$$;

comment on function sincro.push_retry(text, bigint) is
  E'Operator: push a rejected, failing or stuck order to the ERP again now (event retry). SY160 unknown or another company''s order; SY162 acquired or resolved. SECURITY DEFINER: writes order_push and the job queue; checks the company itself.';

create or replace function sincro.push_resolve(azi text, id_pub bigint, note text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
begin
  -- validate
  if note is null or pg_catalog.btrim(note) = '' then
    raise exception using
      errcode = 'SY161',
      message = pg_catalog.format('resolving order %s of company %s needs a note saying why', id_pub, azi);
  end if;
  if v_push.state not in ('rejected', 'pending', 'in_flight') then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s is %s: nothing to resolve', id_pub, azi, v_push.state);
  end if;

  -- apply: never pushed again; the note and the login go to the order's events
  update sincro.order_push p set state = 'resolved', updated_at = now()
    where p.azi = azi and p.id_pub = id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (azi, id_pub, 'resolved', pg_catalog.btrim(note));
end;
$$;

comment on function sincro.push_resolve(text, bigint, text) is
  E'Operator: close a rejected, failing or stuck order by hand (state resolved, never pushed again), with a required note recorded as event resolved with the login. SY160 unknown or another company''s order; SY161 no note; SY162 acquired or already resolved. SECURITY DEFINER: writes order_push; checks the company itself.';

/*
 * A rejection caused by a new customer's data (a malformed VAT number, say)
 * is fixed where the data is: the operator corrects the new customer's
 * fields — only those — and the order is pushed again. What changed (before
 * → after) and who changed it go to the order's events; a stored new customer
 * otherwise changes only by the ERP's answer, so the change is made as the
 * hub (party H).
 */
create or replace function sincro.new_customer_correct(azi text, id_pub bigint, corrections jsonb)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  c_fields constant text[] := array['ragione_sociale', 'partita_iva', 'codice_fiscale', 'email', 'telefono',
                                    'indirizzo', 'cap', 'citta', 'provincia', 'nazione'];
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
  v_before sincro.new_customers;
  v_after sincro.new_customers;
  v_changes text;
  v_previous_party text;
  v_field text;
begin
  -- validate
  if v_push.state <> 'rejected' then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s is %s: only a rejected order is corrected and resent', id_pub, azi, v_push.state);
  end if;
  select c.* into v_before
    from sincro.arportes a join sincro.new_customers c on c.azi = a.azi and c.customer_id = a.new_customer_id
    where a.azi = azi and a.id_pub = id_pub
    for update of c;
  if not found then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s carries no new customer to correct', id_pub, azi),
      hint = 'Retry the order, or resolve it with a note.';
  end if;
  if corrections is null or pg_catalog.jsonb_typeof(corrections) <> 'object' then
    raise exception using errcode = 'SY101', message = 'new_customer_correct: corrections must be a JSON object of the new customer''s fields';
  end if;
  select k into v_field from pg_catalog.jsonb_each(corrections) e(k, v)
    where e.k <> all (c_fields) or pg_catalog.jsonb_typeof(e.v) not in ('string', 'null') order by k limit 1;
  if v_field is not null then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('new_customer_correct: field "%s" is not a new customer''s text field', v_field),
      hint = pg_catalog.format('Correct only these, as text or null: %s.', pg_catalog.array_to_string(c_fields, ', '));
  end if;
  v_after := pg_catalog.jsonb_populate_record(v_before, corrections);
  if v_after.ragione_sociale is null or pg_catalog.btrim(v_after.ragione_sociale) = '' or v_after.nazione is null then
    raise exception using errcode = 'SY102', message = 'new_customer_correct: ragione_sociale and nazione cannot be blank';
  end if;
  if pg_catalog.upper(pg_catalog.btrim(v_after.nazione)) = 'IT' then
    v_after.partita_iva := sincro_private.fiscal_normalised('partita_iva', v_after.partita_iva);
    v_after.codice_fiscale := sincro_private.fiscal_normalised('codice_fiscale', v_after.codice_fiscale);
  end if;
  select pg_catalog.string_agg(pg_catalog.format('%s: %s → %s', k, coalesce(pg_catalog.to_jsonb(v_before) ->> k, '∅'), coalesce(pg_catalog.to_jsonb(v_after) ->> k, '∅')), '; ' order by k)
    into v_changes
    from pg_catalog.unnest(c_fields) k
    where pg_catalog.to_jsonb(v_before) -> k is distinct from pg_catalog.to_jsonb(v_after) -> k;
  if v_changes is null then
    raise exception using errcode = 'SY162', message = pg_catalog.format('new_customer_correct: nothing to correct for order %s of company %s (no field changed)', id_pub, azi);
  end if;
  -- an operator's correction meets the same fiscal checks as a client's new customer (SY180, SY181)
  if pg_catalog.upper(pg_catalog.btrim(v_after.nazione)) = 'IT' then
    perform sincro_private.check_fiscal_fields('new_customer_correct', v_after.partita_iva, v_after.codice_fiscale);
  end if;

  -- apply: the corrected customer, its record in the order's events, and the push again
  v_previous_party := sincro_private.set_party('H');
  update sincro.new_customers c
    set ragione_sociale = v_after.ragione_sociale, partita_iva = v_after.partita_iva, codice_fiscale = v_after.codice_fiscale,
        email = v_after.email, telefono = v_after.telefono, indirizzo = v_after.indirizzo, cap = v_after.cap,
        citta = v_after.citta, provincia = v_after.provincia, nazione = v_after.nazione
    where c.azi = v_before.azi and c.customer_id = v_before.customer_id;
  perform sincro_private.restore_party(v_previous_party);
  insert into sincro.order_events (azi, id_pub, event, detail) values (azi, id_pub, 'corrected', v_changes);
  perform sincro.push_retry(azi, id_pub);
end;
$$;

comment on function sincro.new_customer_correct(text, bigint, jsonb) is
  E'Operator: correct the new customer of a rejected order (only its fields: ragione_sociale, partita_iva, codice_fiscale, email, telefono, indirizzo, cap, citta, provincia, nazione) and push the order again; the changes (before → after) and the login go to the order''s events (corrected, retry). SY160 unknown or another company''s order; SY162 not rejected, no new customer, nothing changed; SY101 a field that is not the customer''s; SY102 a blank name or country; SY180/SY181 an Italian customer''s partita IVA or codice fiscale that fails its check. SECURITY DEFINER: writes the new customer as the hub; checks the company itself.';

-- who may use it
revoke all on function sincro_private.operator_order_push(text,bigint) from public;
revoke all on function sincro.push_retry(text,bigint) from public;
grant execute on function sincro.push_retry(text,bigint) to sincro_operator, sincro_admin;
revoke all on function sincro.push_resolve(text,bigint,text) from public;
grant execute on function sincro.push_resolve(text,bigint,text) to sincro_operator, sincro_admin;
revoke all on function sincro.new_customer_correct(text,bigint,jsonb) from public;
grant execute on function sincro.new_customer_correct(text,bigint,jsonb) to sincro_operator, sincro_admin;

-- >>> sql/console/order_problems.sql
/*
 * The console's Problems inbox: every order the ERP rejected (with its
 * message), that keeps failing to reach it (attempts, last error, when the
 * next try is due) or that has been in flight too long, filtered and paged on
 * the server so thousands of problems stay cheap to show.
 *
 * SECURITY DEFINER: the next try is the push job's run_at in graphile_worker,
 * which no party may read; the company filter is therefore applied here
 * (as may_see_company: an operator's own company, every company for an admin).
 */
create or replace function sincro.order_problems(
  only_azi text default null, kind text default null, older_than interval default null,
  page_size integer default 50, page_offset integer default 0)
returns table (
  azi text, id_pub bigint, kind text, state text, prov_tipo text, prov_id text, id_int text, new_customer_id bigint,
  attempts integer, last_attempt_at timestamptz, last_error text, erp_message text,
  created_at timestamptz, next_try_at timestamptz, total bigint)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off  -- compiling costs more than these page-sized queries take
as $$
  with problem as (
    select p.azi, p.id_pub,
           case when p.state = 'rejected' then 'rejected'
                when p.state = 'in_flight' and p.last_attempt_at < now() - interval '5 minutes' then 'stuck'
                when p.state in ('pending', 'in_flight') and p.last_error is not null then 'failing'
           end as kind,
           p.state, p.attempts, p.last_attempt_at, p.last_error, p.erp_message, p.created_at
    from sincro.order_push p
    where p.state in ('rejected', 'pending', 'in_flight')
      and (order_problems.only_azi is null or p.azi = order_problems.only_azi)
      -- may_see_company, evaluated once rather than per row: a company-bound login sees its own, others every company
      and coalesce(p.azi = (select sincro_private.session_company()), true)
  ), page as (
    select pr.*, pg_catalog.count(*) over () as total
    from problem pr
    where pr.kind is not null
      and (order_problems.kind is null or pr.kind = order_problems.kind)
      and (order_problems.older_than is null or pr.created_at < now() - order_problems.older_than)
    order by pr.created_at, pr.azi, pr.id_pub
    limit least(greatest(coalesce(order_problems.page_size, 50), 1), 500)
    offset greatest(coalesce(order_problems.page_offset, 0), 0)
  )
  -- the creator and the next try only for the page's orders
  select pg.azi, pg.id_pub, pg.kind, pg.state, a.prov_tipo, a.prov_id, a.id_int, a.new_customer_id,
         pg.attempts, pg.last_attempt_at, pg.last_error, pg.erp_message, pg.created_at,
         (select j.run_at from graphile_worker.jobs j
           where j.key = pg_catalog.format('push_order:%s:%s', pg.azi, pg.id_pub) and j.attempts < j.max_attempts),
         pg.total
  from page pg
  join sincro.arportes a on a.azi = pg.azi and a.id_pub = pg.id_pub
  order by pg.created_at, pg.azi, pg.id_pub
$$;

comment on function sincro.order_problems(text, text, interval, integer, integer) is
  E'Problem orders the caller may see, oldest first, with their creator and new customer: kind rejected (erp_message), failing (last_error, next_try_at) or stuck (in flight for over 5 minutes); filtered by company, kind and age (queued before now() - older_than), paged (page_size at most 500); total counts every match. SECURITY DEFINER: reads the job queue; filters companies itself (a company-bound login its own, others every company).';

-- who may use it
revoke all on function sincro.order_problems(text,text,interval,integer,integer) from public;
grant execute on function sincro.order_problems(text,text,interval,integer,integer) to sincro_operator, sincro_admin;

-- >>> sql/console/order_timeline.sql
/*
 * The life of one order, for the console and `npx sincro timeline`: each
 * version of its header (arportes_history: who, which columns changed from
 * what to what, the three acks, id_sincro — the protocol's worked-example
 * table, for any real order) merged in time with its events (each push
 * attempt and the ERP's answer, operators' actions and notes).
 *
 * Both run with the caller's rights: row-level security decides which orders
 * a login may look up and read.
 */
create or replace function sincro.locate_order(
  azi text, id_pub bigint default null, tor_chia text default null,
  store_order text default null, device text default null, device_order text default null)
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select a.id_pub
  from sincro.arportes a
  where a.azi = locate_order.azi
    and case
          when locate_order.id_pub is not null then a.id_pub = locate_order.id_pub
          when locate_order.tor_chia is not null then a.tor_chia = locate_order.tor_chia
          when locate_order.store_order is not null then a.prov_tipo = 'S' and a.id_int = locate_order.store_order
          when locate_order.device is not null then a.prov_tipo = 'A' and a.prov_id = locate_order.device and a.id_int = locate_order.device_order
          else false
        end
  limit 1
$$;

comment on function sincro.locate_order(text, bigint, text, text, text, text) is
  E'Public ID of a company''s order by one of: its public ID, its ERP key (tor_chia), the store''s order number, or a device and its order number; NULL when the caller sees no such order. Runs with the caller''s rights.';

create or replace function sincro.order_timeline(azi text, id_pub bigint)
returns table (
  step integer, recorded_at timestamptz, what text, party text, db_user name, changes text,
  id_pub bigint, tor_chia text, conferma text, id_int text,
  ack_store smallint, ack_gest smallint, ack_app smallint,
  prov_tipo text, prov_id text, autore_tipo text, autore_cod text, id_sincro bigint, detail text)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  with version as (
    select h.*,
           pg_catalog.to_jsonb(h) - array['history_id', 'operation', 'party', 'db_user', 'recorded_at', 'created_xact', 'created_at', 'updated_at'] as doc
    from sincro.arportes_history h
    where h.azi = order_timeline.azi and h.id_pub = order_timeline.id_pub
  ), compared as (
    select v.*, pg_catalog.lag(v.doc) over (order by v.history_id) as previous from version v
  ), timeline as (
    select c.recorded_at, 0 as source, c.history_id as seq, c.operation as what, c.party, c.db_user,
           (select pg_catalog.string_agg(pg_catalog.format('%s: %s → %s', k, coalesce(c.previous ->> k, '∅'), coalesce(c.doc ->> k, '∅')), '; ' order by k)
              from pg_catalog.jsonb_object_keys(c.doc) k
             where c.previous is not null and c.doc -> k is distinct from c.previous -> k) as changes,
           c.id_pub, c.tor_chia, c.conferma, c.id_int, c.ack_store, c.ack_gest, c.ack_app,
           c.prov_tipo, c.prov_id, c.autore_tipo, c.autore_cod, c.id_sincro, null::text as detail
    from compared c
    union all
    select e.recorded_at, 1, e.event_id, e.event, null, e.db_user, null,
           e.id_pub, null, null, null, null, null, null, null, null, null, null, null, e.detail
    from sincro.order_events e
    where e.azi = order_timeline.azi and e.id_pub = order_timeline.id_pub
  )
  select (pg_catalog.row_number() over (order by t.recorded_at, t.source, t.seq))::integer,
         t.recorded_at, t.what, t.party, t.db_user, t.changes,
         t.id_pub, t.tor_chia, t.conferma, t.id_int, t.ack_store, t.ack_gest, t.ack_app,
         t.prov_tipo, t.prov_id, t.autore_tipo, t.autore_cod, t.id_sincro, t.detail
  from timeline t
  order by t.recorded_at, t.source, t.seq
$$;

comment on function sincro.order_timeline(text, bigint) is
  E'One row per version of the order (INSERT/UPDATE/DELETE from arportes_history: acting party S/A/G/H, login, the columns changed before → after, the protocol columns) and per event (push_started/acquired/rejected/failed with the ERP''s answer, retry, resolved with the operator''s note), in time order. Empty when the caller sees no such order. Runs with the caller''s rights.';

-- who may use it
revoke all on function sincro.locate_order(text,bigint,text,text,text,text) from public;
grant execute on function sincro.locate_order(text,bigint,text,text,text,text) to sincro_erp, sincro_worker, sincro_admin, sincro_operator;
revoke all on function sincro.order_timeline(text,bigint) from public;
grant execute on function sincro.order_timeline(text,bigint) to sincro_erp, sincro_worker, sincro_admin, sincro_operator;

-- >>> sql/console/metric_counts.sql
/*
 * The figures of /metrics that would otherwise be counted over every order at
 * each scrape (push outcomes, the insert → acquired histogram, pending counts
 * per party) are kept as they happen: triggers on the rows they count add a
 * delta row to sincro_private.metric_delta in the same transaction, so a
 * figure changes exactly when the change commits, and never otherwise.
 * Deltas are inserts only: two pushes of one company never wait on a shared
 * counter row. sincro.metric_compact folds them into metric_rollup; a scrape
 * (sincro.metric_samples) adds rollup and the deltas not folded yet, in one
 * snapshot, so what it reports is exact and, for counters, never goes down.
 *
 * The triggers fire only on the changes they count (their WHEN clauses are
 * evaluated without calling a function): once per order when it becomes
 * acquired, once per rejection or failed attempt, and when an order enters or
 * leaves what a party has not acquired.
 */

/* The histogram's bounds, in seconds: one list for the triggers and the scrape. */
create or replace function sincro_private.push_duration_bounds()
returns numeric[]
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select array[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::numeric[]
$$;

comment on function sincro_private.push_duration_bounds() is
  E'The upper bounds (seconds) of sincro_push_duration_seconds'' buckets.';

/* The one bucket an observation is counted in (the scrape makes them cumulative). */
create or replace function sincro_private.push_duration_bucket(seconds numeric)
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(
    (select b::text from pg_catalog.unnest(sincro_private.push_duration_bounds()) b
     where push_duration_bucket.seconds <= b order by b limit 1),
    '+Inf')
$$;

comment on function sincro_private.push_duration_bucket(numeric) is
  E'The smallest bound of the push-duration histogram that seconds does not exceed (le is inclusive), as text; +Inf above the last.';

/*
 * An order became acquired (push_acquired, or push_claim finding the ERP had
 * acked it): count it and its insert → acquired time. acquired is final, so
 * each order is counted once.
 */
create or replace function sincro_private.tg_order_push__count_acquired()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- the duration's bucket is found when the delta is folded or scraped: nothing more on the push path
  insert into sincro_private.metric_delta (azi, metric, n, seconds)
    values (new.azi, 'push_acquired', 1, extract(epoch from new.acquired_at - new.created_at));
  return null;
end;
$$;

comment on function sincro_private.tg_order_push__count_acquired() is
  E'AFTER INSERT/UPDATE on order_push, when a push becomes acquired: one push_acquired delta with its insert → acquired seconds. SECURITY DEFINER: fired by the worker''s and operators'' functions, it writes a table nobody else may.';

create trigger _800_count_acquired
  after insert on sincro.order_push
  for each row
  when (new.state = 'acquired' and new.acquired_at is not null)
  execute function sincro_private.tg_order_push__count_acquired();

create trigger _800_count_acquired_update
  after update of state, acquired_at on sincro.order_push
  for each row
  when (new.state = 'acquired' and new.acquired_at is not null
        and (old.state <> 'acquired' or old.acquired_at is null))
  execute function sincro_private.tg_order_push__count_acquired();

/* Each rejection and each failed attempt (order events are append-only). */
create or replace function sincro_private.tg_order_events__count_outcome()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  insert into sincro_private.metric_delta (azi, metric, n) values (new.azi, new.event, 1);
  return null;
end;
$$;

comment on function sincro_private.tg_order_events__count_outcome() is
  E'AFTER INSERT on order_events of push_rejected and push_failed: one delta of that name. SECURITY DEFINER: writes a table nobody else may.';

create trigger _800_count_outcome
  after insert on sincro.order_events
  for each row
  when (new.event in ('push_rejected', 'push_failed'))
  execute function sincro_private.tg_order_events__count_outcome();

/*
 * Pending per party (sincro.pending_gest, pending_store, pending_app): +1 when
 * an order enters the set, -1 when it leaves. Inside a transaction that
 * changes an order on the ERP side id_sincro is NULL until the commit stamps
 * it, always with a number > 0: NULL counts as published, so the stamping
 * itself changes no count (and no committed row holds NULL).
 */
create or replace function sincro_private.tg_arportes__count_pending()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_published_new boolean := coalesce(new.id_sincro, 1) > 0;
  v_published_old boolean := tg_op = 'UPDATE' and coalesce(old.id_sincro, 1) > 0;
  v_erp integer := (new.ack_gest = 0)::integer - (tg_op = 'UPDATE' and old.ack_gest = 0)::integer;
  v_store integer := (new.ack_store = 0 and v_published_new)::integer - (v_published_old and old.ack_store = 0)::integer;
  v_app integer := (new.ack_app = 0 and v_published_new)::integer - (v_published_old and old.ack_app = 0)::integer;
begin
  insert into sincro_private.metric_delta (azi, metric, n)
    select new.azi, d.metric, d.n
    from (values ('pending_erp', v_erp), ('pending_store', v_store), ('pending_app', v_app)) d(metric, n)
    where d.n <> 0;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__count_pending() is
  E'AFTER INSERT/UPDATE on arportes, when an order enters or leaves what a party has not acquired: pending_erp / pending_store / pending_app deltas of +1 or -1. SECURITY DEFINER: fired by clients'' statements, it writes a table nobody else may.';

create trigger _800_count_pending
  after insert on sincro.arportes
  for each row
  when (new.ack_gest = 0 or (coalesce(new.id_sincro, 1) > 0 and (new.ack_store = 0 or new.ack_app = 0)))
  execute function sincro_private.tg_arportes__count_pending();

create trigger _800_count_pending_update
  after update of ack_gest, ack_store, ack_app, id_sincro on sincro.arportes
  for each row
  when ((old.ack_gest = 0) <> (new.ack_gest = 0)
        or (old.ack_store = 0 and coalesce(old.id_sincro, 1) > 0) <> (new.ack_store = 0 and coalesce(new.id_sincro, 1) > 0)
        or (old.ack_app = 0 and coalesce(old.id_sincro, 1) > 0) <> (new.ack_app = 0 and coalesce(new.id_sincro, 1) > 0))
  execute function sincro_private.tg_arportes__count_pending();

/*
 * Folds the deltas into the rollup, each acquisition into its histogram
 * bucket: DELETE … RETURNING and the upsert in one statement, so a delta is
 * folded exactly once, and a scrape (one snapshot)
 * sees it either in the deltas or in the rollup. Deltas committed while it
 * runs, or by transactions still open, are left for the next compaction. One
 * compaction at a time: another finds the lock row taken and returns at once
 * (that one is doing the work); rollup rows are updated in key order.
 * Run by each scrape before it reads, and every minute by the worker.
 *
 * SECURITY DEFINER: the metric tables are private; granted to the admin (the
 * HTTP server) and the worker.
 */
create or replace function sincro.metric_compact()
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  v_folded bigint;
begin
  perform 1 from sincro_private.metric_compaction c where c.only_row for update skip locked;
  if not found then
    return 0;  -- another compaction is running
  end if;

  with folded as (
    delete from sincro_private.metric_delta d
    returning d.azi, d.metric, d.n, d.seconds
  ), summed as (
    select f.azi, f.metric,
           case when f.metric = 'push_acquired' then sincro_private.push_duration_bucket(f.seconds) else '' end as bucket,
           pg_catalog.sum(f.n) as n, pg_catalog.sum(f.seconds) as seconds, pg_catalog.count(*) as deltas
    from folded f
    group by 1, 2, 3
  ), upserted as (
    insert into sincro_private.metric_rollup as r (azi, metric, bucket, n, seconds)
      select s.azi, s.metric, s.bucket, s.n, s.seconds from summed s order by s.azi, s.metric, s.bucket
      on conflict (azi, metric, bucket) do update
        set n = r.n + excluded.n, seconds = r.seconds + excluded.seconds
  )
  select coalesce(pg_catalog.sum(s.deltas), 0) into v_folded from summed s;

  update sincro_private.metric_compaction c
    set compacted_at = pg_catalog.clock_timestamp(), deltas_folded = c.deltas_folded + v_folded
    where c.only_row;
  return v_folded;
end;
$$;

comment on function sincro.metric_compact() is
  E'Folds the metric deltas written since the last compaction into the rollup (exactly once each; figures unchanged); returns how many it folded, 0 when another compaction is running. Each /metrics scrape runs it first; the worker every minute. SECURITY DEFINER: the metric tables are private.';

-- who may use it
revoke all on function sincro_private.push_duration_bounds() from public;
revoke all on function sincro_private.push_duration_bucket(numeric) from public;
revoke all on function sincro_private.tg_order_push__count_acquired() from public;
revoke all on function sincro_private.tg_order_events__count_outcome() from public;
revoke all on function sincro_private.tg_arportes__count_pending() from public;
revoke all on function sincro.metric_compact() from public;
grant execute on function sincro.metric_compact() to sincro_worker, sincro_admin;

-- >>> sql/console/metric_samples.sql
/*
 * What a Prometheus scrape of GET /metrics reports about the hub, read from
 * the database at scrape time, so every process that serves /metrics reports
 * the same truth. One row per sample: the metric's name, its labels, its
 * value (docs/operations.md describes each metric).
 *
 * SECURITY DEFINER: counts every company's orders, runs and the job queue; it
 * gives figures, no order data. Granted to the admin (the hub's HTTP server
 * connects as the database owner or an admin login).
 */
create or replace function sincro.metric_samples()
returns table (metric text, labels jsonb, value double precision)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off  -- compiling costs more than these page-sized queries take
as $$
  with company as (
    select c.azi from sincro_private.company c
  ), counted as (
    -- what the triggers count (sql/console/metric_counts.sql): the rollup and the deltas not folded yet
    select k.azi, k.metric, k.bucket, pg_catalog.sum(k.n) as n, pg_catalog.sum(k.seconds) as seconds
    from (select r.azi, r.metric, r.bucket, r.n, r.seconds from sincro_private.metric_rollup r
          union all
          select d.azi, d.metric,
                 case when d.metric = 'push_acquired' then sincro_private.push_duration_bucket(d.seconds) else '' end,
                 d.n, d.seconds
          from sincro_private.metric_delta d) k
    group by k.azi, k.metric, k.bucket
  ), party as (
    -- the oldest pending order of each party: one probe of a partial index per company
    select c.azi, x.party, coalesce(k.n, 0) as n, x.oldest
    from company c
    cross join lateral (values
      -- (the ERP's: the lowest public ID, from idx_arportes__pending_gest, which every insert keeps anyway)
      ('erp', (select a.created_at from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0 order by a.id_pub limit 1)),
      ('store', (select a.updated_at from sincro.arportes a where a.azi = c.azi and a.ack_store = 0 and a.id_sincro > 0 order by a.updated_at limit 1)),
      ('app', (select a.updated_at from sincro.arportes a where a.azi = c.azi and a.ack_app = 0 and a.id_sincro > 0 order by a.updated_at limit 1))
    ) x(party, oldest)
    left join counted k on k.azi = c.azi and k.metric = 'pending_' || x.party and k.bucket = ''
  ), histogram as (
    -- cumulative: each bound counts the acquisitions in its bucket and every lower one
    select c.azi, b.le::text as le, pg_catalog.sum(coalesce(k.n, 0)) over (partition by c.azi order by b.j) as n
    from company c
    cross join pg_catalog.unnest(sincro_private.push_duration_bounds()) with ordinality b(le, j)
    left join counted k on k.azi = c.azi and k.metric = 'push_acquired' and k.bucket = b.le::text
  ), acquired as (
    select c.azi, coalesce(pg_catalog.sum(k.n), 0) as n, coalesce(pg_catalog.sum(k.seconds), 0) as seconds
    from company c
    left join counted k on k.azi = c.azi and k.metric = 'push_acquired'
    group by c.azi
  ), quota as (
    -- read once (its period arithmetic costs ~0.15 ms a company)
    select q.azi, q.sync_remaining, q.sync_quota from sincro.quota() q
  )
  -- orders each party has not acquired, and how long the oldest has waited
  select 'sincro_orders_pending', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party), p.n::float8
  from party p
  union all
  select 'sincro_oldest_pending_seconds', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party),
         coalesce(extract(epoch from now() - p.oldest)::float8, 0)
  from party p
  -- pushes: acquired orders, and each rejection and failed attempt
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', a.azi, 'outcome', 'acquired'), a.n::float8
  from acquired a
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', c.azi, 'outcome', o.outcome), coalesce(k.n, 0)::float8
  from company c cross join (values ('rejected', 'push_rejected'), ('failed', 'push_failed')) o(outcome, metric)
  left join counted k on k.azi = c.azi and k.metric = o.metric and k.bucket = ''
  -- insert → acquired, as a histogram (buckets cumulative, then +Inf, sum and count)
  union all
  select 'sincro_push_duration_seconds_bucket', pg_catalog.jsonb_build_object('azi', h.azi, 'le', h.le), h.n::float8
  from histogram h
  union all
  select 'sincro_push_duration_seconds_bucket', pg_catalog.jsonb_build_object('azi', a.azi, 'le', '+Inf'), a.n::float8
  from acquired a
  union all
  select 'sincro_push_duration_seconds_sum', pg_catalog.jsonb_build_object('azi', a.azi), a.seconds::float8
  from acquired a
  union all
  select 'sincro_push_duration_seconds_count', pg_catalog.jsonb_build_object('azi', a.azi), a.n::float8
  from acquired a
  -- sync runs by kind and state, and the rows they brought (orders pushed, for partial syncs)
  union all
  -- finished runs only: a counter never goes down (a run counted as running would leave that series when it ends)
  select 'sincro_sync_runs_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind, 'state', r.state), pg_catalog.count(*)::float8
  from sincro.sync_runs r
  where r.state <> 'running'
  group by r.azi, r.kind, r.state
  union all
  select 'sincro_sync_runs_running', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind), pg_catalog.count(*)::float8
  from sincro.sync_runs r
  where r.state = 'running'
  group by r.azi, r.kind
  union all
  select 'sincro_sync_rows_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind),
         pg_catalog.sum(case when r.kind = 'partial' then r.orders_pushed else r.rows_received end)::float8
  from sincro.sync_runs r
  group by r.azi, r.kind
  -- quota
  union all
  select 'sincro_quota_remaining', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_remaining::float8
  from quota q
  union all
  select 'sincro_quota_total', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_quota::float8
  from quota q
  -- consumers' lag behind the change feed
  union all
  select 'sincro_consumer_lag', pg_catalog.jsonb_build_object('azi', l.azi, 'consumer', l.consumer), l.lag::float8
  from sincro.consumer_lag l
  -- the worker's queue: jobs waiting or running that may still run
  union all
  select 'sincro_jobs_queued', '{}'::jsonb, pg_catalog.count(*)::float8
  from graphile_worker.jobs j
  where j.attempts < j.max_attempts
$$;

comment on function sincro.metric_samples() is
  E'Every sample GET /metrics reports about the hub (name, labels, value), computed now: pending orders and oldest age per party, push outcomes and the insert→acquired histogram, sync runs and rows, quota, consumer lag, queued jobs. See docs/operations.md. SECURITY DEFINER: counts across companies and the job queue.';

-- who may use it
revoke all on function sincro.metric_samples() from public;
grant execute on function sincro.metric_samples() to sincro_admin;

-- >>> sql/console/sync_request.sql
/*
 * The console's sync buttons: a sync for changes or a total rebuild is
 * started here and run by the worker (task sync_pull), not by the web
 * process. Starting is sync_run_begin itself, so a refusal (SY121 quota used
 * up, SY120 a sync already running) reaches the person who pressed the
 * button at once and writes nothing; the run's row in sync_runs is the record
 * the page follows. The queued job carries the key sync_run_begin looks for
 * (sync_run_job_key: the key of any run queued for the worker), so the run
 * counts as alive while its job waits; the worker takes it over with
 * sync_run_take.
 *
 * SECURITY DEFINER: enqueues, and writes sync_runs; checks the company itself
 * (an operator starts its own company's runs only).
 */
create or replace function sincro.sync_request(azi text, kind text)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_run_id bigint;
begin
  -- validate
  if kind is null or kind not in ('changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync_request: kind must be changes or rebuild (got %L); a partial sync is sincro.partial_sync', kind);
  end if;
  if not sincro_private.may_see_company(azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', azi);
  end if;

  -- begin (the refusals happen here), then hand the run to the worker
  v_run_id := sincro.sync_run_begin(azi, kind);
  update sincro.sync_runs r set backend_pid = null, phase = 'queued' where r.azi = azi and r.run_id = v_run_id;
  perform graphile_worker.add_job(
    identifier := 'sync_pull',
    payload := pg_catalog.json_build_object('azi', azi, 'run_id', v_run_id, 'kind', kind),
    job_key := sincro_private.sync_run_job_key(azi, v_run_id),
    max_attempts := 1);
  return v_run_id;
end;
$$;

comment on function sincro.sync_request(text, text) is
  E'Starts a sync for changes or a total rebuild of a company, run by the worker; returns its run_id (follow it in sincro.sync_runs). SY121 quota used up, SY120 a sync with the ERP already running, SY100 a company the login does not serve: nothing is written. SECURITY DEFINER: enqueues and writes sync_runs; checks the company itself.';

create or replace function sincro.sync_run_take(azi text, run_id bigint, kind text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
begin
  update sincro.sync_runs r
    set backend_pid = pg_catalog.pg_backend_pid(), progress_at = pg_catalog.now(), phase = 'starting'
    where r.azi = azi and r.run_id = run_id and r.kind = kind and r.state = 'running' and r.backend_pid is null;
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a queued %s sync', run_id, azi, kind),
      hint = 'It ended, was closed as abandoned, or another session took it (see sincro.sync_runs).';
  end if;
end;
$$;

comment on function sincro.sync_run_take(text, bigint, text) is
  E'Worker: takes over a run queued by sync_request (its session now works on it: alive while that session is); SY123 if it is not queued and running. SECURITY DEFINER: writes sync_runs.';

-- who may use it
revoke all on function sincro.sync_request(text,text) from public;
grant execute on function sincro.sync_request(text,text) to sincro_operator, sincro_admin;
revoke all on function sincro.sync_run_take(text,bigint,text) from public;
grant execute on function sincro.sync_run_take(text,bigint,text) to sincro_worker, sincro_admin;

-- >>> sql/console/operator.access.sql
/*
 * What a console operator (sincro_operator, bound to one company) may read:
 * its company's orders with their lines, new customers, history, push state
 * and events, its sync runs, status, consumers' lag, quota. Nothing is
 * writable directly: the operator acts only through push_retry, push_resolve
 * and order_problems (console/), which check the company themselves. The
 * policies say "its company" once per table; the history, push state, lines
 * and events follow the order's visibility (their own visible_order
 * policies). Kept in one file so a reader sees the operator's whole reach.
 */
create policy operator_company on sincro.arportes for select to sincro_operator
  using (azi = sincro_private.session_company());
create policy operator_company on sincro.new_customers for select to sincro_operator
  using (azi = sincro_private.session_company());
create policy operator_company on sincro.sync_runs for select to sincro_operator
  using (azi = sincro_private.session_company());

-- who may use it
grant usage on schema sincro to sincro_operator;
grant usage on schema sincro_private to sincro_operator;
grant execute on function sincro_private.session_company() to sincro_operator;
grant execute on function sincro_private.may_see_company(text) to sincro_operator;
grant select on sincro.arportes, sincro.arporrig, sincro.new_customers, sincro.arportes_history,
                sincro.order_push, sincro.sync_runs to sincro_operator;
grant select on sincro.apstatosyn, sincro.company_status, sincro.consumer_lag, sincro.push_problems to sincro_operator;
grant execute on function sincro.quota(text) to sincro_operator;

-- >>> sql/stores/store_registry.sql
/*
 * The stores a company sells through (WooCommerce, Shopify), registered by an
 * admin (`npx sincro store add`). The webhook secret is not kept: only its
 * HMAC-SHA256 inner and outer keys, which check a signature without the
 * secret ever leaving the database. Those keys and the REST credentials sit in
 * sincro_private.store, which no login but the owner can read; admins see the
 * rest through sincro.stores.
 */

/*
 * HMAC-SHA256 (RFC 2104) on PostgreSQL's own sha256(): no extension to
 * install. The key is padded to the 64-byte block (hashed first if longer),
 * then xor-ed with 0x36 and 0x5c once, at registration.
 */
create or replace function sincro_private.hmac_key_pads(secret bytea, out ipad bytea, out opad bytea)
language plpgsql
immutable
strict
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key bytea := secret;
begin
  if pg_catalog.octet_length(v_key) > 64 then
    v_key := pg_catalog.sha256(v_key);
  end if;
  v_key := v_key || pg_catalog.decode(pg_catalog.repeat('00', 64 - pg_catalog.octet_length(v_key)), 'hex');
  ipad := v_key;
  opad := v_key;
  for i in 0..63 loop
    ipad := pg_catalog.set_byte(ipad, i, pg_catalog.get_byte(v_key, i) # 54);
    opad := pg_catalog.set_byte(opad, i, pg_catalog.get_byte(v_key, i) # 92);
  end loop;
end;
$$;

comment on function sincro_private.hmac_key_pads(bytea) is
  E'The HMAC-SHA256 inner and outer keys of a secret (RFC 2104): the key padded to 64 bytes, xor 0x36 and xor 0x5c.';

create or replace function sincro_private.hmac_sha256(ipad bytea, opad bytea, message bytea)
returns bytea
language plpgsql
immutable
strict
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: every delivery calls it, where an SQL function is parsed and planned again
  return (pg_catalog.sha256(opad || pg_catalog.sha256(ipad || message)));
end;
$$;

comment on function sincro_private.hmac_sha256(bytea, bytea, bytea) is
  E'HMAC-SHA256 of message with the key whose pads hmac_key_pads made.';

/*
 * The settings a store may carry, with their defaults (docs/stores.md): what
 * is not given takes the default, an unknown key is refused (a typo would
 * otherwise be silently ignored).
 */
create or replace function sincro_private.store_default_settings()
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (jsonb_build_object(
    'shipping_article', 'SPESE_TRASPORTO',
    'fee_article', 'SPESE_VARIE',
    'natura_zero_vat', null,
    'accept_statuses', jsonb_build_array('processing', 'completed', 'on-hold'),
    'fiscal_keys', jsonb_build_object(
      'codice_fiscale', jsonb_build_array('billing_cf', '_billing_cf', 'billing_codice_fiscale', '_billing_codice_fiscale', 'codice_fiscale', 'cf'),
      'partita_iva', jsonb_build_array('billing_piva', '_billing_piva', 'billing_partita_iva', '_billing_partita_iva', 'billing_vat', '_billing_vat', 'partita_iva', 'piva', 'vat_number'),
      'pec', jsonb_build_array('billing_pec', '_billing_pec', 'pec'),
      'sdi', jsonb_build_array('billing_sdi', '_billing_sdi', 'billing_codice_destinatario', '_billing_codice_destinatario', 'sdi', 'codice_destinatario')),
    'payment_codes', jsonb_build_object(),
    'status_back', true,
    'woocommerce_status', null,
    'shopify_tag', 'sincro-acquired'));
end;
$$;

comment on function sincro_private.store_default_settings() is
  E'Every store setting and its default: article codes for shipping and fee lines, the natura code of 0 % VAT lines, WooCommerce statuses that make an order, keys of the Italian fiscal fields, payment codes, status back (WooCommerce status, Shopify tag).';

create or replace function sincro_private.store_settings(store_id text)
returns jsonb
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (select sincro_private.store_default_settings() || s.settings from sincro_private.store s where s.store_id = store_settings.store_id);
end;
$$;

comment on function sincro_private.store_settings(text) is
  E'A store''s settings with the defaults for those it does not set.';

/*
 * Registers a store (or, with replace, changes an active one's secret,
 * credentials and settings: a key rotation). Checked here, with our codes:
 * the company, the platform, the ID's shape, one store per company without an
 * id_int prefix (two stores' order IDs could collide in arportes.id_int).
 *
 * SECURITY DEFINER: writes sincro_private.store, which only the owner may.
 */
create or replace function sincro.store_add(
  store_id text, azi text, platform text, secret text,
  api_url text default null, api_key text default null, api_secret text default null,
  id_int_prefix text default '', settings jsonb default '{}', reconcile_every interval default interval '5 minutes',
  replace boolean default false)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_pads record;
  v_existing sincro_private.store;
  v_unknown text;
begin
  -- validate
  if store_id is null or store_id !~ '^[A-Za-z0-9_-]{1,40}$' then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: store_id must be 1-40 letters, digits, _ or - (got %s)', sincro_private.shown(store_id)),
      hint = 'The store ID is part of its webhook URL: /stores/<platform>/<store_id>/webhook.';
  end if;
  if platform is null or platform not in ('woocommerce', 'shopify') then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: platform must be woocommerce or shopify (got %s)', sincro_private.shown(platform));
  end if;
  if not exists (select 1 from sincro_private.company c where c.azi = azi) then
    raise exception using errcode = 'SY100',
      message = pg_catalog.format('store_add: unknown company (azi = %s)', sincro_private.shown(azi)),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if secret is null or pg_catalog.length(secret) < 8 then
    raise exception using errcode = 'SY172',
      message = 'store_add: the webhook secret must have at least 8 characters',
      hint = 'Use the secret the shop signs its webhooks with (WooCommerce: the webhook''s Secret; Shopify: the app''s client secret).';
  end if;
  if api_url is not null and api_url !~ '^https?://[^/?#\s]+(/[^?#\s]*)?$' then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: api_url must be the shop''s base URL, http(s)://host[/path] (got %s)', sincro_private.shown(api_url));
  end if;
  if api_url is not null and (api_secret is null or (platform = 'woocommerce' and api_key is null)) then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: a %s store with an API URL needs %s', platform,
                                  case platform when 'woocommerce' then 'the REST consumer key and secret (--key, --secret-key)' else 'the Admin API access token (--token)' end),
      hint = 'Without api_url the store only receives webhooks: no reconciliation, no status back.';
  end if;
  if coalesce(id_int_prefix, '') !~ '^[A-Za-z0-9_:-]{0,20}$' then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: id_int_prefix must be up to 20 letters, digits, _, : or - (got %s)', sincro_private.shown(id_int_prefix));
  end if;
  if settings is null or pg_catalog.jsonb_typeof(settings) <> 'object' then
    raise exception using errcode = 'SY172', message = 'store_add: settings must be a JSON object';
  end if;
  select k into v_unknown from pg_catalog.jsonb_object_keys(settings) k
  where not sincro_private.store_default_settings() ? k limit 1;
  if v_unknown is not null then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: unknown setting %s', sincro_private.shown(v_unknown)),
      hint = 'docs/stores.md lists the settings.';
  end if;
  if reconcile_every is null or reconcile_every < interval '10 seconds' then
    raise exception using errcode = 'SY172', message = 'store_add: reconcile_every must be at least 10 seconds';
  end if;

  -- apply
  select * into v_pads from sincro_private.hmac_key_pads(pg_catalog.convert_to(secret, 'UTF8'));
  select * into v_existing from sincro_private.store s where s.store_id = store_id for update;
  if found then
    if not replace or v_existing.removed_at is not null or v_existing.azi <> azi or v_existing.platform <> platform then
      raise exception using errcode = 'SY171',
        message = pg_catalog.format('store_add: store %s is already registered%s', store_id,
                                    case when v_existing.removed_at is not null then ' (and removed: its ID is not reused)' else '' end),
        hint = case when v_existing.removed_at is null then 'To change its secret or settings, add it again with replace (--replace), same company and platform.'
                    else 'Choose another store ID.' end;
    end if;
    update sincro_private.store s
      set hmac_ipad = v_pads.ipad, hmac_opad = v_pads.opad, api_url = store_add.api_url, api_key = store_add.api_key,
          api_secret = store_add.api_secret, settings = store_add.settings, reconcile_every = store_add.reconcile_every
      where s.store_id = store_add.store_id;
    return;
  end if;
  if exists (select 1 from sincro_private.store s where s.azi = azi and s.id_int_prefix = coalesce(id_int_prefix, '') and s.removed_at is null) then
    raise exception using errcode = 'SY171',
      message = pg_catalog.format('store_add: company %s already has a store with id_int prefix %s', azi, pg_catalog.quote_literal(coalesce(id_int_prefix, ''))),
      hint = 'Each store of a company needs its own id_int prefix (--id-prefix), so that two stores'' order IDs never collide.';
  end if;
  insert into sincro_private.store (store_id, azi, platform, hmac_ipad, hmac_opad, api_url, api_key, api_secret, id_int_prefix, settings, reconcile_every, watermark)
    values (store_id, azi, platform, v_pads.ipad, v_pads.opad, api_url, api_key, api_secret, coalesce(id_int_prefix, ''), settings, reconcile_every, now());
end;
$$;

comment on function sincro.store_add(text, text, text, text, text, text, text, text, jsonb, interval, boolean) is
  E'Registers a WooCommerce or Shopify store of a company (its webhook secret, optional REST API URL and credentials, id_int prefix, settings, reconciliation interval); with replace, changes an active store''s secret, credentials and settings. Admin only. SECURITY DEFINER: writes sincro_private.store.';

/*
 * Removes a store: its webhooks answer 404 from now on, nothing is reconciled
 * or sent back, its keys are wiped. Its inbox and orders stay (they are the
 * record of what came in), and its ID is never given to another store.
 */
create or replace function sincro.store_remove(store_id text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro_private.store s
    set removed_at = now(), hmac_ipad = null, hmac_opad = null, api_key = null, api_secret = null
    where s.store_id = store_remove.store_id and s.removed_at is null;
  if not found then
    raise exception using errcode = 'SY170',
      message = pg_catalog.format('store_remove: no active store %s', sincro_private.shown(store_id)),
      hint = 'npx sincro store list shows the stores.';
  end if;
end;
$$;

comment on function sincro.store_remove(text) is
  E'Removes a store: webhooks 404, no reconciliation or status back, keys wiped; inbox and orders kept, ID not reused. Admin only. SECURITY DEFINER: writes sincro_private.store.';

/*
 * A shop customer the ERP already knows: its orders carry cliente_cod instead
 * of bringing a new customer. By the platform's customer ID or by e-mail.
 */
create or replace function sincro.store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_azi text;
begin
  select s.azi into v_azi from sincro_private.store s where s.store_id = store_id and s.removed_at is null;
  if not found then
    raise exception using errcode = 'SY170', message = pg_catalog.format('store_customer_map: no active store %s', sincro_private.shown(store_id));
  end if;
  if match_kind is null or match_kind not in ('customer_id', 'email') or coalesce(pg_catalog.btrim(match_value), '') = ''
     or coalesce(pg_catalog.btrim(cliente_cod), '') = '' then
    raise exception using errcode = 'SY172',
      message = 'store_customer_map: match_kind must be customer_id or email, with a value and a cliente_cod';
  end if;
  insert into sincro_private.store_customer (azi, store_id, match_kind, match_value, cliente_cod)
    values (v_azi, store_id, match_kind, case match_kind when 'email' then pg_catalog.lower(pg_catalog.btrim(match_value)) else pg_catalog.btrim(match_value) end,
            pg_catalog.btrim(cliente_cod))
    on conflict on constraint store_customer_pkey do update set cliente_cod = excluded.cliente_cod;
end;
$$;

comment on function sincro.store_customer_map(text, text, text, text) is
  E'Maps a shop customer (platform customer_id, or email) to the ERP''s cliente_cod: its orders carry that code instead of a new customer. Admin only. SECURITY DEFINER: writes sincro_private.store_customer.';

/*
 * What an admin may read about stores: everything but the keys.
 */
create or replace view sincro.stores
with (security_barrier)
as
  select s.store_id, s.azi, s.platform, s.api_url, s.api_secret is not null as has_api_credentials, s.id_int_prefix,
         sincro_private.store_default_settings() || s.settings as settings, s.reconcile_every, s.watermark,
         s.last_reconciled_at, s.last_reconcile_error, s.removed_at, s.created_at
  from sincro_private.store s;

comment on view sincro.stores is E'The registered stores without their keys (admin).';
comment on column sincro.stores.store_id is E'The store''s ID in the hub (its webhook URL).';
comment on column sincro.stores.azi is E'The company whose store party writes the orders.';
comment on column sincro.stores.platform is E'woocommerce or shopify.';
comment on column sincro.stores.api_url is E'The shop''s base URL for reconciliation and status back; NULL: webhooks only.';
comment on column sincro.stores.has_api_credentials is E'Whether REST credentials are stored (they are never shown).';
comment on column sincro.stores.id_int_prefix is E'Put before the platform order ID to make arportes.id_int.';
comment on column sincro.stores.settings is E'The store''s settings, with the defaults of those it does not set.';
comment on column sincro.stores.reconcile_every is E'How often the shop is reconciled.';
comment on column sincro.stores.watermark is E'Orders modified since this time may not all have been seen.';
comment on column sincro.stores.last_reconciled_at is E'When the last reconciliation pass ended.';
comment on column sincro.stores.last_reconcile_error is E'Why the last reconciliation pass failed; NULL when it succeeded.';
comment on column sincro.stores.removed_at is E'When the store was removed; NULL while active.';
comment on column sincro.stores.created_at is E'When the store was registered.';

-- who may use it
revoke all on function sincro_private.hmac_key_pads(bytea) from public;
revoke all on function sincro_private.hmac_sha256(bytea, bytea, bytea) from public;
revoke all on function sincro_private.store_default_settings() from public;
grant execute on function sincro_private.store_default_settings() to sincro_admin;
revoke all on function sincro_private.store_settings(text) from public;
revoke all on function sincro.store_add(text, text, text, text, text, text, text, text, jsonb, interval, boolean) from public;
grant execute on function sincro.store_add(text, text, text, text, text, text, text, text, jsonb, interval, boolean) to sincro_admin;
revoke all on function sincro.store_remove(text) from public;
grant execute on function sincro.store_remove(text) to sincro_admin;
revoke all on function sincro.store_customer_map(text, text, text, text) from public;
grant execute on function sincro.store_customer_map(text, text, text, text) to sincro_admin;
grant select on sincro.stores to sincro_admin;

-- >>> sql/stores/store_webhook_receive.sql
/*
 * A webhook delivery, as the hub's HTTP server hands it over: the store named
 * in the URL, the raw body and the headers. One call, one short transaction:
 * the signature is checked on the raw bytes before anything is stored (a bad
 * one stores nothing), then the delivery is kept whole in the inbox. No job
 * is added (its NOTIFY would serialise the commits of concurrent deliveries):
 * the worker's dispatcher finds the new row within milliseconds and rings for
 * it (store_inbox_dispatch, below). The answer is an HTTP status for the shop:
 *
 *   404 no active store with that ID on that platform
 *   200 WooCommerce's ping (form body webhook_id=<n>, no topic) — nothing stored
 *   401 signature missing or wrong — nothing stored
 *   400 signed, but not a JSON object — stored as an error, for the operator
 *   200 stored (state received for an order topic, ignored for any other)
 *
 * A 200 means the row is committed. For a store with an API URL the commit is
 * asynchronous (it does not wait for the WAL to reach the disk, which on a
 * busy server is most of a webhook's time): a crash of the database within
 * ~200 ms could lose the delivery, and reconciliation would bring the order
 * within the store's interval. A store that only receives webhooks has no
 * such safety net, and its deliveries are committed durably.
 *
 * The signature is compared in constant time with respect to the secret: the
 * hashes of the expected and the given header are compared, so how long the
 * comparison takes says nothing about how much of the header was right.
 *
 * SECURITY DEFINER: the store's keys are readable by the owner only; the HTTP
 * server's login (an admin) may call this and nothing that reads them.
 */
create or replace function sincro_private.store_enqueue_inbox(inbox_id bigint)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro_private.store_inbox i set doorbell_rung = true where i.inbox_id = store_enqueue_inbox.inbox_id and not i.doorbell_rung;
  select null from graphile_worker.add_job(
    identifier := 'store_inbox_apply',
    payload := pg_catalog.json_build_object('inbox_id', inbox_id),
    job_key := 'store_inbox:' || inbox_id,
    max_attempts := 25)
$$;

comment on function sincro_private.store_enqueue_inbox(bigint) is
  E'Rings the worker for one inbox row: job store_inbox_apply, key store_inbox:<inbox_id>; marks the row rung. SECURITY DEFINER: the job queue is the owner''s.';

/*
 * One store_inbox_apply job at a time per company. Its orders take gap-free
 * public IDs: their inserts serialize on the company's counter anyway, and
 * eight worker slots applying one company's backlog at once only queued there
 * and churned its lock, at a third of the rate one slot alone reached
 * (docs/performance.md). So a company's deliveries go in a chain: the
 * dispatcher rings the first job of a company whose gate
 * (sincro_private.store_inbox_gate) is free and takes the gate; each job,
 * when it commits (store_inbox_apply_many), rings the company's next rows
 * itself, or opens the gate when none wait. A gate older than 10 seconds is
 * free again: its job died or failed (its rows stay rung, and
 * graphile-worker retries them; store_sweep rings what is left behind), and
 * the company's new deliveries need not wait for that.
 *
 * Both read a company's oldest waiting rows in the order of its index
 * idx_store_inbox__doorbell_by_company, and must: the inbox's statistics say
 * what it held when last analyzed, on a hub that keeps up "no row waiting",
 * and a backlog comes suddenly (a burst, a reconciliation). Planned with
 * those statistics, the query took the company's rows in another order and
 * sorted them all to find the first: with a backlog of 4,000 each of the
 * dispatcher's polls (every 10 ms) read 4,000 rows. With sorts off in the
 * two functions (`enable_sort`, `enable_incremental_sort`) the planner takes
 * the index's order (a sort it cannot avoid is still done, the companies'
 * in store_inbox_dispatch, and its cost, raised by the setting past
 * jit_above_cost, would have each poll compiled: 90 ms; hence `jit = off`);
 * test/sql/stores/inbox_backlog_poll_cost.test.sql.
 *
 * store_inbox_ring rings one job for a company: up to per_job of its
 * deliveries still received and not rung (older than grace), oldest first,
 * rows another caller holds skipped; it takes the gate (a free one, or
 * unconditionally when `holder`: the chain's own job) and returns the job's
 * spec for add_jobs, or NULL when there is nothing to ring or the gate is
 * held.
 */
create or replace function sincro_private.store_inbox_ring(azi text, per_job integer, grace interval, holder boolean)
returns graphile_worker.job_spec
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set enable_sort = off  -- see above
set enable_incremental_sort = off
set jit = off
as $$
#variable_conflict use_variable
declare
  v_ids bigint[];
  v_key text;
begin
  select pg_catalog.array_agg(p.inbox_id order by p.received_at, p.inbox_id) into v_ids
  from (select i.inbox_id, i.received_at
        from sincro_private.store_inbox i
        where i.azi = azi and i.state = 'received' and not i.doorbell_rung and i.received_at <= now() - grace
        order by i.received_at, i.inbox_id
        limit per_job
        for update skip locked) p;
  if v_ids is null then
    return null;
  end if;
  v_key := 'store_inbox:' || v_ids[1] || '+' || pg_catalog.cardinality(v_ids);
  if holder then
    insert into sincro_private.store_inbox_gate as g (azi, job_key, rung_at) values (azi, v_key, now())
      on conflict on constraint store_inbox_gate_pkey do update set job_key = excluded.job_key, rung_at = excluded.rung_at;
  else
    insert into sincro_private.store_inbox_gate as g (azi, job_key, rung_at) values (azi, v_key, now())
      on conflict on constraint store_inbox_gate_pkey do update set job_key = excluded.job_key, rung_at = excluded.rung_at
      where g.rung_at <= now() - interval '10 seconds';
    if not found then
      return null;  -- another job of the company is under way: its chain takes these rows
    end if;
  end if;
  update sincro_private.store_inbox i set doorbell_rung = true where i.inbox_id = any (v_ids);
  return row('store_inbox_apply'::text, pg_catalog.json_build_object('inbox_ids', v_ids), null::text, null::timestamptz,
             25::smallint, v_key, null::smallint, null::text[])::graphile_worker.job_spec;
end;
$$;

comment on function sincro_private.store_inbox_ring(text, integer, interval, boolean) is
  E'One store_inbox_apply job''s spec for a company: up to per_job of its received, unrung deliveries older than grace (marked rung), with the company''s gate taken (if free, or always when holder); NULL when none or the gate is held. SECURITY DEFINER: the inbox is the owner''s.';

/*
 * The worker's dispatcher (src/worker/dispatcher.ts) calls this beside
 * sincro.push_take, with grace 0: each company with webhook deliveries still
 * received whose doorbell has not rung (for longer than grace), and whose
 * gate is free (above), gets one store_inbox_apply job of up to per_job of its
 * rows (payload {"inbox_ids": [...]}, applied in one transaction by
 * sincro.store_inbox_apply_many), all in one add_jobs call: one NOTIFY, from
 * the worker's transaction. The rest of a company's backlog follows in its
 * chain. Returns how many rows were rung (at most max_rows, counted by whole
 * jobs).
 */
create or replace function sincro.store_inbox_dispatch(max_rows integer default 500, grace interval default interval '2 seconds',
                                                       per_job integer default 10)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set enable_sort = off  -- see above
set enable_incremental_sort = off
set jit = off
as $$
declare
  v_specs graphile_worker.job_spec[] := '{}';
  v_spec graphile_worker.job_spec;
  v_azi text;
  v_rows integer := 0;
begin
  if max_rows is null or max_rows < 1 or max_rows > 10000 or grace is null or grace < interval '0'
     or per_job is null or per_job < 1 or per_job > 100 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('store_inbox_dispatch: max_rows must be between 1 and 10000, per_job between 1 and 100, and grace not negative (got %s, %s, %s)',
                                  coalesce(max_rows::text, 'null'), coalesce(per_job::text, 'null'), coalesce(grace::text, 'null')),
      hint = 'The worker''s dispatcher calls it with 500, 0 and 10.';
  end if;
  -- the companies with a delivery waiting, the longest-waiting first, whose gate is not held (read first: a held
  -- gate's row is not locked, so that the dispatcher never waits for a job's commit)
  for v_azi in
    select w.azi
    from (select distinct s.azi from sincro_private.store s) c
    cross join lateral (
      select i.azi, i.received_at, i.inbox_id from sincro_private.store_inbox i
      where i.azi = c.azi and i.state = 'received' and not i.doorbell_rung and i.received_at <= now() - grace
      order by i.received_at, i.inbox_id limit 1) w
    where not exists (select 1 from sincro_private.store_inbox_gate g where g.azi = w.azi and g.rung_at > now() - interval '10 seconds')
    order by w.received_at, w.inbox_id
  loop
    exit when v_rows >= max_rows;
    v_spec := sincro_private.store_inbox_ring(v_azi, least(per_job, max_rows - v_rows), grace, false);
    if v_spec.identifier is not null then  -- (a row IS NOT NULL only when every field is)
      v_specs := v_specs || v_spec;
      v_rows := v_rows + pg_catalog.json_array_length(v_spec.payload -> 'inbox_ids');
    end if;
  end loop;
  if v_rows = 0 then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return v_rows;
end;
$$;

comment on function sincro.store_inbox_dispatch(integer, interval, integer) is
  E'Worker''s dispatcher: for each company with webhook deliveries received and not rung for longer than grace, and no store_inbox_apply job under way (its gate), enqueues one job of up to per_job rows (one add_jobs call), which rings the company''s next when it commits; at most max_rows rows; returns how many. SY101 for max_rows outside 1..10000, per_job outside 1..100 or a negative grace. SECURITY DEFINER: reads the inbox, writes the job queue.';

/* The order's ID and modification time in a platform's order JSON; NULLs when it has none or they do not read. */
create or replace function sincro_private.store_order_identity(platform text, payload jsonb, out platform_order_id text, out modified_at timestamptz)
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if pg_catalog.jsonb_typeof(payload) <> 'object' or pg_catalog.jsonb_typeof(payload -> 'id') not in ('number', 'string') then
    return;
  end if;
  platform_order_id := payload ->> 'id';
  if pg_catalog.length(platform_order_id) > 40 then
    platform_order_id := null;
    return;
  end if;
  begin
    modified_at := case platform
      when 'woocommerce' then (nullif(payload ->> 'date_modified_gmt', '') || 'Z')::timestamptz
      else (payload ->> 'updated_at')::timestamptz end;
  exception when others then
    modified_at := null;  -- the worker refuses the order and says why
  end;
end;
$$;

comment on function sincro_private.store_order_identity(text, jsonb) is
  E'The platform order ID (id) and modification time (WooCommerce date_modified_gmt, Shopify updated_at) of an order payload; NULLs when absent or unreadable.';

create or replace function sincro.store_webhook_receive(
  platform text, store_id text, body bytea, headers jsonb,
  out status integer, out inbox_id bigint, out reason text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_store sincro_private.store;
  v_topic text;
  v_given text;
  v_payload jsonb;
  v_error text;
  v_identity record;
  v_order_topic boolean;
begin
  -- the store
  select * into v_store from sincro_private.store s
  where s.store_id = store_id and s.platform = platform and s.removed_at is null;
  if not found then
    status := 404;
    reason := 'unknown store';
    return;
  end if;
  v_topic := headers ->> case platform when 'woocommerce' then 'x-wc-webhook-topic' else 'x-shopify-topic' end;

  -- WooCommerce's ping when a webhook is saved: a form body, no topic
  if platform = 'woocommerce' and v_topic is null and body ~~ 'webhook_id=%'::bytea
     and pg_catalog.convert_from(body, 'SQL_ASCII') ~ '^webhook_id=[0-9]+$' then
    status := 200;
    reason := 'ping';
    return;
  end if;

  -- the signature, on the raw body
  v_given := headers ->> case platform when 'woocommerce' then 'x-wc-webhook-signature' else 'x-shopify-hmac-sha256' end;
  if v_given is null
     or pg_catalog.sha256(pg_catalog.convert_to(v_given, 'UTF8'))
        <> pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.encode(sincro_private.hmac_sha256(v_store.hmac_ipad, v_store.hmac_opad, body), 'base64'), 'UTF8')) then
    status := 401;
    reason := case when v_given is null then 'no signature' else 'bad signature' end;
    return;
  end if;

  -- the payload
  begin
    v_payload := pg_catalog.convert_from(body, 'UTF8')::jsonb;
    if pg_catalog.jsonb_typeof(v_payload) <> 'object' then
      v_error := pg_catalog.format('the body is JSON but not an object (%s)', pg_catalog.jsonb_typeof(v_payload));
    end if;
  exception when others then
    v_error := pg_catalog.format('the body is not JSON: %s', sqlerrm);
  end;
  if v_error is not null then
    insert into sincro_private.store_inbox (store_id, azi, source, topic, headers, body, state, error, processed_at)
      values (v_store.store_id, v_store.azi, 'webhook', v_topic, headers, body, 'error', v_error, now())
      returning store_inbox.inbox_id into inbox_id;
    status := 400;
    reason := v_error;
    return;
  end if;

  -- keep it. For a store that is reconciled (it has an API URL) the commit
  -- need not wait for the WAL flush: a database crash in the next 200 ms could lose this row, and the
  -- next reconciliation pass would bring the order anyway. A store with webhooks only gets a durable commit.
  if v_store.api_url is not null then
    perform pg_catalog.set_config('synchronous_commit', 'off', true);
  end if;
  v_order_topic := case platform when 'woocommerce' then v_topic like 'order.%' else v_topic like 'orders/%' end;
  select * into v_identity from sincro_private.store_order_identity(platform, v_payload);
  insert into sincro_private.store_inbox (store_id, azi, source, topic, headers, body, platform_order_id, modified_at, state, error, processed_at)
    values (v_store.store_id, v_store.azi, 'webhook', v_topic, headers, body,
            v_identity.platform_order_id, v_identity.modified_at,
            case when v_order_topic then 'received' else 'ignored' end,
            case when v_order_topic then null else pg_catalog.format('topic %s is not about orders', coalesce(v_topic, '(none)')) end,
            case when v_order_topic then null else now() end)
    returning store_inbox.inbox_id into inbox_id;
  -- no job here (add_job's NOTIFY would serialise the commits of concurrent deliveries): the worker's
  -- dispatcher finds the row and rings for it (store_inbox_dispatch); a dozing dispatcher is woken, unless
  -- the company's chain is under way (its gate held, as store_inbox_dispatch reads it): the chain's job
  -- takes this row as it commits, and the dispatcher, rung, would find nothing to do. That was one NOTIFY
  -- per delivery while a company's orders came faster than one job applies them: each serialised with
  -- the commits of the other notifying transactions (the chain's own add_jobs among them, durable), and
  -- each woke the dispatcher for a look that found the gate held. A delivery committed just as the
  -- chain's last job opens the gate (it looked for rows before this one was visible) is found by the
  -- dispatcher's next look without a ring (SINCRO_PUSH_POLL_MS), as a chain freed always was.
  if v_order_topic and not exists (select 1 from sincro_private.store_inbox_gate g
                                   where g.azi = v_store.azi and g.rung_at > now() - interval '10 seconds') then
    perform sincro_private.ring_dispatcher();
  end if;
  status := 200;
  reason := case when v_order_topic then 'received' else 'ignored' end;
end;
$$;

comment on function sincro.store_webhook_receive(text, text, bytea, jsonb) is
  E'Takes one webhook delivery (store, raw body, lower-case headers): checks the signature on the raw body (401, nothing stored), stores it in the inbox (400 and an error row when not a JSON object; the worker''s dispatcher rings for an order row); answers the HTTP status. WooCommerce''s ping answers 200. SECURITY DEFINER: reads the store''s keys, which only the owner may.';

-- who may use it
revoke all on function sincro_private.store_enqueue_inbox(bigint) from public;
revoke all on function sincro_private.store_inbox_ring(text, integer, interval, boolean) from public;
revoke all on function sincro.store_inbox_dispatch(integer, interval, integer) from public;
grant execute on function sincro.store_inbox_dispatch(integer, interval, integer) to sincro_worker, sincro_admin;
revoke all on function sincro_private.store_order_identity(text, jsonb) from public;
revoke all on function sincro.store_webhook_receive(text, text, bytea, jsonb) from public;
grant execute on function sincro.store_webhook_receive(text, text, bytea, jsonb) to sincro_admin;

-- >>> sql/stores/store_order_mapping.sql
/*
 * From a platform's order JSON (WooCommerce REST v3 order, Shopify REST Admin
 * order: the webhooks and the REST API send the same shape) to one
 * platform-neutral order, which store_inbox_apply writes. Every field is in
 * docs/stores.md. Anything that cannot be mapped faithfully — a line without
 * a SKU, a number that is not one, a 0 % VAT line without a natura code, a
 * fiscal code that fails its check — raises SY173 naming the field, and the
 * inbox row becomes an error the operator sees: no order is written half.
 *
 * (Whether the payload makes an order at all, and its status on the shop, is
 * store_order_status's, below: all a later version may change.)
 *
 * The neutral order (jsonb):
 *   order_id, number, data_ordine, currency, note, coupons, payment, payment_title, totale_documento, totale_iva,
 *   customer {platform_id, email, ragione_sociale, partita_iva, codice_fiscale, pec, sdi, telefono,
 *             indirizzo, cap, citta, provincia, nazione},
 *   dest {ragione_sociale, indirizzo, cap, citta, provincia, nazione} or null,
 *   lines [{articolo, descrizione, quantita, prezzo, sconto, iva}]
 */

create or replace function sincro_private.store_refuse(what text, detail text default null)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception using errcode = 'SY173', message = what, detail = coalesce(detail, ''),
    hint = 'Correct the order in the shop (or the store''s settings: docs/stores.md); the next update or reconciliation brings it again.';
end;
$$;

comment on function sincro_private.store_refuse(text, text) is
  E'Raises SY173: a store order that cannot become a hub order, and why.';

/* A number from an order field: a JSON number or a numeric string; NaN, infinity and anything else refused. */
create or replace function sincro_private.store_number(value jsonb, what text, if_missing numeric default null)
returns numeric
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v numeric;
begin
  if value is null or value = 'null'::jsonb or (pg_catalog.jsonb_typeof(value) = 'string' and pg_catalog.btrim(value #>> '{}') = '') then
    if if_missing is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s is missing', what));
    end if;
    return if_missing;
  end if;
  if pg_catalog.jsonb_typeof(value) not in ('number', 'string') or (value #>> '{}') !~ '^\s*-?[0-9]+(\.[0-9]+)?\s*$' then
    perform sincro_private.store_refuse(pg_catalog.format('%s is not a number (got %s)', what, sincro_private.shown(value #>> '{}')));
  end if;
  v := (value #>> '{}')::numeric;
  return v;
end;
$$;

comment on function sincro_private.store_number(jsonb, text, numeric) is
  E'A decimal from an order field (JSON number or numeric string); SY173 naming the field otherwise; if_missing when absent (SY173 when if_missing is NULL).';

create or replace function sincro_private.store_blank_null(value text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (nullif(pg_catalog.btrim(value), ''));
end;
$$;

comment on function sincro_private.store_blank_null(text) is E'Trimmed text, NULL when blank.';

/* The first non-blank value among pairs ({key|name, value}) whose key is one of keys. */
create or replace function sincro_private.store_pair_value(pairs jsonb, keys jsonb, key_field text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (select sincro_private.store_blank_null(p.value ->> 'value')
  from pg_catalog.jsonb_array_elements(case when pg_catalog.jsonb_typeof(pairs) = 'array' then pairs else '[]'::jsonb end)
         with ordinality p(value, n)
  join pg_catalog.jsonb_array_elements_text(keys) with ordinality k(key, rank) on k.key = p.value ->> key_field
  where pg_catalog.jsonb_typeof(p.value -> 'value') in ('string', 'number')
    and sincro_private.store_blank_null(p.value ->> 'value') is not null
  order by k.rank, p.n
  limit 1);
end;
$$;

comment on function sincro_private.store_pair_value(jsonb, jsonb, text) is
  E'The first non-blank value in a list of {key, value} (WooCommerce meta_data) or {name, value} (Shopify note_attributes) whose key is listed, in the order of the list.';

/* A VAT rate as the line's iva code: the rate in percent ("22", "5.5"), or the store's natura code for 0 %. */
create or replace function sincro_private.store_vat_code(rate numeric, settings jsonb, what text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_rate numeric := pg_catalog.round(rate, 2);
begin
  if v_rate = 0 then
    if sincro_private.store_blank_null(settings ->> 'natura_zero_vat') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has 0 %% VAT and the store has no natura code', what),
        'A line without VAT needs its natura code (N1-N7) for the invoice: set the store''s natura_zero_vat setting.');
    end if;
    return settings ->> 'natura_zero_vat';
  end if;
  return pg_catalog.rtrim(pg_catalog.rtrim(v_rate::text, '0'), '.');
end;
$$;

comment on function sincro_private.store_vat_code(numeric, jsonb, text) is
  E'The iva code of a line: its VAT rate in percent, or for 0 % the store''s natura_zero_vat (SY173 when it has none).';

/* The Italian fiscal fields of a customer, checked with the hub's fiscal checks (sql/common/fiscal.sql). */
create or replace function sincro_private.store_check_fiscal(customer jsonb)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_problem text;
  v_cf text := customer ->> 'codice_fiscale';
begin
  if customer ->> 'partita_iva' is not null then
    v_problem := sincro.partita_iva_problem(customer ->> 'partita_iva');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer partita IVA %s: %s', sincro_private.shown(customer ->> 'partita_iva'), v_problem));
    end if;
  end if;
  if v_cf is not null then
    -- a company's codice fiscale is its 11-digit partita IVA number
    v_problem := case when v_cf ~ '^[0-9]{11}$' then sincro.partita_iva_problem(v_cf) else sincro.codice_fiscale_problem(v_cf) end;
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer codice fiscale %s: %s', sincro_private.shown(v_cf), v_problem));
    end if;
  end if;
  if customer ->> 'sdi' is not null then
    v_problem := sincro.sdi_code_problem(customer ->> 'sdi');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer SDI code %s: %s', sincro_private.shown(customer ->> 'sdi'), v_problem));
    end if;
  end if;
  if customer ->> 'pec' is not null then
    v_problem := sincro.pec_problem(customer ->> 'pec');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer PEC %s: %s', sincro_private.shown(customer ->> 'pec'), v_problem));
    end if;
  end if;
end;
$$;

comment on function sincro_private.store_check_fiscal(jsonb) is
  E'SY173 when a customer''s partita IVA, codice fiscale (16 characters, or 11 digits for a company), SDI code or PEC fails the hub''s fiscal checks.';

/* An address object of either platform, as the order's destination fields. */
create or replace function sincro_private.store_address(address jsonb, platform text)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (case when pg_catalog.jsonb_typeof(address) = 'object' then pg_catalog.jsonb_build_object(
    'ragione_sociale', coalesce(sincro_private.store_blank_null(address ->> 'company'),
                                sincro_private.store_blank_null(pg_catalog.concat_ws(' ', sincro_private.store_blank_null(address ->> 'first_name'),
                                                                                     sincro_private.store_blank_null(address ->> 'last_name')))),
    'indirizzo', sincro_private.store_blank_null(pg_catalog.concat_ws(' ',
                   sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'address_1' else 'address1' end),
                   sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'address_2' else 'address2' end))),
    'cap', sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'postcode' else 'zip' end),
    'citta', sincro_private.store_blank_null(address ->> 'city'),
    'provincia', sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'state' else 'province_code' end),
    'nazione', sincro_private.store_blank_null(pg_catalog.upper(address ->> case platform when 'woocommerce' then 'country' else 'country_code' end)),
    'telefono', sincro_private.store_blank_null(address ->> 'phone'))
  end);
end;
$$;

comment on function sincro_private.store_address(jsonb, text) is
  E'A WooCommerce (billing, shipping) or Shopify (billing_address, shipping_address) address as ragione_sociale (company, else first and last name), indirizzo, cap, citta, provincia, nazione, telefono.';

/*
 * WooCommerce REST v3 order. Line amounts in the API are net of tax
 * (subtotal before discounts, total after); with prices_include_tax the
 * unit price is given gross, as the shop shows it.
 */
create or replace function sincro_private.store_map_woocommerce(payload jsonb, settings jsonb)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_gross constant boolean := coalesce((payload ->> 'prices_include_tax')::boolean, false);
  v_keys constant jsonb := settings -> 'fiscal_keys';
  v_item record;
  v_lines jsonb := '[]';
  v_what text;
  v_qty numeric;
  v_subtotal numeric;
  v_subtotal_tax numeric;
  v_total numeric;
  v_total_tax numeric;
  v_billing jsonb := sincro_private.store_address(payload -> 'billing', 'woocommerce');
  v_shipping jsonb := sincro_private.store_address(payload -> 'shipping', 'woocommerce');
  v_customer jsonb;
  v_coupons text;
  v_number text := coalesce(sincro_private.store_blank_null(payload ->> 'number'), payload ->> 'id');
  v_date text := payload ->> 'date_created';
begin
  -- products
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'line_items', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('line_items[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'name'));
    if sincro_private.store_blank_null(v_item.value ->> 'sku') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has no SKU', v_what), 'Each product needs a SKU: it is the ERP''s article code.');
    end if;
    v_qty := sincro_private.store_number(v_item.value -> 'quantity', v_what || ' quantity');
    if v_qty <= 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s quantity must be positive (got %s)', v_what, v_qty));
    end if;
    v_subtotal := sincro_private.store_number(v_item.value -> 'subtotal', v_what || ' subtotal');
    v_subtotal_tax := sincro_private.store_number(v_item.value -> 'subtotal_tax', v_what || ' subtotal_tax', 0);
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    if v_subtotal < 0 or v_total < 0 or v_total > v_subtotal then
      perform sincro_private.store_refuse(pg_catalog.format('%s amounts do not add up (subtotal %s, total %s)', v_what, v_subtotal, v_total));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', pg_catalog.btrim(v_item.value ->> 'sku'),
      'descrizione', sincro_private.store_blank_null(v_item.value ->> 'name'),
      'quantita', v_qty,
      'prezzo', pg_catalog.round(case when v_gross then v_subtotal + v_subtotal_tax else v_subtotal end / v_qty, 4),
      'sconto', case when v_subtotal > 0 then pg_catalog.round((v_subtotal - v_total) / v_subtotal * 100, 2) else 0 end,
      'iva', sincro_private.store_vat_code(case when v_subtotal > 0 then v_subtotal_tax / v_subtotal * 100 else 0 end, settings, v_what));
  end loop;
  if pg_catalog.jsonb_array_length(v_lines) = 0 then
    perform sincro_private.store_refuse('the order has no line_items');
  end if;

  -- shipping and fees, as lines of their configured articles
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'shipping_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('shipping_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'method_title'));
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    continue when v_total = 0;
    if v_total < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s total is negative (%s)', v_what, v_total));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'shipping_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'method_title'),
      'quantita', 1, 'prezzo', case when v_gross then v_total + v_total_tax else v_total end, 'sconto', 0,
      'iva', sincro_private.store_vat_code(v_total_tax / v_total * 100, settings, v_what));
  end loop;
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'fee_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('fee_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'name'));
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    continue when v_total = 0;
    if v_total < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s is a negative fee (%s): a discount the ERP cannot take as a line', v_what, v_total),
        'Give discounts as coupons, which WooCommerce spreads over the lines.');
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'fee_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'name'),
      'quantita', 1, 'prezzo', case when v_gross then v_total + v_total_tax else v_total end, 'sconto', 0,
      'iva', sincro_private.store_vat_code(v_total_tax / v_total * 100, settings, v_what));
  end loop;

  -- coupons: already spread over the lines' totals; their codes go in the note
  select pg_catalog.string_agg(c.value ->> 'code', ', ' order by c.n) into v_coupons
  from pg_catalog.jsonb_array_elements(coalesce(payload -> 'coupon_lines', '[]')) with ordinality c(value, n);

  -- the customer
  v_customer := v_billing || pg_catalog.jsonb_build_object(
    'platform_id', nullif(nullif(payload ->> 'customer_id', '0'), ''),
    'email', sincro_private.store_blank_null(pg_catalog.lower(payload -> 'billing' ->> 'email')),
    'codice_fiscale', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'codice_fiscale', 'key')),
    'partita_iva', sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'partita_iva', 'key'),
    'pec', sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'pec', 'key'),
    'sdi', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'sdi', 'key')));

  if v_date is null or v_date !~ '^\d{4}-\d{2}-\d{2}' then
    perform sincro_private.store_refuse(pg_catalog.format('date_created is missing or not a date (got %s)', sincro_private.shown(v_date)));
  end if;
  if coalesce(pg_catalog.upper(payload ->> 'currency'), '') !~ '^[A-Z]{3}$' then
    perform sincro_private.store_refuse(pg_catalog.format('currency is missing or not an ISO 4217 code (got %s)', sincro_private.shown(payload ->> 'currency')));
  end if;

  return pg_catalog.jsonb_build_object(
    'order_id', payload ->> 'id',
    'number', v_number,
    'data_ordine', pg_catalog.substr(v_date, 1, 10),
    'currency', pg_catalog.upper(payload ->> 'currency'),
    'note', sincro_private.store_blank_null(payload ->> 'customer_note'),
    'coupons', v_coupons,
    'payment', sincro_private.store_blank_null(payload ->> 'payment_method'),
    'payment_title', sincro_private.store_blank_null(payload ->> 'payment_method_title'),
    'totale_documento', sincro_private.store_number(payload -> 'total', 'total'),
    'totale_iva', sincro_private.store_number(payload -> 'total_tax', 'total_tax', 0),
    'customer', v_customer,
    'dest', case when v_shipping ->> 'indirizzo' is not null then v_shipping end,
    'lines', v_lines);
end;
$$;

comment on function sincro_private.store_map_woocommerce(jsonb, jsonb) is
  E'A WooCommerce REST v3 order as the neutral order store_inbox_apply writes (docs/stores.md, field by field); SY173 when it cannot be mapped faithfully.';

/*
 * Shopify REST Admin order. Line prices are unit prices as the shop shows
 * them: gross when taxes_included, else net; discounts come as allocations
 * per line.
 */
create or replace function sincro_private.store_map_shopify(payload jsonb, settings jsonb)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_keys constant jsonb := settings -> 'fiscal_keys';
  v_item record;
  v_lines jsonb := '[]';
  v_what text;
  v_qty numeric;
  v_price numeric;
  v_discount numeric;
  v_rate numeric;
  v_billing jsonb := coalesce(sincro_private.store_address(payload -> 'billing_address', 'shopify'),
                              sincro_private.store_address(payload -> 'customer' -> 'default_address', 'shopify'), '{}');
  v_shipping jsonb := sincro_private.store_address(payload -> 'shipping_address', 'shopify');
  v_customer jsonb;
  v_coupons text;
  v_date text := payload ->> 'created_at';
begin
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'line_items', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('line_items[%s] (%s)', v_item.n - 1, sincro_private.shown(coalesce(v_item.value ->> 'name', v_item.value ->> 'title')));
    if sincro_private.store_blank_null(v_item.value ->> 'sku') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has no SKU', v_what), 'Each product needs a SKU: it is the ERP''s article code.');
    end if;
    v_qty := sincro_private.store_number(v_item.value -> 'quantity', v_what || ' quantity');
    if v_qty <= 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s quantity must be positive (got %s)', v_what, v_qty));
    end if;
    v_price := sincro_private.store_number(v_item.value -> 'price', v_what || ' price');
    select coalesce(sum(sincro_private.store_number(d.value -> 'amount', v_what || ' discount_allocations amount')), 0) into v_discount
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'discount_allocations', '[]')) d(value);
    if v_discount = 0 then
      v_discount := sincro_private.store_number(v_item.value -> 'total_discount', v_what || ' total_discount', 0);
    end if;
    select coalesce(sum(sincro_private.store_number(t.value -> 'rate', v_what || ' tax_lines rate')), 0) * 100 into v_rate
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'tax_lines', '[]')) t(value);
    if v_price < 0 or v_discount < 0 or v_discount > v_price * v_qty then
      perform sincro_private.store_refuse(pg_catalog.format('%s amounts do not add up (price %s, discount %s)', v_what, v_price, v_discount));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', pg_catalog.btrim(v_item.value ->> 'sku'),
      'descrizione', sincro_private.store_blank_null(coalesce(v_item.value ->> 'name', v_item.value ->> 'title')),
      'quantita', v_qty,
      'prezzo', v_price,
      'sconto', case when v_price > 0 then pg_catalog.round(v_discount / (v_price * v_qty) * 100, 2) else 0 end,
      'iva', sincro_private.store_vat_code(v_rate, settings, v_what));
  end loop;
  if pg_catalog.jsonb_array_length(v_lines) = 0 then
    perform sincro_private.store_refuse('the order has no line_items');
  end if;

  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'shipping_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('shipping_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'title'));
    v_price := sincro_private.store_number(coalesce(v_item.value -> 'discounted_price', v_item.value -> 'price'), v_what || ' price');
    continue when v_price = 0;
    if v_price < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s price is negative (%s)', v_what, v_price));
    end if;
    select coalesce(sum(sincro_private.store_number(t.value -> 'rate', v_what || ' tax_lines rate')), 0) * 100 into v_rate
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'tax_lines', '[]')) t(value);
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'shipping_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'title'),
      'quantita', 1, 'prezzo', v_price, 'sconto', 0, 'iva', sincro_private.store_vat_code(v_rate, settings, v_what));
  end loop;

  select pg_catalog.string_agg(c.value ->> 'code', ', ' order by c.n) into v_coupons
  from pg_catalog.jsonb_array_elements(coalesce(payload -> 'discount_codes', '[]')) with ordinality c(value, n);

  v_customer := v_billing || pg_catalog.jsonb_build_object(
    'platform_id', payload -> 'customer' ->> 'id',
    'email', sincro_private.store_blank_null(pg_catalog.lower(coalesce(payload ->> 'email', payload -> 'customer' ->> 'email'))),
    'telefono', coalesce(v_billing ->> 'telefono', sincro_private.store_blank_null(payload ->> 'phone')),
    'codice_fiscale', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'codice_fiscale', 'name')),
    'partita_iva', sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'partita_iva', 'name'),
    'pec', sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'pec', 'name'),
    'sdi', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'sdi', 'name')));

  if v_date is null or v_date !~ '^\d{4}-\d{2}-\d{2}' then
    perform sincro_private.store_refuse(pg_catalog.format('created_at is missing or not a date (got %s)', sincro_private.shown(v_date)));
  end if;
  if coalesce(pg_catalog.upper(payload ->> 'currency'), '') !~ '^[A-Z]{3}$' then
    perform sincro_private.store_refuse(pg_catalog.format('currency is missing or not an ISO 4217 code (got %s)', sincro_private.shown(payload ->> 'currency')));
  end if;

  return pg_catalog.jsonb_build_object(
    'order_id', payload ->> 'id',
    'number', coalesce(sincro_private.store_blank_null(payload ->> 'name'), payload ->> 'order_number', payload ->> 'id'),
    'data_ordine', pg_catalog.substr(v_date, 1, 10),
    'currency', pg_catalog.upper(payload ->> 'currency'),
    'note', sincro_private.store_blank_null(payload ->> 'note'),
    'coupons', v_coupons,
    'payment', sincro_private.store_blank_null(payload -> 'payment_gateway_names' ->> 0),
    'payment_title', sincro_private.store_blank_null(payload -> 'payment_gateway_names' ->> 0),
    'totale_documento', sincro_private.store_number(payload -> 'total_price', 'total_price'),
    'totale_iva', sincro_private.store_number(payload -> 'total_tax', 'total_tax', 0),
    'customer', v_customer,
    'dest', case when v_shipping ->> 'indirizzo' is not null then v_shipping end,
    'lines', v_lines);
end;
$$;

comment on function sincro_private.store_map_shopify(jsonb, jsonb) is
  E'A Shopify REST Admin order as the neutral order store_inbox_apply writes (docs/stores.md, field by field); SY173 when it cannot be mapped faithfully.';

/*
 * The shop's status of an order, all that a later version of an order the hub
 * has may change: its status, whether it is accepted as an order (WooCommerce:
 * a status in accept_statuses; Shopify: not cancelled), cancelled (WooCommerce
 * cancelled, trash, failed; Shopify cancelled_at), refunded (WooCommerce
 * refunded or any refund; Shopify financial_status refunded or
 * partially_refunded). Never refuses: a payload without them is simply not
 * accepted.
 */
create or replace function sincro_private.store_order_status(platform text, payload jsonb, settings jsonb)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (case platform
    when 'woocommerce' then pg_catalog.jsonb_build_object(
      'status', payload ->> 'status',
      'accept', coalesce(settings -> 'accept_statuses' ? (payload ->> 'status'), false),
      'cancelled', coalesce(payload ->> 'status' in ('cancelled', 'trash', 'failed'), false),
      'refunded', coalesce(payload ->> 'status' = 'refunded', false)
                  or coalesce(pg_catalog.jsonb_typeof(payload -> 'refunds') = 'array' and pg_catalog.jsonb_array_length(payload -> 'refunds') > 0, false))
    else pg_catalog.jsonb_build_object(
      'status', coalesce(payload ->> 'financial_status', 'unknown'),
      'accept', payload ->> 'cancelled_at' is null,
      'cancelled', payload ->> 'cancelled_at' is not null,
      'refunded', coalesce(payload ->> 'financial_status' in ('refunded', 'partially_refunded'), false))
  end);
end;
$$;

comment on function sincro_private.store_order_status(text, jsonb, jsonb) is
  E'The shop''s status of an order payload: status, accept (it makes an order), cancelled, refunded (docs/stores.md, Updates).';

-- who may use it
revoke all on function sincro_private.store_refuse(text, text) from public;
revoke all on function sincro_private.store_number(jsonb, text, numeric) from public;
revoke all on function sincro_private.store_blank_null(text) from public;
revoke all on function sincro_private.store_pair_value(jsonb, jsonb, text) from public;
revoke all on function sincro_private.store_vat_code(numeric, jsonb, text) from public;
revoke all on function sincro_private.store_check_fiscal(jsonb) from public;
revoke all on function sincro_private.store_address(jsonb, text) from public;
revoke all on function sincro_private.store_map_woocommerce(jsonb, jsonb) from public;
revoke all on function sincro_private.store_map_shopify(jsonb, jsonb) from public;
revoke all on function sincro_private.store_order_status(text, jsonb, jsonb) from public;

-- >>> sql/stores/store_inbox_apply.sql
/*
 * One inbox row becomes what it means, in one transaction:
 *
 *   - the first version of an order the shop has accepted: a hub order (new
 *     customer, header, lines) written as the store party (prov_tipo S,
 *     id_int = the store's prefix and the platform's order ID), state created;
 *   - a version of an order the hub already has: nothing the ERP owns changes;
 *     a newer one records the shop's status, cancellation or refund (state
 *     updated; it is not mapped again, so a later edit the hub could not take
 *     as a new order is no error), an older or equal one is a duplicate;
 *   - an order the shop has not accepted yet (WooCommerce pending payment,
 *     a cancelled Shopify order the hub never had), or a deleted one the hub
 *     never had: ignored, with the reason;
 *   - anything that cannot be mapped or fails a check (SY173, the order
 *     triggers' own SY1xx, a value PostgreSQL refuses): error, with the reason;
 *     the subtransaction rolls back whatever it had written.
 *
 * Once per (store, platform order ID): the store_order row is inserted before
 * the order, so two deliveries of the same order applied at once serialize on
 * its key; the second finds the first's row once it commits. A row already
 * handled is left as it is, so a job that runs twice does nothing the second
 * time. Errors of another kind (a lost connection, a deadlock) are not the
 * order's fault: they propagate, the transaction rolls back, the job retries.
 *
 * SECURITY DEFINER: reads the inbox and writes orders as the store party;
 * granted to the worker (and admin).
 */
create or replace function sincro.store_inbox_apply(inbox_id bigint, out state text, out id_pub bigint, out error text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_row sincro_private.store_inbox;
  v_store sincro_private.store;
  v_settings jsonb;
  v_payload jsonb;
  v_order jsonb;
  v_status jsonb;
  v_known sincro_private.store_order;
  v_company sincro_private.company;
  v_customer jsonb;
  v_cliente text;
  v_new_customer bigint;
  v_id_int text;
  v_id_pub bigint;
  v_state text;
  v_reason text;
  v_deleted boolean;
  v_detail text;
  v_hint text;
begin
  select * into v_row from sincro_private.store_inbox i where i.inbox_id = inbox_id for update;
  if not found then
    raise exception using errcode = 'SY174', message = pg_catalog.format('store_inbox_apply: no inbox row %s', inbox_id);
  end if;
  if v_row.state <> 'received' then
    state := v_row.state; id_pub := v_row.id_pub; error := v_row.error;
    return;  -- already handled
  end if;
  select * into v_store from sincro_private.store s where s.store_id = v_row.store_id;
  v_settings := sincro_private.store_settings(v_store.store_id);

  begin
    -- read
    if v_store.removed_at is not null then
      v_state := 'ignored';
      v_reason := 'the store was removed';
    else
      v_payload := pg_catalog.convert_from(v_row.body, 'UTF8')::jsonb;
      if v_row.platform_order_id is null then
        perform sincro_private.store_refuse('the body has no order id');
      end if;
      v_deleted := v_row.topic in ('order.deleted', 'orders/delete');
      if not v_deleted and v_row.modified_at is null then
        perform sincro_private.store_refuse(case v_store.platform when 'woocommerce' then 'date_modified_gmt' else 'updated_at' end
                                            || ' is missing or not a time');
      end if;
      -- the shop's status of the order (all a later version may change); the whole mapping only to create it
      v_status := case when v_deleted then '{"status": "deleted", "accept": false, "cancelled": true, "refunded": false}'::jsonb
                       else sincro_private.store_order_status(v_store.platform, v_payload, v_settings) end;

      -- an order the hub has (or is being written by another delivery: wait for it)
      select * into v_known from sincro_private.store_order o
      where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
      if not found and not (v_status ->> 'accept')::boolean then
        v_state := 'ignored';
        v_reason := case when v_deleted then 'deleted on the shop before the hub had it'
                         else pg_catalog.format('status %s does not make an order yet', coalesce(v_status ->> 'status', '(none)')) end;
      else
        if not found then
          insert into sincro_private.store_order (store_id, platform_order_id, azi)
            values (v_store.store_id, v_row.platform_order_id, v_store.azi)
            on conflict on constraint store_order_pkey do nothing;
          if not found then
            select * into v_known from sincro_private.store_order o
            where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
          end if;
        end if;

        if v_known.store_id is not null then
          -- update: nothing the ERP owns changes; the shop's status is recorded
          select * into v_known from sincro_private.store_order o
          where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id for update;
          v_id_pub := v_known.id_pub;
          -- older, or the same modification time (WooCommerce's has whole seconds) with the same status: a duplicate
          if not v_deleted and v_known.modified_at is not null
             and (v_row.modified_at < v_known.modified_at
                  or (v_row.modified_at = v_known.modified_at
                      and (v_status ->> 'status') is not distinct from v_known.platform_status
                      and (v_status ->> 'cancelled')::boolean = (v_known.cancelled_at is not null)
                      and (not (v_status ->> 'refunded')::boolean or v_known.refunded))) then
            v_state := 'duplicate';
          else
            update sincro_private.store_order o
              set modified_at = coalesce(v_row.modified_at, o.modified_at),
                  platform_status = v_status ->> 'status',
                  cancelled_at = case when (v_status ->> 'cancelled')::boolean then coalesce(o.cancelled_at, now()) end,
                  refunded = o.refunded or (v_status ->> 'refunded')::boolean,
                  updated_at = now()
              where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
            v_state := 'updated';
            v_reason := case when v_deleted then 'deleted on the shop'
                             when (v_status ->> 'cancelled')::boolean then 'cancelled on the shop'
                             when (v_status ->> 'refunded')::boolean then 'refunded on the shop' end;
          end if;
        else
          -- create: map and check, then customer, header, lines
          v_order := case v_store.platform when 'woocommerce' then sincro_private.store_map_woocommerce(v_payload, v_settings)
                                           else sincro_private.store_map_shopify(v_payload, v_settings) end;
          select * into v_company from sincro_private.company c where c.azi = v_store.azi;
          if pg_catalog.jsonb_array_length(v_order -> 'lines') > v_company.max_lines_per_order then
            perform sincro_private.raise_too_large('store order', 'lines', pg_catalog.jsonb_array_length(v_order -> 'lines'),
                                                   v_store.azi, 'max_lines_per_order', v_company.max_lines_per_order);
          end if;
          v_customer := v_order -> 'customer';
          if coalesce(v_customer ->> 'nazione', 'IT') = 'IT' then
            perform sincro_private.store_check_fiscal(v_customer);
          end if;
          v_id_int := v_store.id_int_prefix || v_row.platform_order_id;

          select c.cliente_cod into v_cliente from sincro_private.store_customer c
          where c.azi = v_store.azi and c.store_id = v_store.store_id
            and ((c.match_kind = 'customer_id' and c.match_value = v_customer ->> 'platform_id')
                 or (c.match_kind = 'email' and c.match_value = v_customer ->> 'email'))
          order by c.match_kind  -- customer_id before email
          limit 1;
          if v_cliente is null then
            if v_customer ->> 'ragione_sociale' is null then
              perform sincro_private.store_refuse('the billing address has neither a company nor a name', 'A new customer needs a name.');
            end if;
            insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, partita_iva, codice_fiscale, email, telefono,
                                              indirizzo, cap, citta, provincia, nazione)
              values (v_store.azi, 'S', v_id_int, v_customer ->> 'ragione_sociale', v_customer ->> 'partita_iva', v_customer ->> 'codice_fiscale',
                      v_customer ->> 'email', v_customer ->> 'telefono', v_customer ->> 'indirizzo', v_customer ->> 'cap',
                      v_customer ->> 'citta', v_customer ->> 'provincia', coalesce(v_customer ->> 'nazione', 'IT'))
              returning customer_id into v_new_customer;
            if v_new_customer is null then
              v_new_customer := sincro.find_new_customer(v_store.azi, 'S', null, v_id_int);
            end if;
          end if;

          insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod, new_customer_id, data_ordine,
                                       dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
                                       cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
            values (v_store.azi, 'S', v_id_int, 'C', coalesce(v_cliente, '0'), v_cliente, v_new_customer, (v_order ->> 'data_ordine')::date,
                    v_order -> 'dest' ->> 'ragione_sociale', v_order -> 'dest' ->> 'indirizzo', v_order -> 'dest' ->> 'cap',
                    v_order -> 'dest' ->> 'citta', v_order -> 'dest' ->> 'provincia', v_order -> 'dest' ->> 'nazione',
                    v_settings -> 'payment_codes' ->> (v_order ->> 'payment'),
                    pg_catalog.concat_ws(E'\n',
                      pg_catalog.format('%s order %s', case v_store.platform when 'woocommerce' then 'WooCommerce' else 'Shopify' end, v_order ->> 'number'),
                      v_order ->> 'note',
                      'Coupons: ' || (v_order ->> 'coupons'),
                      'Payment: ' || (v_order ->> 'payment_title'),
                      'PEC: ' || (v_customer ->> 'pec'),
                      'SDI: ' || (v_customer ->> 'sdi')),
                    v_order ->> 'currency',
                    (v_order ->> 'totale_documento')::numeric - (v_order ->> 'totale_iva')::numeric,
                    (v_order ->> 'totale_iva')::numeric, (v_order ->> 'totale_documento')::numeric)
            returning arportes.id_pub into v_id_pub;
          if v_id_pub is null then
            v_id_pub := sincro.find_order(v_store.azi, 'S', null, v_id_int);  -- the same order, already written (identical)
          else
            insert into sincro.arporrig (azi, id_pub, riga, articolo, descrizione, quantita, prezzo, sconto, iva)
              select v_store.azi, v_id_pub, l.n, l.value ->> 'articolo', l.value ->> 'descrizione', (l.value ->> 'quantita')::numeric,
                     (l.value ->> 'prezzo')::numeric, (l.value ->> 'sconto')::numeric, l.value ->> 'iva'
              from pg_catalog.jsonb_array_elements(v_order -> 'lines') with ordinality l(value, n);
          end if;
          update sincro_private.store_order o
            set id_pub = v_id_pub, order_number = v_order ->> 'number', platform_customer_id = v_customer ->> 'platform_id',
                modified_at = v_row.modified_at, platform_status = v_status ->> 'status',
                refunded = (v_status ->> 'refunded')::boolean,
                status_back = case when v_store.api_url is null or not coalesce((v_settings ->> 'status_back')::boolean, true) then 'off' else 'waiting' end,
                status_back_at = now()
            where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
          v_state := 'created';
        end if;
      end if;
    end if;
  exception when others then
    -- the order's own fault (our codes, a value PostgreSQL refuses): an error row; anything else: retried
    if sqlstate !~ '^(SY|22|23)' then
      raise;
    end if;
    get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    v_state := 'error';
    v_id_pub := null;
    v_reason := pg_catalog.format('%s %s', sqlstate, sqlerrm) || coalesce(' (' || nullif(v_detail, '') || ')', '');
  end;

  update sincro_private.store_inbox i
    set state = v_state, id_pub = v_id_pub, error = v_reason, processed_at = now()
    where i.inbox_id = store_inbox_apply.inbox_id;
  state := v_state; id_pub := v_id_pub; error := v_reason;
end;
$$;

comment on function sincro.store_inbox_apply(bigint) is
  E'Turns one received inbox row into a hub order (created), records a later version of an order the hub has (updated; nothing the ERP owns changes) or an older one (duplicate), or says why not (ignored, error): once per (store, platform order ID), nothing half-written. SECURITY DEFINER: writes orders as the store party.';

/*
 * Several inbox rows in one transaction (a store_inbox_apply job of the
 * dispatcher carries up to ten): each applied by sincro.store_inbox_apply in
 * the order given, so each row's own failure is its error row and leaves the
 * others be, and the whole batch costs one commit. Then the company's chain
 * goes on (sincro.store_inbox_dispatch): its next ten deliveries get their
 * job, rung at this commit, or its gate opens. A failure of another kind
 * rolls the whole batch back; the worker then applies the rows one by one
 * (src/worker/tasks/store_inbox_apply.ts), so one row cannot hold the others.
 */
create or replace function sincro.store_inbox_apply_many(inbox_ids bigint[])
returns table (inbox_id bigint, state text, id_pub bigint, error text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_id bigint;
  v_result record;
  v_azi text;
  v_spec graphile_worker.job_spec;
begin
  if inbox_ids is null or pg_catalog.cardinality(inbox_ids) not between 1 and 100 or pg_catalog.array_position(inbox_ids, null) is not null then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('store_inbox_apply_many: inbox_ids must hold 1 to 100 inbox IDs, none NULL (got %s)',
                                  coalesce(pg_catalog.cardinality(inbox_ids)::text || ' elements', 'NULL')),
      hint = 'Apply bigger sets in several calls.';
  end if;
  foreach v_id in array inbox_ids loop
    select * into v_result from sincro.store_inbox_apply(v_id);
    inbox_id := v_id; state := v_result.state; id_pub := v_result.id_pub; error := v_result.error;
    return next;
  end loop;
  -- the chain (sincro.store_inbox_dispatch): a company whose gate is held gets its next job from here, rung
  -- when this one commits, or its gate opened when none of its deliveries waits
  for v_azi in
    select distinct i.azi from sincro_private.store_inbox i
    where i.inbox_id = any (inbox_ids) and exists (select 1 from sincro_private.store_inbox_gate g where g.azi = i.azi)
  loop
    v_spec := sincro_private.store_inbox_ring(v_azi, 10, interval '0', true);
    if v_spec.identifier is null then  -- (none rung; a row IS NULL would also hold for a spec with a NULL field)
      delete from sincro_private.store_inbox_gate g where g.azi = v_azi;
    else
      perform graphile_worker.add_jobs(array[v_spec]);
    end if;
  end loop;
end;
$$;

comment on function sincro.store_inbox_apply_many(bigint[]) is
  E'Applies 1 to 100 inbox rows in one transaction, each as sincro.store_inbox_apply does (its own failure is its error row), then rings the next job of each company whose store_inbox_apply chain it continues (or opens its gate); returns each row''s outcome. SY101 for an empty, NULL-holding or larger array. SECURITY DEFINER: writes orders as the store party.';

/*
 * What an admin (the CLI's `store inbox`) reads of the inbox: everything but
 * the signature header and the body itself (its size is shown).
 */
create or replace view sincro.store_inbox
with (security_barrier)
as
  select i.inbox_id, i.store_id, i.azi, i.source, i.topic,
         i.headers - 'x-wc-webhook-signature' - 'x-shopify-hmac-sha256' as headers,
         pg_catalog.octet_length(i.body) as body_bytes, i.platform_order_id, i.modified_at, i.received_at,
         i.state, i.id_pub, i.error, i.processed_at
  from sincro_private.store_inbox i;

comment on view sincro.store_inbox is E'The stores'' inbox without signatures and bodies (admin): what came in and what it became.';
comment on column sincro.store_inbox.inbox_id is E'Order of arrival.';
comment on column sincro.store_inbox.store_id is E'The store it came from.';
comment on column sincro.store_inbox.azi is E'The store''s company.';
comment on column sincro.store_inbox.source is E'webhook or reconcile.';
comment on column sincro.store_inbox.topic is E'The webhook topic (order.created, orders/updated…), or reconcile.';
comment on column sincro.store_inbox.headers is E'The delivery''s headers, without the signature.';
comment on column sincro.store_inbox.body_bytes is E'Size of the raw body.';
comment on column sincro.store_inbox.platform_order_id is E'The order''s id on the platform.';
comment on column sincro.store_inbox.modified_at is E'The order''s modification time on the platform.';
comment on column sincro.store_inbox.received_at is E'When the hub stored it.';
comment on column sincro.store_inbox.state is E'received, created, duplicate, updated, ignored or error (docs/stores.md).';
comment on column sincro.store_inbox.id_pub is E'The hub order it became or belongs to.';
comment on column sincro.store_inbox.error is E'Why it did not become an order, or what changed on the shop.';
comment on column sincro.store_inbox.processed_at is E'When the worker handled it.';

/*
 * The orders the stores brought, with the shop's side of them: status,
 * cancellation, refund, and whether the shop has been told the ERP acquired it.
 */
create or replace view sincro.store_orders
with (security_barrier)
as
  select o.store_id, o.platform_order_id, o.order_number, o.azi, o.id_pub, o.platform_customer_id, o.modified_at,
         o.platform_status, o.cancelled_at, o.refunded, o.status_back, o.status_back_at, o.status_back_error, o.created_at, o.updated_at
  from sincro_private.store_order o;

comment on view sincro.store_orders is E'Which platform order became which hub order, with its status on the shop (cancelled, refunded) and the status back (admin).';
comment on column sincro.store_orders.store_id is E'The store.';
comment on column sincro.store_orders.platform_order_id is E'The order''s id on the platform.';
comment on column sincro.store_orders.order_number is E'The number the shop shows.';
comment on column sincro.store_orders.azi is E'Company of the hub order.';
comment on column sincro.store_orders.id_pub is E'The hub order.';
comment on column sincro.store_orders.platform_customer_id is E'The platform''s customer ID (NULL for a guest).';
comment on column sincro.store_orders.modified_at is E'The latest modification time the hub has seen.';
comment on column sincro.store_orders.platform_status is E'The order''s status on the shop, as last seen.';
comment on column sincro.store_orders.cancelled_at is E'When the hub learned the shop cancelled or deleted it.';
comment on column sincro.store_orders.refunded is E'The shop says it was refunded (fully or partly).';
comment on column sincro.store_orders.status_back is E'waiting, pending, sent or off: telling the shop the ERP acquired it.';
comment on column sincro.store_orders.status_back_at is E'When status_back last changed.';
comment on column sincro.store_orders.status_back_error is E'Why the last attempt to tell the shop failed.';
comment on column sincro.store_orders.created_at is E'When the hub order was written.';
comment on column sincro.store_orders.updated_at is E'When a later version was last recorded.';

-- who may use it
revoke all on function sincro.store_inbox_apply(bigint) from public;
grant execute on function sincro.store_inbox_apply(bigint) to sincro_worker, sincro_admin;
revoke all on function sincro.store_inbox_apply_many(bigint[]) from public;
grant execute on function sincro.store_inbox_apply_many(bigint[]) to sincro_worker, sincro_admin;
grant select on sincro.store_inbox to sincro_admin;
grant select on sincro.store_orders to sincro_admin;

/*
 * An operator fixed what made an inbox row fail (a store setting such as the
 * natura code, an article the ERP lacked) and wants the same delivery taken
 * again: the row goes back to received and the worker is rung. Only error and
 * ignored rows; the apply is idempotent, so a retried row whose order the hub
 * got meanwhile becomes a duplicate.
 */
create or replace function sincro.store_inbox_retry(inbox_id bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_state text;
begin
  -- an operator retries its own company's rows only; another company's answers like a missing row
  select i.state into v_state from sincro_private.store_inbox i
  where i.inbox_id = inbox_id and coalesce(i.azi = sincro_private.session_company(), true)
  for update;
  if not found then
    raise exception using errcode = 'SY174', message = pg_catalog.format('store_inbox_retry: no inbox row %s', inbox_id);
  end if;
  if v_state not in ('error', 'ignored') then
    raise exception using errcode = 'SY175',
      message = pg_catalog.format('store_inbox_retry: inbox row %s is %s, not an error or ignored', inbox_id, v_state),
      hint = 'Only a row that did not become an order can be taken again.';
  end if;
  update sincro_private.store_inbox i set state = 'received', error = null, processed_at = null where i.inbox_id = store_inbox_retry.inbox_id;
  perform sincro_private.store_enqueue_inbox(inbox_id);
end;
$$;

comment on function sincro.store_inbox_retry(bigint) is
  E'Takes an inbox row that became an error or was ignored again (back to received, worker rung), once what made it fail is fixed. Admin, or an operator of the row''s company (another company''s row: SY174, as a missing one). SECURITY DEFINER: writes the inbox.';

revoke all on function sincro.store_inbox_retry(bigint) from public;
grant execute on function sincro.store_inbox_retry(bigint) to sincro_admin, sincro_operator;

/*
 * The console's Problems page, stores' part: deliveries that did not become
 * orders (errors, with the reason) and orders the shop cancelled or refunded
 * after the hub took them (the ERP was told nothing: someone must act),
 * newest first, paged. A company-bound login sees its own company's, others
 * every company's (or only_azi's).
 *
 * SECURITY DEFINER: the inbox is in sincro_private; the company filter is here.
 */
create or replace function sincro.store_problems(only_azi text default null, page_size integer default 50, page_offset integer default 0)
returns table (inbox_id bigint, azi text, store_id text, platform text, source text, platform_order_id text, kind text,
               reason text, id_pub bigint, received_at timestamptz, total bigint)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select i.inbox_id, i.azi, i.store_id, s.platform, i.source, i.platform_order_id,
         case when i.state = 'error' then 'error' else 'changed on the shop' end,
         i.error, i.id_pub, i.received_at, pg_catalog.count(*) over ()
  from sincro_private.store_inbox i
  join sincro_private.store s on s.store_id = i.store_id
  where (i.state = 'error' or (i.state = 'updated' and i.error is not null))
    and (store_problems.only_azi is null or i.azi = store_problems.only_azi)
    and coalesce(i.azi = (select sincro_private.session_company()), true)
  order by i.inbox_id desc
  limit least(greatest(coalesce(store_problems.page_size, 50), 1), 500)
  offset greatest(coalesce(store_problems.page_offset, 0), 0)
$$;

comment on function sincro.store_problems(text, integer, integer) is
  E'Store deliveries the caller''s companies must look at, newest first: errors (why the order was not taken) and orders cancelled or refunded on the shop after the hub took them; paged (at most 500); total counts every match. Admin and operators. SECURITY DEFINER: reads the inbox; filters companies itself.';

revoke all on function sincro.store_problems(text, integer, integer) from public;
grant execute on function sincro.store_problems(text, integer, integer) to sincro_admin, sincro_operator;

-- >>> sql/stores/store_reconcile.sql
/*
 * Reconciliation: WooCommerce never re-sends a failed delivery and Shopify
 * gives up after 4 hours, so every store with an API URL is polled (every
 * reconcile_every) for the orders modified since its watermark. Each order
 * the poll lists goes through the same inbox and the same idempotent apply as
 * a webhook, unless the hub already has that version of it. The watermark
 * moves only when a whole pass (every page) succeeded, to the pass's start
 * minus five minutes (the shop's clock and its commits in flight), so a
 * failed or interrupted pass is simply done again.
 *
 * SECURITY DEFINER: the API credentials and the inbox are the owner's; the
 * worker gets them through these functions only.
 */
create or replace function sincro.store_reconcile_begin(store_id text,
  out platform text, out api_url text, out api_key text, out api_secret text, out modified_after timestamptz, out polled_at timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select s.platform, s.api_url, s.api_key, s.api_secret, coalesce(s.watermark, s.created_at), now()
  from sincro_private.store s
  where s.store_id = store_reconcile_begin.store_id and s.removed_at is null and s.api_url is not null
$$;

comment on function sincro.store_reconcile_begin(text) is
  E'What a reconciliation pass of an active store with an API URL needs: platform, API URL and credentials, the watermark to ask from, and the pass''s start (database time). No row for a removed store or one without API URL. Worker only. SECURITY DEFINER: reads the credentials.';

create or replace function sincro.store_reconcile_offer(store_id text, body bytea)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_store sincro_private.store;
  v_identity record;
  v_inbox_id bigint;
begin
  select * into v_store from sincro_private.store s where s.store_id = store_id and s.removed_at is null;
  if not found then
    raise exception using errcode = 'SY170', message = pg_catalog.format('store_reconcile_offer: no active store %s', sincro_private.shown(store_id));
  end if;
  -- something the shop listed that is not an order the hub can place (no id, no modification time, not JSON):
  -- said so, not raised, so that one odd entry does not stop every pass at the same page
  begin
    select * into v_identity from sincro_private.store_order_identity(v_store.platform, pg_catalog.convert_from(body, 'UTF8')::jsonb);
  exception when others then
    return 'unreadable';
  end;
  if v_identity.platform_order_id is null or v_identity.modified_at is null then
    return 'unreadable';
  end if;
  -- known: the hub has this version or a newer one, or this version is already in the inbox
  if exists (select 1 from sincro_private.store_order o
             where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_identity.platform_order_id
               and o.modified_at >= v_identity.modified_at)
     or exists (select 1 from sincro_private.store_inbox i
                where i.store_id = v_store.store_id and i.platform_order_id = v_identity.platform_order_id
                  and i.modified_at = v_identity.modified_at) then
    return 'known';
  end if;
  insert into sincro_private.store_inbox (store_id, azi, source, topic, body, platform_order_id, modified_at)
    values (v_store.store_id, v_store.azi, 'reconcile', 'reconcile', body, v_identity.platform_order_id, v_identity.modified_at)
    returning inbox_id into v_inbox_id;
  perform sincro_private.store_enqueue_inbox(v_inbox_id);
  return 'queued';
end;
$$;

comment on function sincro.store_reconcile_offer(text, bytea) is
  E'One order a reconciliation poll listed (its JSON): queued into the inbox for the worker, unless the hub has this version of it or a newer one, or has it in the inbox already (known); unreadable when it has no id or modification time (nothing stored, the pass goes on). Worker only. SECURITY DEFINER: writes the inbox.';

create or replace function sincro.store_reconcile_end(store_id text, polled_at timestamptz, error text default null)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro_private.store s
    set watermark = case when error is null then greatest(s.watermark, polled_at - interval '5 minutes') else s.watermark end,
        last_reconciled_at = now(),
        last_reconcile_error = error
    where s.store_id = store_reconcile_end.store_id
$$;

comment on function sincro.store_reconcile_end(text, timestamptz, text) is
  E'Ends a reconciliation pass: on success the watermark moves to the pass''s start minus 5 minutes (never back); on failure it stays and the error is kept. Worker only. SECURITY DEFINER: writes sincro_private.store.';

-- who may use it
revoke all on function sincro.store_reconcile_begin(text) from public;
grant execute on function sincro.store_reconcile_begin(text) to sincro_worker;
revoke all on function sincro.store_reconcile_offer(text, bytea) from public;
grant execute on function sincro.store_reconcile_offer(text, bytea) to sincro_worker;
revoke all on function sincro.store_reconcile_end(text, timestamptz, text) from public;
grant execute on function sincro.store_reconcile_end(text, timestamptz, text) to sincro_worker;

-- >>> sql/stores/store_status_back.sql
/*
 * Status back: when the ERP acquires a store's order (ack_gest 0 → 1, in the
 * transaction of push_acquired or erp_write_order), the shop is told, by the
 * worker, through its REST API: WooCommerce an order note (and a status, if
 * the store sets woocommerce_status), Shopify a tag. The order's store_order
 * row is the record (pending → sent); the job store_status_back is the
 * doorbell, retried with backoff while the shop is down, and rung again by
 * store_sweep when it was lost. Telling twice is harmless: the worker checks
 * the shop for its note or tag before adding it.
 */
create or replace function sincro_private.enqueue_store_status_back(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: the trigger of every acquired store order calls it (an SQL function's body would be
  -- parsed and planned again at each call)
  perform graphile_worker.add_job(
    identifier := 'store_status_back',
    payload := pg_catalog.json_build_object('azi', enqueue_store_status_back.azi, 'id_pub', enqueue_store_status_back.id_pub),
    job_key := pg_catalog.format('store_status_back:%s:%s', enqueue_store_status_back.azi, enqueue_store_status_back.id_pub),
    max_attempts := 25);
end;
$$;

comment on function sincro_private.enqueue_store_status_back(text, bigint) is
  E'Rings the worker to tell a shop its order was acquired: job store_status_back, key store_status_back:<azi>:<id_pub>. SECURITY DEFINER: the job queue is the owner''s.';

create or replace function sincro_private.tg_arportes__store_status_back()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro_private.store_order o
    set status_back = 'pending', status_back_at = now()
    where o.azi = new.azi and o.id_pub = new.id_pub and o.status_back = 'waiting';
  if found then
    perform sincro_private.enqueue_store_status_back(new.azi, new.id_pub);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__store_status_back() is
  E'AFTER UPDATE of ack_gest on arportes: a store connector''s order the ERP just acquired gets its status back pending and a job. SECURITY DEFINER: fired by the ERP''s and the worker''s writes, it reaches sincro_private and the job queue.';

create trigger _600_store_status_back
  after update of ack_gest on sincro.arportes
  for each row when (old.ack_gest = 0 and new.ack_gest = 1 and new.prov_tipo = 'S')
  execute function sincro_private.tg_arportes__store_status_back();

/* What the worker needs to tell the shop, or NULL when there is nothing (any more) to tell. */
create or replace function sincro.store_status_back_claim(azi text, id_pub bigint)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select pg_catalog.jsonb_build_object(
    'store_id', s.store_id, 'platform', s.platform, 'api_url', s.api_url, 'api_key', s.api_key, 'api_secret', s.api_secret,
    'platform_order_id', o.platform_order_id, 'order_number', o.order_number, 'id_pub', a.id_pub, 'tor_chia', a.tor_chia,
    'woocommerce_status', sincro_private.store_settings(s.store_id) ->> 'woocommerce_status',
    'shopify_tag', sincro_private.store_settings(s.store_id) ->> 'shopify_tag')
  from sincro_private.store_order o
  join sincro_private.store s on s.store_id = o.store_id
  join sincro.arportes a on a.azi = o.azi and a.id_pub = o.id_pub
  where o.azi = store_status_back_claim.azi and o.id_pub = store_status_back_claim.id_pub
    and o.status_back = 'pending' and s.removed_at is null and s.api_url is not null
$$;

comment on function sincro.store_status_back_claim(text, bigint) is
  E'The shop''s API access and what to tell it (platform order ID, the ERP''s key) for an order whose status back is pending; NULL otherwise. Worker only. SECURITY DEFINER: reads the credentials.';

create or replace function sincro.store_status_back_done(azi text, id_pub bigint, error text default null)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro_private.store_order o
    set status_back = case when error is null then 'sent' else o.status_back end,
        status_back_at = case when error is null then now() else o.status_back_at end,
        status_back_error = error
    where o.azi = store_status_back_done.azi and o.id_pub = store_status_back_done.id_pub and o.status_back = 'pending'
$$;

comment on function sincro.store_status_back_done(text, bigint, text) is
  E'Records the outcome of telling the shop: sent, or (with error) still pending with the reason. Worker only. SECURITY DEFINER: writes sincro_private.store_order.';

-- who may use it
revoke all on function sincro_private.enqueue_store_status_back(text, bigint) from public;
revoke all on function sincro_private.tg_arportes__store_status_back() from public;
revoke all on function sincro.store_status_back_claim(text, bigint) from public;
grant execute on function sincro.store_status_back_claim(text, bigint) to sincro_worker;
revoke all on function sincro.store_status_back_done(text, bigint, text) from public;
grant execute on function sincro.store_status_back_done(text, bigint, text) to sincro_worker;

-- >>> sql/stores/store_sweep.sql
/*
 * The stores' part of the worker's every-minute round: rings again for inbox
 * rows still received and status backs still pending without a live job (a
 * worker killed while holding the job, a job that failed for good), and for
 * each store whose reconciliation is due. Re-ringing is harmless: every step
 * is idempotent.
 *
 * SECURITY DEFINER: reads and writes the job queue.
 */
create or replace function sincro.store_sweep(stale_after interval default interval '5 minutes',
  out inbox_rows integer, out status_backs integer, out reconciliations integer)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_row record;
begin
  inbox_rows := 0;
  status_backs := 0;
  reconciliations := 0;
  for v_row in
    select i.inbox_id from sincro_private.store_inbox i
    where i.state = 'received' and i.received_at <= now() - stale_after
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = 'store_inbox:' || i.inbox_id and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
    order by i.inbox_id
  loop
    perform sincro_private.store_enqueue_inbox(v_row.inbox_id);
    inbox_rows := inbox_rows + 1;
  end loop;

  for v_row in
    select o.azi, o.id_pub from sincro_private.store_order o
    where o.status_back = 'pending' and o.status_back_at <= now() - stale_after
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = pg_catalog.format('store_status_back:%s:%s', o.azi, o.id_pub) and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
  loop
    perform sincro_private.enqueue_store_status_back(v_row.azi, v_row.id_pub);
    status_backs := status_backs + 1;
  end loop;

  for v_row in
    select s.store_id from sincro_private.store s
    where s.removed_at is null and s.api_url is not null
      and (s.last_reconciled_at is null or s.last_reconciled_at + s.reconcile_every <= now())
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = 'store_reconcile:' || s.store_id and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
  loop
    perform graphile_worker.add_job(identifier := 'store_reconcile', payload := pg_catalog.json_build_object('store_id', v_row.store_id),
                                    job_key := 'store_reconcile:' || v_row.store_id, max_attempts := 1);
    reconciliations := reconciliations + 1;
  end loop;
end;
$$;

comment on function sincro.store_sweep(interval) is
  E'Re-enqueues inbox rows still received and status backs still pending for longer than stale_after without a live job, and the reconciliation of every store that is due; returns how many of each. Run by the worker every minute. SECURITY DEFINER: reads and writes the job queue.';

-- who may use it
revoke all on function sincro.store_sweep(interval) from public;
grant execute on function sincro.store_sweep(interval) to sincro_worker, sincro_admin;
