-- Row security on the ERP tables: a store login reads its company's articles, not another company's.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.setup_company('C00002') as b \gset
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');
select sincro_private.upsert_erp_rows('article', 'C00002', '[{"key": {"cod_art": "B"}, "data": {"descrizione": "b"}}]');
select sincro.create_login('t_store_cc', 'store', 'C00001');
set local session authorization t_store_cc;

-- TEST: the store reads its company's articles only
select results_eq($$ select azi, cod_art from sincro.articoli $$, $$ values ('C00001', 'A') $$, 'the store reads its company''s articles');

reset session authorization;
select * from finish();
rollback;
