-- sincro.sync_run_begin: a run whose session is gone, or with no progress for long, no longer blocks the next one.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 2);

-- TEST: a run whose backend is gone is closed by the next attempt
select sincro.sync_run_begin('C00001', 'changes') as r4 \gset
update sincro.sync_runs set backend_pid = 2147483000 where run_id = :r4;
select lives_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'the dead session''s run is closed, a new one starts');
-- TEST: changes and rebuild runs are stale after 10 minutes without progress
select is(sincro_private.sync_run_stale_after('changes'), interval '10 minutes', 'changes/rebuild runs are stale after 10 minutes without progress');

select * from finish();
rollback;
