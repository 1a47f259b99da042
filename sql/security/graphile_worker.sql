/*
 * graphile-worker's schema (made by graphile-worker's own migrations, which
 * `sincro migrate` runs first): the worker group runs the queue; nobody else
 * may touch it. Orders reach the queue through the insert trigger, which runs
 * as the owner (sincro_private.enqueue_push_order).
 */
revoke all on schema graphile_worker from public;
revoke execute on all functions in schema graphile_worker from public;

-- who may use it
grant usage on schema graphile_worker to sincro_worker;
grant select, insert, update, delete on all tables in schema graphile_worker to sincro_worker;
grant usage, select on all sequences in schema graphile_worker to sincro_worker;
grant execute on all functions in schema graphile_worker to sincro_worker;
