-- An app login's slice, by row-level security, with real logins: an agent, a supervisor, another company's agent.
begin;
select plan(26);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_private.upsert_erp_rows('agent', 'C00001', $$[
  {"key": {"cod_agente": "S1"}, "data": {"nome": "Area manager"}},
  {"key": {"cod_agente": "A1"}, "data": {"nome": "Uno", "cod_supervisore": "S1"}},
  {"key": {"cod_agente": "A2"}, "data": {"nome": "Due", "cod_supervisore": "S1"}},
  {"key": {"cod_agente": "A3"}, "data": {"nome": "Tre"}}]$$);
select sincro_private.upsert_erp_rows('customer', 'C00001', $$[
  {"key": {"cod_cli": "K1"}, "data": {"ragione_sociale": "Uno", "cod_agente": "A1"}},
  {"key": {"cod_cli": "K2"}, "data": {"ragione_sociale": "Due", "cod_agente": "A2"}},
  {"key": {"cod_cli": "K3"}, "data": {"ragione_sociale": "Tre", "cod_agente": "A3"}}]$$);
select sincro_private.upsert_erp_rows('article', 'C00001', $$[{"key": {"cod_art": "ART1"}, "data": {}}, {"key": {"cod_art": "ART2"}, "data": {}}]$$);
select sincro_private.upsert_erp_rows('accessory', 'C00001', $$[{"key": {"tabella": "pag", "codice": "RB30"}, "data": {"descrizione": "RiBa 30"}}]$$);
select sincro_private.upsert_erp_rows('particolarita', 'C00001', $$[
  {"key": {"cod_cli": "K1", "cod_art": "ART1", "valido_dal": "2026-01-01"}, "data": {"sconto": 5}},
  {"key": {"cod_cli": "K2", "cod_art": "ART1", "valido_dal": "2026-01-01"}, "data": {"sconto": 6}},
  {"key": {"cod_cli": "K3", "cod_art": "ART1", "valido_dal": "2026-01-01"}, "data": {"sconto": 7}},
  {"key": {"cod_cli": "*", "cod_art": "ART2", "valido_dal": "2026-01-01"}, "data": {"sconto": 2}}]$$);
select sincro_private.upsert_erp_rows('open_item', 'C00001', $$[
  {"key": {"cod_cli": "K1", "id_partita": "F1/1"}, "data": {"importo": 100, "data_scadenza": "2026-12-31"}},
  {"key": {"cod_cli": "K3", "id_partita": "F3/1"}, "data": {"importo": 300, "data_scadenza": "2026-12-31"}}]$$);
select sincro_private.upsert_erp_rows('customer_credit', 'C00001', $$[
  {"key": {"cod_cli": "K1"}, "data": {"fido": 1000, "esposizione": 100}},
  {"key": {"cod_cli": "K3"}, "data": {"fido": 1000, "esposizione": 900, "bloccato": true}}]$$);
select sincro_private.upsert_documents('C00001', pg_catalog.jsonb_build_array(
  jsonb_build_object('key', jsonb_build_object('tipo_doc', 'fattura', 'numero', 'D1'),
                     'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date, 'lines', '[{"riga": 1, "articolo": "ART1", "quantita": 1}]'::jsonb)),
  jsonb_build_object('key', jsonb_build_object('tipo_doc', 'fattura', 'numero', 'D2'),
                     'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date - 800, 'lines', '[{"riga": 1, "articolo": "ART1", "quantita": 1}]'::jsonb)),
  jsonb_build_object('key', jsonb_build_object('tipo_doc', 'ddt', 'numero', 'D3'),
                     'data', jsonb_build_object('cliente_cod', 'K3', 'data_doc', current_date, 'lines', '[{"riga": 1, "articolo": "ART1", "quantita": 1}]'::jsonb))));
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'K1NEW', 'autore_tipo', 'O', 'autore_cod', '75', 'cliente_cod', 'K1',
  'data_ordine', current_date, 'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb)) as k1new \gset
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'K1OLD', 'autore_tipo', 'O', 'autore_cod', '75', 'cliente_cod', 'K1',
  'data_ordine', current_date - 800, 'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb));
select sincro.erp_write_order('C00001', jsonb_build_object('tor_chia', 'K3NEW', 'autore_tipo', 'O', 'autore_cod', '75', 'cliente_cod', 'K3',
  'data_ordine', current_date, 'lines', '[{"articolo": "ART1", "quantita": 1}]'::jsonb));
-- the other company: the same codes, its own rows
select sincro_private.upsert_erp_rows('customer', 'C00002', $$[{"key": {"cod_cli": "K1"}, "data": {"ragione_sociale": "Altro", "cod_agente": "A1"}}]$$);
select sincro_private.upsert_erp_rows('article', 'C00002', $$[{"key": {"cod_art": "ART9"}, "data": {}}]$$);
select sincro.create_login('t_dev_a1', 'app', 'C00001', 'dev-a1', null, 'A1');
select sincro.create_login('t_dev_s1', 'app', 'C00001', 'dev-s1', null, 'S1');
select sincro.create_login('t_dev_c2', 'app', 'C00002', 'dev-c2', null, 'A1');
select sincro.create_login('t_store_c1', 'store', 'C00001');
select sincro_tests.commit_point();

set local session authorization t_dev_a1;
-- TEST: an agent sees every article and accessory row of its company, its customers and their rows only
select is((select count(*)::int from sincro.articoli), 2, 'agent A1: both articles of C00001');
select is((select count(*)::int from sincro.tabelle_accessorie), 1, 'agent A1: the accessory table');
select results_eq($$ select cod_cli from sincro.clienti order by 1 $$, $$ values ('K1') $$, 'agent A1: customer K1 only');
select results_eq($$ select cod_agente from sincro.agenti order by 1 $$, $$ values ('A1') $$, 'agent A1: its own agent row');
select results_eq($$ select cod_cli from sincro.particolarita order by 1 $$, $$ values ('*'), ('K1') $$,
                  'agent A1: K1''s particolarità and the article-level one');
select results_eq($$ select id_partita from sincro.partite_aperte $$, $$ values ('F1/1') $$, 'agent A1: K1''s open item');
select results_eq($$ select cod_cli from sincro.fidi $$, $$ values ('K1') $$, 'agent A1: K1''s credit data');
-- TEST: documents and orders of its customers inside the 12-month window
select results_eq($$ select numero from sincro.documenti $$, $$ values ('D1') $$, 'agent A1: D1 (D2 is 800 days old, D3 is K3''s)');
select results_eq($$ select count(*)::int from sincro.documenti_righe $$, $$ values (1) $$, 'agent A1: D1''s line only');
select results_eq($$ select tor_chia from sincro.arportes $$, $$ values ('K1NEW') $$, 'agent A1: K1''s recent order only');
-- TEST: the other ways in show the same slice: the store's feed, the credit flags view, the slice log
select is_empty($$ select 1 from sincro.all_changes_since('C00001', 0, 1000)
                   where key ->> 'cod_cli' in ('K2', 'K3') or data ->> 'cliente_cod' in ('K2', 'K3') $$,
                'agent A1: all_changes_since shows nothing of K2 or K3');
select is_empty($$ select 1 from sincro.order_credit_flags where cliente_cod <> 'K1' $$, 'agent A1: no credit flag of another agent''s customer');
select is_empty($$ select 1 from sincro.device_slice_log where cod_agente <> 'A1' $$, 'agent A1: no slice-log entry of another agent');
-- TEST: nor can it write the ERP's data
select throws_ok($$ update sincro.fidi set bloccato = false $$, '42501', null, 'agent A1 cannot unblock a customer');
reset session authorization;

set local session authorization t_dev_s1;
-- TEST: a supervisor sees its agents' customers, not those of an agent it does not supervise
select results_eq($$ select cod_cli from sincro.clienti order by 1 $$, $$ values ('K1'), ('K2') $$, 'supervisor S1: K1 and K2');
select results_eq($$ select cod_agente from sincro.agenti order by 1 $$, $$ values ('A1'), ('A2'), ('S1') $$, 'supervisor S1: itself and its agents');
select results_eq($$ select cod_cli from sincro.particolarita order by 1 $$, $$ values ('*'), ('K1'), ('K2') $$, 'supervisor S1: particolarità of K1, K2 and *');
select is_empty($$ select 1 from sincro.fidi where cod_cli = 'K3' $$, 'supervisor S1: no credit data of K3');
select is_empty($$ select 1 from sincro.documenti where cliente_cod = 'K3' $$, 'supervisor S1: no document of K3');
reset session authorization;

set local session authorization t_dev_c2;
-- TEST: another company's agent with the same agent code sees its own company only
select results_eq($$ select cod_cli, ragione_sociale from sincro.clienti $$, $$ values ('K1', 'Altro') $$, 'C00002''s A1: its company''s K1');
select results_eq($$ select cod_art from sincro.articoli $$, $$ values ('ART9') $$, 'C00002''s A1: its company''s article');
select is_empty($$ select 1 from sincro.documenti $$, 'C00002''s A1: no C00001 document');
select is_empty($$ select 1 from sincro.arportes $$, 'C00002''s A1: no C00001 order');
reset session authorization;

set local session authorization t_store_c1;
-- TEST: a store login still reads its whole company
select is((select count(*)::int from sincro.clienti), 3, 'store: every customer of C00001');
select is((select count(*)::int from sincro.documenti), 3, 'store: every document of C00001');
reset session authorization;

-- TEST: the hub keeps the customer's agent on the customer's rows
select results_eq($$ select cod_cli, slice_agente from sincro.particolarita where azi = 'C00001' order by 1 $$,
                  $$ values ('*', null::text), ('K1', 'A1'), ('K2', 'A2'), ('K3', 'A3') $$, 'slice_agente follows the customer''s agent');

select * from finish();
rollback;
