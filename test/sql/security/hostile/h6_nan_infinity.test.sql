-- H6: NaN, infinities and other non-numbers are refused wherever a number or a date enters. 'NaN' is a
-- valid numeric (NaN <= 0 and NaN > 0 are both false), 'infinity' a valid date; 'Infinity' does not fit
-- numeric(p, s) and PostgreSQL itself refuses it (22003) on a direct insert.
begin;
select plan(20);

select sincro_tests.hostile_setup();
select sincro_tests.footprint('C00001') as fp1 \gset

-- TEST: a store's lines and header
set local session authorization hx_store1;
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'h6-1', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select 'C00001', (select id_pub from sincro.arportes where id_int = 'h6-1'), 1, 'A', 'NaN' $$,
                 'SY104', null, 'store: quantita NaN: SY104');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'h6-2', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) select 'C00001', (select id_pub from sincro.arportes where id_int = 'h6-2'), 1, 'A', 1, 'NaN' $$,
                 'SY104', null, 'store: prezzo NaN: SY104');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'h6-3', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, sconto) select 'C00001', (select id_pub from sincro.arportes where id_int = 'h6-3'), 1, 'A', 1, 'NaN' $$,
                 'SY104', null, 'store: sconto NaN: SY104');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'h6-4', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, data_consegna) select 'C00001', (select id_pub from sincro.arportes where id_int = 'h6-4'), 1, 'A', 1, 'infinity' $$,
                 'SY104', null, 'store: data_consegna infinity: SY104');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, totale_documento) values ('C00001', 'S', 'h6-5', 'C', '0', 'NaN') $$,
                 'SY101', null, 'store: totale_documento NaN: SY101');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, totale_imponibile) values ('C00001', 'S', 'h6-6', 'C', '0', 'NaN') $$,
                 'SY101', null, 'store: totale_imponibile NaN: SY101');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, totale_iva) values ('C00001', 'S', 'h6-7', 'C', '0', 'NaN') $$,
                 'SY101', null, 'store: totale_iva NaN: SY101');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, data_ordine) values ('C00001', 'S', 'h6-8', 'C', '0', 'infinity') $$,
                 'SY101', null, 'store: data_ordine infinity: SY101');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, data_ordine) values ('C00001', 'S', 'h6-9', 'C', '0', '-infinity') $$,
                 'SY101', null, 'store: data_ordine -infinity: SY101');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, totale_documento) values ('C00001', 'S', 'h6-10', 'C', '0', 'Infinity') $$,
                 '22003', null, 'store: totale_documento Infinity: refused by PostgreSQL (22003)');
reset session authorization;

-- TEST: an app, likewise
set local session authorization hx_app1_31;
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '31', 'h6-11', 'T', 'AG1');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select 'C00001', (select id_pub from sincro.arportes where id_int = 'h6-11'), 1, 'A', 'NaN' $$,
                 'SY104', null, 'app: quantita NaN: SY104');
reset session authorization;

-- TEST: the ERP's documents
set local session authorization hx_erp1;
select throws_ok($$ select sincro.erp_write_order('C00001', '{"tor_chia": "K6", "autore_tipo": "O", "autore_cod": "75", "lines": [{"articolo": "A", "quantita": "NaN"}]}') $$,
                 'SY104', null, 'ERP: a line with quantita "NaN": SY104');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "lines": [{"articolo": "A", "quantita": 1, "prezzo": "NaN"}]}') $$,
                 'SY104', null, 'ERP: a line with prezzo "NaN": SY104');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "totale_documento": "NaN"}') $$,
                 'SY201', null, 'ERP: totale_documento "NaN": SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "data_ordine": "infinity"}') $$,
                 'SY201', null, 'ERP: data_ordine "infinity": SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "totale_documento": "Infinity"}') $$,
                 'SY201', null, 'ERP: totale_documento "Infinity": SY201');
reset session authorization;

-- TEST: a sync's rows
select sincro.sync_run_begin('C00002', 'changes') as run \gset
set local session authorization hx_admin;
select throws_ok(format($$ select sincro.sync_changes_apply('C00002', %s, sincro.erp_cursor('C00002'), 'h6', '[{"entity": "article", "op": "upsert", "key": {"cod_art": "A1"}, "data": {"prezzo": "NaN"}}]') $$, :run),
                 'SY201', null, 'sync: an article priced "NaN": SY201');
select throws_ok(format($$ select sincro.sync_changes_apply('C00002', %s, sincro.erp_cursor('C00002'), 'h6', '[{"entity": "particolarita", "op": "upsert", "key": {"cod_cli": "1", "cod_art": "A1", "valido_dal": "infinity"}, "data": {"sconto": 5}}]') $$, :run),
                 'SY201', null, 'sync: a particolarita valid from "infinity": SY201');
select throws_ok(format($$ select sincro.sync_changes_apply('C00002', %s, sincro.erp_cursor('C00002'), 'h6', '[{"entity": "document", "op": "upsert", "key": {"tipo_doc": "ddt", "numero": "1"}, "data": {"lines": [{"articolo": "A", "quantita": "NaN"}]}}]') $$, :run),
                 'SY201', null, 'sync: a document line with quantita "NaN": SY201');
reset session authorization;

-- TEST: nothing was left behind
select is(sincro_tests.footprint('C00001'), :'fp1', 'C00001: no order, line, public ID or job left by the refusals');

select * from finish();
rollback;
