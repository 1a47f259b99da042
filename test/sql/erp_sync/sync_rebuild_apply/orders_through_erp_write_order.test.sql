-- sincro.sync_rebuild_apply: an order in the ERP's snapshot enters the hub through erp_write_order.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset

-- TEST: an ERP operator's order arrives as a change
select is(sincro.sync_rebuild_apply('C00001', :run, 'order',
  '[{"key": {"tor_chia": "K1"}, "data": {"autore_tipo": "O", "autore_cod": "OP1", "lines": [{"articolo": "A", "quantita": 1}]}}]'),
  '{"received": 1, "changed": 1}'::jsonb, 'an ERP order arrives through erp_write_order');

select * from finish();
rollback;
