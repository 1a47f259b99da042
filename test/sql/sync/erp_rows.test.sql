-- upsert_erp_rows, tombstone_erp_rows, upsert_documents: only real changes get a change number.
begin;
select plan(22);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.setup_company('C00002') as b \gset

-- TEST: new rows get consecutive numbers in batch order; unknown fields are ignored
select is(sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "B"}, "data": {"descrizione": "Bullone", "prezzo": "0.30", "colore": "rosso"}},
    {"key": {"cod_art": "A"}, "data": {"descrizione": "Anello", "prezzo": 1.5, "giacenza": 10}}]'), 2, 'two new articles: 2 changed');
select results_eq($$ select cod_art, id_sincro, deleted from sincro.articoli order by cod_art $$,
                  $$ values ('A', 2::bigint, false), ('B', 1::bigint, false) $$, 'numbered 1, 2 in batch order');
select results_eq($$ select last_id_sincro from sincro.apstatosyn where azi = 'C00001' $$, $$ values (2::bigint) $$, 'the counter moved by 2');
-- TEST: the same state again changes nothing (numbers compared as numbers)
select is(sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "Anello", "prezzo": "1.5000", "giacenza": "10.000"}}]'), 0, 'same state: 0 changed');
select results_eq($$ select last_id_sincro from sincro.apstatosyn where azi = 'C00001' $$, $$ values (2::bigint) $$, 'no number spent');
-- TEST: a real change gets the next number; within a batch the last state of a key wins
select is(sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "Anello", "prezzo": 2}},
    {"key": {"cod_art": "A"}, "data": {"descrizione": "Anello grande", "prezzo": 3}}]'), 1, 'one key changed twice in a batch: 1 changed');
select results_eq($$ select descrizione, prezzo, giacenza, id_sincro from sincro.articoli where cod_art = 'A' $$,
                  $$ values ('Anello grande', 3.0000::numeric(14,4), null::numeric(14,3), 3::bigint) $$, 'last state wins, number 3 (absent fields become null)');
-- TEST: data cannot set azi, id_sincro or deleted
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "Z"}, "data": {"azi": "C00002", "id_sincro": 99, "deleted": true}}]');
select results_eq($$ select azi, id_sincro, deleted from sincro.articoli where cod_art = 'Z' $$,
                  $$ values ('C00001', 4::bigint, false) $$, 'azi, id_sincro, deleted come from the hub');
-- TEST: companies are separate
select is(sincro_private.upsert_erp_rows('customer', 'C00002', '[{"key": {"cod_cli": "100"}, "data": {"ragione_sociale": "Rossi"}}]'),
          1, 'a customer of C00002');
select results_eq($$ select azi, id_sincro from sincro.clienti $$, $$ values ('C00002', 1::bigint) $$, 'numbered from C00002''s counter');
-- TEST: bad input is refused with its code, nothing written
select throws_ok($$ select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"codice": "X"}, "data": {}}]') $$,
                 'SY102', null, 'missing key field: SY102');
select throws_ok($$ select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "X"}, "data": {"prezzo": "tanto"}}]') $$,
                 'SY201', null, 'a value that does not fit its column: SY201');
select throws_ok($$ select sincro_private.upsert_erp_rows('planet', 'C00001', '[]') $$, 'SY201', null, 'unknown entity: SY201');
select results_eq($$ select count(*)::int from sincro.articoli where cod_art = 'X' $$, $$ values (0) $$, 'nothing half-written');
-- TEST: tombstones by key: a new number; absent or already deleted keys spend nothing
select is(sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "B"}, {"cod_art": "nope"}]'), 1, 'one tombstone');
select results_eq($$ select deleted, id_sincro from sincro.articoli where cod_art = 'B' $$, $$ values (true, 5::bigint) $$, 'B deleted with number 5');
select is(sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "B"}]'), 0, 'deleting it again: nothing');
-- TEST: a tombstoned row that comes back is a change, even with the same data
select is(sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "B"}, "data": {"descrizione": "Bullone", "prezzo": "0.30"}}]'),
          1, 'B comes back: 1 changed');
-- TEST: documents: lines are part of the document's state
select is(sincro_private.upsert_documents('C00001',
  '[{"key": {"tipo_doc": "ddt", "numero": "7"}, "data": {"cliente_cod": "100", "tor_chia": "K1", "lines": [{"articolo": "A", "quantita": 2}, {"articolo": "B", "quantita": 1}]}}]'),
  1, 'a new delivery note');
select is(sincro_private.upsert_documents('C00001',
  '[{"key": {"tipo_doc": "ddt", "numero": "7"}, "data": {"cliente_cod": "100", "tor_chia": "K1", "lines": [{"riga": 1, "articolo": "A", "quantita": "2.000"}, {"articolo": "B", "quantita": 1}]}}]'),
  0, 'same header and lines: nothing');
select is(sincro_private.upsert_documents('C00001',
  '[{"key": {"tipo_doc": "ddt", "numero": "7"}, "data": {"cliente_cod": "100", "tor_chia": "K1", "lines": [{"articolo": "A", "quantita": 3}]}}]'),
  1, 'only the lines changed: the document changes');
select results_eq($$ select riga, quantita from sincro.documenti_righe where numero = '7' $$, $$ values (1, 3.000::numeric(14,3)) $$,
                  'lines replaced');

select * from finish();
rollback;
