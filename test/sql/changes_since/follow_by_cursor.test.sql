-- sincro.changes_since: rows above the cursor, in change order, bounded (the index it reads through: reads_through_the_index).
begin;
select plan(8);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.setup_company('C00002') as b \gset
select sincro_tests.store_order('C00001', 'o' || g) from generate_series(1, 5) g;
select sincro_tests.store_order('C00002', 'x1') as other \gset
-- the ERP answers orders 3, 1, 5 in that order, then changes 3 again
select sincro.erp_write_order('C00001', '{"id_pub": 3, "tor_chia": "K3"}') as w \gset
select sincro_tests.commit_point();
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "K1"}') as w \gset
select sincro_tests.commit_point();
select sincro.erp_write_order('C00001', '{"id_pub": 5, "tor_chia": "K5"}') as w \gset
select sincro_tests.commit_point();
select sincro.erp_write_order('C00001', '{"id_pub": 3, "conferma": "OK"}') as w \gset
select sincro_tests.commit_point();
select sincro.erp_write_order('C00002', '{"id_pub": 1, "tor_chia": "K1"}') as w \gset
select sincro_tests.commit_point();

-- TEST: from 0, every changed order once, in change order (its latest number)
select results_eq($$ select id_pub, id_sincro from sincro.changes_since('C00001', 0) $$,
                  $$ values (1::bigint, 2::bigint), (5::bigint, 3::bigint), (3::bigint, 4::bigint) $$,
                  'from 0: orders 1, 5, 3 with 2, 3, 4');
-- TEST: from a cursor
select results_eq($$ select id_pub from sincro.changes_since('C00001', 3) $$, $$ values (3::bigint) $$, 'from 3: order 3');
-- TEST: max_rows bounds a batch
select results_eq($$ select id_pub from sincro.changes_since('C00001', 0, 2) $$, $$ values (1::bigint), (5::bigint) $$, 'max_rows 2');
-- TEST: nothing above the last number
select is_empty($$ select * from sincro.changes_since('C00001', 4) $$, 'nothing above 4');
-- TEST: other companies are separate
select results_eq($$ select id_pub, id_sincro from sincro.changes_since('C00002', 0) $$, $$ values (1::bigint, 1::bigint) $$,
                  'company C00002 has its own numbers');
-- TEST: bad arguments
select throws_ok($$ select * from sincro.changes_since('NOPE', 0) $$, 'SY100', null, 'unknown company: SY100');
select throws_ok($$ select * from sincro.changes_since('C00001', -1) $$, 'SY101', null, 'negative cursor: SY101');
select throws_ok($$ select * from sincro.changes_since('C00001', 0, 0) $$, 'SY101', null, 'max_rows 0: SY101');

select * from finish();
rollback;
