-- new_customers: validation, idempotent retries, ERP-only changes.
begin;
select plan(10);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: a new customer is stored without ERP code
insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, partita_iva)
  values ('C00001', 'S', 'web-1', 'Anna Bianchi', '01234567897') returning customer_id as c \gset
select is((select cod_cli from sincro.new_customers where customer_id = :c), null, 'cod_cli empty until the ERP answers');
-- TEST: an identical retry is skipped
select is_empty($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, partita_iva)
                   values ('C00001', 'S', 'web-1', 'Anna Bianchi', '01234567897') returning customer_id $$, 'identical retry: no row');
-- TEST: the client finds it again
select is(sincro.find_new_customer('C00001', 'S', null, 'web-1'), :c::bigint, 'find_new_customer returns the first customer_id');
-- TEST: a conflicting retry is refused
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00001', 'S', 'web-1', 'Someone Else') $$,
                 'SY106', null, 'same key, different content: SY106');
-- TEST: bad inputs
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('NOPE', 'S', 'x', 'X') $$,
                 'SY100', null, 'unknown company: SY100');
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00001', 'G', 'x', 'X') $$,
                 'SY101', null, 'prov_tipo G: SY101');
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00001', 'A', 'x', 'X') $$,
                 'SY102', null, 'app customer without prov_id: SY102');
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, cod_cli) values ('C00001', 'S', 'x', 'X', '123') $$,
                 'SY103', null, 'client-supplied cod_cli: SY103');
-- TEST: a client cannot change a stored customer
select throws_ok($$ update sincro.new_customers set email = 'x@example.com' $$, 'SY107', null, 'direct update: SY107');
-- TEST: the ERP's answer writes the code to the customer linked from the order
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id) values ('C00001', 'S', 'o1', 'C', '0', :c);
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 1, 1, 'A', 1);
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "C201700000001", "cliente_cod": "123", "autore_cod": "123"}') as w \gset
select is((select cod_cli from sincro.new_customers where customer_id = :c), '123', 'cod_cli = 123 after the ERP''s answer');

select * from finish();
rollback;
