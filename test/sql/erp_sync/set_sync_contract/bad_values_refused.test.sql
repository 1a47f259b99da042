-- sincro.set_sync_contract: a negative quota, a period under a day or an unknown company is refused.
begin;
select plan(3);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: a negative quota
select throws_ok($$ select sincro.set_sync_contract('C00001', -1) $$, 'SY201', null, 'a negative quota: SY201');
-- TEST: a period under a day
select throws_ok($$ select sincro.set_sync_contract('C00001', 1, '1 hour') $$, 'SY201', null, 'a period under a day: SY201');
-- TEST: an unknown company
select throws_ok($$ select sincro.set_sync_contract('NOPE', 1) $$, 'SY100', null, 'unknown company: SY100');

select * from finish();
rollback;
