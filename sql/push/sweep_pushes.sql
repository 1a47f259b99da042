/*
 * The doorbell can be lost: a job that failed for good, a worker killed while
 * holding a job (graphile-worker frees such a job only after 4 hours). The
 * sweep rings again for every order of an auto-mode company that is pending
 * without a live job, or in flight for longer than stale_after (a new order
 * whose doorbell has not rung is the dispatcher's, for stale_after). Run by the
 * worker's crontab every minute; a re-push is harmless because the ERP creates
 * orders idempotently on their web ID.
 *
 * SECURITY DEFINER: reads the job queue and enqueues, which the worker's SQL
 * role may not do directly for another task.
 */
create or replace function sincro.sweep_pushes(stale_after interval default interval '5 minutes')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_order record;
  v_count integer := 0;
begin
  for v_order in
    select p.azi, p.id_pub
    from sincro.order_push p
    join sincro_private.company c on c.azi = p.azi
    where c.push_mode = 'auto'
      and (p.state = 'pending' or (p.state = 'in_flight' and p.last_attempt_at < now() - stale_after))
      -- a new order waits for the dispatcher (sincro.push_take), unless that has not come for stale_after
      and (p.doorbell_rung or p.created_at < now() - stale_after)
      and not exists (
        select 1 from graphile_worker.jobs j
        where j.key = pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub)
          and j.attempts < j.max_attempts
          and (j.locked_at is null or j.locked_at > now() - stale_after))
    order by p.azi, p.id_pub
  loop
    perform sincro_private.enqueue_push_order(v_order.azi, v_order.id_pub);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

comment on function sincro.sweep_pushes(interval) is
  E'Re-enqueues push_order for every auto-mode order that is pending without a live job, or in flight longer than stale_after; returns how many. SECURITY DEFINER: reads and writes the job queue.';

-- who may use it
revoke all on function sincro.sweep_pushes(interval) from public;
grant execute on function sincro.sweep_pushes(interval) to sincro_worker, sincro_admin;
