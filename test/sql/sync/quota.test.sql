-- The contracted quota: set_sync_contract, quota, sync_run_begin/complete/fail, period roll-over, one sync with the ERP at a time.
begin;
select plan(22);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: a new company has no syncs with the ERP allowed
select results_eq($$ select sync_quota, sync_used, sync_remaining from sincro.quota('C00001') $$, $$ values (0, 0, 0) $$, 'no contract: 0 of 0');
select throws_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'SY121', null, 'no quota: a sync for changes is refused with SY121');
select throws_ok($$ select sincro.sync_run_begin('C00001', 'rebuild') $$, 'SY121', null, 'no quota: a rebuild is refused with SY121 too');
select results_eq($$ select count(*)::int from sincro.sync_runs $$, $$ values (0) $$, 'a refusal writes no run');
-- TEST: a partial sync needs no quota and uses none
select sincro.sync_run_begin('C00001', 'partial') as p \gset
select sincro.sync_run_finish('C00001', :p, 0, 0, 0);
select results_eq($$ select sync_used from sincro.quota('C00001') $$, $$ values (0) $$, 'partial sync: nothing used');
-- TEST: set the contract; bad values are refused
select sincro.set_sync_contract('C00001', 2, '1 month', date '2026-11-01');
select results_eq($$ select sync_quota, sync_used, sync_remaining, period_start, period_end from sincro.quota('C00001') $$,
                  $$ values (2, 0, 2, date '2026-11-01', date '2026-11-30') $$, '2 per month from 2026-11-01');
select throws_ok($$ select sincro.set_sync_contract('C00001', -1) $$, 'SY201', null, 'a negative quota: SY201');
select throws_ok($$ select sincro.set_sync_contract('C00001', 1, '1 hour') $$, 'SY201', null, 'a period under a day: SY201');
select throws_ok($$ select sincro.set_sync_contract('NOPE', 1) $$, 'SY100', null, 'unknown company: SY100');
-- TEST: a completed run uses one; a failed one none
select sincro.sync_run_begin('C00001', 'changes') as r1 \gset
-- TEST: changes and rebuild exclude each other
select throws_ok($$ select sincro.sync_run_begin('C00001', 'rebuild') $$, 'SY120', null, 'a rebuild while a sync for changes runs: SY120');
select throws_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'SY120', null, 'two syncs for changes: SY120');
select lives_ok($$ select sincro.sync_run_finish('C00001', sincro.sync_run_begin('C00001', 'partial'), 0, 0, 0) $$,
                'a partial sync may run beside it');
select sincro.sync_run_fail('C00001', :r1, 'ERP unreachable');
select results_eq($$ select sync_used from sincro.quota('C00001') $$, $$ values (0) $$, 'a failed run uses nothing');
select sincro.sync_run_begin('C00001', 'changes') as r2 \gset
select sincro.sync_run_complete('C00001', :r2);
select results_eq($$ select sync_used, sync_remaining from sincro.quota('C00001') $$, $$ values (1, 1) $$, 'a completed run uses one');
select throws_ok($$ select sincro.sync_run_complete('C00001', $$ || :r2 || $$) $$, 'SY123', null, 'completing twice: SY123');
select sincro.sync_run_begin('C00001', 'rebuild') as r3 \gset
select sincro.sync_run_complete('C00001', :r3);
select throws_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'SY121', null, 'quota used up: SY121');
-- TEST: a new period starts with nothing used
select results_eq($$ select sincro_private.current_period_start(date '2026-01-31', '1 month', date '2026-03-30') $$,
                  $$ values (date '2026-02-28') $$, 'period start: months counted from the contract''s first day');
update sincro_private.company set sync_period_start = date '2026-09-01' where azi = 'C00001';
select results_eq($$ select sync_used, period_start from sincro.quota('C00001') $$, $$ values (0, date '2026-11-01') $$,
                  'quota() shows the current period');
select is(sincro_private.roll_sync_period('C00001'), date '2026-11-01', 'roll_sync_period moves the company to it');
select results_eq($$ select sync_used, sync_period_start from sincro_private.company where azi = 'C00001' $$, $$ values (0, date '2026-11-01') $$,
                  'usage reset');
-- TEST: a run whose session is gone, or with no progress for long, no longer blocks
select sincro.sync_run_begin('C00001', 'changes') as r4 \gset
update sincro.sync_runs set backend_pid = 2147483000 where run_id = :r4;
select lives_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'the dead session''s run is closed, a new one starts');
select is(sincro_private.sync_run_stale_after('changes'), interval '10 minutes', 'changes/rebuild runs are stale after 10 minutes without progress');

select * from finish();
rollback;
