-- A new customer written by a store or app is refused when its partita IVA or codice fiscale is wrong
-- (SY180, SY181), and the order written with it fails whole: nothing is left behind. Values are stored
-- as checked (trimmed, codice fiscale in upper case, blank as NULL); customers abroad are not checked.
begin;
select plan(13);

select sincro_tests.hostile_setup();
select sincro_tests.footprint('C00001') as before \gset

-- TEST: an app login writing new customer, order and line in one statement, the customer's partita IVA with a wrong check digit: SY180
set local session authorization hx_app1_31;
select throws_ok($$
  with c as (
    insert into sincro.new_customers (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva)
    values ('C00001', 'A', '31', 'fis-1', 'Bar Sport Srl', '00743110158')
    returning azi, customer_id),
  h as (
    insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, new_customer_id)
    select c.azi, 'A', '31', 'fis-o1', 'T', 'AG1', c.customer_id from c
    returning azi, id_pub)
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select h.azi, h.id_pub, 1, 'A', 1 from h $$,
  'SY180', null, 'app: a wrong partita IVA check digit refuses the whole order: SY180');
-- TEST: other bad partita IVA forms: the IT prefix, 10 digits, a letter, a blank inside
select throws_ok(pg_catalog.format($$ insert into sincro.new_customers (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva)
                                     values ('C00001', 'A', '31', 'fis-2', 'Bar Sport Srl', %L) $$, v),
                 'SY180', null, pg_catalog.format('partita_iva %s: SY180', pg_catalog.to_json(v)))
from (values ('IT00743110157'), ('0074311015'), ('0074311015A'), ('00743 110157')) t(v);
reset session authorization;

-- TEST: a store login, a codice fiscale with a wrong check letter: SY181, even beside a valid partita IVA
set local session authorization hx_store1;
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, partita_iva, codice_fiscale)
                    values ('C00001', 'S', 'fis-3', 'Mario Rossi', '00743110157', 'RSSMRA80A01F205Y') $$,
                 'SY181', null, 'store: a wrong codice fiscale check letter: SY181');
reset session authorization;

-- TEST: nothing was written: no customer, order, line, public ID, job
select is(sincro_tests.footprint('C00001'), :'before', 'the refused statements left nothing behind');

-- TEST: valid values, as a client types them, are stored as checked: trimmed, codice fiscale in upper case
set local session authorization hx_app1_31;
select lives_ok($$ insert into sincro.new_customers (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, codice_fiscale)
                   values ('C00001', 'A', '31', 'fis-4', 'Rossi Mario', ' 00743110157 ', ' rssmra80a01f20rs ') $$,
                'app: valid partita IVA and omocodic codice fiscale, with blanks and in lower case');
reset session authorization;
select results_eq($$ select partita_iva, codice_fiscale from sincro.new_customers where azi = 'C00001' and id_int = 'fis-4' $$,
                  $$ values ('00743110157', 'RSSMRA80A01F20RS') $$, 'stored trimmed and in upper case');
-- TEST: the identical retry, typed the same way, is still recognised as a retry
set local session authorization hx_app1_31;
select is_empty($$ insert into sincro.new_customers (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, codice_fiscale)
                   values ('C00001', 'A', '31', 'fis-4', 'Rossi Mario', ' 00743110157 ', ' rssmra80a01f20rs ') returning customer_id $$,
                'identical retry: no row');
-- TEST: a blank codice fiscale (a web form's empty field) is no codice fiscale
select lives_ok($$ insert into sincro.new_customers (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, codice_fiscale)
                   values ('C00001', 'A', '31', 'fis-5', 'Verdi Spa', '12345678903', '') $$, 'a company with an empty codice fiscale field');
-- TEST: a customer abroad (nazione other than IT) keeps its own country's VAT number, unchecked
select lives_ok($$ insert into sincro.new_customers (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, nazione)
                   values ('C00001', 'A', '31', 'fis-6', 'Müller GmbH', 'DE123456789', 'DE') $$, 'a German customer''s VAT number');
reset session authorization;
select results_eq($$ select id_int, partita_iva, codice_fiscale from sincro.new_customers where azi = 'C00001' and id_int in ('fis-5', 'fis-6') order by id_int $$,
                  $$ values ('fis-5', '12345678903', null), ('fis-6', 'DE123456789', null) $$, 'blank stored as NULL; the foreign number as sent');

select * from finish();
rollback;
