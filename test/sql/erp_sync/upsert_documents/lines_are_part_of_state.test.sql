-- sincro_private.upsert_documents: a document's lines are part of its state.
begin;
select plan(4);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: a new document is a change
select is(sincro_private.upsert_documents('C00001',
  '[{"key": {"tipo_doc": "ddt", "numero": "7"}, "data": {"cliente_cod": "100", "tor_chia": "K1", "lines": [{"articolo": "A", "quantita": 2}, {"articolo": "B", "quantita": 1}]}}]'),
  1, 'a new delivery note');
-- TEST: the same header and lines (line numbers and quantities written differently) are no change
select is(sincro_private.upsert_documents('C00001',
  '[{"key": {"tipo_doc": "ddt", "numero": "7"}, "data": {"cliente_cod": "100", "tor_chia": "K1", "lines": [{"riga": 1, "articolo": "A", "quantita": "2.000"}, {"articolo": "B", "quantita": 1}]}}]'),
  0, 'same header and lines: nothing');
-- TEST: other lines under the same header are a change
select is(sincro_private.upsert_documents('C00001',
  '[{"key": {"tipo_doc": "ddt", "numero": "7"}, "data": {"cliente_cod": "100", "tor_chia": "K1", "lines": [{"articolo": "A", "quantita": 3}]}}]'),
  1, 'only the lines changed: the document changes');
-- TEST: the new lines replace the old ones
select results_eq($$ select riga, quantita from sincro.documenti_righe where numero = '7' $$, $$ values (1, 3.000::numeric(14,3)) $$,
                  'lines replaced');

select * from finish();
rollback;
