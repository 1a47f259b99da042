-- sincro.sync_run_begin: a partial sync needs no quota and uses none.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: a partial sync runs without a contract and leaves the quota unused
select sincro.sync_run_begin('C00001', 'partial') as p \gset
select sincro.partial_sync_finish('C00001', :p, 0, 0, 0);
select results_eq($$ select sync_used from sincro.quota('C00001') $$, $$ values (0) $$, 'partial sync: nothing used');

select * from finish();
rollback;
