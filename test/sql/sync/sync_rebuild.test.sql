-- sync_rebuild_apply and sync_rebuild_sweep: upsert what the snapshots hold, tombstone the rest at once.
begin;
select plan(12);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "B"}, "data": {"descrizione": "b"}},
    {"key": {"cod_art": "C"}, "data": {"descrizione": "c"}}]');
select sincro_private.upsert_erp_rows('customer', 'C00001', '[{"key": {"cod_cli": "1"}, "data": {"ragione_sociale": "uno"}}]');
select sincro_private.upsert_documents('C00001', '[{"key": {"tipo_doc": "fattura", "numero": "F1"}, "data": {"lines": [{"articolo": "A", "quantita": 1}]}}]');
-- numbers so far: A 1, B 2, C 3, customer 4, invoice 5

select sincro.sync_run_begin('C00001', 'rebuild') as run \gset
-- TEST: a batch upserts; unchanged rows spend nothing
select is(sincro.sync_rebuild_apply('C00001', :run, 'article',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "C"}, "data": {"descrizione": "c nuovo"}},
    {"key": {"cod_art": "D"}, "data": {"descrizione": "d"}}]'), '{"received": 3, "changed": 2}'::jsonb, 'C changed, D new, A same');
-- TEST: mid-rebuild, nothing is deleted yet: a reader still sees the whole catalogue
select results_eq($$ select count(*)::int from sincro.articoli where not deleted $$, $$ values (4) $$, 'A B C D all live during the rebuild');
select is(sincro.sync_rebuild_apply('C00001', :run, 'customer', '[{"key": {"cod_cli": "1"}, "data": {"ragione_sociale": "uno"}}]'),
          '{"received": 1, "changed": 0}'::jsonb, 'the customer unchanged');
select is(sincro.sync_rebuild_apply('C00001', :run, 'order',
  '[{"key": {"tor_chia": "K1"}, "data": {"autore_tipo": "O", "autore_cod": "OP1", "lines": [{"articolo": "A", "quantita": 1}]}}]'),
  '{"received": 1, "changed": 1}'::jsonb, 'an ERP order arrives through erp_write_order');
select sincro_tests.commit_point();
-- TEST: the sweep tombstones what no snapshot held (B, the invoice), with new numbers, and sets the cursor
select is(sincro.sync_rebuild_sweep('C00001', :run, '42'), '{"tombstoned": 2}'::jsonb, 'B and the invoice tombstoned');
select results_eq($$ select cod_art, deleted from sincro.articoli order by cod_art $$,
                  $$ values ('A', false), ('B', true), ('C', false), ('D', false) $$, 'only B deleted');
select results_eq($$ select deleted, (select count(*)::int from sincro.documenti_righe) from sincro.documenti $$, $$ values (true, 0) $$,
                  'the invoice deleted with its lines');
select ok((select min(id_sincro) from sincro.articoli where cod_art = 'B') > 8, 'B''s tombstone has a number above every earlier change');
select is(sincro.erp_cursor('C00001'), '42', 'ERP cursor set to the snapshot position');
select results_eq($$ select count(*)::int from sincro_private.rebuild_seen $$, $$ values (0) $$, 'scratch keys removed');
-- TEST: the run's counts; orders are never tombstoned
select results_eq($$ select rows_received, rows_tombstoned from sincro.sync_runs where run_id = $$ || :run, $$ values (5::bigint, 2::bigint) $$,
                  '5 rows received, 2 tombstoned');
select results_eq($$ select count(*)::int from sincro.arportes $$, $$ values (1) $$, 'the order is still there');

select * from finish();
rollback;
