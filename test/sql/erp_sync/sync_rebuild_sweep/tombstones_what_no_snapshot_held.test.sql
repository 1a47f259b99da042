-- sincro.sync_rebuild_sweep: at the end of a rebuild, every row no snapshot held is tombstoned, with a new number.
begin;
select plan(4);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "B"}, "data": {"descrizione": "b"}},
    {"key": {"cod_art": "C"}, "data": {"descrizione": "c"}}]');
select sincro_private.upsert_documents('C00001', '[{"key": {"tipo_doc": "fattura", "numero": "F1"}, "data": {"lines": [{"articolo": "A", "quantita": 1}]}}]');
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('C00001', :run, 'article',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "C"}, "data": {"descrizione": "c nuovo"}},
    {"key": {"cod_art": "D"}, "data": {"descrizione": "d"}}]');
select last_id_sincro as before_sweep from sincro.apstatosyn where azi = 'C00001' \gset

-- TEST: B and the invoice, held by no snapshot, are tombstoned
select is(sincro.sync_rebuild_sweep('C00001', :run, '42'), '{"tombstoned": 2}'::jsonb, 'B and the invoice tombstoned');
-- TEST: only B among the articles
select results_eq($$ select cod_art, deleted from sincro.articoli order by cod_art $$,
                  $$ values ('A', false), ('B', true), ('C', false), ('D', false) $$, 'only B deleted');
-- TEST: the invoice with its lines
select results_eq($$ select deleted, (select count(*)::int from sincro.documenti_righe) from sincro.documenti $$, $$ values (true, 0) $$,
                  'the invoice deleted with its lines');
-- TEST: a tombstone gets a number above every earlier change, so consumers see the deletion
select ok((select id_sincro from sincro.articoli where cod_art = 'B') > :before_sweep, 'B''s tombstone has a number above every earlier change');

select * from finish();
rollback;
