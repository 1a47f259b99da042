-- sweep_pushes and push modes: a lost or dead job never strands an order; manual mode makes one attempt.
begin;
select plan(11);

select sincro_tests.setup_company('C00001') as a \gset
insert into sincro.apstatosyn (azi, push_mode) values ('C00002', 'manual');
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.store_order('C00002', 'o1') as m1 \gset

-- TEST: new orders are the dispatcher's: the sweep leaves them alone until stale_after
select is(sincro.sweep_pushes(), 0, 'new orders, doorbell not rung: not swept');
select is((select count(*)::int from (select sincro_private.enqueue_push_order(azi, id_pub) from sincro.order_push) rung), 2, 'both rung');

-- TEST: job attempts follow the mode
select results_eq($$ select key, max_attempts from graphile_worker.jobs order by key $$,
                  $$ values ('push_order:C00001:1', 25::smallint), ('push_order:C00002:1', 1::smallint) $$,
                  'auto: 25 attempts; manual: 1');
-- TEST: with live jobs there is nothing to sweep
select is(sincro.sweep_pushes(), 0, 'live jobs: nothing swept');
-- TEST: a lost job is re-enqueued for the auto company only
select graphile_worker.remove_job('push_order:C00001:1');
select graphile_worker.remove_job('push_order:C00002:1');
select is(sincro.sweep_pushes(), 1, 'one order swept');
select results_eq($$ select key from graphile_worker.jobs $$, $$ values ('push_order:C00001:1') $$, 'the auto order has a job again, the manual one waits');
-- TEST: an order stuck in flight (its worker died holding the job) is swept after stale_after
select sincro.push_claim('C00001', 1) as req \gset
update graphile_worker._private_jobs set locked_at = now() - interval '10 minutes', locked_by = 'dead-worker' where key = 'push_order:C00001:1';
update sincro.order_push set last_attempt_at = now() - interval '10 minutes' where id_pub = 1 and azi = 'C00001';
select is(sincro.sweep_pushes(interval '5 minutes'), 1, 'the stuck order is swept');
select results_eq($$ select count(*)::int, count(*) filter (where locked_at is null)::int from graphile_worker.jobs where task_identifier = 'push_order' $$,
                  $$ values (2, 1) $$, 'a fresh job beside the dead one');
-- TEST: a new order the dispatcher never came for is swept after stale_after (auto mode)
select sincro_tests.store_order('C00001', 'o2') as o2 \gset
update sincro.order_push set created_at = now() - interval '10 minutes' where azi = 'C00001' and id_pub = 2;
select is(sincro.sweep_pushes(interval '5 minutes'), 1, 'the forgotten new order is swept');
select results_eq($$ select doorbell_rung from sincro.order_push where azi = 'C00001' and id_pub = 2 $$, $$ values (true) $$,
                  'and its doorbell marked rung');
-- TEST: acquired and rejected orders are never swept
select sincro.push_rejected('C00001', 1, 'bad');
select sincro.push_claim('C00001', 2) as req2 \gset
select sincro.push_acquired('C00001', 2, 'C202600000002', null);
select is(sincro.sweep_pushes(interval '0 seconds'), 0, 'rejected, acquired: not swept');

select * from finish();
rollback;
