-- Pushes in batches: a job claims its own order and other new orders of its company whose doorbell
-- still waits (removing that job), never an order another job runs or a manual order that waits for a
-- partial sync; every answer goes back in one transaction, checked before any is written.
begin;
select plan(17);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_tests.store_order('C00001', 'o' || i) from generate_series(1, 6) i;  -- id_pub 1..6
select sincro_tests.store_order('C00002', 'x1');
select sincro_tests.commit_point();
select count(*) from (select sincro_private.enqueue_push_order(azi, id_pub) from sincro.order_push) rung;  -- every order has its waiting job

-- TEST: the job of order 1, batches of 4: orders 1..4, in id_pub order; their jobs but 1's are gone
select results_eq($$ select jsonb_path_query_array(sincro.push_claim_batch('C00001', 1, 4), '$[*].web_id') $$,
                  $$ values ('[1, 2, 3, 4]'::jsonb) $$, 'its own order first, then the next pending ones of its company');
select results_eq($$ select id_pub, state from sincro.order_push where azi = 'C00001' order by id_pub $$,
                  $$ values (1::bigint, 'in_flight'), (2, 'in_flight'), (3, 'in_flight'), (4, 'in_flight'), (5, 'pending'), (6, 'pending') $$,
                  'the four are in flight');
select results_eq($$ select key from graphile_worker.jobs where key like 'push_order:C00001:%' order by key $$,
                  $$ values ('push_order:C00001:1'), ('push_order:C00001:5'), ('push_order:C00001:6') $$,
                  'the batch answers the doorbells of 2..4 (removed); 1''s job is the one running; 5 and 6 wait');
select results_eq($$ select count(*)::int from sincro.order_events where azi = 'C00001' and event = 'push_started' $$,
                  $$ values (4) $$, 'each claimed order has its push_started event');

-- TEST: an order whose job a worker has taken is left to that job; another company's orders are never taken
update graphile_worker._private_jobs set locked_at = now(), locked_by = 'w' where key = 'push_order:C00001:5';
select results_eq($$ select jsonb_path_query_array(sincro.push_claim_batch('C00001', 6, 10), '$[*].web_id') $$,
                  $$ values ('[6]'::jsonb) $$, 'order 5 (its job runs) and C00002''s order are not taken');

-- TEST: a manual-mode order whose one attempt failed waits for a partial sync: no batch takes it
update graphile_worker._private_jobs set locked_at = null, locked_by = null where key = 'push_order:C00001:5';
update graphile_worker._private_jobs set attempts = max_attempts where key = 'push_order:C00001:5';
select sincro_tests.store_order('C00001', 'o7');  -- 7
select results_eq($$ select jsonb_path_query_array(sincro.push_claim_batch('C00001', 7, 10), '$[*].web_id') $$,
                  $$ values ('[7]'::jsonb) $$, 'order 5 has no live job: not taken');

-- TEST: nothing of its own to push (acquired meanwhile): the batch still serves its company's waiting orders
select sincro_tests.store_order('C00001', 'o8');  -- 8
select results_eq($$ select jsonb_path_query_array(sincro.push_claim_batch('C00001', 999, 10), '$[*].web_id') $$,
                  $$ values ('[8]'::jsonb) $$, 'an unknown own order: only the others');

-- TEST: max_orders outside 1..1000 is refused
select throws_ok($$ select sincro.push_claim_batch('C00001', 1, 0) $$, 'SY101', null, 'max_orders 0: SY101');

-- TEST: the answers, checked before any is written
select throws_ok($$ select sincro.push_answers('C00001', '[{"web_id": 1, "outcome": "acquired", "tor_chia": "T1"}, {"web_id": 2, "outcome": "acquired"}]') $$,
                 'SY101', null, 'an acquired answer without tor_chia: SY101');
select results_eq($$ select count(*)::int from sincro.order_push where azi = 'C00001' and state = 'acquired' $$,
                  $$ values (0) $$, 'and nothing was written (not even the first, valid, answer)');
select throws_ok($$ select sincro.push_answers('C00001', '[{"web_id": 1, "outcome": "lost"}]') $$, 'SY101', null, 'an unknown outcome: SY101');

-- TEST: acquired, rejected and failed in one call
select lives_ok($$ select sincro.push_answers('C00001', '[
  {"web_id": 3, "outcome": "failed", "message": "timeout"},
  {"web_id": 1, "outcome": "acquired", "tor_chia": "T1", "cliente_cod": null},
  {"web_id": 2, "outcome": "rejected", "message": "article ART1 is blocked"},
  {"web_id": 4, "outcome": "acquired", "tor_chia": "T4"}]') $$, 'four answers written back');
select results_eq($$ select p.id_pub, p.state, a.ack_gest, a.tor_chia, p.erp_message, p.last_error
                     from sincro.order_push p join sincro.arportes a using (azi, id_pub)
                     where p.azi = 'C00001' and p.id_pub <= 4 order by p.id_pub $$,
                  $$ values (1::bigint, 'acquired', 1::smallint, 'T1', null::text, null::text),
                            (2, 'rejected', 0::smallint, null, 'article ART1 is blocked', null),
                            (3, 'pending', 0::smallint, null, null, 'timeout'),
                            (4, 'acquired', 1::smallint, 'T4', null, null) $$,
                  'each order as its answer says');
select sincro_tests.commit_point();
select results_eq($$ select count(*)::int from sincro.arportes where azi = 'C00001' and id_pub in (1, 4) and id_sincro > 0 $$,
                  $$ values (2) $$, 'the acquired ones got their change numbers');

-- TEST: a new order the dispatcher has not taken yet is taken too (no job to remove), and marked rung
select sincro_tests.store_order('C00001', 'o9');  -- 9
select sincro_tests.store_order('C00001', 'o10');  -- 10
select results_eq($$ select jsonb_path_query_array(sincro.push_claim_batch('C00001', 9, 10), '$[*].web_id') $$,
                  $$ values ('[9, 10]'::jsonb) $$, 'orders not rung yet join the batch');
select results_eq($$ select id_pub, state, doorbell_rung from sincro.order_push where azi = 'C00001' and id_pub >= 9 order by id_pub $$,
                  $$ values (9::bigint, 'in_flight', true), (10, 'in_flight', true) $$, 'claimed: rung, so the dispatcher leaves them');
select is((select count(*)::int from sincro.push_take(10)), 0, 'the dispatcher finds nothing new');

select * from finish();
rollback;
