-- A document carries its lines (documenti.righe), written with them by upsert_documents, and the device feed sends
-- those: the same lines as documenti_righe holds, in riga order, whatever the ERP puts in data.righe; an unchanged
-- document is not changed again; a document written without them (before the column, or by hand) still goes to
-- the device with its lines, read from documenti_righe; the ERP's own feed is as before.
begin;
select plan(11);

select sincro_tests.setup_company('C00001');
select sincro_private.upsert_erp_rows('agent', 'C00001', $$[{"key": {"cod_agente": "A1"}, "data": {}}]$$);
select sincro_private.upsert_erp_rows('customer', 'C00001', $$[{"key": {"cod_cli": "K1"}, "data": {"cod_agente": "A1"}}]$$);
select sincro_private.upsert_documents('C00001', jsonb_build_array(
  jsonb_build_object('key', '{"tipo_doc": "fattura", "numero": "F1"}'::jsonb, 'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date,
    'lines', '[{"riga": 2, "articolo": "ART2", "quantita": "1.50", "prezzo": 10}, {"riga": 1, "articolo": "ART1", "quantita": 3, "iva": "22"}]'::jsonb)),
  jsonb_build_object('key', '{"tipo_doc": "ddt", "numero": "D1"}'::jsonb, 'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date))));
select sincro.create_login('t_dev_a1', 'app', 'C00001', 'dev-a1', null, 'A1');
select sincro_tests.commit_point();

create function pg_temp.lines_in_table(p_numero text) returns jsonb language sql as $$
  select coalesce(jsonb_agg(to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
  from sincro.documenti_righe r where r.azi = 'C00001' and r.numero = p_numero $$;
select id_sincro as f1_before from sincro.documenti where numero = 'F1' \gset

-- TEST: the header carries the lines it was written with, in riga order, as documenti_righe holds them
select is((select righe from sincro.documenti where numero = 'F1'), pg_temp.lines_in_table('F1'), 'F1 carries its two lines, as documenti_righe holds them');
select is((select jsonb_path_query_array(righe, '$[*].riga') from sincro.documenti where numero = 'F1'), '[1, 2]'::jsonb, 'in riga order');
select is((select righe from sincro.documenti where numero = 'D1'), '[]'::jsonb, 'a document without lines carries []');

-- TEST: the device gets them
set local session authorization t_dev_a1;
select is((select (data -> 'lines')::jsonb from sincro.device_changes_since(0, 100) where entity = 'document' and key ->> 'numero' = 'F1'),
          '[{"riga": 1, "articolo": "ART1", "quantita": 3, "iva": "22", "descrizione": null, "unita_misura": null, "prezzo": null, "sconto": null},
            {"riga": 2, "articolo": "ART2", "quantita": 1.50, "iva": null, "descrizione": null, "unita_misura": null, "prezzo": 10, "sconto": null}]'::jsonb,
          'the device feed sends F1 with its lines');
reset session authorization;

-- TEST: the same batch again, and the ERP's own data.righe: nothing changes
select sincro_private.upsert_documents('C00001', jsonb_build_array(
  jsonb_build_object('key', '{"tipo_doc": "fattura", "numero": "F1"}'::jsonb, 'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date,
    'righe', '"not the lines"'::jsonb,
    'lines', '[{"riga": 2, "articolo": "ART2", "quantita": "1.50", "prezzo": 10}, {"riga": 1, "articolo": "ART1", "quantita": 3, "iva": "22"}]'::jsonb)))) as changed \gset
select is(:changed, 0, 'the same document again: no change');
select is((select id_sincro from sincro.documenti where numero = 'F1'), :f1_before::bigint, 'F1 keeps its change number');
select is((select righe from sincro.documenti where numero = 'F1'), pg_temp.lines_in_table('F1'), 'the ERP''s data.righe is not kept');

-- TEST: new lines: the header carries them, with a new change number
select sincro_private.upsert_documents('C00001', jsonb_build_array(
  jsonb_build_object('key', '{"tipo_doc": "fattura", "numero": "F1"}'::jsonb, 'data', jsonb_build_object('cliente_cod', 'K1', 'data_doc', current_date,
    'lines', '[{"riga": 1, "articolo": "ART9", "quantita": 7}]'::jsonb))));
select ok((select id_sincro > :f1_before and righe = pg_temp.lines_in_table('F1') and righe -> 0 ->> 'articolo' = 'ART9'
           from sincro.documenti where numero = 'F1'), 'F1 with a new line: carries it, with a new change number');

-- TEST: a document written without them (righe NULL): the device still gets its lines, from documenti_righe
update sincro.documenti set righe = null where numero = 'F1';
set local session authorization t_dev_a1;
select is((select (data -> 'lines')::jsonb from sincro.device_changes_since(0, 100) where entity = 'document' and key ->> 'numero' = 'F1'),
          '[{"riga": 1, "articolo": "ART9", "quantita": 7, "iva": null, "descrizione": null, "unita_misura": null, "prezzo": null, "sconto": null}]'::jsonb,
          'righe NULL: the device feed reads the lines from documenti_righe');
reset session authorization;

-- TEST: the ERP-side feed of every change sends documents as before: lines, and no righe
select is((select data ? 'righe' from sincro.all_changes_since('C00001', 0, 100) where entity = 'document' and key ->> 'numero' = 'D1'), false,
          'all_changes_since: no righe field');
select is((select data -> 'lines' from sincro.all_changes_since('C00001', 0, 100) where entity = 'document' and key ->> 'numero' = 'F1'),
          pg_temp.lines_in_table('F1'), 'all_changes_since: the lines, from documenti_righe');

select * from finish();
rollback;
