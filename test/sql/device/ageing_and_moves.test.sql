-- Rows that leave a slice without a change of their own: documents and orders ageing out of the history window,
-- a window made longer, a document given to another customer, an agent given another supervisor.
begin;
select plan(14);

select sincro_tests.setup_company('C00001');
select sincro_private.upsert_erp_rows('agent', 'C00001', $$[
  {"key": {"cod_agente": "S1"}, "data": {}}, {"key": {"cod_agente": "S2"}, "data": {}},
  {"key": {"cod_agente": "A1"}, "data": {"cod_supervisore": "S1"}}, {"key": {"cod_agente": "A2"}, "data": {}}]$$);
select sincro_private.upsert_erp_rows('customer', 'C00001', $$[
  {"key": {"cod_cli": "K1"}, "data": {"cod_agente": "A1"}}, {"key": {"cod_cli": "K2"}, "data": {"cod_agente": "A2"}}]$$);
-- the window starts 1000 days ago for now (as if the daily advance had not run for a long time)
update sincro_private.company set device_history_from = current_date - 1000 where azi = 'C00001';
select sincro_private.upsert_documents('C00001', jsonb_build_array(
  jsonb_build_object('key', '{"tipo_doc": "fattura", "numero": "OLD"}'::jsonb, 'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date - 500)),
  jsonb_build_object('key', '{"tipo_doc": "fattura", "numero": "NEW"}'::jsonb, 'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date - 10)),
  jsonb_build_object('key', '{"tipo_doc": "ddt", "numero": "MOVE"}'::jsonb, 'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date - 10))));
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'OLDORD', 'autore_tipo', 'O', 'autore_cod', '75', 'cliente_cod', 'K1',
  'data_ordine', current_date - 500, 'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb)) as oldord \gset
select set_config('t.oldord', :'oldord', true);
select sincro.create_login('t_dev_a1', 'app', 'C00001', 'dev-a1', null, 'A1');
select sincro.create_login('t_dev_a2', 'app', 'C00001', 'dev-a2', null, 'A2');
select sincro.create_login('t_dev_s1', 'app', 'C00001', 'dev-s1', null, 'S1');
select sincro.create_login('t_dev_s2', 'app', 'C00001', 'dev-s2', null, 'S2');
select sincro_tests.commit_point();

set local session authorization t_dev_a1;
select set_config('t.a1', (select max(id_sincro) from sincro.device_changes_since(0, 1000))::text, true);
-- TEST: before the window moves, A1 holds both invoices and the old order
select results_eq($$ select numero from sincro.documenti order by 1 $$, $$ values ('MOVE'), ('NEW'), ('OLD') $$, 'A1 sees MOVE, NEW and OLD');
reset session authorization;

-- the daily advance: the window starts 12 months ago
select is(sincro.device_history_advance('C00001'), 4, 'the advance logs the old document and the old order, for A1 and its supervisor S1');
set local session authorization t_dev_a1;
-- TEST: the old document and the old order come as removals; the new one stays
select results_eq($$ select entity, key::text, deleted from sincro.device_changes_since(current_setting('t.a1')::bigint, 1000) order by id_sincro $$,
                  $$ values ('document', '{"numero": "OLD", "tipo_doc": "fattura"}', true), ('order', pg_catalog.format('{"id_pub": %s}', current_setting('t.oldord')), true) $$,
                  'A1: removals for the invoice and the order older than 12 months');
select results_eq($$ select numero from sincro.documenti order by 1 $$, $$ values ('MOVE'), ('NEW') $$, 'A1 no longer sees OLD');
select set_config('t.a1', (select max(id_sincro) from sincro.device_changes_since(0, 1000))::text, true);
reset session authorization;
-- TEST: running the advance again the same day logs nothing
select is(sincro.device_history_advance('C00001'), 0, 'a second advance the same day: nothing to log');

-- a longer window brings them back
select is(sincro.set_device_history_months('C00001', 24), 4, 'a 24-month window logs the two again (for A1 and S1)');
set local session authorization t_dev_a1;
select results_eq($$ select entity, deleted, key ->> 'numero' from sincro.device_changes_since(current_setting('t.a1')::bigint, 1000) order by id_sincro $$,
                  $$ values ('document', false, 'OLD'), ('order', false, null) $$,
                  'A1: the invoice and the order come back, with their data');
select set_config('t.a1', (select max(id_sincro) from sincro.device_changes_since(0, 1000))::text, true);
reset session authorization;
-- TEST: the window is refused outside 1-120 months
select throws_ok($$ select sincro.set_device_history_months('C00001', 0) $$, 'SY101', null, '0 months: SY101');

-- the ERP gives document MOVE to K2 (agent A2)
select sincro_private.upsert_documents('C00001', jsonb_build_array(
  jsonb_build_object('key', '{"tipo_doc": "ddt", "numero": "MOVE"}'::jsonb, 'data', jsonb_build_object('cliente_cod', 'K2', 'data_doc', current_date - 10))));
set local session authorization t_dev_a1;
-- TEST: the document given to another agent's customer comes to A1 as a removal
select results_eq($$ select entity, key ->> 'numero', deleted from sincro.device_changes_since(current_setting('t.a1')::bigint, 1000) $$,
                  $$ values ('document', 'MOVE', true) $$, 'A1: a removal for MOVE');
reset session authorization;
set local session authorization t_dev_a2;
select results_eq($$ select numero from sincro.documenti $$, $$ values ('MOVE') $$, 'A2 sees MOVE');
reset session authorization;

-- A1 moves from supervisor S1 to S2
set local session authorization t_dev_s1;
select set_config('t.s1', (select max(id_sincro) from sincro.device_changes_since(0, 1000))::text, true);
reset session authorization;
set local session authorization t_dev_s2;
select set_config('t.s2', coalesce((select max(id_sincro) from sincro.device_changes_since(0, 1000)), 0)::text, true);
reset session authorization;
select sincro_private.upsert_erp_rows('agent', 'C00001', $$[{"key": {"cod_agente": "A1"}, "data": {"cod_supervisore": "S2"}}]$$);
set local session authorization t_dev_s1;
-- TEST: the old supervisor loses the agent and its customers' rows; the new one gains them
select results_eq($$ select entity, deleted from (select distinct on (entity, key) * from sincro.device_changes_since(current_setting('t.s1')::bigint, 1000)
                     order by entity, key, id_sincro desc) f order by 1, 2 $$,
                  $$ values ('agent', true), ('customer', true), ('document', true), ('document', true), ('order', true) $$,
                  'S1: removals for A1, K1, its two documents and its order');
reset session authorization;
set local session authorization t_dev_s2;
select results_eq($$ select entity, deleted from (select distinct on (entity, key) * from sincro.device_changes_since(current_setting('t.s2')::bigint, 1000)
                     order by entity, key, id_sincro desc) f order by 1, 2 $$,
                  $$ values ('agent', false), ('customer', false), ('document', false), ('document', false), ('order', false) $$,
                  'S2 (from cursor 0): A1, K1, its two documents and its order; nothing of what left A1 before S2 supervised it');
reset session authorization;

-- the slice log past the retention is purged like tombstones, and an older cursor is told to download again
update sincro.device_slice_log set created_at = now() - interval '91 days' where azi = 'C00001';
select cmp_ok(sincro.purge_tombstones('C00001'), '>', 0::bigint, 'purge_tombstones removes the slice log past the retention');
set local session authorization t_dev_a1;
select throws_ok($$ select * from sincro.device_changes_since(1) $$, 'SY130', null, 'a cursor below a purged entry: SY130');
reset session authorization;

select * from finish();
rollback;
