-- The operator's whole reach, as one list: every table, view and function of the hub's
-- schemas (and graphile_worker's) that sincro_operator may use, and with which privilege.
-- A grant added anywhere for operators, or to PUBLIC on a new object, shows here.
begin;
select plan(3);

-- TEST: reads these relations, writes none
select results_eq(
  $$ select c.oid::regclass::text, p
     from pg_class c join pg_namespace n on n.oid = c.relnamespace,
          unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
     where n.nspname in ('sincro', 'sincro_private', 'graphile_worker') and c.relkind in ('r', 'v', 'm', 'p')
       and has_table_privilege('sincro_operator', c.oid, p)
     order by 1, 2 $$,
  $$ values ('sincro.apstatosyn', 'SELECT'), ('sincro.arporrig', 'SELECT'), ('sincro.arportes', 'SELECT'),
            ('sincro.arportes_history', 'SELECT'), ('sincro.company_status', 'SELECT'), ('sincro.consumer_lag', 'SELECT'),
            ('sincro.fidi', 'SELECT'), ('sincro.new_customers', 'SELECT'), ('sincro.order_credit_flags', 'SELECT'),
            ('sincro.order_events', 'SELECT'), ('sincro.order_push', 'SELECT'),
            ('sincro.push_problems', 'SELECT'), ('sincro.sync_runs', 'SELECT') $$,
  'sincro_operator reads its company''s orders, lines, customers, credit data and flags, history, push state, events, runs, status; writes nothing');
-- TEST: executes these functions only
select results_eq(
  $$ select p.oid::regprocedure::text
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('sincro', 'sincro_private', 'graphile_worker') and has_function_privilege('sincro_operator', p.oid, 'EXECUTE')
     order by 1 $$,
  $$ values ('sincro.locate_order(text,bigint,text,text,text,text)'), ('sincro.new_customer_correct(text,bigint,jsonb)'), ('sincro.order_problems(text,text,interval,integer,integer)'),
            ('sincro.order_timeline(text,bigint)'), ('sincro.partial_sync(text)'), ('sincro.push_resolve(text,bigint,text)'), ('sincro.push_retry(text,bigint)'),
            ('sincro.quota(text)'), ('sincro.store_inbox_retry(bigint)'), ('sincro.store_problems(text,integer,integer)'),
            ('sincro.sync_request(text,text)'), ('sincro_private.may_see_company(text)'), ('sincro_private.session_company()') $$,
  'sincro_operator acts only through retry, resolve, partial sync, taking a store delivery again and the console''s readers');
-- TEST: the metrics function is the admin's alone
select results_eq(
  $$ select r from unnest(array['sincro_store', 'sincro_app', 'sincro_erp', 'sincro_worker', 'sincro_admin', 'sincro_operator']) r
     where has_function_privilege(r, 'sincro.metric_samples()', 'EXECUTE') $$,
  $$ values ('sincro_admin') $$,
  'metric_samples: admin only');

select * from finish();
rollback;
