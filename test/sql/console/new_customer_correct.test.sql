-- new_customer_correct: a rejection caused by a new customer's data is corrected (the customer's
-- fields only) and the order pushed again; the changes and the login go to the order's events.
begin;
select plan(12);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
-- a customer stored before the hub checked partita IVA (sql/common/fiscal.sql refuses '123' today): the ERP rejects it
insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale)
  values ('C00001', 'S', 'c1', 'Rossi Srl') returning customer_id as customer \gset
select sincro_tests.as_hub($$ update sincro.new_customers set partita_iva = '123' where azi = 'C00001' and id_int = 'c1' $$);
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id)
  values ('C00001', 'S', 'o1', 'C', '0', :customer);
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('C00001', 1, 1, 'ART1', 1, 10);
select sincro_tests.store_order('C00001', 'o2');  -- 2: no new customer
select sincro.push_claim('C00001', 1);
select sincro.push_rejected('C00001', 1, 'new customer: partita_iva 123 must be 11 digits');
select sincro.push_claim('C00001', 2);
select sincro.push_rejected('C00001', 2, 'customer X does not exist in the ERP');
select sincro_tests.commit_point();
select sincro.create_login('t_op_c1', 'operator', 'C00001');
select sincro.create_login('t_op_c2', 'operator', 'C00002');

-- TEST: refusals: another company's operator, a field that is not the customer's, a blank name, no change, no new customer
set local session authorization t_op_c2;
select throws_ok($$ select sincro.new_customer_correct('C00001', 1, '{"partita_iva": "01234567897"}') $$, 'SY160', null, 'another company: SY160');
reset session authorization;
set local session authorization t_op_c1;
select throws_ok($$ select sincro.new_customer_correct('C00001', 1, '{"cod_cli": "999"}') $$, 'SY101', null, 'cod_cli is the ERP''s: SY101');
select throws_ok($$ select sincro.new_customer_correct('C00001', 1, '{"ragione_sociale": " "}') $$, 'SY102', null, 'a blank name: SY102');
select throws_ok($$ select sincro.new_customer_correct('C00001', 1, '{"partita_iva": "123"}') $$, 'SY162', null, 'nothing changed: SY162');
select throws_ok($$ select sincro.new_customer_correct('C00001', 2, '{"partita_iva": "01234567897"}') $$, 'SY162', null, 'no new customer: SY162');
-- TEST: a correction meets the fiscal checks a client's new customer meets (wrong check digit, bad codice fiscale)
select throws_ok($$ select sincro.new_customer_correct('C00001', 1, '{"partita_iva": "01234567890"}') $$, 'SY180', null, 'a partita IVA with a wrong check digit: SY180');
select throws_ok($$ select sincro.new_customer_correct('C00001', 1, '{"partita_iva": "01234567897", "codice_fiscale": "RSSMRA80A01H501X"}') $$, 'SY181', null, 'a codice fiscale with a wrong check letter: SY181');
-- TEST: the correction
select lives_ok($$ select sincro.new_customer_correct('C00001', 1, '{"partita_iva": "01234567897", "ragione_sociale": "Rossi Srl"}') $$, 'corrected');
reset session authorization;
select results_eq($$ select partita_iva, ragione_sociale from sincro.new_customers where azi = 'C00001' $$,
                  $$ values ('01234567897', 'Rossi Srl') $$, 'the new customer holds the corrected VAT number');
select results_eq($$ select event, detail, db_user = 't_op_c1' from sincro.order_events where azi = 'C00001' and id_pub = 1 and event in ('corrected', 'retry') order by event_id $$,
                  $$ values ('corrected', 'partita_iva: 123 → 01234567897', true), ('retry', 'was rejected', true) $$,
                  'only what changed, before → after, with the login; then the retry');
select results_eq($$ select state from sincro.order_push where azi = 'C00001' and id_pub = 1 $$, $$ values ('pending') $$, 'pending again');
select results_eq($$ select count(*)::int from graphile_worker.jobs where key = 'push_order:C00001:1' $$, $$ values (1) $$, 'a push job queued');

select * from finish();
rollback;
