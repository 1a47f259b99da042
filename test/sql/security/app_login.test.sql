-- An app login: its own device's orders and its agent's ERP-made orders; cannot forge prov_id.
begin;
select plan(10);

select sincro_tests.setup_company('C00001') as c1 \gset
select sincro_tests.app_order('C00001', '50', '150', '15') as dev50 \gset
select sincro_tests.app_order('C00001', '51', '150', '21') as dev51 \gset
select sincro_tests.store_order('C00001', 's1') as s1 \gset
select sincro.erp_write_order('C00001', '{"tor_chia": "K15", "autore_tipo": "O", "autore_cod": "75", "cod_agente": "15", "lines": [{"articolo": "A", "quantita": 1}]}') as g15 \gset
select sincro.erp_write_order('C00001', '{"tor_chia": "K99", "autore_tipo": "O", "autore_cod": "75", "cod_agente": "99", "lines": [{"articolo": "A", "quantita": 1}]}') as g99 \gset
select sincro.create_login('t_app_c1_50', 'app', 'C00001', '50', null, '15');
select sincro_tests.commit_point();

set local session authorization t_app_c1_50;

-- TEST: sees its device's order and its agent's ERP order only
select results_eq($$ select id_pub from sincro.arportes order by id_pub $$, $$ values (1::bigint), (4::bigint) $$,
                  'device 50 sees order 1 (its own) and 4 (ERP-made for agent 15)');
select is_empty($$ select * from sincro.arportes where prov_id = '51' $$, 'another device''s orders: nothing');
select results_eq($$ select id_pub from sincro.pending_app $$, $$ values (4::bigint) $$, 'pending_app: the agent''s ERP order');
-- TEST: inserts as its own device
select lives_ok($$ select sincro_tests.app_order('C00001', '50', '151', '15') $$, 'inserts an order as device 50');
-- TEST: cannot forge another device
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '51', '999', 'T', '21') $$,
                 'SY111', null, 'forging prov_id 51: SY111');
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, prov_id, id_int, ragione_sociale) values ('C00001', 'A', '51', 'c1', 'X') $$,
                 'SY111', null, 'a customer as device 51: SY111');
-- TEST: acks its agent's ERP order, not the store's flag
select lives_ok($$ update sincro.arportes set ack_app = 1 where id_pub = 4 $$, 'ack_app on order 4');
select throws_ok($$ update sincro.arportes set ack_store = 1 where id_pub = 4 $$, 'SY111', null, 'ack_store from an app: SY111');
reset session authorization;
-- TEST: the forged order does not exist, the ack does
select is((select count(*)::int from sincro.arportes where id_int = '999'), 0, 'no order 999 was written');
select is((select ack_app from sincro.arportes where id_pub = 4), 1::smallint, 'order 4 acked by the app');

select * from finish();
rollback;
