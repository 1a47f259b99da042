-- sincro_private.upsert_erp_rows: a tombstoned row that comes back is a change, even with the same data.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "B"}, "data": {"descrizione": "Bullone", "prezzo": "0.30"}}]');
select sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "B"}]');

-- TEST: B comes back with the data it had
select is(sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "B"}, "data": {"descrizione": "Bullone", "prezzo": "0.30"}}]'),
          1, 'B comes back: 1 changed');

select * from finish();
rollback;
