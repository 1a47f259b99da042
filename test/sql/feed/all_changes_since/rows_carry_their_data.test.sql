-- sincro.all_changes_since: each row carries its data; an order its columns, a document its lines.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.commit_point();
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "K1"}') as w \gset
select sincro_tests.commit_point();                                                                                         -- order 1
select sincro_private.upsert_documents('C00001', '[{"key": {"tipo_doc": "preventivo", "numero": "P1"}, "data": {"lines": [{"articolo": "A", "quantita": 4}]}}]'); -- 2

-- TEST: a document carries its lines
select is((select data -> 'lines' -> 0 ->> 'quantita' from sincro.all_changes_since('C00001', 1) where entity = 'document'), '4.000', 'a document carries its lines');
-- TEST: an order carries its columns
select is((select data ->> 'tor_chia' from sincro.all_changes_since('C00001', 0) where entity = 'order'), 'K1', 'an order carries its columns');

select * from finish();
rollback;
