-- sincro.sync_run_complete: a run that is over cannot be completed again (and use a second unit of quota).
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 2);
select sincro.sync_run_begin('C00001', 'changes') as r2 \gset
select sincro.sync_run_complete('C00001', :r2);

-- TEST: completing twice
select throws_ok($$ select sincro.sync_run_complete('C00001', $$ || :r2 || $$) $$, 'SY123', null, 'completing twice: SY123');

select * from finish();
rollback;
