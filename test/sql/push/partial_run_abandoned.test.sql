-- A partial run whose session is gone, or whose queued job is gone, never blocks the next one;
-- a queued run whose job can still run does. (0.1 kept such runs for an hour: issue 11, item 4.)
begin;
select plan(9);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1');

-- TEST: a run begun by this session notes it
select sincro.sync_run_begin('C00001', 'partial') as run1 \gset
select results_eq($$ select backend_pid from sincro.sync_runs where run_id = $$ || :run1, $$ select pg_backend_pid() $$,
                  'the run notes the session working on it');

-- TEST: the session that ran it is gone (a CLI killed with SIGKILL): the next begin closes it at once
update sincro.sync_runs set backend_pid = 2147483000 where run_id = :run1;  -- no such backend
select lives_ok($$ select sincro.sync_run_begin('C00001', 'partial') $$, 'a new partial run at once');
select results_eq($$ select state, error from sincro.sync_runs where run_id = $$ || :run1,
                  $$ values ('failed', 'abandoned: the session that ran it is gone') $$, 'the dead session''s run is failed');

-- TEST: a run queued for the worker belongs to its job, not to the session that queued it
update sincro.sync_runs set state = 'failed', finished_at = now() where state = 'running';
select sincro.partial_sync('C00001') as run2 \gset
select results_eq($$ select backend_pid is null from sincro.sync_runs where run_id = $$ || :run2, $$ values (true) $$,
                  'a queued run has no session');
select throws_ok($$ select sincro.sync_run_begin('C00001', 'partial') $$, 'SY120', null,
                 'while its job waits, the queued run is alive: SY120');

-- TEST: the worker takes it over with its progress; its session is noted
select sincro.partial_sync_progress('C00001', :run2, 1, 0, 0);
select results_eq($$ select backend_pid, orders_pushed from sincro.sync_runs where run_id = $$ || :run2,
                  $$ select pg_backend_pid(), 1 $$, 'progress notes the counts and the worker''s session');

-- TEST: a queued run whose job is gone (the job failed, or was removed) is closed by the next begin
update sincro.sync_runs set backend_pid = null where run_id = :run2;
select sincro_tests.as_hub($$ delete from graphile_worker._private_jobs $$);
select lives_ok($$ select sincro.sync_run_begin('C00001', 'partial') $$, 'a new run once the job is gone');
select results_eq($$ select state, error from sincro.sync_runs where run_id = $$ || :run2,
                  $$ values ('failed', 'abandoned: its worker job is gone') $$, 'the queued run is failed');

-- TEST: progress on a run that is no longer running is refused, so a late worker stops
select throws_ok(format('select sincro.partial_sync_progress(%L, %s, 1, 0, 0)', 'C00001', :run2), 'SY123', null,
                 'progress on a closed run: SY123');

select * from finish();
rollback;
