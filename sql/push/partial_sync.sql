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
        -- done when it succeeded; a failed run keeps the phase it failed in
        phase = case when partial_sync_finish.error is null then 'done' else r.phase end,
        phase_item = case when partial_sync_finish.error is null then null else r.phase_item end,
        phase_step = case when partial_sync_finish.error is null then null else r.phase_step end,
        phase_steps = case when partial_sync_finish.error is null then null else r.phase_steps end,
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
  v_run_id bigint;
begin
  -- a console operator starts its own company's runs only (admins any): another company is unknown
  if not sincro_private.may_see_company(azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', azi);
  end if;
  v_run_id := sincro.sync_run_begin(azi, 'partial');
  -- the run belongs to the job now, not to this session: alive while the job can run (sync_run_begin)
  update sincro.sync_runs r set backend_pid = null, phase = 'queued' where r.azi = partial_sync.azi and r.run_id = v_run_id;
  perform graphile_worker.add_job(
    identifier := 'partial_sync',
    payload := pg_catalog.json_build_object('azi', azi, 'run_id', v_run_id),
    job_key := sincro_private.sync_run_job_key(azi, v_run_id),
    max_attempts := 1);
  return v_run_id;
end;
$$;

comment on function sincro.partial_sync(text) is
  E'Starts a partial sync of a company: the worker pushes every pending order (with its new customer) to the ERP; nothing is pulled, no quota is used. Returns the run_id (see sincro.sync_runs). An operator login starts its own company''s only (SY100 for another). SECURITY DEFINER: enqueues the job.';

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

create or replace function sincro_private.sync_run_job_key(azi text, run_id bigint)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select 'partial_sync/' || azi || '/' || run_id
$$;

comment on function sincro_private.sync_run_job_key(text, bigint) is
  E'The graphile-worker job key of a sync run queued for the worker (a partial sync, or a sync the console requested): how sync_run_begin tells a queued run from an abandoned one.';

/*
 * Whoever works on a partial run (the CLI's session, or the worker that took
 * the queued job) reports after each order: the counts so far, and that its
 * session is alive. A run closed as abandoned meanwhile answers SY123, so the
 * late worker stops instead of pushing for a run nobody follows.
 */
create or replace function sincro.partial_sync_progress(
  azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro.sync_runs r
    set orders_pushed = partial_sync_progress.orders_pushed, orders_rejected = partial_sync_progress.orders_rejected,
        orders_failed = partial_sync_progress.orders_failed, progress_at = pg_catalog.now(),
        backend_pid = pg_catalog.pg_backend_pid(),
        phase = case when r.phase = 'queued' then 'starting' else r.phase end  -- taken over by the worker
    where r.azi = partial_sync_progress.azi and r.run_id = partial_sync_progress.run_id and r.kind = 'partial'
      and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a running partial sync', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;

comment on function sincro.partial_sync_progress(text, bigint, integer, integer, integer) is
  E'A partial run''s counts so far, and that the session working on it is alive (it takes over a run queued for the worker). SY123 if the run is not running. SECURITY DEFINER: writes sync_runs.';

-- who may use it
revoke all on function sincro.partial_sync(text) from public;
grant execute on function sincro.partial_sync(text) to sincro_admin, sincro_operator;
revoke all on function sincro.pushable_orders(text) from public;
grant execute on function sincro.pushable_orders(text) to sincro_worker, sincro_admin;
revoke all on function sincro.partial_sync_finish(text,bigint,integer,integer,integer,text) from public;
grant execute on function sincro.partial_sync_finish(text,bigint,integer,integer,integer,text) to sincro_worker, sincro_admin;
revoke all on function sincro_private.sync_run_job_key(text, bigint) from public;
revoke all on function sincro.partial_sync_progress(text, bigint, integer, integer, integer) from public;
grant execute on function sincro.partial_sync_progress(text, bigint, integer, integer, integer) to sincro_worker, sincro_admin;
