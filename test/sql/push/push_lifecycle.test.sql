-- push_claim / push_acquired / push_rejected / push_failed: the worker's steps around the ERP call.
begin;
select plan(12);

select sincro_tests.setup_company('C00001') as a \gset
insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, email)
  values ('C00001', 'S', 'web-7', 'Mario Rossi', 'mario@example.com') returning customer_id as c \gset
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id, totale_documento)
  values ('C00001', 'S', '150', 'C', '0', :c, 24.40);
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('C00001', 1, 1, 'ART1', 2, 10.5);
select sincro_tests.commit_point();

-- TEST: the insert recorded the push as pending
select results_eq($$ select state, attempts from sincro.order_push where id_pub = 1 $$, $$ values ('pending', 0) $$, 'a new order is pending');
-- TEST: claim returns the ERP request and marks the push in flight
select sincro.push_claim('C00001', 1) as request \gset
select is((:'request'::jsonb) - 'lines' - 'new_customer' - 'data_ordine',
          '{"azi": "C00001", "web_id": 1, "prov_tipo": "S", "prov_id": null, "id_int": "150", "autore_tipo": "C",
            "autore_cod": "0", "cliente_cod": null, "cod_agente": null, "dest_ragione_sociale": null, "dest_indirizzo": null,
            "dest_cap": null, "dest_citta": null, "dest_provincia": null, "dest_nazione": null, "cod_pagamento": null,
            "note": null, "valuta": "EUR", "totale_imponibile": null, "totale_iva": null, "totale_documento": "24.40"}'::jsonb,
          'the request carries the header, decimals as strings');
select is((:'request'::jsonb) -> 'lines' -> 0 ->> 'quantita', '2.000', 'lines carry exact quantities');
select is((:'request'::jsonb) -> 'new_customer' ->> 'ragione_sociale', 'Mario Rossi', 'the new customer travels with its order');
select results_eq($$ select state, attempts from sincro.order_push where id_pub = 1 $$, $$ values ('in_flight', 1) $$, 'claimed: in flight, 1 attempt');
-- TEST: a failure puts it back to pending with the error
select sincro.push_failed('C00001', 1, 'connect ECONNREFUSED');
select results_eq($$ select state, last_error from sincro.order_push where id_pub = 1 $$, $$ values ('pending', 'connect ECONNREFUSED') $$,
                  'failed: pending again, error kept');
-- TEST: acquired writes the ERP's answer in one step: key, ack, customer code as author code
select sincro.push_claim('C00001', 1) as again \gset
select sincro.push_acquired('C00001', 1, 'C202600000001', '123');
select sincro_tests.commit_point();
select results_eq($$ select tor_chia, ack_gest, autore_cod, cliente_cod, id_sincro > 0 from sincro.arportes where id_pub = 1 $$,
                  $$ values ('C202600000001', 1::smallint, '123', '123', true) $$, 'A4 in one step');
select results_eq($$ select cod_cli from sincro.new_customers where customer_id = $$ || :c, $$ values ('123') $$, 'the new customer has its code');
select results_eq($$ select state, attempts from sincro.order_push where id_pub = 1 $$, $$ values ('acquired', 2) $$, 'acquired after 2 attempts');
-- TEST: an acquired order is not claimed again, and a repeated answer changes nothing
select is(sincro.push_claim('C00001', 1), null, 'nothing to push once acquired');
select id_sincro as n from sincro.arportes where id_pub = 1 \gset
select sincro.push_acquired('C00001', 1, 'C202600000001', '123');
select sincro_tests.commit_point();
select is((select id_sincro from sincro.arportes where id_pub = 1), :n::bigint, 'a repeated write-back bumps nothing');
-- TEST: a rejection is recorded with the ERP's message and shown as a problem
select sincro_tests.store_order('C00001', '151') as o2 \gset
select sincro.push_claim('C00001', 2) as r2 \gset
select sincro.push_rejected('C00001', 2, 'article ART1 is discontinued');
select results_eq($$ select state, erp_message from sincro.push_problems where id_pub = 2 $$,
                  $$ values ('rejected', 'article ART1 is discontinued') $$, 'push_problems shows the rejection');

select * from finish();
rollback;
