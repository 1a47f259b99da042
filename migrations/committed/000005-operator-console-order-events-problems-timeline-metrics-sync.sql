--! Previous: sha1:637cc48e3a2a53508ec0cdd229dcc73770f5e97e
--! Hash: sha1:6ac40de106f9d84f4b58ab2bd8f1ba0e6d97fc11
--! Message: operator console: order events, problems, timeline, metrics, sync requests

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

-- issue 12, the operator console: operator logins are bound to one company like store, app and ERP logins
alter table sincro_private.login drop constraint kind_is_company_bound;
alter table sincro_private.login add constraint kind_is_company_bound
  check (kind in ('store', 'app', 'erp', 'operator'));
comment on table sincro_private.login is
  E'Database logins bound to a company: the party (store, app, erp) or a company''s console operator, and for an app its device and agent. Written by sincro.create_login.';

-- issue 12: an operator closes a problem order by hand (resolved: never pushed again, the note in order_events)
alter table sincro.order_push drop constraint state_is_known;
alter table sincro.order_push add constraint state_is_known
  check (state in ('pending', 'in_flight', 'acquired', 'rejected', 'resolved'));
comment on column sincro.order_push.state is
  E'pending (waiting to be pushed), in_flight (a push is calling the ERP), acquired (the ERP has it), rejected (the ERP refused it: see erp_message; not retried), resolved (closed by an operator, with a note in order_events; not pushed again).';

-- issue 12: what happened to an order besides its versions: each push attempt with the ERP's answer, operators' actions
create table sincro.order_events (
  event_id bigint generated always as identity,
  azi text not null,
  id_pub bigint not null,
  recorded_at timestamptz not null default pg_catalog.clock_timestamp(),
  db_user name not null default session_user,
  event text not null,
  detail text,
  primary key (azi, event_id),
  constraint event_is_known check (event in ('push_started', 'push_acquired', 'push_rejected', 'push_failed', 'retry', 'resolved', 'corrected')),
  constraint order_events_order_fk foreign key (azi, id_pub) references sincro.arportes (azi, id_pub) on delete restrict
);
create index idx_order_events__order on sincro.order_events (azi, id_pub, event_id);
-- what /metrics counts: rejections and failed attempts (few) without reading every push event
create index idx_order_events__outcome on sincro.order_events (azi, event) where event in ('push_rejected', 'push_failed');
-- the Problems inbox: a few orders among millions, oldest first per company
create index idx_order_push__problems on sincro.order_push (azi, created_at, id_pub) where state in ('rejected', 'pending', 'in_flight');
alter table sincro.order_events enable row level security;

comment on table sincro.order_events is
  E'Events of an order that are not a new version of it (those are in arportes_history): each push attempt and the ERP''s answer, and what an operator did (retry, resolved with a note). Append-only; written by the push_* functions and the operator actions.';
comment on column sincro.order_events.event_id is E'Order of recording.';
comment on column sincro.order_events.azi is E'Company code.';
comment on column sincro.order_events.id_pub is E'The order.';
comment on column sincro.order_events.recorded_at is E'When it happened (clock time).';
comment on column sincro.order_events.db_user is E'The login that caused it (session_user): the worker for pushes, the operator for actions.';
comment on column sincro.order_events.event is E'push_started, push_acquired, push_rejected, push_failed, retry, resolved, corrected (the new customer''s fields an operator corrected).';
comment on column sincro.order_events.detail is E'The ERP''s key or message, the error, the operator''s note, or the corrected fields (before → after).';

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

create or replace function sincro_private.current_party()
returns text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select case
    when s.claim = '' then null
    when pg_catalog.split_part(s.claim, ':', 2) = (select p.secret from sincro_private.party_secret p)
      then pg_catalog.split_part(s.claim, ':', 1)
  end
  from (select coalesce(pg_catalog.current_setting('sincro.party', true), '') as claim) s
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
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
  select null from pg_catalog.set_config('sincro.party', coalesce(previous, ''), true)
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
 */
create or replace function sincro_private.shown(value text)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select case when value is null then 'NULL'
              when pg_catalog.length(value) <= 40 then pg_catalog.quote_literal(value)
              else pg_catalog.quote_literal(pg_catalog.left(value, 40)) || pg_catalog.format('... (%s characters)', pg_catalog.length(value)) end
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
revoke all on function sincro_private.column_list(text[], text) from public;

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
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,cod_art,valido_dal,id_sincro,deleted,updated_at}'::text[]
      from sincro.particolarita t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'accessory', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tabella', t.tabella, 'codice', t.codice),
             pg_catalog.to_jsonb(t) - '{azi,tabella,codice,id_sincro,deleted,updated_at}'::text[]
      from sincro.tabelle_accessorie t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'document', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tipo_doc', t.tipo_doc, 'numero', t.numero),
             pg_catalog.to_jsonb(t) - '{azi,tipo_doc,numero,id_sincro,deleted,updated_at}'::text[]
               || pg_catalog.jsonb_build_object('lines',
                    (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                     from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero))
      from sincro.documenti t where t.azi = $1 and t.id_sincro > $2
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
 * sizes within the company's max_text_length, SY140), idempotent on the
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

  -- idempotency: identical retries wait for each other on the company's counter row, then see each other
  perform 1 from sincro_private.id_pub_counter c where c.azi = new.azi for no key update;
  select * into v_existing from sincro.new_customers c
  where c.azi = new.azi and c.prov_tipo = new.prov_tipo
    and (c.prov_id = new.prov_id or (new.prov_id is null and c.prov_id is null)) and c.id_int = new.id_int;
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
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select a.id_pub
  from sincro.arportes a
  where a.azi = find_order.azi
    and a.prov_tipo = find_order.prov_tipo
    and (a.prov_id = find_order.prov_id or (find_order.prov_id is null and a.prov_id is null))
    and a.id_int = find_order.id_int
    and a.prov_tipo <> 'G'
$$;

comment on function sincro.find_order(text, text, text, text) is
  E'Public ID of the order a store (S, prov_id NULL) or app (A, its device ID) created with its own id_int; NULL if the hub has none. Use it after a retried INSERT returned no row.';

create or replace function sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text)
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select c.customer_id
  from sincro.new_customers c
  where c.azi = find_new_customer.azi
    and c.prov_tipo = find_new_customer.prov_tipo
    and (c.prov_id = find_new_customer.prov_id or (find_new_customer.prov_id is null and c.prov_id is null))
    and c.id_int = find_new_customer.id_int
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

create or replace view sincro.pending_app with (security_invoker = true) as
  select a.* from sincro.arportes a where a.ack_app = 0 and a.id_sincro > 0;

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
 * an app login its own device's orders and the ERP-made orders of its agent;
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
create policy app_device_or_agent on sincro.arportes to sincro_app
  using (azi = sincro_private.session_company()
         and ((prov_tipo = 'A' and prov_id = sincro_private.session_device())
              or (prov_tipo = 'G' and cod_agente = sincro_private.session_agent())))
  with check (azi = sincro_private.session_company()
              and ((prov_tipo = 'A' and prov_id = sincro_private.session_device())
                   or (prov_tipo = 'G' and cod_agente = sincro_private.session_agent())));
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
 * The doorbell for the worker: one graphile-worker job per store/app order,
 * added in the inserting transaction (so a rolled-back order leaves no job and
 * a committed one always has one). The job key makes a second enqueue of the
 * same order replace, not duplicate, a waiting job (and start a fresh one if
 * the old one is locked by a worker that died). In manual mode the job gets
 * one attempt; the order then waits for a partial sync.
 *
 * SECURITY DEFINER because clients have no rights on the graphile_worker
 * schema; this is the only path by which they cause a job to exist.
 */
create or replace function sincro_private.enqueue_push_order(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
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
  E'Enqueues the graphile-worker job push_order for one order (job key push_order:<azi>:<id_pub>; 25 attempts in auto mode, 1 in manual).';

-- who may use it
revoke all on function sincro_private.enqueue_push_order(text,bigint) from public;

-- >>> sql/push/arportes__enqueue_push.sql
/*
 * Rule 1 of the protocol: a new store/app order reaches the ERP in real time.
 * Its push state (pending) and its job are written in the inserting
 * transaction, so they exist exactly when the order does.
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
  perform sincro_private.enqueue_push_order(new.azi, new.id_pub);
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__enqueue_push() is
  E'AFTER INSERT on arportes (store and app orders): records the push as pending and enqueues the push_order job in the same transaction. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

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
    update sincro.order_push p set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), updated_at = now()
      where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
    return null;
  end if;

  update sincro.order_push p
    set state = 'in_flight', attempts = p.attempts + 1, last_attempt_at = now(), updated_at = now()
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

-- >>> sql/push/sweep_pushes.sql
/*
 * The doorbell can be lost: a job that failed for good, a worker killed while
 * holding a job (graphile-worker frees such a job only after 4 hours). The
 * sweep rings again for every order of an auto-mode company that is pending
 * without a live job, or in flight for longer than stale_after. Run by the
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
  update sincro.sync_runs r set backend_pid = null where r.azi = partial_sync.azi and r.run_id = v_run_id;
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
        backend_pid = pg_catalog.pg_backend_pid()
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
    set state = 'succeeded', finished_at = pg_catalog.now(), progress_at = pg_catalog.now()
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

-- who may use it: a sync is begun only by an admin login (the CLI) or requested by an operator
-- (sincro.sync_request, queued); the worker never begins one, it works the runs it is handed
-- (sync_run_take, partial_sync_progress) to their end, so it may apply, complete and fail them
revoke all on function sincro.sync_run_begin(text,text) from public;
grant execute on function sincro.sync_run_begin(text,text) to sincro_admin;
revoke all on function sincro.sync_run_complete(text,bigint) from public;
grant execute on function sincro.sync_run_complete(text,bigint) to sincro_worker, sincro_admin;
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
      and a.attname::text <> all (v_keys || '{azi,id_sincro,deleted,updated_at}'::text[]);
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
 * max_lines_per_order lines per document (SY140).
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

  -- apply: headers, then the lines of the documents whose lines changed
  v_changed := sincro_private.upsert_erp_rows('document', v_azi, rows, run_id, coalesce(v_lines_changed, '{}'));
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
 * Tombstones are kept for the company's tombstone_retention, then removed.
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
 * documenti, documenti_righe): every party reads its company's rows, the
 * worker and the admin every company's; nobody writes them but the sync
 * functions, which run as the owner. RLS is enabled on these tables by the
 * migration that made them.
 */
do $$
declare
  v_table text;
begin
  foreach v_table in array array['clienti', 'articoli', 'particolarita', 'tabelle_accessorie', 'documenti', 'documenti_righe'] loop
    execute pg_catalog.format(
      'create policy own_company on sincro.%I for select to sincro_store, sincro_app, sincro_erp using (azi = sincro_private.session_company())',
      v_table);
    execute pg_catalog.format(
      'create policy every_company on sincro.%I for select to sincro_worker, sincro_admin using (true)', v_table);
  end loop;
end;
$$;

-- who may use it
grant select on sincro.articoli to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.clienti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.documenti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.documenti_righe to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.particolarita to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.tabelle_accessorie to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

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
  select pg_catalog.string_agg(pg_catalog.format('%s: %s → %s', k, coalesce(pg_catalog.to_jsonb(v_before) ->> k, '∅'), coalesce(pg_catalog.to_jsonb(v_after) ->> k, '∅')), '; ' order by k)
    into v_changes
    from pg_catalog.unnest(c_fields) k
    where pg_catalog.to_jsonb(v_before) -> k is distinct from pg_catalog.to_jsonb(v_after) -> k;
  if v_changes is null then
    raise exception using errcode = 'SY162', message = pg_catalog.format('new_customer_correct: nothing to correct for order %s of company %s (no field changed)', id_pub, azi);
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
  E'Operator: correct the new customer of a rejected order (only its fields: ragione_sociale, partita_iva, codice_fiscale, email, telefono, indirizzo, cap, citta, provincia, nazione) and push the order again; the changes (before → after) and the login go to the order''s events (corrected, retry). SY160 unknown or another company''s order; SY162 not rejected, no new customer, nothing changed; SY101 a field that is not the customer''s; SY102 a blank name or country. SECURITY DEFINER: writes the new customer as the hub; checks the company itself.';

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
  ), pending as (
    select a.azi,
           pg_catalog.count(*) filter (where a.ack_gest = 0) as erp,
           pg_catalog.count(*) filter (where a.ack_store = 0 and a.id_sincro > 0) as store,
           pg_catalog.count(*) filter (where a.ack_app = 0 and a.id_sincro > 0) as app,
           pg_catalog.min(a.created_at) filter (where a.ack_gest = 0) as erp_oldest,
           pg_catalog.min(a.updated_at) filter (where a.ack_store = 0 and a.id_sincro > 0) as store_oldest,
           pg_catalog.min(a.updated_at) filter (where a.ack_app = 0 and a.id_sincro > 0) as app_oldest
    from sincro.arportes a
    where a.ack_gest = 0 or ((a.ack_store = 0 or a.ack_app = 0) and a.id_sincro > 0)
    group by a.azi
  ), party as (
    select c.azi, x.party, coalesce(x.n, 0) as n, x.oldest
    from company c
    left join pending p using (azi)
    cross join lateral (values ('erp', p.erp, p.erp_oldest), ('store', p.store, p.store_oldest), ('app', p.app, p.app_oldest)) x(party, n, oldest)
  ), outcome as (
    select e.azi, e.event, pg_catalog.count(*) as n
    from sincro.order_events e where e.event in ('push_rejected', 'push_failed') group by e.azi, e.event
  ), bucket as (
    select array[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::float8[] as le
  ), placed as (
    -- one pass: each acquired order's first bucket k (1-12; 13 = +Inf only) holding its duration,
    -- from width_bucket over the negated bounds, which counts the bounds >= the duration
    select d.azi, 13 - pg_catalog.width_bucket(-d.seconds, (select array(select -x from pg_catalog.unnest(b.le) x order by 1) from bucket b)) as k, d.seconds
    from (select p.azi, extract(epoch from p.acquired_at - p.created_at)::float8 as seconds
          from sincro.order_push p where p.state = 'acquired' and p.acquired_at is not null) d
  ), placed_count as (
    select pl.azi, pl.k, pg_catalog.count(*) as n, pg_catalog.sum(pl.seconds) as seconds from placed pl group by pl.azi, pl.k
  ), acquired as (
    -- every acquired push has its acquired_at (push_acquired and push_claim set it)
    select pc.azi, pg_catalog.sum(pc.n) as n from placed_count pc group by pc.azi
  ), histogram as (
    select c.azi, j, pg_catalog.sum(coalesce(pc.n, 0)) over (partition by c.azi order by j) as n
    from company c cross join pg_catalog.generate_series(1, 13) j
    left join placed_count pc on pc.azi = c.azi and pc.k = j
  )
  -- orders each party has not acquired, and how long the oldest has waited
  select 'sincro_orders_pending', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party), p.n::float8
  from party p
  union all
  select 'sincro_oldest_pending_seconds', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party),
         coalesce(extract(epoch from now() - p.oldest)::float8, 0)
  from party p
  -- pushes: acquired orders, and each rejection and failed attempt (order events)
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', c.azi, 'outcome', 'acquired'), coalesce(a.n, 0)::float8
  from company c left join acquired a using (azi)
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', c.azi, 'outcome', o.outcome), coalesce(x.n, 0)::float8
  from company c cross join (values ('rejected', 'push_rejected'), ('failed', 'push_failed')) o(outcome, event)
  left join outcome x on x.azi = c.azi and x.event = o.event
  -- insert → acquired, as a histogram (buckets cumulative, then sum and count)
  union all
  select 'sincro_push_duration_seconds_bucket',
         pg_catalog.jsonb_build_object('azi', h.azi, 'le', case when h.j = 13 then '+Inf' else ((select b.le[h.j] from bucket b))::text end),
         h.n::float8
  from histogram h
  union all
  select 'sincro_push_duration_seconds_sum', pg_catalog.jsonb_build_object('azi', c.azi),
         coalesce((select pg_catalog.sum(pc.seconds) from placed_count pc where pc.azi = c.azi), 0)::float8
  from company c
  union all
  select 'sincro_push_duration_seconds_count', pg_catalog.jsonb_build_object('azi', c.azi),
         coalesce((select pg_catalog.sum(pc.n) from placed_count pc where pc.azi = c.azi), 0)::float8
  from company c
  -- sync runs by kind and state, and the rows they brought (orders pushed, for partial syncs)
  union all
  select 'sincro_sync_runs_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind, 'state', r.state), pg_catalog.count(*)::float8
  from sincro.sync_runs r
  group by r.azi, r.kind, r.state
  union all
  select 'sincro_sync_rows_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind),
         pg_catalog.sum(case when r.kind = 'partial' then r.orders_pushed else r.rows_received end)::float8
  from sincro.sync_runs r
  group by r.azi, r.kind
  -- quota
  union all
  select 'sincro_quota_remaining', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_remaining::float8
  from sincro.quota() q
  union all
  select 'sincro_quota_total', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_quota::float8
  from sincro.quota() q
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
  update sincro.sync_runs r set backend_pid = null where r.azi = azi and r.run_id = v_run_id;
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
    set backend_pid = pg_catalog.pg_backend_pid(), progress_at = pg_catalog.now()
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
