/*
 * Sync runs: begin refuses a second run of the same kind for a company while
 * one is running. A run a crash or an interrupt left "running" never blocks
 * the next one for long: begin first closes as failed every run whose session
 * is gone (the run notes the session that works on it, at begin and at each
 * progress) or that made no progress for 10 minutes; a partial run queued for
 * the worker counts as alive while its job waits or runs.
 *
 * SECURITY DEFINER: parties cannot write sync_runs; these are the only paths.
 */
create or replace function sincro.sync_run_begin(azi text, kind text)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_run_begin.azi;
  v_with_erp constant boolean := kind is distinct from 'partial';
  v_company sincro_private.company;
  v_period_start date;
  v_run_id bigint;
  v_running sincro.sync_runs;
begin
  -- validate
  if kind is null or kind not in ('partial', 'changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync: kind must be partial, changes or rebuild (got %s)', sincro_private.shown(kind));
  end if;

  -- one partial sync, and one sync with the ERP (changes or rebuild), per company at a time: two begins of a
  -- company queue on its row, which no client can lock (an advisory lock's key any session can compute and
  -- hold, stopping another company's syncs). NO KEY UPDATE does not wait for the key-share locks that
  -- client inserts hold on the row through their foreign key.
  perform 1 from sincro_private.company c where c.azi = v_azi for no key update;
  if not found then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %s)', sincro_private.shown(v_azi));
  end if;

  -- a crashed run does not block the company: closed when its session is gone or it has made no progress for long
  update sincro.sync_runs r
    set state = 'failed', finished_at = pg_catalog.now(),
        error = case when r.progress_at < pg_catalog.now() - sincro_private.sync_run_stale_after(r.kind)
                       then pg_catalog.format('abandoned: no progress since %s', r.progress_at)
                     when r.backend_pid is null then 'abandoned: its worker job is gone'
                     else 'abandoned: the session that ran it is gone' end
    where r.azi = v_azi and (r.kind <> 'partial') = v_with_erp and r.state = 'running'
      and (r.progress_at < pg_catalog.now() - sincro_private.sync_run_stale_after(r.kind)
           or (r.backend_pid is not null and r.backend_pid <> pg_catalog.pg_backend_pid()
               and not exists (select 1 from pg_catalog.pg_stat_activity a where a.pid = r.backend_pid))
           or (r.backend_pid is null and not exists (
                 -- queued by sincro.partial_sync and not yet taken by a worker: alive while its job can still run
                 select 1 from graphile_worker.jobs j
                 where j.key = sincro_private.sync_run_job_key(r.azi, r.run_id)
                   and (j.locked_at is not null or j.attempts < j.max_attempts))));
  if kind = 'rebuild' then
    -- keys left by a rebuild that crashed (a failed or finished rebuild removes its own)
    delete from sincro_private.rebuild_seen s
      where s.azi = v_azi
        and s.run_id in (select r.run_id from sincro.sync_runs r where r.azi = v_azi and r.state <> 'running');
  end if;

  select * into v_running from sincro.sync_runs r
    where r.azi = v_azi and (r.kind <> 'partial') = v_with_erp and r.state = 'running';
  if found then
    raise exception using
      errcode = 'SY120',
      message = pg_catalog.format('sync: company %s already has a %s sync running (run %s, started %s); a second one is refused',
                                  v_azi, v_running.kind, v_running.run_id, v_running.started_at),
      hint = 'Wait for it to finish (see sincro.sync_runs). A run whose process died is closed by the next attempt at once.';
  end if;

  -- the contract: a sync with the ERP needs a unit of quota left in the current period
  if v_with_erp then
    v_period_start := sincro_private.roll_sync_period(v_azi);
    select * into v_company from sincro_private.company c where c.azi = v_azi;
    if v_company.sync_used >= v_company.sync_quota then
      raise exception using
        errcode = 'SY121',
        message = pg_catalog.format('sync: company %s has used %s of its %s syncs for the period %s to %s; the %s sync was not started',
                                    v_azi, v_company.sync_used, v_company.sync_quota, v_period_start,
                                    (v_period_start + v_company.sync_period)::date - 1, kind),
        hint = pg_catalog.format('The next period starts on %s. An administrator can raise the contract: npx sincro quota --azi %s --set <n>.',
                                 (v_period_start + v_company.sync_period)::date, v_azi);
    end if;
  end if;

  insert into sincro.sync_runs (azi, kind, uses_quota, backend_pid, erp_cursor_from, id_sincro_at_start)
    values (v_azi, kind, v_with_erp,
            pg_catalog.pg_backend_pid(),
            case when v_with_erp then (select c.erp_cursor from sincro_private.company c where c.azi = v_azi) end,
            case when kind = 'rebuild' then (select s.last_value from sincro_private.id_sincro_counter s where s.azi = v_azi) end)
    returning run_id into v_run_id;
  return v_run_id;
end;
$$;

comment on function sincro.sync_run_begin(text, text) is
  E'Starts a sync run (partial, changes, rebuild) for a company and returns its run_id. SY120 if one is running (changes and rebuild exclude each other); SY121 if a changes/rebuild run finds the quota used up. A refusal writes nothing. The session that begins a run works on it (or hands a partial run to the worker, see partial_sync); when that session is gone, the next begin closes the run as failed. SECURITY DEFINER: the only writer of sync_runs with the other sync_run_* functions.';

create or replace function sincro_private.sync_run_stale_after(kind text)
returns interval
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  -- every kind notes progress at least once per batch or order, each far shorter than this
  select interval '10 minutes'
$$;

comment on function sincro_private.sync_run_stale_after(text) is
  E'How long a running sync may go without progress before the next attempt closes it as abandoned.';

/*
 * Changes and rebuild runs: progress after each applied batch (refusing a run
 * that is no longer running), completion (charges one unit of quota, in the
 * same transaction) and failure (charges nothing).
 */
create or replace function sincro_private.sync_run_progress(
  azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro.sync_runs r
    set rows_received = r.rows_received + received, rows_changed = r.rows_changed + changed,
        rows_tombstoned = r.rows_tombstoned + tombstoned, erp_cursor_to = coalesce(erp_cursor, r.erp_cursor_to),
        progress_at = pg_catalog.now()
    where r.azi = sync_run_progress.azi and r.run_id = sync_run_progress.run_id and r.kind = sync_run_progress.kind
      and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a running %s sync', run_id, azi, kind),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;

comment on function sincro_private.sync_run_progress(text, bigint, text, bigint, bigint, bigint, text) is
  E'Adds a batch''s counts to a running changes/rebuild run and notes its progress; SY123 if the run is not running.';

create or replace function sincro.sync_run_complete(azi text, run_id bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_run sincro.sync_runs;
begin
  update sincro.sync_runs r
    set state = 'succeeded', finished_at = pg_catalog.now(), progress_at = pg_catalog.now(),
        phase = 'done', phase_item = null, phase_step = null, phase_steps = null
    where r.azi = sync_run_complete.azi and r.run_id = sync_run_complete.run_id and r.state = 'running'
    returning * into v_run;
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not running', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs).';
  end if;
  if v_run.uses_quota then
    perform sincro_private.roll_sync_period(azi);
    update sincro_private.company c set sync_used = c.sync_used + 1 where c.azi = sync_run_complete.azi;
  end if;
end;
$$;

comment on function sincro.sync_run_complete(text, bigint) is
  E'Marks a changes or rebuild run succeeded and, in the same transaction, uses one unit of the company''s quota. SECURITY DEFINER: writes sync_runs and the company''s usage.';

create or replace function sincro.sync_run_fail(azi text, run_id bigint, error text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro.sync_runs r
    set state = 'failed', finished_at = pg_catalog.now(), error = coalesce(sync_run_fail.error, 'failed')
    where r.azi = sync_run_fail.azi and r.run_id = sync_run_fail.run_id and r.state = 'running';
  delete from sincro_private.rebuild_seen s where s.azi = sync_run_fail.azi and s.run_id = sync_run_fail.run_id;
$$;

comment on function sincro.sync_run_fail(text, bigint, text) is
  E'Marks a run failed with its error; no quota is used. What its committed batches applied stays applied (each with the ERP cursor it covers). SECURITY DEFINER: writes sync_runs.';

/*
 * The phase of a running sync, for the people following it (the console's
 * sync view, sincro status): written by the session working on the run at
 * each change of phase — a rebuild before each entity's snapshot and before
 * the sweep, a sync for changes before fetching and before applying each page,
 * a partial sync before each order. Its own short transaction, so it shows at
 * once (a batch's counts show when the batch commits). Notes progress too.
 * The phases begin, take, complete and the queueing functions set themselves
 * (starting, queued, done) are not written here.
 *
 * SECURITY DEFINER: parties cannot write sync_runs; the worker and an admin's
 * CLI run syncs.
 */
create or replace function sincro.sync_run_phase(
  azi text, run_id bigint, phase text, item text default null, step integer default null, steps integer default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- validate
  if phase is null or phase not in ('reading', 'tombstoning', 'fetching', 'applying', 'pushing') then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('sync_run_phase: phase must be reading, tombstoning, fetching, applying or pushing (got %s)', sincro_private.shown(phase)),
      hint = 'queued, starting and done are set by the hub itself.';
  end if;
  if step < 1 or steps < 0 or step > steps or pg_catalog.length(item) > 100 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('sync_run_phase: step %s of %s (item %s) is not a step of a phase', step, steps, sincro_private.shown(item)),
      hint = 'step counts from 1 and is at most steps; item is an entity name.';
  end if;

  -- apply
  update sincro.sync_runs r
    set phase = sync_run_phase.phase, phase_item = sync_run_phase.item, phase_step = sync_run_phase.step,
        phase_steps = sync_run_phase.steps, progress_at = pg_catalog.now()
    where r.azi = sync_run_phase.azi and r.run_id = sync_run_phase.run_id and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not running', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;

comment on function sincro.sync_run_phase(text, bigint, text, text, integer, integer) is
  E'The phase a running sync enters (reading an entity i of n, tombstoning, fetching or applying page i, pushing order i of n), written by the session working on it so the console and sincro status show it live. SY101 for an unknown phase or a bad step; SY123 if the run is not running. SECURITY DEFINER: writes sync_runs.';

-- who may use it: a sync is begun only by an admin login (the CLI) or requested by an operator
-- (sincro.sync_request, queued); the worker never begins one, it works the runs it is handed
-- (sync_run_take, partial_sync_progress) to their end, so it may apply, complete and fail them
revoke all on function sincro.sync_run_begin(text,text) from public;
grant execute on function sincro.sync_run_begin(text,text) to sincro_admin;
revoke all on function sincro.sync_run_complete(text,bigint) from public;
grant execute on function sincro.sync_run_complete(text,bigint) to sincro_worker, sincro_admin;
revoke all on function sincro.sync_run_phase(text,bigint,text,text,integer,integer) from public;
grant execute on function sincro.sync_run_phase(text,bigint,text,text,integer,integer) to sincro_worker, sincro_admin;
revoke all on function sincro.sync_run_fail(text,bigint,text) from public;
grant execute on function sincro.sync_run_fail(text,bigint,text) to sincro_worker, sincro_admin;
revoke all on function sincro_private.sync_run_progress(text,bigint,text,bigint,bigint,bigint,text) from public;
revoke all on function sincro_private.sync_run_stale_after(text) from public;
