-- sincro.sync_changes_apply: a batch applies every entity and moves the ERP cursor with it; orders go through erp_write_order.
begin;
select plan(4);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.commit_point();
select sincro.sync_run_begin('C00001', 'changes') as run \gset

-- TEST: the batch's counts: an order deletion from the ERP is ignored
select is(sincro.sync_changes_apply('C00001', :run, '', '5', '[
  {"seq": "1", "entity": "order", "op": "upsert", "key": {"tor_chia": "K1"}, "data": {"id_pub": 1, "conferma": "CF1"}},
  {"seq": "2", "entity": "order", "op": "upsert", "key": {"tor_chia": "K2"},
   "data": {"autore_tipo": "O", "autore_cod": "OP7", "cliente_cod": "100", "lines": [{"articolo": "A", "quantita": 1}]}},
  {"seq": "3", "entity": "customer", "op": "upsert", "key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}},
  {"seq": "4", "entity": "accessory", "op": "upsert", "key": {"tabella": "pagamenti", "codice": "RB30"}, "data": {"descrizione": "Ri.Ba. 30 gg", "dati": {"giorni": 30}}},
  {"seq": "5", "entity": "order", "op": "delete", "key": {"tor_chia": "K9"}, "data": null}
]')::jsonb, '{"received": 5, "changed": 4, "tombstoned": 0, "ignored": 1}'::jsonb, '5 received, 4 changed, the order deletion ignored');
-- TEST: the cursor moved with the batch
select is(sincro.erp_cursor('C00001'), '5', 'cursor moved to 5');
select sincro_tests.commit_point();
-- TEST: the store order acquired and confirmed, the operator's order entered as an ERP order
select results_eq($$ select id_pub, tor_chia, conferma, ack_gest, prov_tipo from sincro.arportes order by id_pub $$,
                  $$ values (1::bigint, 'K1', 'CF1', 1::smallint, 'S'), (2::bigint, 'K2', null, 1::smallint, 'G') $$,
                  'the store order acquired and confirmed; the operator''s order entered as G');
-- TEST: an accessory row keeps its JSON data
select results_eq($$ select tabella, codice, dati from sincro.tabelle_accessorie $$, $$ values ('pagamenti', 'RB30', '{"giorni": 30}'::jsonb) $$,
                  'accessory row with its JSON data');

select * from finish();
rollback;
