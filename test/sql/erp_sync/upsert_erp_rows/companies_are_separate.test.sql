-- sincro_private.upsert_erp_rows: each company's rows are numbered from its own counter.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.setup_company('C00002') as b \gset
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "A"}, "data": {}}, {"key": {"cod_art": "B"}, "data": {}}]');  -- C00001: 1, 2

-- TEST: a customer of C00002
select is(sincro_private.upsert_erp_rows('customer', 'C00002', '[{"key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}}]'),
          1, 'a customer of C00002');
-- TEST: numbered from C00002's counter, not C00001's
select results_eq($$ select azi, id_sincro from sincro.clienti $$, $$ values ('C00002', 1::bigint) $$, 'numbered from C00002''s counter');

select * from finish();
rollback;
