-- The company counters (one row per company, updated by every order and every ERP-side write) are stored
-- at fillfactor 10, so that their page is pruned before the row's versions pile up: at 100 a page held ~180
-- versions, and every lookup of the counter walked them (docs/performance.md, "Ingest").
begin;
select plan(2);

select is((select reloptions from pg_catalog.pg_class where oid = 'sincro_private.id_pub_counter'::regclass),
          '{fillfactor=10}'::text[], 'id_pub_counter: fillfactor 10');
select is((select reloptions from pg_catalog.pg_class where oid = 'sincro_private.id_sincro_counter'::regclass),
          '{fillfactor=10}'::text[], 'id_sincro_counter: fillfactor 10');

select * from finish();
rollback;
