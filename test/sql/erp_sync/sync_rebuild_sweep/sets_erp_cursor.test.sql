-- sincro.sync_rebuild_sweep: the ERP cursor is set to the snapshot's position, so the next sync for changes follows from there.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('C00001', :run, 'article', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');
select sincro.sync_rebuild_sweep('C00001', :run, '42');

-- TEST: the cursor is the snapshot position
select is(sincro.erp_cursor('C00001'), '42', 'ERP cursor set to the snapshot position');

select * from finish();
rollback;
