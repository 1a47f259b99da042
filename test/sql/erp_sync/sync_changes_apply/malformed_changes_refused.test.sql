-- sincro.sync_changes_apply: malformed changes are refused (SY201).
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro.set_sync_contract('C00001', 10);
select sincro.sync_run_begin('C00001', 'changes') as run \gset

-- TEST: an unknown entity
select throws_ok($$ select sincro.sync_changes_apply('C00001', $$ || :run || $$, '', '10', '[{"entity": "planet", "op": "upsert", "key": {}, "data": {}}]') $$,
                 'SY201', null, 'unknown entity: SY201');
-- TEST: an upsert without data
select throws_ok($$ select sincro.sync_changes_apply('C00001', $$ || :run || $$, '', '10', '[{"entity": "article", "op": "upsert", "key": {"cod_art": "A"}}]') $$,
                 'SY201', null, 'upsert without data: SY201');

select * from finish();
rollback;
