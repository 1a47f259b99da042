-- sincro.purge_tombstones: a tombstone is kept for the retention (90 days), then removed.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');
select sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "A"}]');

-- TEST: a fresh tombstone is kept
select is(sincro.purge_tombstones('C00001'), 0::bigint, 'a fresh tombstone is kept');
-- TEST: past the retention it is purged
update sincro.articoli set updated_at = now() - interval '91 days' where cod_art = 'A';
select is(sincro.purge_tombstones('C00001'), 1::bigint, 'past 90 days it is purged');

select * from finish();
rollback;
