-- sincro.all_changes_since: a cursor older than a purged tombstone must rebuild its copy (SY130).
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');  -- 1
select sincro_private.upsert_erp_rows('customer', 'C00001', '[{"key": {"cod_cli": "9"}, "data": {"ragione_sociale": "nove"}}]');  -- 2
select sincro_private.upsert_erp_rows('customer', 'C00001', '[{"key": {"cod_cli": "8"}, "data": {"ragione_sociale": "otto"}}]');  -- 3
select sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "A"}]');                                      -- 4
update sincro.articoli set updated_at = now() - interval '91 days' where cod_art = 'A';
select sincro.purge_tombstones('C00001');

-- TEST: a cursor below the purged tombstone is refused: the deletion it has not seen is gone
select throws_ok($$ select * from sincro.all_changes_since('C00001', 3) $$, 'SY130', null, 'a cursor older than the purge: SY130, rebuild your copy');
-- TEST: from 0 (a rebuild of the copy) is fine
select lives_ok($$ select * from sincro.all_changes_since('C00001', 0) $$, 'from 0 (a rebuild of the copy) is fine');

select * from finish();
rollback;
