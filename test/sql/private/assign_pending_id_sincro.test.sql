-- sincro_private.assign_pending_id_sincro (deferred trigger _950): numbers at commit, per company, in id_pub order.
begin;
select plan(5);

select sincro_tests.setup_company('C00002') as b \gset
select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o' || g) from generate_series(1, 3) g;
select sincro_tests.store_order('C00002', 'o1') as x \gset

-- the ERP touches C00002's order, then C00001's 3 and 1, in one transaction
select sincro.erp_write_order('C00002', '{"id_pub": 1, "tor_chia": "K1"}') as w \gset
select sincro.erp_write_order('C00001', '{"id_pub": 3, "tor_chia": "K3"}') as w \gset
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "K1"}') as w \gset

-- TEST: before commit the rows are pending and the counters untouched
select results_eq($$ select count(*)::int from sincro.arportes where id_sincro is null $$, $$ values (3) $$, 'three rows pending');
select results_eq($$ select sum(last_id_sincro)::int from sincro.apstatosyn $$, $$ values (0) $$, 'counters not yet taken');
select sincro_tests.commit_point();
-- TEST: at commit each company numbers its rows from its own counter, in id_pub order
select results_eq($$ select azi, id_pub, id_sincro from sincro.arportes where id_sincro > 0 order by azi, id_pub $$,
                  $$ values ('C00001', 1::bigint, 1::bigint), ('C00001', 3::bigint, 2::bigint), ('C00002', 1::bigint, 1::bigint) $$,
                  'C00001: 1 -> 1, 3 -> 2; C00002: 1 -> 1');
-- TEST: the history versions carry the same numbers
select results_eq($$ select azi, id_pub, id_sincro from sincro.arportes_history where party = 'G' order by azi, id_pub $$,
                  $$ values ('C00001', 1::bigint, 1::bigint), ('C00001', 3::bigint, 2::bigint), ('C00002', 1::bigint, 1::bigint) $$,
                  'history stamped with the same numbers');
-- TEST: nothing pending remains, and a second run changes nothing
select sincro_private.assign_pending_id_sincro();
select results_eq($$ select sum(last_id_sincro)::int, (select count(*)::int from sincro.arportes where id_sincro is null) from sincro.apstatosyn $$,
                  $$ values (3, 0) $$, 'counters 2 + 1, nothing pending');

select * from finish();
rollback;
