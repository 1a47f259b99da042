-- Insert trigger: bad input is refused with our SQLSTATE and leaves nothing behind.
begin;
select plan(17);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: unknown company
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('NOPE', 'S', '1', 'C', '0') $$,
                 'SY100', null, 'unknown company: SY100');
-- TEST: prov_tipo not S/A/G
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'X', '1', 'C', '0') $$,
                 'SY101', null, 'prov_tipo X: SY101');
-- TEST: prov_tipo missing
select throws_ok($$ insert into sincro.arportes (azi, id_int, autore_tipo, autore_cod) values ('C00001', '1', 'C', '0') $$,
                 'SY102', null, 'prov_tipo missing: SY102');
-- TEST: prov_tipo G only through the ERP function
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, autore_tipo, autore_cod) values ('C00001', 'G', 'O', '75') $$,
                 'SY103', null, 'a direct G insert: SY103');
-- TEST: store order without id_int
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, autore_tipo, autore_cod) values ('C00001', 'S', 'C', '0') $$,
                 'SY102', null, 'store order without id_int: SY102');
-- TEST: app order without id_int
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '50', ' ', 'T', '15') $$,
                 'SY102', null, 'app order with a blank id_int: SY102');
-- TEST: app order without prov_id
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '1', 'T', '15') $$,
                 'SY102', null, 'app order without prov_id: SY102');
-- TEST: store order with a prov_id
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'S', '50', '1', 'C', '0') $$,
                 'SY101', null, 'store order with prov_id: SY101');
-- TEST: client-supplied id_pub
select throws_ok($$ insert into sincro.arportes (azi, id_pub, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 99, 'S', '1', 'C', '0') $$,
                 'SY103', null, 'client-supplied id_pub: SY103');
-- TEST: client-supplied id_sincro
select throws_ok($$ insert into sincro.arportes (azi, id_sincro, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 5, 'S', '1', 'C', '0') $$,
                 'SY103', null, 'client-supplied id_sincro: SY103');
-- TEST: client-supplied tor_chia
select throws_ok($$ insert into sincro.arportes (azi, tor_chia, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'C201700000001', 'S', '1', 'C', '0') $$,
                 'SY103', null, 'client-supplied tor_chia: SY103');
-- TEST: client-supplied conferma
select throws_ok($$ insert into sincro.arportes (azi, conferma, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'ABCD', 'S', '1', 'C', '0') $$,
                 'SY103', null, 'client-supplied conferma: SY103');
-- TEST: another party's ack
select throws_ok($$ insert into sincro.arportes (azi, ack_gest, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 1, 'S', '1', 'C', '0') $$,
                 'SY103', null, 'a store setting ack_gest: SY103');
select throws_ok($$ insert into sincro.arportes (azi, ack_store, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 1, 'A', '50', '1', 'T', '15') $$,
                 'SY103', null, 'an app setting ack_store: SY103');
-- TEST: autore_tipo not C/T/O
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', '1', 'Z', '0') $$,
                 'SY101', null, 'autore_tipo Z: SY101');
-- TEST: unknown new customer
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id) values ('C00001', 'S', '1', 'C', '0', 12345) $$,
                 'SY101', null, 'unknown new_customer_id: SY101');
-- TEST: nothing was left behind
select results_eq($$ select (select count(*) from sincro.arportes)::int, (select last_id_pub from sincro.apstatosyn)::int,
                            (select count(*) from graphile_worker.jobs)::int, (select count(*) from sincro.arportes_history)::int $$,
                  $$ values (0, 0, 0, 0) $$, 'no order, no public ID, no job, no history after the refusals');

select * from finish();
rollback;
