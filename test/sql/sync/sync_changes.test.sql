-- sync_changes_apply and erp_cursor: a batch and the ERP cursor move together; orders through erp_write_order.
begin;
select plan(15);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.commit_point();

-- TEST: before any sync the cursor is empty
select is(sincro.erp_cursor('C00001'), '', 'cursor starts empty');
select sincro.sync_run_begin('C00001', 'changes') as run \gset
-- TEST: a batch applies every entity and moves the cursor
select is(sincro.sync_changes_apply('C00001', :run, '', '5', '[
  {"seq": "1", "entity": "order", "op": "upsert", "key": {"tor_chia": "K1"}, "data": {"id_pub": 1, "conferma": "CF1"}},
  {"seq": "2", "entity": "order", "op": "upsert", "key": {"tor_chia": "K2"},
   "data": {"autore_tipo": "O", "autore_cod": "OP7", "cliente_cod": "100", "lines": [{"articolo": "A", "quantita": 1}]}},
  {"seq": "3", "entity": "customer", "op": "upsert", "key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}},
  {"seq": "4", "entity": "accessory", "op": "upsert", "key": {"tabella": "pagamenti", "codice": "RB30"}, "data": {"descrizione": "Ri.Ba. 30 gg", "dati": {"giorni": 30}}},
  {"seq": "5", "entity": "order", "op": "delete", "key": {"tor_chia": "K9"}, "data": null}
]')::jsonb, '{"received": 5, "changed": 4, "tombstoned": 0, "ignored": 1}'::jsonb, '5 received, 4 changed, the order deletion ignored');
select is(sincro.erp_cursor('C00001'), '5', 'cursor moved to 5');
select sincro_tests.commit_point();
select results_eq($$ select id_pub, tor_chia, conferma, ack_gest, prov_tipo from sincro.arportes order by id_pub $$,
                  $$ values (1::bigint, 'K1', 'CF1', 1::smallint, 'S'), (2::bigint, 'K2', null, 1::smallint, 'G') $$,
                  'the store order acquired and confirmed; the operator''s order entered as G');
select results_eq($$ select tabella, codice, dati from sincro.tabelle_accessorie $$, $$ values ('pagamenti', 'RB30', '{"giorni": 30}'::jsonb) $$,
                  'accessory row with its JSON data');
-- TEST: the run counts what it did
select results_eq($$ select rows_received, rows_changed, erp_cursor_from, erp_cursor_to from sincro.sync_runs where run_id = $$ || :run,
                  $$ values (5::bigint, 4::bigint, '', '5') $$, 'run counts and cursors');
-- TEST: the same changes again (a replay) bump nothing
select sincro.sync_changes_apply('C00001', :run, '5', '6', '[
  {"seq": "6", "entity": "customer", "op": "upsert", "key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}},
  {"seq": "6", "entity": "order", "op": "upsert", "key": {"tor_chia": "K1"}, "data": {"id_pub": 1, "conferma": "CF1"}}]') as r \gset
select sincro_tests.commit_point();
select is(:'r'::jsonb ->> 'changed', '0', 'same states again: 0 changed');
-- TEST: a batch pulled from a stale cursor is refused and changes nothing
select throws_ok($$ select sincro.sync_changes_apply('C00001', $$ || :run || $$, '5', '7',
  '[{"seq": "7", "entity": "customer", "op": "upsert", "key": {"cod_cli": "200"}, "data": {}}]') $$,
  'SY122', null, 'from a cursor the hub has left: SY122');
select results_eq($$ select count(*)::int from sincro.clienti where cod_cli = '200' $$, $$ values (0) $$, 'customer 200 not written');
select is(sincro.erp_cursor('C00001'), '6', 'cursor unchanged');
-- TEST: deletions tombstone
select is((sincro.sync_changes_apply('C00001', :run, '6', '8', '[
  {"seq": "7", "entity": "customer", "op": "upsert", "key": {"cod_cli": "200"}, "data": {"ragione_sociale": "Bianchi"}},
  {"seq": "8", "entity": "customer", "op": "delete", "key": {"cod_cli": "200"}, "data": null}]')::jsonb ->> 'changed'),
  '0', 'upsert then delete of a new key in one batch: the last state (deleted) wins, nothing to write');
select is((sincro.sync_changes_apply('C00001', :run, '8', '9', '[
  {"seq": "9", "entity": "customer", "op": "delete", "key": {"cod_cli": "100"}, "data": null}]')::jsonb ->> 'tombstoned'),
  '1', 'customer 100 tombstoned');
-- TEST: malformed changes are refused
select throws_ok($$ select sincro.sync_changes_apply('C00001', $$ || :run || $$, '9', '10', '[{"entity": "planet", "op": "upsert", "key": {}, "data": {}}]') $$,
                 'SY201', null, 'unknown entity: SY201');
select throws_ok($$ select sincro.sync_changes_apply('C00001', $$ || :run || $$, '9', '10', '[{"entity": "article", "op": "upsert", "key": {"cod_art": "A"}}]') $$,
                 'SY201', null, 'upsert without data: SY201');
-- TEST: a run that is over cannot apply
select sincro.sync_run_complete('C00001', :run);
select throws_ok($$ select sincro.sync_changes_apply('C00001', $$ || :run || $$, '9', '10', '[]') $$, 'SY123', null, 'a finished run: SY123');

select * from finish();
rollback;
