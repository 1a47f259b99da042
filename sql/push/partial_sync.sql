create or replace function sincro.partial_sync_finish(
  azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text default null)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro.sync_runs r
    set state = case when partial_sync_finish.error is null then 'succeeded' else 'failed' end,
        finished_at = now(),
        orders_pushed = partial_sync_finish.orders_pushed,
        orders_rejected = partial_sync_finish.orders_rejected,
        orders_failed = partial_sync_finish.orders_failed,
        error = partial_sync_finish.error
    where r.azi = partial_sync_finish.azi and r.run_id = partial_sync_finish.run_id and r.state = 'running'
$$;

comment on function sincro.partial_sync_finish(text, bigint, integer, integer, integer, text) is
  E'Ends a partial sync run with its counts; failed when error is given, else succeeded. SECURITY DEFINER: the only writer of sync_runs with the other sync_run_* functions.';

/*
 * Rule 2 of the protocol: a partial sync pushes every pending order (and the
 * new customers they carry) now, pulls nothing and uses no quota. In SQL it
 * opens the run and rings the worker; `npx sincro sync partial` does the same
 * work in its own process and waits for it.
 */
create or replace function sincro.partial_sync(azi text)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_run_id bigint := sincro.sync_run_begin(azi, 'partial');
begin
  perform graphile_worker.add_job(
    identifier := 'partial_sync',
    payload := pg_catalog.json_build_object('azi', azi, 'run_id', v_run_id),
    max_attempts := 1);
  return v_run_id;
end;
$$;

comment on function sincro.partial_sync(text) is
  E'Starts a partial sync of a company: the worker pushes every pending order (with its new customer) to the ERP; nothing is pulled, no quota is used. Returns the run_id (see sincro.sync_runs). SECURITY DEFINER: enqueues the job.';

create or replace function sincro.pushable_orders(azi text)
returns setof bigint
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select p.id_pub from sincro.order_push p
  where p.azi = pushable_orders.azi and p.state in ('pending', 'in_flight')
  order by p.id_pub
$$;

comment on function sincro.pushable_orders(text) is
  E'Public IDs of the orders a partial sync pushes: pending or in flight, oldest first (rejected orders are not retried). SECURITY DEFINER: reads order_push for the worker.';

-- who may use it
revoke all on function sincro.partial_sync(text) from public;
grant execute on function sincro.partial_sync(text) to sincro_admin;
revoke all on function sincro.pushable_orders(text) from public;
grant execute on function sincro.pushable_orders(text) to sincro_worker, sincro_admin;
revoke all on function sincro.partial_sync_finish(text,bigint,integer,integer,integer,text) from public;
grant execute on function sincro.partial_sync_finish(text,bigint,integer,integer,integer,text) to sincro_worker, sincro_admin;
