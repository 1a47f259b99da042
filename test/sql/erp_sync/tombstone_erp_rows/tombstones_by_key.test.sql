-- sincro_private.tombstone_erp_rows: a deletion by key gets a new number; absent or already deleted keys spend nothing.
begin;
select plan(3);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {}}, {"key": {"cod_art": "B"}, "data": {}}, {"key": {"cod_art": "C"}, "data": {}}]');  -- 1, 2, 3

-- TEST: one live key, one unknown key: one tombstone
select is(sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "B"}, {"cod_art": "nope"}]'), 1, 'one tombstone');
-- TEST: the row is marked deleted with the next number
select results_eq($$ select deleted, id_sincro from sincro.articoli where cod_art = 'B' $$, $$ values (true, 4::bigint) $$, 'B deleted with number 4');
-- TEST: deleting it again changes nothing
select is(sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "B"}]'), 0, 'deleting it again: nothing');

select * from finish();
rollback;
