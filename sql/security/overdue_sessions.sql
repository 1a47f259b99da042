/*
 * The time limits create_login gives a login are its own settings: a hostile
 * client can switch them off (SET idle_in_transaction_session_timeout = 0) and
 * hold its company's public-ID counter in an open transaction for ever. This
 * is the limit it cannot switch off: the worker runs it every minute and it
 * ends the sessions of company-bound logins (store, app, ERP) that have idled
 * inside a transaction, or run one statement, for longer than the given
 * times. Their transaction rolls back (nothing half-written stays) and the
 * counter is free again.
 *
 * SECURITY DEFINER: it reads every session's state and ends sessions of other
 * roles, which the hub's owner may do only as a member of pg_read_all_stats
 * and pg_signal_backend (docs/security.md: the production set-up grants
 * them); without them it refuses (SY150) rather than silently end nothing.
 */
create or replace function sincro.end_overdue_sessions(
  idle_in_transaction_after interval default interval '1 minute', running_after interval default interval '5 minutes')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_session record;
  v_ended integer := 0;
begin
  -- validate
  if not (pg_catalog.pg_has_role('pg_read_all_stats', 'member') and pg_catalog.pg_has_role('pg_signal_backend', 'member')) then
    raise exception using
      errcode = 'SY150',
      message = pg_catalog.format('end_overdue_sessions: the hub''s owner (%s) cannot see or end other sessions', current_user),
      hint = 'Grant it pg_read_all_stats and pg_signal_backend (docs/security.md, production set-up).';
  end if;
  if idle_in_transaction_after is null or running_after is null
     or idle_in_transaction_after < interval '0' or running_after < interval '0' then
    raise exception using
      errcode = 'SY101', message = 'end_overdue_sessions: the times must be 0 or more';
  end if;

  -- apply
  for v_session in
    select a.pid
    from pg_catalog.pg_stat_activity a
    join sincro_private.login l on l.login = a.usename
    where a.datname = pg_catalog.current_database() and a.pid <> pg_catalog.pg_backend_pid()
      and (a.state in ('idle in transaction', 'idle in transaction (aborted)')
             and a.state_change < pg_catalog.clock_timestamp() - idle_in_transaction_after
           or a.state = 'active' and a.query_start < pg_catalog.clock_timestamp() - running_after)
  loop
    if pg_catalog.pg_terminate_backend(v_session.pid) then
      v_ended := v_ended + 1;
    end if;
  end loop;
  return v_ended;
end;
$$;

comment on function sincro.end_overdue_sessions(interval, interval) is
  E'Ends the sessions of store, app and ERP logins idle in a transaction longer than idle_in_transaction_after or running one statement longer than running_after (their transactions roll back); returns how many. The worker runs it every minute. SY150 when the owner lacks pg_read_all_stats and pg_signal_backend. SECURITY DEFINER: sees and ends other roles'' sessions.';

-- who may use it
revoke all on function sincro.end_overdue_sessions(interval, interval) from public;
grant execute on function sincro.end_overdue_sessions(interval, interval) to sincro_worker, sincro_admin;
