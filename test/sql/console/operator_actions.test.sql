-- push_retry and push_resolve: an operator pushes a problem order again or closes it by hand
-- with a required note; both leave an event with its login; another company's order is
-- "not found" (SY160) and stays as it was.
begin;
select plan(15);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_tests.store_order('C00001', 'rejected');   -- 1
select sincro_tests.store_order('C00001', 'failing');    -- 2
select sincro_tests.store_order('C00001', 'acquired');   -- 3
select sincro_tests.store_order('C00002', 'theirs');     -- C00002's 1
select sincro.push_claim('C00001', 1);
select sincro.push_rejected('C00001', 1, 'customer UNKNOWN does not exist in the ERP');
select sincro.push_claim('C00001', 2);
select sincro.push_failed('C00001', 2, 'connect ECONNREFUSED');
select sincro.push_claim('C00001', 3);
select sincro.push_acquired('C00001', 3, 'C202600000003');
select sincro.push_claim('C00002', 1);
select sincro.push_rejected('C00002', 1, 'bad');
select sincro_tests.commit_point();
delete from graphile_worker._private_jobs;
select sincro.create_login('t_op_c1', 'operator', 'C00001');
select sincro.create_login('t_op_c2', 'operator', 'C00002');

set local session authorization t_op_c1;
-- TEST: retry a rejected order: pending again, a fresh job, an event with the login
select lives_ok($$ select sincro.push_retry('C00001', 1) $$, 'retry of a rejected order');
reset session authorization;
select results_eq($$ select state from sincro.order_push where azi = 'C00001' and id_pub = 1 $$, $$ values ('pending') $$, 'pending again');
select results_eq($$ select count(*)::int from graphile_worker.jobs where key = 'push_order:C00001:1' $$, $$ values (1) $$, 'a push job is queued');
select results_eq($$ select event, db_user = 't_op_c1', detail from sincro.order_events where azi = 'C00001' and id_pub = 1 order by event_id desc limit 1 $$,
                  $$ values ('retry', true, 'was rejected') $$, 'event retry by t_op_c1');

set local session authorization t_op_c1;
-- TEST: resolve needs a note
select throws_ok($$ select sincro.push_resolve('C00001', 2, '  ') $$, 'SY161', null, 'a blank note: SY161');
select throws_ok($$ select sincro.push_resolve('C00001', 2, null) $$, 'SY161', null, 'no note: SY161');
-- TEST: resolve with a note closes the order; the note and the login are in its events
select lives_ok($$ select sincro.push_resolve('C00001', 2, 'customer called: order cancelled') $$, 'resolve with a note');
reset session authorization;
select results_eq($$ select state from sincro.order_push where azi = 'C00001' and id_pub = 2 $$, $$ values ('resolved') $$, 'resolved');
select results_eq($$ select event, db_user = 't_op_c1', detail from sincro.order_events where azi = 'C00001' and id_pub = 2 order by event_id desc limit 1 $$,
                  $$ values ('resolved', true, 'customer called: order cancelled') $$, 'the note and the login in the events');
-- TEST: a resolved order is never claimed for a push again
select is(sincro.push_claim('C00001', 2), null, 'push_claim: nothing to push');

set local session authorization t_op_c1;
-- TEST: nothing to do on an acquired or resolved order
select throws_ok($$ select sincro.push_retry('C00001', 3) $$, 'SY162', null, 'retry of an acquired order: SY162');
select throws_ok($$ select sincro.push_resolve('C00001', 2, 'again') $$, 'SY162', null, 'resolving twice: SY162');
-- TEST: another company's order is not found, and stays as it was
select throws_ok($$ select sincro.push_retry('C00002', 1) $$, 'SY160', null, 'retry of C00002''s order: SY160');
reset session authorization;
select results_eq($$ select state from sincro.order_push where azi = 'C00002' $$, $$ values ('rejected') $$, 'C00002''s order is still rejected');
set local session authorization t_op_c2;
select throws_ok($$ select sincro.push_resolve('C00001', 1, 'forged') $$, 'SY160', null, 'C00002''s operator resolving C00001''s order: SY160');
reset session authorization;

select * from finish();
rollback;
