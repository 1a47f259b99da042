-- Insert trigger: a store/app order's push is recorded in the same transaction and nothing else: no
-- job, no NOTIFY (issue 15: PostgreSQL serialises the commits of notifying transactions). The worker's
-- dispatcher takes new orders with sincro.push_take and pushes them itself; a failed push gets its
-- retries from sincro.push_retry_later.
begin;
select plan(20);
set local track_functions = 'pl';

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.setup_company('C00002') as b \gset

-- TEST: a store order records its push, doorbell not rung, and adds no job
select sincro_tests.store_order('C00001', 'o1') as id \gset
select results_eq($$ select azi, id_pub, state, doorbell_rung from sincro.order_push $$,
                  $$ values ('C00001', 1::bigint, 'pending', false) $$, 'the push is recorded in the inserting transaction, not rung yet');
select is((select count(*)::int from graphile_worker.jobs), 0, 'the insert adds no job');
-- TEST: nor calls graphile_worker.add_job(s), whose NOTIFY would be sent at commit (this transaction's function
-- statistics; test/push/dispatcher.test.ts listens for it over a real commit)
select is((select count(*)::int from pg_catalog.pg_stat_xact_user_functions f
           where f.schemaname = 'graphile_worker' and f.funcname in ('add_job', 'add_jobs')), 0,
          'graphile_worker.add_job(s) never ran in the inserting transaction');
select ok((select count(*) from pg_catalog.pg_stat_xact_user_functions f where f.funcname = 'tg_arportes__enqueue_push') = 1,
          '(the statistics do count functions: the push trigger ran once)');

-- TEST: a rolled-back order leaves no push record
savepoint s;
select sincro_tests.store_order('C00001', 'o2');
rollback to savepoint s;
select is((select count(*)::int from sincro.order_push), 1, 'a rolled-back insert leaves no push record');
-- TEST: an identical retry adds no second push record
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'o1', 'C', '0');
select is((select count(*)::int from sincro.order_push), 1, 'a skipped retry records nothing');

-- TEST: push_take: one company at a time, the oldest order's, in web-ID order, up to max_orders
select sincro_tests.store_order('C00002', 'x1');
select sincro_tests.store_order('C00001', 'o3');
select sincro_tests.store_order('C00001', 'o4');
update sincro.order_push set created_at = created_at - interval '1 minute' where azi = 'C00001' and id_pub = 1;
update sincro.order_push set created_at = created_at - interval '30 seconds' where azi = 'C00002' and id_pub = 1;
select results_eq($$ select azi, jsonb_path_query_array(requests, '$[*].web_id') from sincro.push_take(2) $$,
                  $$ values ('C00001', '[1, 2]'::jsonb) $$, 'the oldest order''s company first, two of its orders');
select results_eq($$ select id_pub, state, doorbell_rung, attempts from sincro.order_push where azi = 'C00001' order by id_pub $$,
                  $$ values (1::bigint, 'in_flight', true, 1), (2, 'in_flight', true, 1), (3, 'pending', false, 0) $$,
                  'taken: in flight, rung, one attempt; the third waits');
select is((select count(*)::int from sincro.order_events where azi = 'C00001' and event = 'push_started'), 2, 'each taken order has its push_started event');
select results_eq($$ select azi, jsonb_path_query_array(requests, '$[*].web_id') from sincro.push_take(10) $$,
                  $$ values ('C00002', '[1]'::jsonb) $$, 'then the next oldest: C00002''s');
select results_eq($$ select azi, jsonb_path_query_array(requests, '$[*].web_id') from sincro.push_take(10) $$,
                  $$ values ('C00001', '[3]'::jsonb) $$, 'then C00001''s last');
select is((select count(*)::int from sincro.push_take(10)), 0, 'nothing new: no row');
select is((select count(*)::int from graphile_worker.jobs), 0, 'and still no job');
select throws_ok($$ select * from sincro.push_take(0) $$, 'SY101', null, 'max_orders 0: SY101');

-- TEST: an order acquired meanwhile (the ERP wrote it) is taken with nothing to send
select sincro_tests.store_order('C00001', 'o5');
update sincro.arportes set ack_gest = 1 where azi = 'C00001' and id_pub = 4;
select results_eq($$ select azi, requests from sincro.push_take(10) $$, $$ values ('C00001', '[]'::jsonb) $$, 'nothing to send');
select results_eq($$ select state, doorbell_rung from sincro.order_push where azi = 'C00001' and id_pub = 4 $$, $$ values ('acquired', true) $$,
                  'it is acquired and rung');

-- TEST: push_retry_later: failed pushes get a push_order job after the delay in auto mode, none in manual mode
select sincro.push_failed('C00001', 1, 'connect ECONNREFUSED');
select sincro.push_failed('C00002', 1, 'connect ECONNREFUSED');
update sincro.apstatosyn set push_mode = 'manual' where azi = 'C00002';
select is(sincro.push_retry_later('C00001', array[1, 2]::bigint[], interval '2 seconds'), 1, 'auto mode: order 1 (pending) gets a job; order 2 (in flight) none');
select results_eq($$ select key, max_attempts::int, run_at > now() + interval '1 second' from graphile_worker.jobs $$,
                  $$ values ('push_order:C00001:1', 25, true) $$, 'keyed, 25 attempts, first run after the delay');
select is(sincro.push_retry_later('C00002', array[1]::bigint[]), 0, 'manual mode: no job (the order waits for a partial sync)');
select throws_ok($$ select sincro.push_retry_later('C00001', array[1]::bigint[], interval '-1 second') $$, 'SY101', null, 'a negative delay: SY101');

select * from finish();
rollback;
