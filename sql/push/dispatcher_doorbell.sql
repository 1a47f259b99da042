/*
 * The dispatcher's doorbell (issues 13 and 15). The worker's dispatcher finds
 * new orders and webhook deliveries by polling (sincro.dispatch_poll); an
 * insert sends no NOTIFY, because PostgreSQL serialises the commits of all
 * notifying transactions, which defeats group commit. But polling every 2 ms
 * whenever orders come cost more CPU than the orders themselves at 20 a second
 * (each round trip is a wake-up of two processes), and a hub idle for a second
 * let the next order wait up to 20 ms.
 *
 * So the dispatcher dozes between finds, and only a dozing dispatcher is rung:
 * it dozes holding an advisory lock exclusively (taken by dispatch_poll before
 * it looks, kept when it found nothing); an insert tries the same lock in
 * share mode, held to its commit. The insert rings (one NOTIFY per
 * transaction, whatever it writes) only when it cannot get it, that is while
 * a dispatcher dozes. No insert is missed: an insert that got the shared lock
 * keeps the dispatcher from dozing until it commits (the dispatcher then polls
 * again soon), and the dispatcher's look after taking the lock sees every
 * insert that committed before. With no worker running, or a dispatcher busy
 * pushing, inserts send nothing, as before.
 *
 * Why an advisory key, which any login can name (STYLE.md keeps those from
 * guarantees between companies): the lock guards latency, never an order. A
 * login that holds the key makes inserts ring, or keeps the dispatcher from
 * dozing; either way every order is still found by the dispatcher's polls
 * (SINCRO_PUSH_POLL_MS), as before this doorbell. The alternative, a row
 * lock, would make each insert write a lock into a shared row.
 */
create or replace function sincro_private.ring_dispatcher()
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  -- (1397313091, 1): 'SINC', the dispatcher's doze; shared locks never conflict with each other
  if not pg_catalog.pg_try_advisory_xact_lock_shared(1397313091, 1) then
    perform pg_catalog.pg_notify('sincro_dispatch', '');
  end if;
end;
$$;

comment on function sincro_private.ring_dispatcher() is
  E'Called where new work for the worker''s dispatcher is written (an order''s push record, a webhook delivery): sends NOTIFY sincro_dispatch at commit, once per transaction, only while a dispatcher dozes (it holds the doze lock); otherwise takes the doze lock in share mode to the commit, so that no dispatcher starts dozing before this work is visible.';

/*
 * One look of the dispatcher, on its own connection: new webhook deliveries
 * rung (store_inbox_dispatch), then new orders of one company claimed
 * (push_take). With doze, the doze lock is taken before looking (every
 * statement below then reads a snapshot taken after it) and kept only when
 * nothing was found: the dispatcher then waits for the doorbell. `dozing` says
 * whether this session holds the lock after the call; the caller passes it
 * back as `held` (session advisory locks count their acquisitions).
 */
create or replace function sincro.dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean,
                                                out inbox integer, out azi text, out requests jsonb, out dozing boolean)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
begin
  -- the doze lock: taken (or kept) to doze, released when awake
  if doze and not held then
    dozing := pg_catalog.pg_try_advisory_lock(1397313091, 1);
  elsif held and not doze then
    perform pg_catalog.pg_advisory_unlock(1397313091, 1);
    dozing := false;
  else
    dozing := coalesce(held, false);
  end if;

  -- look
  if ring_inbox then
    inbox := sincro.store_inbox_dispatch(500, interval '0', 10);
  end if;
  if take_orders then
    select t.azi, t.requests into azi, requests from sincro.push_take(max_orders) t;
  end if;

  -- something found: awake
  if dozing and (coalesce(inbox, 0) > 0 or azi is not null) then
    perform pg_catalog.pg_advisory_unlock(1397313091, 1);
    dozing := false;
  end if;
end;
$$;

comment on function sincro.dispatch_poll(integer, boolean, boolean, boolean, boolean) is
  E'Worker''s dispatcher, one look: rings for new webhook deliveries (store_inbox_dispatch, with ring_inbox), claims new orders of one company (push_take, with take_orders; azi NULL: none); with doze, takes the doze lock before looking and keeps it when nothing was found (dozing: then inserts ring it, see sincro_private.ring_dispatcher); held says whether the session holds it from the last call. SECURITY DEFINER: as push_take and store_inbox_dispatch.';

-- who may use it
revoke all on function sincro_private.ring_dispatcher() from public;
revoke all on function sincro.dispatch_poll(integer, boolean, boolean, boolean, boolean) from public;
grant execute on function sincro.dispatch_poll(integer, boolean, boolean, boolean, boolean) to sincro_worker, sincro_admin;
