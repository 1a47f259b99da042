-- An order the ERP gives to another agent's customer, or dates before the history window, comes to the devices
-- that held it as a removal (logged at commit, with the order's change number), and to the new agent's as the order.
begin;
select plan(6);

select sincro_tests.setup_company('C00001');
select sincro_private.upsert_erp_rows('agent', 'C00001', $$[{"key": {"cod_agente": "S1"}, "data": {}},
  {"key": {"cod_agente": "A1"}, "data": {"cod_supervisore": "S1"}}, {"key": {"cod_agente": "A2"}, "data": {}}]$$);
select sincro_private.upsert_erp_rows('customer', 'C00001', $$[{"key": {"cod_cli": "K1"}, "data": {"cod_agente": "A1"}},
                                                               {"key": {"cod_cli": "K2"}, "data": {"cod_agente": "A2"}}]$$);
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'O1', 'autore_tipo', 'O', 'autore_cod', '75', 'cliente_cod', 'K1',
  'data_ordine', current_date, 'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb)) as o1 \gset
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'O2', 'autore_tipo', 'O', 'autore_cod', '75', 'cliente_cod', 'K1',
  'data_ordine', current_date, 'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb)) as o2 \gset
select sincro.create_login('t_dev_a1', 'app', 'C00001', 'dev-a1', null, 'A1');
select sincro.create_login('t_dev_a2', 'app', 'C00001', 'dev-a2', null, 'A2');
select sincro.create_login('t_dev_s1', 'app', 'C00001', 'dev-s1', null, 'S1');
select sincro_tests.commit_point();
select set_config('t.o1', :'o1', true), set_config('t.o2', :'o2', true);

set local session authorization t_dev_a1;
select set_config('t.a1', (select max(id_sincro) from sincro.device_changes_since(0, 1000))::text, true);
select results_eq($$ select key ->> 'id_pub' from sincro.device_changes_since(0, 1000) where entity = 'order' order by 1 $$,
                  $$ select unnest(array[current_setting('t.o1'), current_setting('t.o2')]) order by 1 $$, 'A1 holds both orders of K1');
reset session authorization;
set local session authorization t_dev_s1;
select set_config('t.s1', (select max(id_sincro) from sincro.device_changes_since(0, 1000))::text, true);
reset session authorization;
set local session authorization t_dev_a2;
select set_config('t.a2', coalesce((select max(id_sincro) from sincro.device_changes_since(0, 1000)), 0)::text, true);
reset session authorization;

-- the ERP gives O1 to K2 (agent A2) and dates O2 two years back
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'O1', 'cliente_cod', 'K2', 'data_ordine', current_date,
  'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb));
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'O2', 'cliente_cod', 'K1', 'data_ordine', current_date - 800,
  'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb));
select sincro_tests.commit_point();

set local session authorization t_dev_a1;
-- TEST: the old agent's device gets removals for both
select results_eq($$ select key ->> 'id_pub', deleted from (select distinct on (key) * from sincro.device_changes_since(current_setting('t.a1')::bigint, 1000)
                     where entity = 'order' order by key, id_sincro desc) f order by 1 $$,
                  $$ select x, true from unnest(array[current_setting('t.o1'), current_setting('t.o2')]) x order by 1 $$,
                  'A1: removals for O1 (another agent''s customer now) and O2 (before the window)');
select is_empty($$ select 1 from sincro.arportes $$, 'A1 reads neither order now');
reset session authorization;
set local session authorization t_dev_s1;
-- TEST: and its supervisor's
select results_eq($$ select count(*)::int from (select distinct on (key) * from sincro.device_changes_since(current_setting('t.s1')::bigint, 1000)
                     where entity = 'order' order by key, id_sincro desc) f where deleted $$,
                  $$ values (2) $$, 'S1: the same two removals');
reset session authorization;
set local session authorization t_dev_a2;
-- TEST: the new agent's device gets O1
select results_eq($$ select key ->> 'id_pub', deleted from sincro.device_changes_since(current_setting('t.a2')::bigint, 1000) where entity = 'order' $$,
                  $$ values (current_setting('t.o1'), false) $$, 'A2: O1');
reset session authorization;
-- TEST: the notes were turned into log entries at commit and forgotten
select is((select count(*)::int from sincro_private.order_slice_moves), 0, 'nothing left noted');

select * from finish();
rollback;
