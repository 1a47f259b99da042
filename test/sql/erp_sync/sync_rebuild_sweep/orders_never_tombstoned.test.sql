-- sincro.sync_rebuild_sweep: orders are never tombstoned, even when no snapshot held them.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro.erp_write_order('C00001', '{"tor_chia": "K1", "autore_tipo": "O", "autore_cod": "OP1", "lines": [{"articolo": "A", "quantita": 1}]}');
select sincro_tests.commit_point();
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('C00001', :run, 'article', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');
select sincro.sync_rebuild_sweep('C00001', :run, '42');

-- TEST: the order no snapshot held is still there
select results_eq($$ select count(*)::int from sincro.arportes $$, $$ values (1) $$, 'the order is still there');

select * from finish();
rollback;
