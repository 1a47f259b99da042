-- sincro.quota: a sync with the ERP that fails uses no quota.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 2);

-- TEST: a failed run uses nothing
select sincro.sync_run_begin('C00001', 'changes') as r1 \gset
select sincro.sync_run_fail('C00001', :r1, 'ERP unreachable');
select results_eq($$ select sync_used from sincro.quota('C00001') $$, $$ values (0) $$, 'a failed run uses nothing');

select * from finish();
rollback;
