-- One store_inbox_apply job under way per company: the dispatcher rings a company's first job and takes its
-- gate; each job, as it commits, rings the company's next rows itself, or opens the gate when none wait; a gate
-- older than 10 s is free again. Other companies are not held back.
begin;
select plan(14);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_tests.setup_store('woo1', 'C00001', 'woocommerce');
select sincro_tests.setup_store('woo2', 'C00002', 'woocommerce');

create temp table c1 as
  select n, (sincro_tests.deliver('woo1', sincro_tests.woo_order(800 + n))).inbox_id from generate_series(1, 12) n;
select (sincro_tests.deliver('woo2', sincro_tests.woo_order(901))).inbox_id as b1 \gset
create temp view apply_jobs as
  select j.key, j.payload::jsonb -> 'inbox_ids' as ids
  from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
  where t.identifier = 'store_inbox_apply';

-- TEST: one job per company, the rest of C00001's backlog waits for its chain
select is(sincro.store_inbox_dispatch(500, interval '0', 10), 11, 'eleven rows rung: C00001''s first ten, C00002''s one');
select results_eq($$ select ids from apply_jobs order by key $$,
                  format($$ values ((select jsonb_agg(inbox_id order by n) from c1 where n <= 10)), ('[%s]'::jsonb) $$, :b1),
                  'two jobs: C00001''s oldest ten rows, C00002''s row');
select results_eq($$ select azi from sincro_private.store_inbox_gate order by azi $$, $$ values ('C00001'), ('C00002') $$,
                  'both companies'' gates are held');
select is(sincro.store_inbox_dispatch(500, interval '0', 10), 0, 'dispatched again: nothing (C00001''s last two wait for its chain)');
select (sincro_tests.deliver('woo2', sincro_tests.woo_order(902))).inbox_id as b2 \gset
select is(sincro.store_inbox_dispatch(500, interval '0', 10), 0, 'a new delivery of C00002 while its job is under way: not rung yet');

-- TEST: the job, as it commits, rings the company's next rows (the gate stays held, with the new job's key)
select is((select count(*) from sincro.store_inbox_apply_many((select array_agg(inbox_id order by n) from c1 where n <= 10))
           where state = 'created'), 10::bigint, 'C00001''s first job: ten orders');
select results_eq($$ select ids from apply_jobs where key like 'store_inbox:' || (select inbox_id from c1 where n = 11) || '+%' $$,
                  $$ values ((select jsonb_agg(inbox_id order by n) from c1 where n > 10)) $$,
                  'it rang C00001''s next job: its last two rows');
select results_eq($$ select job_key from sincro_private.store_inbox_gate where azi = 'C00001' $$,
                  $$ values ('store_inbox:' || (select inbox_id from c1 where n = 11) || '+2') $$, 'the gate now names that job');

-- TEST: the last job of the chain opens the gate
select is((select count(*) from sincro.store_inbox_apply_many((select array_agg(inbox_id order by n) from c1 where n > 10))
           where state = 'created'), 2::bigint, 'C00001''s second job: two orders');
select is((select count(*) from sincro_private.store_inbox_gate where azi = 'C00001'), 0::bigint, 'nothing waits: C00001''s gate is open');
select is((select count(*) from apply_jobs), 3::bigint, 'no job more than those three');

-- TEST: a gate older than 10 s (its job died) is free again
update sincro_private.store_inbox_gate set rung_at = now() - interval '11 seconds' where azi = 'C00002';
select is(sincro.store_inbox_dispatch(500, interval '0', 10), 1, 'C00002''s stale gate: its waiting delivery is rung');
select results_eq(format($$ select ids from apply_jobs where ids = '[%s]' $$, :b2), format($$ values ('[%s]'::jsonb) $$, :b2),
                  'in a job of its own');

-- TEST: the gates are the owner's: no party reads or writes them
select is((select count(*) from (values ('sincro_store'), ('sincro_app'), ('sincro_erp'), ('sincro_worker'), ('sincro_admin')) r(role)
           where has_table_privilege(r.role, 'sincro_private.store_inbox_gate', 'select, insert, update, delete')), 0::bigint,
          'no party has a privilege on sincro_private.store_inbox_gate');

select * from finish();
rollback;
