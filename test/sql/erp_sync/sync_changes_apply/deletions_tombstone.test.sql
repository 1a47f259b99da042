-- sincro.sync_changes_apply: an ERP deletion tombstones the row; within a batch the last state of a key wins.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro.sync_run_begin('C00001', 'changes') as run \gset
select sincro.sync_changes_apply('C00001', :run, '', '6', '[
  {"seq": "6", "entity": "customer", "op": "upsert", "key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}}]');

-- TEST: a new key upserted then deleted in one batch: nothing to write
select is((sincro.sync_changes_apply('C00001', :run, '6', '8', '[
  {"seq": "7", "entity": "customer", "op": "upsert", "key": {"cod_cli": "200"}, "data": {"ragione_sociale": "Bianchi"}},
  {"seq": "8", "entity": "customer", "op": "delete", "key": {"cod_cli": "200"}, "data": null}]')::jsonb ->> 'changed'),
  '0', 'upsert then delete of a new key in one batch: the last state (deleted) wins, nothing to write');
-- TEST: a live row deleted by the ERP is tombstoned
select is((sincro.sync_changes_apply('C00001', :run, '8', '9', '[
  {"seq": "9", "entity": "customer", "op": "delete", "key": {"cod_cli": "100"}, "data": null}]')::jsonb ->> 'tombstoned'),
  '1', 'customer 100 tombstoned');

select * from finish();
rollback;
