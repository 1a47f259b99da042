-- sincro.sync_run_begin: a new company has no syncs with the ERP allowed; a refusal writes no run.
begin;
select plan(4);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: no contract: 0 of 0
select results_eq($$ select sync_quota, sync_used, sync_remaining from sincro.quota('C00001') $$, $$ values (0, 0, 0) $$, 'no contract: 0 of 0');
-- TEST: a sync for changes is refused
select throws_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'SY121', null, 'no quota: a sync for changes is refused with SY121');
-- TEST: a rebuild is refused
select throws_ok($$ select sincro.sync_run_begin('C00001', 'rebuild') $$, 'SY121', null, 'no quota: a rebuild is refused with SY121 too');
-- TEST: the refusals wrote no run
select results_eq($$ select count(*)::int from sincro.sync_runs $$, $$ values (0) $$, 'a refusal writes no run');

select * from finish();
rollback;
