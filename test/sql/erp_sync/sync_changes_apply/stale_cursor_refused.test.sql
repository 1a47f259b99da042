-- sincro.sync_changes_apply: a batch pulled from a cursor the hub has left is refused and changes nothing.
begin;
select plan(3);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro.sync_run_begin('C00001', 'changes') as run \gset
select sincro.sync_changes_apply('C00001', :run, '', '6', '[
  {"seq": "6", "entity": "customer", "op": "upsert", "key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}}]');

-- TEST: a batch from cursor 5 when the hub is at 6
select throws_ok($$ select sincro.sync_changes_apply('C00001', $$ || :run || $$, '5', '7',
  '[{"seq": "7", "entity": "customer", "op": "upsert", "key": {"cod_cli": "200"}, "data": {}}]') $$,
  'SY122', null, 'from a cursor the hub has left: SY122');
-- TEST: its rows are not written
select results_eq($$ select count(*)::int from sincro.clienti where cod_cli = '200' $$, $$ values (0) $$, 'customer 200 not written');
-- TEST: the cursor stays
select is(sincro.erp_cursor('C00001'), '6', 'cursor unchanged');

select * from finish();
rollback;
