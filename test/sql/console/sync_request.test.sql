-- sincro.sync_request: the console's sync buttons begin a changes or rebuild run and queue it for
-- the worker; refusals (quota, already running, another company) come back at once and write
-- nothing; the queued run is alive while its job waits, and the worker takes it with sync_run_take.
begin;
select plan(10);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro.set_sync_contract('C00001', 1);
select sincro.create_login('t_op_c1', 'operator', 'C00001');

set local session authorization t_op_c1;
-- TEST: an operator starts its company's sync for changes: a run, and a job for the worker
select sincro.sync_request('C00001', 'changes') as run_id \gset
select ok(:run_id > 0, 'sync for changes requested');
-- TEST: a second one while it is queued: SY120; another company: SY100; a partial: SY101
select throws_ok($$ select sincro.sync_request('C00001', 'rebuild') $$, 'SY120', null, 'a sync with the ERP is already running: SY120');
select throws_ok($$ select sincro.sync_request('C00002', 'changes') $$, 'SY100', null, 'another company: SY100');
select throws_ok($$ select sincro.sync_request('C00001', 'partial') $$, 'SY101', null, 'partial syncs go through sincro.partial_sync: SY101');
reset session authorization;

select results_eq($$ select kind, state, backend_pid is null from sincro.sync_runs where azi = 'C00001' $$,
                  $$ values ('changes', 'running', true) $$, 'one running run, handed to the worker');
select results_eq($$ select task_identifier from graphile_worker.jobs where key = sincro_private.sync_run_job_key('C00001', $$ || :run_id || $$) $$,
                  $$ values ('sync_pull'::text) $$, 'its sync_pull job');
-- TEST: the worker takes it over once; then it is this session's
select lives_ok($$ select sincro.sync_run_take('C00001', $$ || :run_id || $$, 'changes') $$, 'taken');
select throws_ok($$ select sincro.sync_run_take('C00001', $$ || :run_id || $$, 'changes') $$, 'SY123', null, 'not twice: SY123');
-- TEST: completed, it uses the quota; the next request is refused for quota and writes nothing
select sincro.sync_run_complete('C00001', :run_id);
set local session authorization t_op_c1;
select throws_ok($$ select sincro.sync_request('C00001', 'changes') $$, 'SY121', null, 'quota used up: SY121');
reset session authorization;
select results_eq($$ select count(*)::int from sincro.sync_runs where azi = 'C00001' $$, $$ values (1) $$, 'the refusal wrote no run');

select * from finish();
rollback;
