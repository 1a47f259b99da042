-- sincro_private.upsert_erp_rows: bad input is refused with its code, and nothing is written.
begin;
select plan(4);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: a row without its key field
select throws_ok($$ select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"codice": "X"}, "data": {}}]') $$,
                 'SY102', null, 'missing key field: SY102');
-- TEST: a value that does not fit its column
select throws_ok($$ select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "X"}, "data": {"prezzo": "tanto"}}]') $$,
                 'SY201', null, 'a value that does not fit its column: SY201');
-- TEST: an unknown entity
select throws_ok($$ select sincro_private.upsert_erp_rows('planet', 'C00001', '[]') $$, 'SY201', null, 'unknown entity: SY201');
-- TEST: nothing was written by the refusals
select results_eq($$ select count(*)::int from sincro.articoli where cod_art = 'X' $$, $$ values (0) $$, 'nothing half-written');

select * from finish();
rollback;
