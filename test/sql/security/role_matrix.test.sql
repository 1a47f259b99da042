-- The role matrix: role x object x privilege -> allowed or denied, from one table; every cell checked.
-- Every function of sincro, sincro_private and graphile_worker is a cell (from pg_proc): a new function is
-- denied to every party until this table says otherwise, and a grant this table does not list fails.
begin;

create temp table expected_allow (role name, object text, privilege text);
insert into expected_allow
select r, o, p from (values
  -- object,                          privileges,                  roles allowed
  ('sincro.arportes',                 '{SELECT,INSERT,UPDATE}',    '{sincro_store,sincro_app}'),
  ('sincro.arportes',                 '{SELECT}',                  '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.arporrig',                 '{SELECT,INSERT}',           '{sincro_store,sincro_app}'),
  ('sincro.arporrig',                 '{SELECT}',                  '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.new_customers',            '{SELECT,INSERT}',           '{sincro_store,sincro_app}'),
  ('sincro.new_customers',            '{SELECT}',                  '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.arportes_history',         '{SELECT}',                  '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.apstatosyn',               '{SELECT}',                  '{sincro_store,sincro_app,sincro_erp,sincro_worker}'),
  ('sincro.apstatosyn',               '{SELECT,INSERT,UPDATE}',    '{sincro_admin}'),
  ('sincro.pending_gest',             '{SELECT}',                  '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.pending_store',            '{SELECT}',                  '{sincro_store,sincro_admin}'),
  ('sincro.pending_app',              '{SELECT}',                  '{sincro_app,sincro_admin}'),
  ('graphile_worker._private_jobs',   '{SELECT,INSERT,UPDATE,DELETE}', '{sincro_worker}'),
  ('sincro.order_push',               '{SELECT}',                  '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.push_problems',            '{SELECT}',                  '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.sync_runs',                '{SELECT}',                  '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.consumer_cursors',         '{SELECT}',                  '{sincro_store,sincro_app,sincro_worker,sincro_admin}'),
  -- ERP-owned data: read by every party, written by the sync functions only
  ('sincro.articoli',                 '{SELECT}',                  '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.clienti',                  '{SELECT}',                  '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.documenti_righe',          '{SELECT}',                  '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.consumer_lag',             '{SELECT}',                  '{sincro_store,sincro_app,sincro_worker,sincro_admin}'),
  ('sincro.company_status',           '{SELECT}',                  '{sincro_worker,sincro_admin}'),
  -- functions (every function of sincro, sincro_private and graphile_worker is a cell: one not listed is denied to all)
  ('sincro.changes_since(text,bigint,integer)',              '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.find_order(text,text,text,text)',                 '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.find_new_customer(text,text,text,text)',          '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.partita_iva_problem(text)',                       '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.codice_fiscale_problem(text)',                    '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.sdi_code_problem(text)',                          '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.pec_problem(text)',                               '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro_private.check_feed_arguments(text,text,bigint,integer)', '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro_private.session_company()',                       '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro_private.session_device()',                        '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro_private.session_agent()',                         '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro_private.may_see_company(text)',                   '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.all_changes_since(text,bigint,integer)',          '{EXECUTE}', '{sincro_store,sincro_app,sincro_worker,sincro_admin}'),
  ('sincro.advance_consumer_cursor(text,text,bigint)',       '{EXECUTE}', '{sincro_store,sincro_app,sincro_worker,sincro_admin}'),
  ('sincro_private.tombstones_purged_through(text)',         '{EXECUTE}', '{sincro_store,sincro_app,sincro_worker,sincro_admin}'),
  ('sincro.erp_write_order(text,jsonb)',                     '{EXECUTE}', '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.push_claim(text,bigint)',                         '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.push_acquired(text,bigint,text,text)',            '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.push_claim_batch(text,bigint,integer)',          '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.push_take(integer)',                             '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.dispatch_poll(integer,boolean,boolean,boolean,boolean)', '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.push_retry_later(text,bigint[],interval)',        '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.store_inbox_dispatch(integer,interval,integer)',  '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.push_answers(text,jsonb)',                       '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.push_rejected(text,bigint,text)',                 '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.push_failed(text,bigint,text)',                   '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.sweep_pushes(interval)',                          '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.pushable_orders(text)',                           '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.partial_sync_progress(text,bigint,integer,integer,integer)', '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.partial_sync_finish(text,bigint,integer,integer,integer,text)', '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.purge_tombstones(text)',                          '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.end_overdue_sessions(interval,interval)',         '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.create_login(text,text,text,text,text,text)',     '{EXECUTE}', '{sincro_admin}'),
  ('sincro.partial_sync(text)',                              '{EXECUTE}', '{sincro_admin}'),
  ('sincro.sync_run_begin(text,text)',                       '{EXECUTE}', '{sincro_admin}'),
  -- the operator console (sql/console): sincro_operator is checked by test/sql/console/operator_privileges.test.sql
  ('sincro.metric_samples()',                                '{EXECUTE}', '{sincro_admin}'),
  ('sincro.metric_compact()',                                '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.sync_run_phase(text,bigint,text,text,integer,integer)', '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.push_retry(text,bigint)',                         '{EXECUTE}', '{sincro_admin}'),
  ('sincro.push_resolve(text,bigint,text)',                  '{EXECUTE}', '{sincro_admin}'),
  ('sincro.new_customer_correct(text,bigint,jsonb)',         '{EXECUTE}', '{sincro_admin}'),
  ('sincro.order_problems(text,text,interval,integer,integer)', '{EXECUTE}', '{sincro_admin}'),
  ('sincro.locate_order(text,bigint,text,text,text,text)',   '{EXECUTE}', '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.order_timeline(text,bigint)',                     '{EXECUTE}', '{sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro.sync_request(text,text)',                         '{EXECUTE}', '{sincro_admin}'),
  ('sincro.sync_run_take(text,bigint,text)',                 '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.sync_run_complete(text,bigint)',                  '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.sync_run_fail(text,bigint,text)',                 '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.erp_cursor(text)',                                '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.sync_changes_apply(text,bigint,text,text,jsonb)', '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.sync_rebuild_apply(text,bigint,text,jsonb)',      '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.sync_rebuild_sweep(text,bigint,text)',            '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.quota(text)',                                     '{EXECUTE}', '{sincro_admin}'),
  ('sincro.set_sync_contract(text,integer,interval,date)',   '{EXECUTE}', '{sincro_admin}'),
  -- the agent's device (sql/device)
  ('sincro.device_changes_since(bigint,integer)',            '{EXECUTE}', '{sincro_app}'),
  ('sincro.device_slice_size()',                             '{EXECUTE}', '{sincro_app}'),
  -- the device feed's page statement: device_changes_since builds a supervisor's with the caller's rights
  ('sincro_private.device_feed_sql(text[],text,text)',       '{EXECUTE}', '{sincro_app}'),
  ('sincro_private.fill_sql_template(text,jsonb)',           '{EXECUTE}', '{sincro_app}'),
  ('sincro.device_history_advance(text)',                    '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.set_device_history_months(text,integer)',         '{EXECUTE}', '{sincro_admin}'),
  ('sincro_private.session_agents()',                        '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  ('sincro_private.session_history_from()',                  '{EXECUTE}', '{sincro_store,sincro_app,sincro_erp,sincro_worker,sincro_admin}'),
  -- store connectors (sql/stores): the admin registers stores and the HTTP server (an admin login) takes webhooks;
  -- the worker applies the inbox, reconciles and sends status back; keys and credentials are the owner's alone
  ('sincro.stores',                   '{SELECT}',                  '{sincro_admin}'),
  ('sincro.store_inbox',              '{SELECT}',                  '{sincro_admin}'),
  ('sincro.store_orders',             '{SELECT}',                  '{sincro_admin}'),
  ('sincro.store_add(text,text,text,text,text,text,text,text,jsonb,interval,boolean)', '{EXECUTE}', '{sincro_admin}'),
  ('sincro.store_remove(text)',                              '{EXECUTE}', '{sincro_admin}'),
  ('sincro.store_customer_map(text,text,text,text)',         '{EXECUTE}', '{sincro_admin}'),
  ('sincro_private.store_default_settings()',                '{EXECUTE}', '{sincro_admin}'),
  ('sincro.store_webhook_receive(text,text,bytea,jsonb)',    '{EXECUTE}', '{sincro_admin}'),
  ('sincro.store_inbox_apply(bigint)',                       '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.store_inbox_apply_many(bigint[])',                '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.store_inbox_retry(bigint)',                       '{EXECUTE}', '{sincro_admin}'),
  ('sincro.store_problems(text,integer,integer)',            '{EXECUTE}', '{sincro_admin}'),
  ('sincro.store_sweep(interval)',                           '{EXECUTE}', '{sincro_worker,sincro_admin}'),
  ('sincro.store_reconcile_begin(text)',                     '{EXECUTE}', '{sincro_worker}'),
  ('sincro.store_reconcile_offer(text,bytea)',               '{EXECUTE}', '{sincro_worker}'),
  ('sincro.store_reconcile_end(text,timestamp with time zone,text)', '{EXECUTE}', '{sincro_worker}'),
  ('sincro.store_status_back_claim(text,bigint)',            '{EXECUTE}', '{sincro_worker}'),
  ('sincro.store_status_back_done(text,bigint,text)',        '{EXECUTE}', '{sincro_worker}')
) as t(o, ps, rs), unnest(ps::text[]) p, unnest(rs::text[]) r;
-- functions by their canonical name (an unknown one becomes NULL and fails the first test); the worker group
-- executes every function of graphile-worker's, nobody else any
update expected_allow set object = to_regprocedure(object)::text where privilege = 'EXECUTE';
insert into expected_allow
select 'sincro_worker', p.oid::regprocedure::text, 'EXECUTE' from pg_proc p where p.pronamespace = 'graphile_worker'::regnamespace;

create temp table cells as
select r.role, o.object, o.kind, p.privilege,
       exists (select 1 from expected_allow e where e.role = r.role and e.object = o.object and e.privilege = p.privilege) as expected
from (values ('sincro_store'::name), ('sincro_app'), ('sincro_erp'), ('sincro_worker'), ('sincro_admin')) r(role)
cross join (values
  ('sincro.arportes', 'table'), ('sincro.arporrig', 'table'), ('sincro.new_customers', 'table'),
  ('sincro.arportes_history', 'table'), ('sincro.apstatosyn', 'table'), ('sincro.pending_gest', 'table'),
  ('sincro.pending_store', 'table'), ('sincro.pending_app', 'table'),
  ('sincro_private.company', 'table'), ('sincro_private.id_pub_counter', 'table'),
  ('sincro_private.id_sincro_counter', 'table'), ('sincro_private.party_secret', 'table'), ('sincro_private.login', 'table'),
  ('graphile_worker._private_jobs', 'table'),
  ('sincro.order_push', 'table'), ('sincro.push_problems', 'table'), ('sincro.sync_runs', 'table'),
  ('sincro.articoli', 'table'), ('sincro.clienti', 'table'), ('sincro.documenti_righe', 'table'),
  ('sincro.consumer_cursors', 'table'), ('sincro.consumer_lag', 'table'), ('sincro.company_status', 'table'),
  ('sincro_private.rebuild_seen', 'table'), ('sincro_private.erp_entity', 'table'),
  ('sincro_private.store', 'table'), ('sincro_private.store_inbox', 'table'), ('sincro_private.store_order', 'table'),
  ('sincro_private.store_customer', 'table'), ('sincro.stores', 'table'), ('sincro.store_inbox', 'table'), ('sincro.store_orders', 'table')
) o(object, kind)
cross join lateral unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p(privilege)
union all
select r.role, p.oid::regprocedure::text, 'function', 'EXECUTE',
       exists (select 1 from expected_allow e where e.role = r.role and e.object = p.oid::regprocedure::text and e.privilege = 'EXECUTE')
from (values ('sincro_store'::name), ('sincro_app'), ('sincro_erp'), ('sincro_worker'), ('sincro_admin')) r(role)
cross join pg_proc p
where p.pronamespace in ('sincro'::regnamespace, 'sincro_private'::regnamespace, 'graphile_worker'::regnamespace);

select plan((select count(*)::int from cells) + 1);

-- TEST: the expectations name only cells of the matrix (no typo hides a cell)
select is_empty($$ select * from expected_allow e where not exists
                   (select 1 from cells c where c.role = e.role and c.object = e.object and c.privilege = e.privilege) $$,
                'every expected grant is a cell of the matrix');

-- TEST: every cell
select is(
  case c.kind
    when 'function' then has_function_privilege(c.role, c.object, 'EXECUTE')
    when 'table' then case when c.privilege = 'DELETE' then has_table_privilege(c.role, c.object, c.privilege)
                           else has_any_column_privilege(c.role, c.object, c.privilege) end
  end,
  c.expected,
  format('%s %s %s: %s', c.role, c.privilege, c.object, case when c.expected then 'allowed' else 'denied' end))
from cells c
order by c.role, c.object, c.privilege;

select * from finish();
rollback;
