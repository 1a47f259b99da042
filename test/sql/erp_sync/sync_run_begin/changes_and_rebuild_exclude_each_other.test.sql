-- sincro.sync_run_begin: one sync with the ERP at a time (changes and rebuild exclude each other); a partial sync may run beside it.
begin;
select plan(3);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 2);
select sincro.sync_run_begin('C00001', 'changes') as r1 \gset

-- TEST: a rebuild while a sync for changes runs
select throws_ok($$ select sincro.sync_run_begin('C00001', 'rebuild') $$, 'SY120', null, 'a rebuild while a sync for changes runs: SY120');
-- TEST: a second sync for changes
select throws_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'SY120', null, 'two syncs for changes: SY120');
-- TEST: a partial sync beside it
select lives_ok($$ select sincro.partial_sync_finish('C00001', sincro.sync_run_begin('C00001', 'partial'), 0, 0, 0) $$,
                'a partial sync may run beside it');

select * from finish();
rollback;
