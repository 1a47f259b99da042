-- sincro.sync_rebuild_sweep: the keys the rebuild noted as seen are removed when it ends.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('C00001', :run, 'article', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');
select sincro.sync_rebuild_sweep('C00001', :run, '42');

-- TEST: no scratch key left
select results_eq($$ select count(*)::int from sincro_private.rebuild_seen $$, $$ values (0) $$, 'scratch keys removed');

select * from finish();
rollback;
