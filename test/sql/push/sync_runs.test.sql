-- sync_run_begin / partial_sync_finish / partial_sync / pushable_orders.
begin;
select plan(8);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o' || g) from generate_series(1, 3) g;

-- TEST: a partial sync opens a run that uses no quota and rings the worker
select sincro.partial_sync('C00001') as run \gset
select results_eq($$ select kind, state, uses_quota from sincro.sync_runs $$, $$ values ('partial', 'running', false) $$,
                  'a running partial run, no quota');
select results_eq($$ select count(*)::int from graphile_worker.jobs where task_identifier = 'partial_sync' $$, $$ values (1) $$,
                  'a partial_sync job');
-- TEST: a second one at once is refused
select throws_ok($$ select sincro.partial_sync('C00001') $$, 'SY120', null, 'two partial syncs at once: SY120');
-- TEST: it pushes pending orders, oldest first, not rejected ones
select sincro.push_claim('C00001', 2) as r \gset
select sincro.push_rejected('C00001', 2, 'no');
select results_eq($$ select * from sincro.pushable_orders('C00001') $$, $$ values (1::bigint), (3::bigint) $$, 'orders 1 and 3');
-- TEST: finish records the counts
select sincro.partial_sync_finish('C00001', :run, 2, 0, 0);
select results_eq($$ select state, orders_pushed, finished_at is not null from sincro.sync_runs $$, $$ values ('succeeded', 2, true) $$,
                  'succeeded with 2 pushed');
-- TEST: a failed run keeps its error
select sincro.sync_run_begin('C00001', 'partial') as run2 \gset
select sincro.partial_sync_finish('C00001', :run2, 0, 0, 2, 'ERP unreachable');
select results_eq($$ select state, error from sincro.sync_runs where run_id = $$ || :run2, $$ values ('failed', 'ERP unreachable') $$, 'failed with its error');
-- TEST: a run abandoned by a crash does not block the company
select sincro.sync_run_begin('C00001', 'partial') as run3 \gset
update sincro.sync_runs set started_at = now() - interval '2 hours', progress_at = now() - interval '2 hours' where run_id = :run3;
select lives_ok($$ select sincro.sync_run_begin('C00001', 'partial') $$, 'a new run after an abandoned one');
-- TEST: bad kinds
select throws_ok($$ select sincro.sync_run_begin('C00001', 'everything') $$, 'SY101', null, 'unknown kind: SY101');

select * from finish();
rollback;
