-- H2: the sync functions never write into a temporary table the caller could have created first. An
-- admin login (the one that runs syncs) that plants pg_temp.sync_latest_change or pg_temp.sync_document_lines with a trigger on
-- it would otherwise run that trigger as the functions' owner. The planted trigger raises XH002 when it
-- runs as anyone but the caller; the batches must apply and the planted tables stay empty.
begin;
select plan(10);

select sincro_tests.hostile_setup();
select current_database() as db \gset
-- TEMP granted so that the probes test the functions, not the privilege (create_anywhere.test.sql)
grant temporary on database :"db" to hx_admin;
select sincro.sync_run_begin('C00001', 'changes') as run1 \gset
select sincro.sync_run_begin('C00002', 'changes') as run2 \gset

create function pg_temp.spy_trigger() returns trigger language plpgsql as $$
begin
  if current_user <> session_user then
    raise exception using errcode = 'XH002', message = pg_catalog.format('planted trigger ran as %s for %s', current_user, session_user);
  end if;
  return new;
end $$;
grant execute on function pg_temp.spy_trigger() to public;

-- TEST: the admin plants both scratch tables of a sync for changes, with triggers, then applies a batch
set local session authorization hx_admin;
create temp table sync_latest_change (entity text, op text, key jsonb, data jsonb);
create trigger spy before insert or update or delete on pg_temp.sync_latest_change for each row execute function pg_temp.spy_trigger();
create temp table sync_document_lines (like sincro.documenti_righe);
create trigger spy before insert or update or delete on pg_temp.sync_document_lines for each row execute function pg_temp.spy_trigger();
grant all on pg_temp.sync_latest_change, pg_temp.sync_document_lines to public;
select lives_ok(format($$ select sincro.sync_changes_apply('C00001', %s, '', 'h2', '[
  {"entity": "article", "op": "upsert", "key": {"cod_art": "A1"}, "data": {"descrizione": "Vite"}},
  {"entity": "document", "op": "upsert", "key": {"tipo_doc": "ddt", "numero": "7"}, "data": {"lines": [{"articolo": "A1", "quantita": 2}]}}]') $$, :run1),
  'admin: a sync for changes runs no planted trigger');
select is((select count(*)::int from pg_temp.sync_latest_change), 0, 'admin: the planted sync_latest_change was not written');
select is((select count(*)::int from pg_temp.sync_document_lines), 0, 'admin: the planted sync_document_lines was not written');
drop table pg_temp.sync_latest_change, pg_temp.sync_document_lines;
reset session authorization;
-- TEST: and the batch was applied
select is((select count(*)::int from sincro.articoli where azi = 'C00001'), 1, 'the batch of C00001: the article is there');
select is((select count(*)::int from sincro.documenti_righe where azi = 'C00001' and numero = '7'), 1, 'the batch of C00001: the document line is there');

-- TEST: again, for C00002, and in a total rebuild of documents
set local session authorization hx_admin;
create temp table sync_document_lines (like sincro.documenti_righe);
create trigger spy before insert or update or delete on pg_temp.sync_document_lines for each row execute function pg_temp.spy_trigger();
create temp table sync_latest_change (entity text, op text, key jsonb, data jsonb);
create trigger spy before insert or update or delete on pg_temp.sync_latest_change for each row execute function pg_temp.spy_trigger();
select lives_ok(format($$ select sincro.sync_changes_apply('C00002', %s, '', 'h2', '[
  {"entity": "document", "op": "upsert", "key": {"tipo_doc": "fattura", "numero": "9"}, "data": {"lines": [{"articolo": "B", "quantita": 1}]}}]') $$, :run2),
  'admin: a second sync for changes runs no planted trigger');
select is((select count(*)::int from pg_temp.sync_document_lines), 0, 'admin: the planted sync_document_lines was still not written');
reset session authorization;
select sincro.sync_run_fail('C00002', :run2, 'probe');
select sincro.sync_run_begin('C00002', 'rebuild') as run3 \gset
set local session authorization hx_admin;
select lives_ok(format($$ select sincro.sync_rebuild_apply('C00002', %s, 'document', '[
  {"key": {"tipo_doc": "ddt", "numero": "10"}, "data": {"lines": [{"articolo": "C", "quantita": 3}]}}]') $$, :run3),
  'admin: a rebuild batch of documents runs no planted trigger');
select is((select count(*)::int from pg_temp.sync_document_lines), 0, 'admin: still not written');
reset session authorization;
select is((select count(*)::int from sincro.documenti_righe where azi = 'C00002'), 2, 'admin batches: both documents'' lines are there');

select * from finish();
rollback;
