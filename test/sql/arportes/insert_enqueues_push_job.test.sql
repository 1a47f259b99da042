-- Insert trigger: a push_order job per store/app order, in the same transaction.
begin;
select plan(4);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: a store order enqueues push_order with its job key
select sincro_tests.store_order('C00001', 'o1') as id \gset
select results_eq($$ select task_identifier, key from graphile_worker.jobs $$,
                  $$ values ('push_order', 'push_order:C00001:1') $$, 'one push_order job keyed by company and id_pub');
-- TEST: the payload names the order
select results_eq($$ select payload::jsonb from graphile_worker._private_jobs $$,
                  $$ values ('{"azi": "C00001", "id_pub": 1}'::jsonb) $$, 'payload is {azi, id_pub}');
-- TEST: a rolled-back order leaves no job
savepoint s;
select sincro_tests.store_order('C00001', 'o2');
rollback to savepoint s;
select is((select count(*)::int from graphile_worker.jobs), 1, 'a rolled-back insert leaves no job');
-- TEST: an identical retry adds no second job
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'o1', 'C', '0');
select is((select count(*)::int from graphile_worker.jobs), 1, 'a skipped retry adds no job');

select * from finish();
rollback;
