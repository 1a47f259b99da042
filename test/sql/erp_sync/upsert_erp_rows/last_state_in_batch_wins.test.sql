-- sincro_private.upsert_erp_rows: a real change gets the next number; within a batch the last state of a key wins.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "B"}, "data": {"descrizione": "Bullone", "prezzo": "0.30"}},
    {"key": {"cod_art": "A"}, "data": {"descrizione": "Anello", "prezzo": 1.5, "giacenza": 10}}]');  -- 1, 2

-- TEST: one key changed twice in a batch is one change
select is(sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "Anello", "prezzo": 2}},
    {"key": {"cod_art": "A"}, "data": {"descrizione": "Anello grande", "prezzo": 3}}]'), 1, 'one key changed twice in a batch: 1 changed');
-- TEST: the row holds the last state, with the next number; fields the state leaves out become null
select results_eq($$ select descrizione, prezzo, giacenza, id_sincro from sincro.articoli where cod_art = 'A' $$,
                  $$ values ('Anello grande', 3.0000::numeric(14,4), null::numeric(14,3), 3::bigint) $$, 'last state wins, number 3 (absent fields become null)');

select * from finish();
rollback;
