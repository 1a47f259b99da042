-- sincro_private.upsert_erp_rows: data cannot set azi, id_sincro or deleted; the hub sets them.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.setup_company('C00002') as b \gset
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "A"}, "data": {}}, {"key": {"cod_art": "B"}, "data": {}}]');  -- 1, 2

-- TEST: azi, id_sincro and deleted in data are ignored
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "Z"}, "data": {"azi": "C00002", "id_sincro": 99, "deleted": true}}]');
select results_eq($$ select azi, id_sincro, deleted from sincro.articoli where cod_art = 'Z' $$,
                  $$ values ('C00001', 3::bigint, false) $$, 'azi, id_sincro, deleted come from the hub');

select * from finish();
rollback;
