-- The ERP-owned tables keep no foreign key to the company (checking it was a quarter of a rebuild): the hub's
-- functions refuse rows of an unknown company, writing nothing, and a company holding ERP rows cannot be deleted.
begin;
select plan(7);

select sincro_tests.setup_company('C00001');
select sincro_private.upsert_erp_rows('article', 'C00001', $$[{"key": {"cod_art": "ART1"}, "data": {}}]$$);
select sincro_tests.commit_point();

-- TEST: rows of an unknown company: SY100, nothing written
select throws_ok($$ select sincro_private.upsert_erp_rows('article', 'NOPE', '[{"key": {"cod_art": "ART9"}, "data": {}}]') $$,
                 'SY100', null, 'articles of an unknown company: SY100');
select throws_ok($$ select sincro_private.upsert_documents('NOPE', '[{"key": {"tipo_doc": "fattura", "numero": "F1"}, "data": {"lines": [{"articolo": "A"}]}}]') $$,
                 'SY100', null, 'a document of an unknown company: SY100');
select is((select count(*)::int from sincro.articoli where azi = 'NOPE') + (select count(*)::int from sincro.documenti where azi = 'NOPE')
          + (select count(*)::int from sincro.documenti_righe where azi = 'NOPE'), 0, 'nothing written for NOPE');

-- TEST: a company that holds ERP rows cannot be deleted, even by the owner
select throws_ok($$ delete from sincro_private.company where azi = 'C00001' $$, 'SY108', null, 'deleting a company holding articles: SY108');
select is((select count(*)::int from sincro_private.company where azi = 'C00001'), 1, 'the company is still there');
-- and the foreign keys are gone from the ERP-owned tables, as the migration says (the trigger above replaces them)
select is_empty($$ select c.conrelid::regclass::text from pg_constraint c join sincro_private.erp_entity e on e.table_name = c.conrelid
                   where c.contype = 'f' and c.confrelid = 'sincro_private.company'::regclass $$,
                'no ERP-owned table has a foreign key to sincro_private.company');

-- TEST: a company without ERP rows is not held by this trigger
select sincro_tests.setup_company('C00002');
select lives_ok($$ delete from sincro_private.company where azi = 'C00002' $$, 'a company without ERP rows: deleted');

select * from finish();
rollback;
