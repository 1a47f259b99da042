-- sincro_private.upsert_erp_rows: a field the ERP leaves out, of a column that needs a value, takes the
-- column's default (0.1 failed with a raw not-null error, 23502, on an accessory row without "dati").
begin;
select plan(3);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: an accessory row without "dati" is stored with dati = {}
select is(sincro_private.upsert_erp_rows('accessory', 'C00001',
  '[{"key": {"tabella": "PAG", "codice": "RB30"}, "data": {"descrizione": "Ri.Ba. 30 gg"}}]'), 1, 'stored: 1 changed');
select results_eq($$ select descrizione, dati from sincro.tabelle_accessorie where codice = 'RB30' $$,
                  $$ values ('Ri.Ba. 30 gg'::text, '{}'::jsonb) $$, 'dati takes its default {}');

-- TEST: the same state again changes nothing (the default is compared, not the missing field)
select is(sincro_private.upsert_erp_rows('accessory', 'C00001',
  '[{"key": {"tabella": "PAG", "codice": "RB30"}, "data": {"descrizione": "Ri.Ba. 30 gg"}}]'), 0, 'the same state again: 0 changed');

select * from finish();
rollback;
