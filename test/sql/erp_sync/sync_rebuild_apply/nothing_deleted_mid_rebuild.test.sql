-- sincro.sync_rebuild_apply: mid-rebuild nothing is deleted yet, so a reader still sees the whole catalogue.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "B"}, "data": {"descrizione": "b"}},
    {"key": {"cod_art": "C"}, "data": {"descrizione": "c"}}]');
select sincro.sync_run_begin('C00001', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('C00001', :run, 'article',
  '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}, {"key": {"cod_art": "C"}, "data": {"descrizione": "c nuovo"}},
    {"key": {"cod_art": "D"}, "data": {"descrizione": "d"}}]');

-- TEST: B, not in the snapshot so far, is still live
select results_eq($$ select count(*)::int from sincro.articoli where not deleted $$, $$ values (4) $$, 'A B C D all live during the rebuild');

select * from finish();
rollback;
