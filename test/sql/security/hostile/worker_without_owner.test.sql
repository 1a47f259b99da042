-- The worker's login owns nothing and is no superuser, yet it can use the job queue: add jobs, see them,
-- take and complete them (graphile-worker's tables have row-level security with no policy for others).
begin;
select plan(6);

select sincro_tests.hostile_setup();

-- TEST: the worker login is neither superuser nor owner of anything
select is((select rolsuper or rolbypassrls from pg_roles where rolname = 'hx_worker'), false, 'hx_worker is no superuser and does not bypass RLS');
select is_empty($$ select c.oid::regclass from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname in ('hx_worker', 'sincro_worker') $$,
                'hx_worker and sincro_worker own no table');

set local session authorization hx_worker;
-- TEST: it adds, sees and takes jobs
select lives_ok($$ select graphile_worker.add_job('sweep_pushes', '{}'::json) $$, 'worker: add_job');
select ok((select pg_catalog.jsonb_array_length(requests) from sincro.push_take(50)) > 0, 'worker: takes new orders to push (push_take)');
-- (graphile-worker 0.17 takes jobs with an UPDATE of its own, from the worker's connection)
with taken as (
  update graphile_worker._private_jobs set locked_at = now(), locked_by = 'hx-probe'
  where task_id = (select id from graphile_worker._private_tasks where identifier = 'sweep_pushes') returning 1)
select is(count(*)::int, 1, 'worker: takes the job (locks it)') from taken;
with done as (delete from graphile_worker._private_jobs where locked_by = 'hx-probe' returning 1)
select is(count(*)::int, 1, 'worker: completes it (deletes it, as graphile-worker does)') from done;
reset session authorization;

select * from finish();
rollback;
