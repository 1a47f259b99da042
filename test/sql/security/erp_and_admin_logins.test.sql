-- ERP, worker and admin logins; create_login's checks.
begin;
select plan(14);

select sincro_tests.setup_company('C00001') as c1 \gset
select sincro_tests.setup_company('C00002') as c2 \gset
select sincro_tests.store_order('C00001', 's1') as s1 \gset
select sincro_tests.store_order('C00002', 's1') as s2 \gset
select sincro_tests.store_order('C00001', 's2') as s3 \gset
select sincro.create_login('t_erp_c1', 'erp', 'C00001');
select sincro.create_login('t_worker', 'worker');
select sincro.create_login('t_admin', 'admin');
select sincro_tests.commit_point();

-- TEST: the ERP login writes its own company through erp_write_order
set local session authorization t_erp_c1;
select is(sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "K1"}'), 1::bigint, 'ERP login acquires an order of C00001');
select throws_ok($$ select sincro.erp_write_order('C00002', '{"id_pub": 1, "tor_chia": "K2"}') $$, 'SY111', null,
                 'ERP login of C00001 writing C00002: SY111');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'x', 'C', '0') $$,
                 '42501', null, 'the ERP does not insert directly');
select throws_ok($$ update sincro.arportes set ack_gest = 1 $$, '42501', null, 'the ERP does not update directly');
select results_eq($$ select azi, id_pub from sincro.pending_gest $$, $$ values ('C00001', 2::bigint) $$,
                  'pending_gest: the unacquired order of its company only');
reset session authorization;

-- TEST: the worker reads every company and writes through erp_write_order
set local session authorization t_worker;
select results_eq($$ select count(*)::int from sincro.arportes $$, $$ values (3) $$, 'worker sees both companies');
select is(sincro.erp_write_order('C00002', '{"id_pub": 1, "tor_chia": "K2"}'), 1::bigint, 'worker writes an ERP answer');
select throws_ok($$ update sincro.apstatosyn set sync_quota = 99 $$, '42501', null, 'the worker cannot set quotas');
reset session authorization;

-- TEST: the admin registers companies, sets quotas, creates logins
set local session authorization t_admin;
select lives_ok($$ insert into sincro.apstatosyn (azi) values ('C00003') $$, 'admin registers a company');
select lives_ok($$ update sincro.apstatosyn set sync_quota = 30 where azi = 'C00003' $$, 'admin sets a quota');
select lives_ok($$ select sincro.create_login('t_store_c3', 'store', 'C00003') $$, 'admin creates a store login');
select throws_ok($$ delete from sincro.arportes_history $$, '42501', null, 'history is append-only for the admin too');
reset session authorization;

-- TEST: create_login refuses bad requests
select throws_ok($$ select sincro.create_login('t_app_nodevice', 'app', 'C00001') $$, 'SY102', null, 'an app login without device: SY102');
select throws_ok($$ select sincro.create_login('t_store_nowhere', 'store', 'NOPE') $$, 'SY100', null, 'a login for an unknown company: SY100');

select * from finish();
rollback;
