-- sincro.quota: each completed sync with the ERP (changes or rebuild) uses one; when none is left, the next is refused.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 2);

-- TEST: a completed run uses one
select sincro.sync_run_begin('C00001', 'changes') as r2 \gset
select sincro.sync_run_complete('C00001', :r2);
select results_eq($$ select sync_used, sync_remaining from sincro.quota('C00001') $$, $$ values (1, 1) $$, 'a completed run uses one');
-- TEST: a completed rebuild uses the last one; the next sync is refused
select sincro.sync_run_begin('C00001', 'rebuild') as r3 \gset
select sincro.sync_run_complete('C00001', :r3);
select throws_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'SY121', null, 'quota used up: SY121');

select * from finish();
rollback;
