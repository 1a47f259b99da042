-- sincro.apstatosyn: registering a company, its counters and quota.
begin;
select plan(10);

-- TEST: a plain insert registers a company with both counters at 0
select lives_ok($$ insert into sincro.apstatosyn (azi) values ('C00001') $$, 'insert into apstatosyn(azi) registers a company');
select results_eq(
  $$ select azi, last_id_pub, last_id_sincro, sync_quota, sync_used from sincro.apstatosyn $$,
  $$ values ('C00001', 0::bigint, 0::bigint, 0, 0) $$,
  'counters and quota start at 0');
-- TEST: the counters are separate rows (no shared lock between store inserts and ERP commits)
select results_eq(
  $$ select (select count(*) from sincro_private.id_pub_counter where azi = 'C00001')::int,
            (select count(*) from sincro_private.id_sincro_counter where azi = 'C00001')::int $$,
  $$ values (1, 1) $$,
  'one public-ID counter row and one change-number counter row');
-- TEST: a malformed code is refused
select throws_ok($$ insert into sincro.apstatosyn (azi) values ('C 001; drop') $$, 'SY101', null, 'a malformed azi is refused');
-- TEST: a missing code is refused
select throws_ok($$ insert into sincro.apstatosyn (azi) values (null) $$, 'SY102', null, 'a missing azi is refused');
-- TEST: registering twice is refused
select throws_ok($$ insert into sincro.apstatosyn (azi) values ('C00001') $$, 'SY110', null, 'a company cannot be registered twice');
-- TEST: counters cannot be set by hand
select throws_ok($$ update sincro.apstatosyn set last_id_pub = 10 where azi = 'C00001' $$, 'SY103', null, 'last_id_pub cannot be edited');
select throws_ok($$ insert into sincro.apstatosyn (azi, last_id_sincro) values ('C00002', 5) $$, 'SY103', null, 'last_id_sincro cannot be supplied');
-- TEST: the quota can be set
update sincro.apstatosyn set sync_quota = 30, ragione_sociale = 'Rossi Srl' where azi = 'C00001';
select results_eq($$ select sync_quota, ragione_sociale from sincro.apstatosyn where azi = 'C00001' $$,
                  $$ values (30, 'Rossi Srl') $$, 'name and quota are updatable');
-- TEST: companies are never deleted
select throws_ok($$ delete from sincro.apstatosyn where azi = 'C00001' $$, 'SY108', null, 'a company cannot be deleted');

select * from finish();
rollback;
