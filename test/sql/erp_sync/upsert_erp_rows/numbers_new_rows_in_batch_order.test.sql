-- sincro_private.upsert_erp_rows: new rows get consecutive change numbers in batch order; unknown fields are ignored.
begin;
select plan(3);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: both new rows count as changed, the unknown field "colore" is ignored
select is(sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "B"}, "data": {"descrizione": "Bullone", "prezzo": "0.30", "colore": "rosso"}},
    {"key": {"cod_art": "A"}, "data": {"descrizione": "Anello", "prezzo": 1.5, "giacenza": 10}}]'), 2, 'two new articles: 2 changed');
-- TEST: numbered in batch order
select results_eq($$ select cod_art, id_sincro, deleted from sincro.articoli order by cod_art $$,
                  $$ values ('A', 2::bigint, false), ('B', 1::bigint, false) $$, 'numbered 1, 2 in batch order');
-- TEST: the company's counter moved by as much
select results_eq($$ select last_id_sincro from sincro.apstatosyn where azi = 'C00001' $$, $$ values (2::bigint) $$, 'the counter moved by 2');

select * from finish();
rollback;
