/*
 * graphile-worker's schema (made by graphile-worker's own migrations, which
 * `sincro migrate` runs first, as the owner): the worker group runs the queue;
 * nobody else may touch it. Orders reach the queue through the insert trigger,
 * which runs as the owner (sincro_private.enqueue_push_order).
 *
 * graphile-worker enables row-level security on its tables and defines no
 * policy, so only their owner could use them: the worker would have to run as
 * the owner of the whole hub. These policies let the worker group use every
 * row of the queue, so that a worker login owns nothing and is no superuser
 * (docs/security.md). They are made again by every migration, since a new
 * graphile-worker version may add tables.
 */
revoke all on schema graphile_worker from public;
revoke execute on all functions in schema graphile_worker from public;

do $$
declare
  v_table regclass;
begin
  for v_table in
    select c.oid::regclass from pg_catalog.pg_class c
    where c.relnamespace = 'graphile_worker'::regnamespace and c.relkind in ('r', 'p') and c.relrowsecurity
  loop
    execute pg_catalog.format('drop policy if exists sincro_worker_queue on %s', v_table);
    execute pg_catalog.format('create policy sincro_worker_queue on %s to sincro_worker using (true) with check (true)', v_table);
  end loop;
end;
$$;

-- who may use it
grant usage on schema graphile_worker to sincro_worker;
grant select, insert, update, delete on all tables in schema graphile_worker to sincro_worker;
grant usage, select on all sequences in schema graphile_worker to sincro_worker;
grant execute on all functions in schema graphile_worker to sincro_worker;
