-- erp_write_order: bad input is refused with our code and leaves nothing behind.
begin;
select plan(17);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as id \gset
select sincro_tests.store_order('C00001', 'o2') as id2 \gset
select sincro.erp_write_order('C00001', '{"id_pub": 2, "tor_chia": "C201700000002"}') as w \gset
select sincro_tests.commit_point();

-- TEST: unknown company
select throws_ok($$ select sincro.erp_write_order('NOPE', '{"id_pub": 1}') $$, 'SY100', null, 'unknown company: SY100');
-- TEST: unknown id_pub
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 99, "tor_chia": "C201700000099"}') $$, 'SY200', null, 'unknown id_pub: SY200');
-- TEST: malformed doc
select throws_ok($$ select sincro.erp_write_order('C00001', '[1, 2]') $$, 'SY201', null, 'doc not an object: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', null) $$, 'SY201', null, 'doc NULL: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "colour": "red"}') $$, 'SY201', null, 'unknown field: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": "one"}') $$, 'SY201', null, 'id_pub not a number: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "totale_documento": "a lot"}') $$, 'SY201', null,
                 'a total that is not a number: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": ""}') $$, 'SY201', null, 'empty tor_chia: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "lines": []}') $$, 'SY201', null, 'empty lines: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "lines": [{"articolo": "A", "quantita": 1, "size": 3}]}') $$,
                 'SY201', null, 'unknown line field: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "lines": [{"riga": 1, "articolo": "A", "quantita": 1},
                                                                                     {"riga": 1, "articolo": "B", "quantita": 1}]}') $$,
                 'SY201', null, 'duplicate riga: SY201');
-- TEST: fields the hub owns
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "ack_store": 1}') $$, 'SY103', null, 'ack_store from the ERP: SY103');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "id_sincro": 7}') $$, 'SY103', null, 'id_sincro from the ERP: SY103');
-- TEST: neither id_pub nor tor_chia
select throws_ok($$ select sincro.erp_write_order('C00001', '{"conferma": "X"}') $$, 'SY203', null, 'no id_pub and no tor_chia: SY203');
-- TEST: key conflicts
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "C201700000002"}') $$, 'SY202', null,
                 'a tor_chia that belongs to another order: SY202');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 2, "tor_chia": "C201700000003"}') $$, 'SY202', null,
                 'changing the ERP key of an order: SY202');
-- TEST: nothing was written by the refusals
select results_eq($$ select (select count(*) from sincro.arportes)::int, (select last_id_sincro from sincro.apstatosyn)::int,
                            (select tor_chia from sincro.arportes where id_pub = 1), (select ack_gest from sincro.arportes where id_pub = 1)::int $$,
                  $$ values (2, 1, null::text, 0) $$, 'two orders, counter 1, order 1 untouched');

select * from finish();
rollback;
