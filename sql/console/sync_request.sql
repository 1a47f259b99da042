/*
 * The console's sync buttons: a sync for changes or a total rebuild is
 * started here and run by the worker (task sync_pull), not by the web
 * process. Starting is sync_run_begin itself, so a refusal (SY121 quota used
 * up, SY120 a sync already running) reaches the person who pressed the
 * button at once and writes nothing; the run's row in sync_runs is the record
 * the page follows. The queued job carries the key sync_run_begin looks for
 * (sync_run_job_key: the key of any run queued for the worker), so the run
 * counts as alive while its job waits; the worker takes it over with
 * sync_run_take.
 *
 * SECURITY DEFINER: enqueues, and writes sync_runs; checks the company itself
 * (an operator starts its own company's runs only).
 */
create or replace function sincro.sync_request(azi text, kind text)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_run_id bigint;
begin
  -- validate
  if kind is null or kind not in ('changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync_request: kind must be changes or rebuild (got %L); a partial sync is sincro.partial_sync', kind);
  end if;
  if not sincro_private.may_see_company(azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', azi);
  end if;

  -- begin (the refusals happen here), then hand the run to the worker
  v_run_id := sincro.sync_run_begin(azi, kind);
  update sincro.sync_runs r set backend_pid = null, phase = 'queued' where r.azi = azi and r.run_id = v_run_id;
  perform graphile_worker.add_job(
    identifier := 'sync_pull',
    payload := pg_catalog.json_build_object('azi', azi, 'run_id', v_run_id, 'kind', kind),
    job_key := sincro_private.sync_run_job_key(azi, v_run_id),
    max_attempts := 1);
  return v_run_id;
end;
$$;

comment on function sincro.sync_request(text, text) is
  E'Starts a sync for changes or a total rebuild of a company, run by the worker; returns its run_id (follow it in sincro.sync_runs). SY121 quota used up, SY120 a sync with the ERP already running, SY100 a company the login does not serve: nothing is written. SECURITY DEFINER: enqueues and writes sync_runs; checks the company itself.';

create or replace function sincro.sync_run_take(azi text, run_id bigint, kind text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
begin
  update sincro.sync_runs r
    set backend_pid = pg_catalog.pg_backend_pid(), progress_at = pg_catalog.now(), phase = 'starting'
    where r.azi = azi and r.run_id = run_id and r.kind = kind and r.state = 'running' and r.backend_pid is null;
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a queued %s sync', run_id, azi, kind),
      hint = 'It ended, was closed as abandoned, or another session took it (see sincro.sync_runs).';
  end if;
end;
$$;

comment on function sincro.sync_run_take(text, bigint, text) is
  E'Worker: takes over a run queued by sync_request (its session now works on it: alive while that session is); SY123 if it is not queued and running. SECURITY DEFINER: writes sync_runs.';

-- who may use it
revoke all on function sincro.sync_request(text,text) from public;
grant execute on function sincro.sync_request(text,text) to sincro_operator, sincro_admin;
revoke all on function sincro.sync_run_take(text,bigint,text) from public;
grant execute on function sincro.sync_run_take(text,bigint,text) to sincro_worker, sincro_admin;
