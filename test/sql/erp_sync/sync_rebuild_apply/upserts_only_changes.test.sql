-- sincro.sync_rebuild_apply: a snapshot batch upserts; rows that are already so spend nothing.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "C"}, "data": {"descrizione": "c"}}]');
select sincro_private.upsert_erp_rows('customer', 'C00001', '[{"key": {"cod_cli": "1"}, "data": {"ragione_sociale": "uno"}}]');
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset

-- TEST: C changed, D new, A the same
select is(sincro.sync_rebuild_apply('C00001', :run, 'article',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "C"}, "data": {"descrizione": "c nuovo"}},
    {"key": {"cod_art": "D"}, "data": {"descrizione": "d"}}]'), '{"received": 3, "changed": 2}'::jsonb, 'C changed, D new, A same');
-- TEST: an unchanged customer
select is(sincro.sync_rebuild_apply('C00001', :run, 'customer', '[{"key": {"cod_cli": "1"}, "data": {"ragione_sociale": "uno"}}]'),
          '{"received": 1, "changed": 0}'::jsonb, 'the customer unchanged');

select * from finish();
rollback;
