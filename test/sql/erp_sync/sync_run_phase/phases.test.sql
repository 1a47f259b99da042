-- sync_runs.phase: set by the hub when a run is queued, taken, begun and done, by sync_run_phase
-- while it works (live: its own statement), kept by a failed run; bad phases and ended runs refused.
begin;
select plan(11);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 5);

-- TEST: a run the CLI begins starts in phase starting
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset
select results_eq($$ select phase, phase_item, phase_step, phase_steps from sincro.sync_runs where run_id = $$ || :run,
                  $$ values ('starting', null::text, null::int, null::int) $$, 'begin: starting');
-- TEST: the phases a rebuild goes through, with the entity and which of how many
select sincro.sync_run_phase('C00001', :run, 'reading', 'articoli', 2, 6);
select results_eq($$ select phase, phase_item, phase_step, phase_steps from sincro.sync_runs where run_id = $$ || :run,
                  $$ values ('reading', 'articoli', 2, 6) $$, 'reading articoli, entity 2 of 6');
select sincro.sync_run_phase('C00001', :run, 'tombstoning');
select results_eq($$ select phase, phase_item, phase_step from sincro.sync_runs where run_id = $$ || :run,
                  $$ values ('tombstoning', null::text, null::int) $$, 'tombstoning');
-- TEST: done when it completes
select sincro.sync_run_complete('C00001', :run);
select results_eq($$ select state, phase from sincro.sync_runs where run_id = $$ || :run, $$ values ('succeeded', 'done') $$, 'complete: done');
-- TEST: a run that is not running takes no phase
select throws_ok(format($$ select sincro.sync_run_phase('C00001', %s, 'fetching', null, 1) $$, :run), 'SY123', null, 'ended run: SY123');

-- TEST: a run queued for the worker (the console's buttons) is queued, then starting once taken
select sincro.sync_request('C00001', 'changes') as run2 \gset
select results_eq($$ select phase from sincro.sync_runs where run_id = $$ || :run2, $$ values ('queued') $$, 'sync_request: queued');
select sincro.sync_run_take('C00001', :run2, 'changes');
select sincro.sync_run_phase('C00001', :run2, 'applying', null, 3);
-- TEST: a failed run keeps the phase it failed in
select sincro.sync_run_fail('C00001', :run2, 'ERP unreachable');
select results_eq($$ select state, phase, phase_step from sincro.sync_runs where run_id = $$ || :run2, $$ values ('failed', 'applying', 3) $$,
                  'failed while applying page 3');

-- TEST: a partial sync: queued, starting when the worker reports, pushing i of n, done
select sincro_tests.store_order('C00001', 'o1') as o \gset
select sincro.partial_sync('C00001') as run3 \gset
select sincro.partial_sync_progress('C00001', :run3, 0, 0, 0);
select results_eq($$ select phase from sincro.sync_runs where run_id = $$ || :run3, $$ values ('starting') $$, 'partial taken: starting');
select sincro.sync_run_phase('C00001', :run3, 'pushing', null, 1, 1);
select sincro.partial_sync_finish('C00001', :run3, 1, 0, 0);
select results_eq($$ select state, phase, phase_step from sincro.sync_runs where run_id = $$ || :run3, $$ values ('succeeded', 'done', null::int) $$,
                  'partial: done');

-- TEST: the hub's own phases and impossible steps are refused, writing nothing
select sincro.sync_run_begin('C00001', 'changes') as run4 \gset
select throws_ok(format($$ select sincro.sync_run_phase('C00001', %s, 'done') $$, :run4), 'SY101', null, 'done is the hub''s: SY101');
select throws_ok(format($$ select sincro.sync_run_phase('C00001', %s, 'pushing', null, 3, 2) $$, :run4), 'SY101', null, 'step 3 of 2: SY101');

select * from finish();
rollback;
