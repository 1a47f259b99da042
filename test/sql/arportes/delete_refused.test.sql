-- Delete guard (tg__refuse_delete): orders, lines, customers and history are never deleted.
begin;
select plan(5);

select sincro_tests.setup_company('C00001') as a \gset
insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00001', 'S', 'w1', 'Anna') returning customer_id as c \gset
select sincro_tests.store_order('C00001', 'o1') as id \gset

-- TEST: orders
select throws_ok($$ delete from sincro.arportes where id_pub = 1 $$, 'SY108', null, 'deleting an order: SY108');
-- TEST: lines
select throws_ok($$ delete from sincro.arporrig where id_pub = 1 $$, 'SY107', null, 'deleting a line directly: SY107');
-- TEST: new customers
select throws_ok($$ delete from sincro.new_customers $$, 'SY108', null, 'deleting a new customer: SY108');
-- TEST: history
select throws_ok($$ delete from sincro.arportes_history $$, 'SY108', null, 'deleting history: SY108');
select throws_ok($$ update sincro.arportes_history set note = 'x' $$, 'SY108', null, 'changing history: SY108');

select * from finish();
rollback;
