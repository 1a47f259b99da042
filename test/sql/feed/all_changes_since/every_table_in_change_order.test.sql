-- sincro.all_changes_since: one cursor, one feed over orders and every ERP table, in change-number order.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.commit_point();
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');  -- 1
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "K1"}') as w \gset
select sincro_tests.commit_point();                                                                                         -- order 2
select sincro_private.upsert_erp_rows('customer', 'C00001', '[{"key": {"cod_cli": "9"}, "data": {"ragione_sociale": "nove"}}]');  -- 3
select sincro_private.upsert_documents('C00001', '[{"key": {"tipo_doc": "preventivo", "numero": "P1"}, "data": {"lines": [{"articolo": "A", "quantita": 4}]}}]'); -- 4
select sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "A"}]');                                      -- 5

-- TEST: from 0, each row at its latest change number, in that order, tombstones included
select results_eq($$ select entity, id_sincro, deleted, key from sincro.all_changes_since('C00001', 0) $$,
  $$ values ('order', 2::bigint, false, '{"id_pub": 1}'::jsonb), ('customer', 3, false, '{"cod_cli": "9"}'),
            ('document', 4, false, '{"numero": "P1", "tipo_doc": "preventivo"}'), ('article', 5, true, '{"cod_art": "A"}') $$,
  'order 2, customer 3, quote 4, article 5 (deleted)');
-- TEST: from a cursor, at most max_rows
select results_eq($$ select id_sincro from sincro.all_changes_since('C00001', 2, 2) $$, $$ values (3::bigint), (4::bigint) $$, 'from 2, at most 2');

select * from finish();
rollback;
