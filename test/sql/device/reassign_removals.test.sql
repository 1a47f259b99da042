-- Reassigning a customer: the old agent's device (and its supervisor's) gets removals for the customer and
-- everything of it; the new agent's device gets it all, whatever the rows' own change numbers.
begin;
select plan(10);

select sincro_tests.setup_company('C00001');
select sincro_private.upsert_erp_rows('agent', 'C00001', $$[
  {"key": {"cod_agente": "S1"}, "data": {}},
  {"key": {"cod_agente": "A1"}, "data": {"cod_supervisore": "S1"}},
  {"key": {"cod_agente": "A2"}, "data": {}}]$$);
select sincro_private.upsert_erp_rows('customer', 'C00001', $$[
  {"key": {"cod_cli": "K1"}, "data": {"ragione_sociale": "Uno", "cod_agente": "A1"}},
  {"key": {"cod_cli": "K9"}, "data": {"ragione_sociale": "Nove", "cod_agente": "A1"}}]$$);
select sincro_private.upsert_erp_rows('article', 'C00001', $$[{"key": {"cod_art": "ART1"}, "data": {}}]$$);
select sincro_private.upsert_erp_rows('particolarita', 'C00001', $$[
  {"key": {"cod_cli": "K1", "cod_art": "ART1", "valido_dal": "2026-01-01"}, "data": {"sconto": 5}}]$$);
select sincro_private.upsert_erp_rows('open_item', 'C00001', $$[{"key": {"cod_cli": "K1", "id_partita": "F1/1"}, "data": {"importo": 100}}]$$);
select sincro_private.upsert_erp_rows('customer_credit', 'C00001', $$[{"key": {"cod_cli": "K1"}, "data": {"fido": 1000}}]$$);
select sincro_private.upsert_documents('C00001', jsonb_build_array(jsonb_build_object(
  'key', jsonb_build_object('tipo_doc', 'fattura', 'numero', 'D1'),
  'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date, 'lines', '[{"riga": 1, "articolo": "ART1", "quantita": 1}]'::jsonb))));
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'K1NEW', 'autore_tipo', 'O', 'autore_cod', '75', 'cliente_cod', 'K1',
  'data_ordine', current_date, 'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb)) as k1new \gset
select sincro.create_login('t_dev_a1', 'app', 'C00001', 'dev-a1', null, 'A1');
select sincro.create_login('t_dev_a2', 'app', 'C00001', 'dev-a2', null, 'A2');
select sincro.create_login('t_dev_s1', 'app', 'C00001', 'dev-s1', null, 'S1');
select sincro_tests.commit_point();

-- each device has read everything so far
set local session authorization t_dev_a1;
select set_config('t.a1', (select max(id_sincro) from sincro.device_changes_since(0, 1000))::text, true);
reset session authorization;
set local session authorization t_dev_a2;
select set_config('t.a2', coalesce((select max(id_sincro) from sincro.device_changes_since(0, 1000)), 0)::text, true);
reset session authorization;
set local session authorization t_dev_s1;
select set_config('t.s1', (select max(id_sincro) from sincro.device_changes_since(0, 1000))::text, true);
reset session authorization;

-- the ERP gives K1 to A2
select sincro_private.upsert_erp_rows('customer', 'C00001', $$[{"key": {"cod_cli": "K1"}, "data": {"ragione_sociale": "Uno", "cod_agente": "A2"}}]$$);
select sincro_tests.commit_point();

create temp table expected_rows (entity text, key text);
insert into expected_rows values
  ('customer', '{"cod_cli": "K1"}'),
  ('customer_credit', '{"cod_cli": "K1"}'),
  ('document', '{"numero": "D1", "tipo_doc": "fattura"}'),
  ('open_item', '{"cod_cli": "K1", "id_partita": "F1/1"}'),
  ('order', pg_catalog.format('{"id_pub": %s}', :k1new)),
  ('particolarita', '{"cod_art": "ART1", "cod_cli": "K1", "valido_dal": "2026-01-01"}');
grant select on expected_rows to public;

set local session authorization t_dev_a1;
-- TEST: the old agent's device: a removal for the customer and each of its rows, as the last word on each
select results_eq($$ select entity, key::text, deleted from (
                       select distinct on (entity, key) * from sincro.device_changes_since(current_setting('t.a1')::bigint, 1000)
                       order by entity, key, id_sincro desc) f order by 1, 2 $$,
                  $$ select entity, key, true from expected_rows order by 1, 2 $$,
                  'device of A1: removals for K1, its particolarità, open item, credit, document and order');
-- TEST: its other customer stays
select results_eq($$ select cod_cli from sincro.clienti $$, $$ values ('K9') $$, 'A1 still sees K9');
reset session authorization;

set local session authorization t_dev_s1;
-- TEST: the old agent's supervisor loses them too
select results_eq($$ select entity, key::text, deleted from (
                       select distinct on (entity, key) * from sincro.device_changes_since(current_setting('t.s1')::bigint, 1000)
                       order by entity, key, id_sincro desc) f order by 1, 2 $$,
                  $$ select entity, key, true from expected_rows order by 1, 2 $$,
                  'device of S1 (A1''s supervisor): the same removals');
reset session authorization;

set local session authorization t_dev_a2;
-- TEST: the new agent's device gets every row, with its data
select results_eq($$ select entity, key::text, deleted from (
                       select distinct on (entity, key) * from sincro.device_changes_since(current_setting('t.a2')::bigint, 1000)
                       order by entity, key, id_sincro desc) f where entity <> 'agent' order by 1, 2 $$,
                  $$ select entity, key, false from expected_rows order by 1, 2 $$,
                  'device of A2: K1 and all its rows');
select is((select data ->> 'sconto' from sincro.device_changes_since(current_setting('t.a2')::bigint, 1000) where entity = 'particolarita' limit 1),
          '5.00', 'the particolarità comes with its data');
select is((select json_array_length(data -> 'lines') from sincro.device_changes_since(current_setting('t.a2')::bigint, 1000) where entity = 'document' limit 1),
          1, 'the document comes with its lines');
-- TEST: one number per change: never two rows with the same id_sincro
select is((select count(*) - count(distinct id_sincro) from sincro.device_changes_since(0, 1000)), 0::bigint, 'change numbers are unique in the feed');
reset session authorization;

set local session authorization t_dev_a2;
-- TEST: a device reads only the slice-log entries addressed to its own agent
select results_eq($$ select distinct cod_agente from sincro.device_slice_log $$, $$ values ('A2') $$, 'A2''s login: only entries for A2');
select throws_ok($$ insert into sincro.device_slice_log (azi, id_sincro, cod_agente, entity, key, reason) values ('C00001', 999999, 'A2', 'customer', '{}', 'moved') $$,
                 '42501', null, 'a device cannot write the slice log');
reset session authorization;

-- TEST: nothing was renumbered: the rows kept their change numbers, the log carries the move
select results_eq($$ select cod_agente, count(*)::int from sincro.device_slice_log where azi = 'C00001' and reason = 'reassigned' group by 1 order by 1 $$,
                  $$ values ('A1', 6), ('A2', 5), ('S1', 6) $$,
                  'slice log: the customer and its five rows for A1 and for its supervisor S1, the five rows for A2 (the customer''s own change reaches A2)');

select * from finish();
rollback;
