-- sincro.sync_changes_apply: the run records the rows received and changed, and the cursors it moved between.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.commit_point();
select sincro.sync_run_begin('C00001', 'changes') as run \gset
select sincro.sync_changes_apply('C00001', :run, '', '5', '[
  {"seq": "1", "entity": "order", "op": "upsert", "key": {"tor_chia": "K1"}, "data": {"id_pub": 1, "conferma": "CF1"}},
  {"seq": "2", "entity": "order", "op": "upsert", "key": {"tor_chia": "K2"},
   "data": {"autore_tipo": "O", "autore_cod": "OP7", "cliente_cod": "100", "lines": [{"articolo": "A", "quantita": 1}]}},
  {"seq": "3", "entity": "customer", "op": "upsert", "key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}},
  {"seq": "4", "entity": "accessory", "op": "upsert", "key": {"tabella": "pagamenti", "codice": "RB30"}, "data": {"descrizione": "Ri.Ba. 30 gg", "dati": {"giorni": 30}}},
  {"seq": "5", "entity": "order", "op": "delete", "key": {"tor_chia": "K9"}, "data": null}
]');

-- TEST: the run counts what it did
select results_eq($$ select rows_received, rows_changed, erp_cursor_from, erp_cursor_to from sincro.sync_runs where run_id = $$ || :run,
                  $$ values (5::bigint, 4::bigint, '', '5') $$, 'run counts and cursors');

select * from finish();
rollback;
