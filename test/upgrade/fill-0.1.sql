/*
 * A 0.1 hub filled with data of every kind, written through the 0.1 API the
 * way a deployment writes it: an admin registers companies and logins, stores
 * and apps insert orders with their own logins, the worker pushes them and
 * runs syncs, the ERP answers and exports its own orders, consumers move their
 * cursors. test/upgrade/upgrade.test.ts runs it with psql, as the owner (a
 * superuser), on a hub built from the frozen 0.1 migrations only, then
 * upgrades it. Only 0.1 names are called here (sync_apply_changes,
 * sync_run_finish, ...): this file stays what a 0.1 hub holds, whatever later
 * releases rename.
 *
 * Roles belong to the whole cluster, so the login names come from psql
 * variables, unique per run (the test drops them): :admin :worker :store1
 * :app50 :app51 :erp1 :store2 :erp2. Company UPG01 pushes in auto mode,
 * UPG02 in manual mode. A party acts through SET SESSION AUTHORIZATION, since
 * the hub knows the party by session_user (SET ROLE would not change it).
 *
 * Each statement commits on its own (psql autocommit) unless a begin/commit
 * pair groups an order's header and lines, as the protocol requires.
 */
\set ON_ERROR_STOP on

-- the owner gives the operator an admin login
select sincro.create_login(:'admin', 'admin');

-- ---------------------------------------------------------------------------
-- admin: companies, contracts, logins
set session authorization :"admin";
insert into sincro.apstatosyn (azi, ragione_sociale, push_mode) values
  ('UPG01', 'Ditta Uno S.r.l.', 'auto'),
  ('UPG02', 'Ditta Due S.p.A.', 'manual');
update sincro.apstatosyn set ragione_sociale = 'Ditta Uno S.r.l. (Milano)' where azi = 'UPG01';
select sincro.set_sync_contract('UPG01', 12, interval '1 month', current_date - 3);
-- a period that started long ago: the first sync rolls it over
select sincro.set_sync_contract('UPG02', 2, interval '7 days', current_date - 30);
select sincro.create_login(:'worker', 'worker');
select sincro.create_login(:'store1', 'store', 'UPG01', password => 'store-password');
select sincro.create_login(:'app50', 'app', 'UPG01', '50', cod_agente => '15');
select sincro.create_login(:'app51', 'app', 'UPG01', '51', cod_agente => '21');
select sincro.create_login(:'erp1', 'erp', 'UPG01');
select sincro.create_login(:'store2', 'store', 'UPG02');
select sincro.create_login(:'erp2', 'erp', 'UPG02');

-- ---------------------------------------------------------------------------
-- store UPG01: scenario A (order 150 of a new web customer) and four more orders
set session authorization :"store1";
begin;
insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, codice_fiscale, email, telefono,
                                  indirizzo, cap, citta, provincia)
  values ('UPG01', 'S', 'web-7001', 'Mario Rossi', 'RSSMRA80A01F205X', 'mario.rossi@example.com', '+39 02 1234567',
          'Via Roma 1', '20121', 'Milano', 'MI')
  returning customer_id as a_customer \gset
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id, data_ordine,
                             dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
                             cod_pagamento, note, totale_imponibile, totale_iva, totale_documento)
  values ('UPG01', 'S', '150', 'C', '0', :a_customer, date '2024-05-02',
          'Mario Rossi', 'Via Roma 1', '20121', 'Milano', 'MI', 'IT', 'RB30', 'citofono Rossi', 31.50, 6.93, 38.43)
  returning id_pub as a_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva,
                             data_consegna, note)
  values ('UPG01', :a_id, 1, 'ART1', 'Vite M6', 2, 'PZ', 10.5, 0, '22', date '2024-05-10', null),
         ('UPG01', :a_id, 2, 'ART2', 'Dado M6', 1, 'PZ', 12.345, 12.5, '22', null, 'colore nero');
commit;
-- the store retries order 150 after a lost reply: skipped, no new ID
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id, data_ordine,
                             dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
                             cod_pagamento, note, totale_imponibile, totale_iva, totale_documento)
  values ('UPG01', 'S', '150', 'C', '0', :a_customer, date '2024-05-02',
          'Mario Rossi', 'Via Roma 1', '20121', 'Milano', 'MI', 'IT', 'RB30', 'citofono Rossi', 31.50, 6.93, 38.43);

begin;
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod, valuta)
  values ('UPG01', 'S', '151', 'C', 'CL001', 'CL001', 'CHF') returning id_pub as rejected_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('UPG01', :rejected_id, 1, 'NOPE', 1, 1);
commit;
begin;
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod)
  values ('UPG01', 'S', '152', 'C', 'CL001', 'CL001') returning id_pub as failed_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('UPG01', :failed_id, 1, 'ART3', 3, 4.2);
commit;
begin;
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod)
  values ('UPG01', 'S', '153', 'C', 'CL001', 'CL001') returning id_pub as in_flight_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('UPG01', :in_flight_id, 1, 'ART1', 7);
commit;
begin;
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod)
  values ('UPG01', 'S', '154', 'C', 'CL001', 'CL001') returning id_pub as pending_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('UPG01', :pending_id, 1, 'ART2', 1, 99.99);
commit;

-- ---------------------------------------------------------------------------
-- apps UPG01: scenarios B (device 50, agent 15) and C (device 51, agent 21, same id_int)
set session authorization :"app50";
begin;
insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, cliente_cod)
  values ('UPG01', 'A', '50', '150', 'T', '15', 'CL001') returning id_pub as b_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('UPG01', :b_id, 1, 'ART1', 5, 10.5);
commit;

set session authorization :"app51";
begin;
insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, cliente_cod)
  values ('UPG01', 'A', '51', '150', 'T', '21', 'CL001') returning id_pub as c_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('UPG01', :c_id, 1, 'ART2', 2, 12);
commit;
-- a new customer met by the agent of device 51
begin;
insert into sincro.new_customers (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, indirizzo, citta, nazione)
  values ('UPG01', 'A', '51', 'dev51-c1', 'Bar Centrale di Bianchi', '01234567890', 'Piazza Duomo 3', 'Lodi', 'IT')
  returning customer_id as c2_customer \gset
insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, new_customer_id)
  values ('UPG01', 'A', '51', '151', 'T', '21', :c2_customer) returning id_pub as c2_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo, sconto)
  values ('UPG01', :c2_id, 1, 'ART1', 10, 10.5, 3), ('UPG01', :c2_id, 2, 'ART3', 1, 4.2, 0);
commit;

-- ---------------------------------------------------------------------------
-- worker: pushes (acquired, rejected, failed, left in flight; 154 stays pending)
set session authorization :"worker";
select sincro.push_claim('UPG01', :a_id) is not null as claimed;
select sincro.push_acquired('UPG01', :a_id, 'C201700001230', '123');
select sincro.push_claim('UPG01', :b_id) is not null as claimed;
select sincro.push_acquired('UPG01', :b_id, 'C201700001760', 'CL001');
select sincro.push_claim('UPG01', :c_id) is not null as claimed;
select sincro.push_acquired('UPG01', :c_id, 'C201700001810');
select sincro.push_claim('UPG01', :c2_id) is not null as claimed;
select sincro.push_acquired('UPG01', :c2_id, 'C201700001811', '124');
select sincro.push_claim('UPG01', :rejected_id) is not null as claimed;
select sincro.push_rejected('UPG01', :rejected_id, 'articolo NOPE sconosciuto; valuta CHF non gestita');
select sincro.push_claim('UPG01', :failed_id) is not null as claimed;
select sincro.push_failed('UPG01', :failed_id, 'connect ECONNREFUSED 10.0.0.5:443');
select sincro.push_claim('UPG01', :in_flight_id) is not null as claimed;

-- ---------------------------------------------------------------------------
-- ERP UPG01: confirmations (A5, B5) and an operator's own order (D)
set session authorization :"erp1";
select sincro.erp_write_order('UPG01', jsonb_build_object('id_pub', :a_id, 'conferma', 'ABCD'));
select sincro.erp_write_order('UPG01', jsonb_build_object('id_pub', :b_id, 'conferma', 'CDEF'));
select sincro.erp_write_order('UPG01', '{"tor_chia": "C201700002150", "conferma": "CK3", "autore_tipo": "O", "autore_cod": "75",
  "data_ordine": "2024-05-06", "cliente_cod": "CL001", "cod_pagamento": "RB30",
  "lines": [{"riga": 1, "articolo": "ART3", "descrizione": "Rondella", "quantita": 100, "prezzo": 0.05, "iva": "22"}]}')
  as d_id \gset
-- an order the operator enters for agent 15: device 50 sees it
select sincro.erp_write_order('UPG01', '{"tor_chia": "C201700002151", "autore_tipo": "O", "autore_cod": "75",
  "cod_agente": "15", "cliente_cod": "CL002", "lines": [{"articolo": "ART1", "quantita": 1}, {"articolo": "ART2", "quantita": 2}]}')
  as e_id \gset

-- ---------------------------------------------------------------------------
-- worker: a sync for changes, complete (one unit of quota)
set session authorization :"worker";
select sincro.sync_run_begin('UPG01', 'changes') as run \gset
select sincro.sync_apply_changes('UPG01', :run, sincro.erp_cursor('UPG01'), 'erp-0010', '[
  {"entity": "customer", "op": "upsert", "key": {"cod_cli": "123"},
   "data": {"ragione_sociale": "Mario Rossi", "codice_fiscale": "RSSMRA80A01F205X", "citta": "Milano", "listino": "WEB"}},
  {"entity": "customer", "op": "upsert", "key": {"cod_cli": "124"},
   "data": {"ragione_sociale": "Bar Centrale di Bianchi", "partita_iva": "01234567890", "cod_agente": "21"}},
  {"entity": "customer", "op": "upsert", "key": {"cod_cli": "CL001"},
   "data": {"ragione_sociale": "Ferramenta Verdi", "partita_iva": "09876543210", "indirizzo": "Via Po 8", "cap": "10121",
            "citta": "Torino", "provincia": "TO", "nazione": "IT", "email": "ordini@verdi.example", "telefono": "011 555",
            "listino": "L1", "cod_agente": "15", "cod_pagamento": "RB30"}},
  {"entity": "customer", "op": "upsert", "key": {"cod_cli": "CL002"}, "data": {"ragione_sociale": "Cliente da chiudere"}},
  {"entity": "article", "op": "upsert", "key": {"cod_art": "ART1"},
   "data": {"descrizione": "Vite M6", "unita_misura": "PZ", "prezzo": 10.5, "cod_iva": "22", "giacenza": 1200}},
  {"entity": "article", "op": "upsert", "key": {"cod_art": "ART2"},
   "data": {"descrizione": "Dado M6", "unita_misura": "PZ", "prezzo": 12.345, "cod_iva": "22", "giacenza": 0.5}},
  {"entity": "article", "op": "upsert", "key": {"cod_art": "ART3"}, "data": {"descrizione": "Rondella", "prezzo": 0.05}},
  {"entity": "article", "op": "upsert", "key": {"cod_art": "OLD1"}, "data": {"descrizione": "Fuori catalogo"}},
  {"entity": "particolarita", "op": "upsert", "key": {"cod_cli": "CL001", "cod_art": "ART1", "valido_dal": "2024-01-01"},
   "data": {"prezzo": 9.5, "sconto": 5}},
  {"entity": "particolarita", "op": "upsert", "key": {"cod_cli": "123", "cod_art": "ART2", "valido_dal": "2024-03-01"},
   "data": {"valido_al": "2024-12-31", "sconto": 10}},
  {"entity": "particolarita", "op": "upsert", "key": {"cod_cli": "CL001", "cod_art": "ART3", "valido_dal": "2023-01-01"},
   "data": {"valido_al": "2023-12-31", "prezzo": 0.04}},
  {"entity": "accessory", "op": "upsert", "key": {"tabella": "pagamenti", "codice": "RB30"},
   "data": {"descrizione": "Ri.Ba. 30 gg", "dati": {"giorni": 30, "fine_mese": true}}},
  {"entity": "accessory", "op": "upsert", "key": {"tabella": "vettori", "codice": "BRT"}, "data": {"descrizione": "Bartolini", "dati": {}}},
  {"entity": "accessory", "op": "upsert", "key": {"tabella": "iva", "codice": "22"},
   "data": {"descrizione": "IVA 22%", "dati": {"aliquota": 22}}},
  {"entity": "document", "op": "upsert", "key": {"tipo_doc": "preventivo", "numero": "P-2024-001"},
   "data": {"data_doc": "2024-04-20", "cliente_cod": "CL001", "note": "valido 30 gg", "totale_imponibile": 105,
            "lines": [{"riga": 1, "articolo": "ART1", "descrizione": "Vite M6", "quantita": 10, "unita_misura": "PZ",
                       "prezzo": 10.5, "sconto": 0, "iva": "22"}]}},
  {"entity": "document", "op": "upsert", "key": {"tipo_doc": "ddt", "numero": "D-2024-077"},
   "data": {"data_doc": "2024-05-08", "cliente_cod": "123", "tor_chia": "C201700001230",
            "lines": [{"articolo": "ART1", "quantita": 2}, {"articolo": "ART2", "quantita": 1}]}},
  {"entity": "document", "op": "upsert", "key": {"tipo_doc": "fattura", "numero": "F-2024-101"},
   "data": {"data_doc": "2024-05-31", "cliente_cod": "123", "tor_chia": "C201700001230", "totale_imponibile": 31.5,
            "totale_iva": 6.93, "totale_documento": 38.43,
            "lines": [{"riga": 1, "articolo": "ART1", "quantita": 2, "prezzo": 10.5, "iva": "22"},
                      {"riga": 2, "articolo": "ART2", "quantita": 1, "prezzo": 12.345, "sconto": 12.5, "iva": "22"}]}},
  {"entity": "order", "op": "upsert", "key": {"tor_chia": "C201700001230"}, "data": {"note": "consegna al mattino"}},
  {"entity": "order", "op": "upsert", "key": {"tor_chia": "C201700002160"},
   "data": {"autore_tipo": "O", "autore_cod": "80", "cliente_cod": "124", "lines": [{"articolo": "ART3", "quantita": 50}]}}
]');
select sincro.sync_apply_changes('UPG01', :run, sincro.erp_cursor('UPG01'), 'erp-0012', '[
  {"entity": "customer", "op": "delete", "key": {"cod_cli": "CL002"}, "data": null},
  {"entity": "article", "op": "delete", "key": {"cod_art": "OLD1"}, "data": null},
  {"entity": "order", "op": "delete", "key": {"tor_chia": "C201700002160"}, "data": null}
]');
select sincro.sync_run_complete('UPG01', :run);

-- a total rebuild, complete: what no snapshot holds becomes a tombstone (customer 124, article ART3,
-- CL001's old price of ART3, carrier BRT, the quote)
select sincro.sync_run_begin('UPG01', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('UPG01', :run, 'customer', '[
  {"key": {"cod_cli": "123"}, "data": {"ragione_sociale": "Mario Rossi", "codice_fiscale": "RSSMRA80A01F205X", "citta": "Milano", "listino": "WEB"}},
  {"key": {"cod_cli": "CL001"}, "data": {"ragione_sociale": "Ferramenta Verdi S.n.c.", "partita_iva": "09876543210", "citta": "Torino"}}
]');
select sincro.sync_rebuild_apply('UPG01', :run, 'article', '[
  {"key": {"cod_art": "ART1"}, "data": {"descrizione": "Vite M6", "unita_misura": "PZ", "prezzo": 10.8, "cod_iva": "22", "giacenza": 1100}},
  {"key": {"cod_art": "ART2"}, "data": {"descrizione": "Dado M6", "unita_misura": "PZ", "prezzo": 12.345, "cod_iva": "22", "giacenza": 0.5}},
  {"key": {"cod_art": "ART4"}, "data": {"descrizione": "Bullone M8", "unita_misura": "PZ", "prezzo": 0.8}}
]');
select sincro.sync_rebuild_apply('UPG01', :run, 'particolarita', '[
  {"key": {"cod_cli": "CL001", "cod_art": "ART1", "valido_dal": "2024-01-01"}, "data": {"prezzo": 9.5, "sconto": 5}},
  {"key": {"cod_cli": "123", "cod_art": "ART2", "valido_dal": "2024-03-01"}, "data": {"valido_al": "2024-12-31", "sconto": 10}}
]');
select sincro.sync_rebuild_apply('UPG01', :run, 'accessory', '[
  {"key": {"tabella": "pagamenti", "codice": "RB30"}, "data": {"descrizione": "Ri.Ba. 30 gg", "dati": {"giorni": 30, "fine_mese": true}}},
  {"key": {"tabella": "iva", "codice": "22"}, "data": {"descrizione": "IVA 22%", "dati": {"aliquota": 22}}}
]');
select sincro.sync_rebuild_apply('UPG01', :run, 'document', '[
  {"key": {"tipo_doc": "ddt", "numero": "D-2024-077"},
   "data": {"data_doc": "2024-05-08", "cliente_cod": "123", "tor_chia": "C201700001230",
            "lines": [{"articolo": "ART1", "quantita": 2}, {"articolo": "ART2", "quantita": 1}]}},
  {"key": {"tipo_doc": "fattura", "numero": "F-2024-101"},
   "data": {"data_doc": "2024-05-31", "cliente_cod": "123", "tor_chia": "C201700001230", "totale_imponibile": 31.5,
            "totale_iva": 6.93, "totale_documento": 38.43,
            "lines": [{"riga": 1, "articolo": "ART1", "quantita": 2, "prezzo": 10.5, "iva": "22"},
                      {"riga": 2, "articolo": "ART2", "quantita": 1, "prezzo": 12.345, "sconto": 12.5, "iva": "22"}]}}
]');
select sincro.sync_rebuild_apply('UPG01', :run, 'order', '[
  {"key": {"tor_chia": "C201700002150"}, "data": {"conferma": "CK3", "cod_pagamento": "RB60"}}
]');
select sincro.sync_rebuild_sweep('UPG01', :run, 'erp-0020');
select sincro.sync_run_complete('UPG01', :run);

-- a sync for changes and a rebuild that failed half-way (their committed batches stay, no quota used)
select sincro.sync_run_begin('UPG01', 'changes') as run \gset
select sincro.sync_apply_changes('UPG01', :run, sincro.erp_cursor('UPG01'), 'erp-0021', '[
  {"entity": "article", "op": "upsert", "key": {"cod_art": "ART4"}, "data": {"descrizione": "Bullone M8", "unita_misura": "PZ", "prezzo": 0.85}}
]');
select sincro.sync_run_fail('UPG01', :run, 'ERP unavailable: 503 from GET /v1/companies/UPG01/changes');
select sincro.sync_run_begin('UPG01', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('UPG01', :run, 'accessory', '[
  {"key": {"tabella": "pagamenti", "codice": "RB60"}, "data": {"descrizione": "Ri.Ba. 60 gg", "dati": {"giorni": 60}}}
]');
select sincro.sync_run_fail('UPG01', :run, 'snapshot of article interrupted: socket hang up');

-- ---------------------------------------------------------------------------
-- partial syncs: the admin starts them, the worker ends them (succeeded, failed)
set session authorization :"admin";
select sincro.sync_run_begin('UPG01', 'partial') as run \gset
set session authorization :"worker";
select sincro.sync_run_finish('UPG01', :run, 3, 1, 0);
set session authorization :"admin";
select sincro.sync_run_begin('UPG01', 'partial') as run \gset
set session authorization :"worker";
select sincro.sync_run_finish('UPG01', :run, 0, 0, 2, 'ERP unreachable: 2 orders left pending');

-- ---------------------------------------------------------------------------
-- 91 days pass for the article the ERP deleted (the owner ages it), then the daily purge removes it
reset session authorization;
update sincro.articoli set updated_at = updated_at - interval '91 days' where azi = 'UPG01' and cod_art = 'OLD1';
set session authorization :"worker";
select sincro.purge_tombstones('UPG01');

-- ---------------------------------------------------------------------------
-- consumers: the store imports D and acks it (D3); device 50 acks its agent's ERP order; cursors
set session authorization :"store1";
update sincro.arportes set ack_store = 1 where azi = 'UPG01' and id_pub = :d_id;
select sincro.advance_consumer_cursor('UPG01', 'store', (select last_id_sincro from sincro.apstatosyn where azi = 'UPG01'));
set session authorization :"app50";
update sincro.arportes set ack_app = 1 where azi = 'UPG01' and id_pub = :e_id;
select sincro.advance_consumer_cursor('UPG01', 'app:50', 4);
set session authorization :"admin";
select sincro.advance_consumer_cursor('UPG01', 'report.daily', 0);

-- ---------------------------------------------------------------------------
-- after the store's cursor: the ERP confirms C with new lines (C5-C6), and a sync for changes is
-- left running (its process died after one batch)
set session authorization :"erp1";
select sincro.erp_write_order('UPG01', jsonb_build_object('id_pub', :c_id, 'conferma', 'XYZ', 'lines',
  '[{"riga": 1, "articolo": "ART2", "quantita": 3, "prezzo": 12}, {"riga": 2, "articolo": "ART4", "quantita": 4, "prezzo": 0.8}]'::jsonb));
set session authorization :"worker";
select sincro.sync_run_begin('UPG01', 'changes') as run \gset
select sincro.sync_apply_changes('UPG01', :run, sincro.erp_cursor('UPG01'), 'erp-0025', '[
  {"entity": "customer", "op": "upsert", "key": {"cod_cli": "125"}, "data": {"ragione_sociale": "Nuovo Cliente ERP"}},
  {"entity": "accessory", "op": "delete", "key": {"tabella": "iva", "codice": "22"}, "data": null},
  {"entity": "order", "op": "upsert", "key": {"tor_chia": "C201700002151"}, "data": {"conferma": "Q-77"}}
]');

-- ---------------------------------------------------------------------------
-- UPG02 (manual push mode): pending orders, one failed push, a partial sync and a rebuild left running
set session authorization :"store2";
begin;
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod)
  values ('UPG02', 'S', 'A-1', 'C', 'K9', 'K9') returning id_pub as m1_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('UPG02', :m1_id, 1, 'X1', 1);
commit;
begin;
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod)
  values ('UPG02', 'S', 'A-2', 'C', 'K9', 'K9') returning id_pub as m2_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('UPG02', :m2_id, 1, 'X2', 2);
commit;
set session authorization :"worker";
select sincro.push_claim('UPG02', :m1_id) is not null as claimed;
select sincro.push_failed('UPG02', :m1_id, 'ERP answered 502 Bad Gateway');
set session authorization :"admin";
select sincro.partial_sync('UPG02');
set session authorization :"worker";
select sincro.sync_run_begin('UPG02', 'rebuild') as run \gset
select sincro.sync_rebuild_apply('UPG02', :run, 'article', '[
  {"key": {"cod_art": "X1"}, "data": {"descrizione": "Articolo X1"}}, {"key": {"cod_art": "X2"}, "data": {"descrizione": "Articolo X2"}}
]');
reset session authorization;
