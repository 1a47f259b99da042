-- sincro.sync_changes_apply: the same states again (a replayed batch) bump nothing.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.commit_point();
select sincro.sync_run_begin('C00001', 'changes') as run \gset
select sincro.sync_changes_apply('C00001', :run, '', '2', '[
  {"seq": "1", "entity": "order", "op": "upsert", "key": {"tor_chia": "K1"}, "data": {"id_pub": 1, "conferma": "CF1"}},
  {"seq": "2", "entity": "customer", "op": "upsert", "key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}}
]');
select sincro_tests.commit_point();

-- TEST: the same states again: 0 changed
select sincro.sync_changes_apply('C00001', :run, '2', '3', '[
  {"seq": "3", "entity": "customer", "op": "upsert", "key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}},
  {"seq": "3", "entity": "order", "op": "upsert", "key": {"tor_chia": "K1"}, "data": {"id_pub": 1, "conferma": "CF1"}}]') as r \gset
select sincro_tests.commit_point();
select is(:'r'::jsonb ->> 'changed', '0', 'same states again: 0 changed');

select * from finish();
rollback;
