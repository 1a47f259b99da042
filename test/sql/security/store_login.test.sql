-- A store login: its company only, store orders only, its own ack only; refusals carry our codes.
begin;
select plan(14);

select sincro_tests.setup_company('C00001') as c1 \gset
select sincro_tests.setup_company('C00002') as c2 \gset
select sincro_tests.store_order('C00001', 's1') as s1 \gset
select sincro_tests.app_order('C00001', '50', 'a1', '15') as a1 \gset
select sincro_tests.store_order('C00002', 's1') as other \gset
select sincro.create_login('t_store_c1', 'store', 'C00001');
select sincro_tests.commit_point();

set local session authorization t_store_c1;

-- TEST: reads its company only
select results_eq($$ select azi, id_pub from sincro.arportes order by azi, id_pub $$,
                  $$ values ('C00001', 1::bigint), ('C00001', 2::bigint) $$, 'sees the orders of C00001 only');
select is_empty($$ select * from sincro.arportes where azi = 'C00002' $$, 'cross-company read returns nothing');
select is_empty($$ select * from sincro.arporrig where azi = 'C00002' $$, 'cross-company lines: nothing');
select results_eq($$ select azi from sincro.apstatosyn $$, $$ values ('C00001') $$, 'apstatosyn shows its company only');
select throws_ok($$ select * from sincro.changes_since('C00002', 0) $$, 'SY100', null, 'the change feed of another company: SY100');
-- TEST: writes a store order with lines
select lives_ok($$ select sincro_tests.store_order('C00001', 's2') $$, 'inserts a store order of its company');
-- TEST: refusals with our codes
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00002', 'S', 'x', 'C', '0') $$,
                 'SY111', null, 'an order for another company: SY111');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '50', 'x', 'T', '15') $$,
                 'SY111', null, 'an app order from the store login: SY111');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, id_pub) values ('C00001', 'S', 'x', 'C', '0', 77) $$,
                 'SY103', null, 'a protected column (id_pub): SY103');
select throws_ok($$ update sincro.arportes set ack_gest = 1 where id_pub = 1 $$, 'SY111', null, 'another party''s ack (ack_gest): SY111');
select lives_ok($$ update sincro.arportes set ack_store = 1 where id_pub = 2 $$, 'the store acks an app order of its company');
select throws_ok($$ update sincro.arportes set conferma = 'X' where id_pub = 1 $$, 'SY107', null, 'a protected column (conferma): SY107');
-- TEST: no way into counters or the job queue
select throws_ok($$ update sincro_private.id_pub_counter set last_value = 0 $$, '42501', null, 'counters: permission denied');
reset session authorization;
-- TEST: nothing was left behind by the refusals
select results_eq($$ select count(*)::int, max(id_pub)::int from sincro.arportes where azi = 'C00001' $$,
                  $$ values (3, 3) $$, 'C00001 holds its two orders and the new one, nothing else');

select * from finish();
rollback;
