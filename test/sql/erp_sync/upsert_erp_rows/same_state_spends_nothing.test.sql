-- sincro_private.upsert_erp_rows: the same state again changes nothing and spends no number (numbers compared as numbers).
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "B"}, "data": {"descrizione": "Bullone", "prezzo": "0.30"}},
    {"key": {"cod_art": "A"}, "data": {"descrizione": "Anello", "prezzo": 1.5, "giacenza": 10}}]');  -- 1, 2

-- TEST: the same values, written differently, are no change
select is(sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "Anello", "prezzo": "1.5000", "giacenza": "10.000"}}]'), 0, 'same state: 0 changed');
-- TEST: no change number spent
select results_eq($$ select last_id_sincro from sincro.apstatosyn where azi = 'C00001' $$, $$ values (2::bigint) $$, 'no number spent');

select * from finish();
rollback;
