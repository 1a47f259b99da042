-- sincro.company_status: what is pending for the ERP, the last change number and the contract, per company.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.commit_point();
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');  -- 1
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "K1"}') as w \gset
select sincro_tests.commit_point();                                                                                         -- order 2
select sincro_private.upsert_erp_rows('customer', 'C00001', '[{"key": {"cod_cli": "9"}, "data": {"ragione_sociale": "nove"}}]');  -- 3
select sincro_private.upsert_documents('C00001', '[{"key": {"tipo_doc": "preventivo", "numero": "P1"}, "data": {"lines": [{"articolo": "A", "quantita": 4}]}}]'); -- 4
select sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "A"}]');                                      -- 5

-- TEST: company_status sums it up
select results_eq($$ select pending_gest, last_change, sync_quota from sincro.company_status where azi = 'C00001' $$,
                  $$ values (0::bigint, 5::bigint, 0) $$, 'status: nothing pending for the ERP, last change 5, no contract');

select * from finish();
rollback;
