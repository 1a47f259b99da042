-- Conventions that keep the holes closed for functions and views written later:
--   every function of ours names pg_temp last in its search_path (a definer function, or code it calls,
--     would otherwise resolve a client's temporary type or table first);
--   no function of ours uses an advisory lock (any session can compute and take its key) or creates a
--     temporary table (a caller could have created it first); the one exception is the dispatcher's doze
--     (sql/push/dispatcher_doorbell.sql), whose lock guards latency only: a login holding its key delays no
--     order (test/push/dispatcher.test.ts, "a login holding the doze key");
--   every view a client may read is a security barrier or runs with the caller's rights.
begin;
select plan(4);

-- TEST: search_path ends with pg_temp, for every function in sincro and sincro_private
select is_empty($$
  select p.oid::regprocedure::text
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('sincro', 'sincro_private')
    and not exists (select 1 from unnest(p.proconfig) c where c ~ '^search_path=(pg_catalog, )?pg_temp$' or c = 'search_path=pg_catalog, pg_temp') $$,
  'every function sets search_path = pg_catalog, pg_temp');
-- TEST: no advisory locks
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('sincro', 'sincro_private') and p.prosrc ~* 'pg_(try_)?advisory'
    and p.oid not in ('sincro_private.ring_dispatcher()'::regprocedure,
                      'sincro.dispatch_poll(integer,boolean,boolean,boolean,boolean)'::regprocedure) $$,
  'no function of ours takes an advisory lock (but the dispatcher''s doze)');
-- TEST: no temporary tables
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('sincro', 'sincro_private') and (p.prosrc ~* 'create\s+(local\s+|global\s+)?temp' or p.prosrc ~* 'pg_temp\.') $$,
  'no function of ours creates or uses a temporary table');
-- TEST: views clients may read are barriers or invokers
select is_empty($$
  select c.oid::regclass::text
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname in ('sincro', 'sincro_private') and c.relkind = 'v'
    and exists (select 1 from (values ('sincro_store'), ('sincro_app'), ('sincro_erp')) r(role) where has_table_privilege(r.role, c.oid, 'select'))
    and not (coalesce(c.reloptions, '{}') && array['security_barrier=true', 'security_invoker=true']) $$,
  'every view a store, app or ERP login may read is a security barrier or security invoker');

select * from finish();
rollback;
