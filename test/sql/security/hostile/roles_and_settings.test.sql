-- SET ROLE and settings: a login cannot take another role's rights, claim the ERP's or the hub's party
-- by setting sincro.party, switch off triggers or row-level security, or lock the shared tables.
begin;
select plan(16);

select sincro_tests.hostile_setup();
select sincro_tests.footprint('C00001') as fp1 \gset

set local session authorization hx_store1;
-- TEST: roles a store login is not a member of
select throws_ok($$ set local role sincro_app $$, '42501', null, 'store: SET ROLE sincro_app refused');
select throws_ok($$ set local role sincro_admin $$, '42501', null, 'store: SET ROLE sincro_admin refused');
select throws_ok($$ set local role sincro_worker $$, '42501', null, 'store: SET ROLE sincro_worker refused');
select throws_ok($$ set local role hx_store2 $$, '42501', null, 'store: SET ROLE to another company''s login refused');
select throws_ok($$ set local role postgres $$, '42501', null, 'store: SET ROLE to the superuser refused');
-- TEST: its own group role changes nothing
select lives_ok($$ set local role sincro_store $$, 'store: SET ROLE sincro_store (its group) is allowed');
select results_eq($$ select distinct azi from sincro.arportes $$, $$ values ('C00001') $$, 'as its group it still sees its company only');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00002', 'S', 'r-1', 'C', '0') $$,
                 'SY111', null, 'as its group it still writes its company only');
reset role;
-- TEST: party claims without the hub's secret are ignored
select lives_ok($$ set local sincro.party = 'G' $$, 'store sets sincro.party = G');
select throws_ok($$ update sincro.arportes set conferma = 'FAKE' where azi = 'C00001' and id_pub = 1 $$, 'SY107', null, '... and is still a store (SY107)');
select lives_ok($$ select set_config('sincro.party', 'H:' || md5('guess'), true) $$, 'store sets sincro.party = H:<a guess>');
select throws_ok($$ delete from sincro.arportes where azi = 'C00001' and id_pub = 1 $$, '42501', null, '... and still cannot delete');
reset sincro.party;
-- TEST: triggers and row-level security cannot be switched off
select throws_ok($$ set local session_replication_role = replica $$, '42501', null, 'session_replication_role = replica refused');
select throws_ok($$ set local row_security = off; select count(*) from sincro.arportes $$, '42501', null, 'row_security = off: the read is refused, not widened');
-- TEST: the shared tables cannot be locked against other companies
select throws_ok($$ lock table sincro.arportes in share row exclusive mode $$, '42501', null, 'LOCK arportes SHARE ROW EXCLUSIVE refused');
reset session authorization;

select is(sincro_tests.footprint('C00001'), :'fp1', 'nothing was written');

select * from finish();
rollback;
