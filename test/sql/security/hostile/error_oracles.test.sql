-- Same answer for "not yours" and "does not exist": a login cannot learn another company's codes or
-- order numbers, or another device's orders, from which error it gets.
begin;
select plan(14);

select sincro_tests.hostile_setup();
-- C00002 has order 1 and a new customer 3; C00001 has orders 1-4 (3 is device 32's)

-- TEST: a line for another company's order: the same code whether the order exists or not
set local session authorization hx_store1;
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00002', 1, 9, 'A', 1) $$,
                 'SY109', null, 'a line for C00002''s existing order 1: SY109');
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00002', 999, 9, 'A', 1) $$,
                 'SY109', null, 'a line for C00002''s missing order 999: SY109 as well');
-- TEST: an order for another company: the same code whether the company exists or not
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00002', 'S', 'o-1', 'C', '0') $$,
                 'SY111', null, 'an order for the registered C00002: SY111');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C99999', 'S', 'o-1', 'C', '0') $$,
                 'SY111', null, 'an order for the unregistered C99999: SY111 as well');
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00002', 'S', 'o-c', 'X') $$,
                 'SY111', null, 'a new customer for C00002: SY111');
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C99999', 'S', 'o-c', 'X') $$,
                 'SY111', null, 'a new customer for C99999: SY111 as well');
-- TEST: feeds and cursors of another company: the same code whether it exists or not
select throws_ok($$ select * from sincro.all_changes_since('C00002', 0) $$, 'SY100', null, 'all_changes_since of C00002: SY100');
select throws_ok($$ select * from sincro.all_changes_since('C99999', 0) $$, 'SY100', null, 'all_changes_since of C99999: SY100 as well');
select throws_ok($$ select sincro.advance_consumer_cursor('C00002', 'store', 0) $$, 'SY100', null, 'advance_consumer_cursor of C00002: SY100');
select throws_ok($$ select sincro.advance_consumer_cursor('C99999', 'store', 0) $$, 'SY100', null, 'advance_consumer_cursor of C99999: SY100 as well');
reset session authorization;

-- TEST: another device's order of the same company looks like a missing one
set local session authorization hx_app1_31;
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 3, 9, 'A', 1) $$,
                 'SY109', null, 'a line for device 32''s order 3: SY109');
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 999, 9, 'A', 1) $$,
                 'SY109', null, 'a line for the missing order 999: SY109 as well');
reset session authorization;

-- TEST: an ERP login and another company
set local session authorization hx_erp1;
select throws_ok($$ select sincro.erp_write_order('C00002', '{"id_pub": 1, "tor_chia": "X"}') $$, 'SY111', null, 'ERP writing C00002: SY111');
select throws_ok($$ select sincro.erp_write_order('C99999', '{"id_pub": 1, "tor_chia": "X"}') $$, 'SY111', null, 'ERP writing C99999: SY111 as well');
reset session authorization;

select * from finish();
rollback;
