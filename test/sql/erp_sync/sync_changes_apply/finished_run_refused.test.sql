-- sincro.sync_changes_apply: a run that is over cannot apply a batch.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro.sync_run_begin('C00001', 'changes') as run \gset
select sincro.sync_run_complete('C00001', :run);

-- TEST: a finished run
select throws_ok($$ select sincro.sync_changes_apply('C00001', $$ || :run || $$, '', '10', '[]') $$, 'SY123', null, 'a finished run: SY123');

select * from finish();
rollback;
