-- An operator login (create_login kind operator) is bound to one company: it reads that
-- company's orders, lines, history, push state, events, runs, status and quota, and nothing
-- of another company; it writes nothing directly.
begin;
select plan(14);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_tests.store_order('C00001', 's1');
select sincro_tests.store_order('C00002', 's1');
select sincro.push_claim('C00001', 1);
select sincro.push_rejected('C00001', 1, 'customer UNKNOWN does not exist in the ERP');
select sincro.push_claim('C00002', 1);
select sincro.push_rejected('C00002', 1, 'bad');
select sincro.sync_run_begin('C00002', 'partial');
select sincro_tests.commit_point();

-- TEST: an operator login needs a registered company
select throws_ok($$ select sincro.create_login('t_op_none', 'operator') $$, 'SY102', null, 'operator without azi: SY102');
select throws_ok($$ select sincro.create_login('t_op_unknown', 'operator', 'NOPE') $$, 'SY100', null, 'operator of an unknown company: SY100');
select lives_ok($$ select sincro.create_login('t_op_c1', 'operator', 'C00001') $$, 'operator of C00001');
-- TEST: it is a member of sincro_operator, bound to C00001
select ok(pg_has_role('t_op_c1', 'sincro_operator', 'member'), 'member of sincro_operator');
select results_eq($$ select azi, kind from sincro_private.login where login = 't_op_c1' $$, $$ values ('C00001', 'operator') $$, 'bound to C00001');

set local session authorization t_op_c1;
-- TEST: reads its company only, everywhere
select results_eq($$ select azi, id_pub from sincro.arportes $$, $$ values ('C00001', 1::bigint) $$, 'orders of C00001 only');
select results_eq($$ select distinct azi from sincro.arporrig union select distinct azi from sincro.arportes_history
                     union select azi from sincro.order_push union select distinct azi from sincro.order_events $$,
                  $$ values ('C00001') $$, 'lines, history, push state and events of C00001 only');
select results_eq($$ select azi from sincro.company_status union all select azi from sincro.apstatosyn union all select azi from sincro.quota() $$,
                  $$ values ('C00001'), ('C00001'), ('C00001') $$, 'status, company and quota of C00001 only');
select is_empty($$ select * from sincro.sync_runs $$, 'no run of another company');
select results_eq($$ select azi, id_pub, erp_message from sincro.push_problems $$,
                  $$ values ('C00001', 1::bigint, 'customer UNKNOWN does not exist in the ERP') $$, 'its problems only');
-- TEST: writes nothing directly
select throws_ok($$ update sincro.order_push set state = 'pending' $$, '42501', null, 'order_push: permission denied');
select throws_ok($$ insert into sincro.order_events (azi, id_pub, event) values ('C00001', 1, 'retry') $$, '42501', null, 'order_events: permission denied');
-- TEST: starts its own company's partial sync, not another's
select lives_ok($$ select sincro.partial_sync('C00001') $$, 'a partial sync of C00001');
select throws_ok($$ select sincro.partial_sync('C00002') $$, 'SY100', null, 'no partial sync of another company: unknown to it');
reset session authorization;

select * from finish();
rollback;
