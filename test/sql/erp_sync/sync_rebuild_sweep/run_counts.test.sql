-- sincro.sync_rebuild_sweep: the rebuild's run records the rows received and tombstoned.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "B"}, "data": {"descrizione": "b"}},
    {"key": {"cod_art": "C"}, "data": {"descrizione": "c"}}]');
select sincro_private.upsert_erp_rows('customer', 'C00001', '[{"key": {"cod_cli": "1"}, "data": {"ragione_sociale": "uno"}}]');
select sincro_private.upsert_documents('C00001', '[{"key": {"tipo_doc": "fattura", "numero": "F1"}, "data": {"lines": [{"articolo": "A", "quantita": 1}]}}]');
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('C00001', :run, 'article',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "C"}, "data": {"descrizione": "c nuovo"}},
    {"key": {"cod_art": "D"}, "data": {"descrizione": "d"}}]');
select sincro.sync_rebuild_apply('C00001', :run, 'customer', '[{"key": {"cod_cli": "1"}, "data": {"ragione_sociale": "uno"}}]');
select sincro.sync_rebuild_apply('C00001', :run, 'order',
  '[{"key": {"tor_chia": "K1"}, "data": {"autore_tipo": "O", "autore_cod": "OP1", "lines": [{"articolo": "A", "quantita": 1}]}}]');
select sincro_tests.commit_point();
select sincro.sync_rebuild_sweep('C00001', :run, '42');

-- TEST: 5 rows received over three batches, 2 tombstoned by the sweep
select results_eq($$ select rows_received, rows_tombstoned from sincro.sync_runs where run_id = $$ || :run, $$ values (5::bigint, 2::bigint) $$,
                  '5 rows received, 2 tombstoned');

select * from finish();
rollback;
