/*
 * Sync runs: begin refuses a second run of the same kind for a company while
 * one is running (a run left "running" for over an hour by a crash is closed as
 * failed first, so it cannot block the company for good); finish records the
 * counts and outcome.
 *
 * SECURITY DEFINER: parties cannot write sync_runs; these are the only paths.
 */
create or replace function sincro.sync_run_begin(azi text, kind text)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_run_id bigint;
  v_running bigint;
begin
  -- validate
  if not exists (select 1 from sincro_private.company c where c.azi = sync_run_begin.azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', sync_run_begin.azi);
  end if;
  if kind is null or kind not in ('partial', 'changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync: kind must be partial, changes or rebuild (got %L)', kind);
  end if;

  -- a crashed run does not block the company for ever
  update sincro.sync_runs r
    set state = 'failed', finished_at = now(), error = 'abandoned: still running after an hour'
    where r.azi = sync_run_begin.azi and r.kind = sync_run_begin.kind and r.state = 'running'
      and r.started_at < now() - interval '1 hour';

  -- one run of a kind at a time
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(pg_catalog.concat_ws('/', 'sync', sync_run_begin.azi, kind), 0));
  select r.run_id into v_running from sincro.sync_runs r
    where r.azi = sync_run_begin.azi and r.kind = sync_run_begin.kind and r.state = 'running';
  if found then
    raise exception using
      errcode = 'SY120',
      message = pg_catalog.format('sync: a %s sync of company %s is already running (run %s)', kind, sync_run_begin.azi, v_running),
      hint = 'Wait for it to finish; see sincro.sync_runs.';
  end if;

  insert into sincro.sync_runs (azi, kind, uses_quota)
    values (sync_run_begin.azi, kind, kind <> 'partial')
    returning run_id into v_run_id;
  return v_run_id;
end;
$$;

comment on function sincro.sync_run_begin(text, text) is
  E'Starts a sync run (partial, changes, rebuild) for a company and returns its run_id; SY120 if one of that kind is already running. SECURITY DEFINER: the only writer of sync_runs with sync_run_finish.';

create or replace function sincro.sync_run_finish(
  azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text default null)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update sincro.sync_runs r
    set state = case when sync_run_finish.error is null then 'succeeded' else 'failed' end,
        finished_at = now(),
        orders_pushed = sync_run_finish.orders_pushed,
        orders_rejected = sync_run_finish.orders_rejected,
        orders_failed = sync_run_finish.orders_failed,
        error = sync_run_finish.error
    where r.azi = sync_run_finish.azi and r.run_id = sync_run_finish.run_id and r.state = 'running'
$$;

comment on function sincro.sync_run_finish(text, bigint, integer, integer, integer, text) is
  E'Ends a sync run with its counts; failed when error is given, else succeeded. SECURITY DEFINER: the only writer of sync_runs with sync_run_begin.';

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
set search_path = ''
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
set search_path = ''
as $$
  select p.id_pub from sincro.order_push p
  where p.azi = pushable_orders.azi and p.state in ('pending', 'in_flight')
  order by p.id_pub
$$;

comment on function sincro.pushable_orders(text) is
  E'Public IDs of the orders a partial sync pushes: pending or in flight, oldest first (rejected orders are not retried). SECURITY DEFINER: reads order_push for the worker.';
