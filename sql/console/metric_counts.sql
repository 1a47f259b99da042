/*
 * The figures of /metrics that would otherwise be counted over every order at
 * each scrape (push outcomes, the insert → acquired histogram, pending counts
 * per party) are kept as they happen: triggers on the rows they count add a
 * delta row to sincro_private.metric_delta in the same transaction, so a
 * figure changes exactly when the change commits, and never otherwise.
 * Deltas are inserts only: two pushes of one company never wait on a shared
 * counter row. sincro.metric_compact folds them into metric_rollup; a scrape
 * (sincro.metric_samples) adds rollup and the deltas not folded yet, in one
 * snapshot, so what it reports is exact and, for counters, never goes down.
 *
 * The triggers fire only on the changes they count (their WHEN clauses are
 * evaluated without calling a function): once per order when it becomes
 * acquired, once per rejection or failed attempt, and when an order enters or
 * leaves what a party has not acquired.
 */

/* The histogram's bounds, in seconds: one list for the triggers and the scrape. */
create or replace function sincro_private.push_duration_bounds()
returns numeric[]
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select array[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::numeric[]
$$;

comment on function sincro_private.push_duration_bounds() is
  E'The upper bounds (seconds) of sincro_push_duration_seconds'' buckets.';

/* The one bucket an observation is counted in (the scrape makes them cumulative). */
create or replace function sincro_private.push_duration_bucket(seconds numeric)
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(
    (select b::text from pg_catalog.unnest(sincro_private.push_duration_bounds()) b
     where push_duration_bucket.seconds <= b order by b limit 1),
    '+Inf')
$$;

comment on function sincro_private.push_duration_bucket(numeric) is
  E'The smallest bound of the push-duration histogram that seconds does not exceed (le is inclusive), as text; +Inf above the last.';

/*
 * An order became acquired (push_acquired, or push_claim finding the ERP had
 * acked it): count it and its insert → acquired time. acquired is final, so
 * each order is counted once.
 */
create or replace function sincro_private.tg_order_push__count_acquired()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- the duration's bucket is found when the delta is folded or scraped: nothing more on the push path
  insert into sincro_private.metric_delta (azi, metric, n, seconds)
    values (new.azi, 'push_acquired', 1, extract(epoch from new.acquired_at - new.created_at));
  return null;
end;
$$;

comment on function sincro_private.tg_order_push__count_acquired() is
  E'AFTER INSERT/UPDATE on order_push, when a push becomes acquired: one push_acquired delta with its insert → acquired seconds. SECURITY DEFINER: fired by the worker''s and operators'' functions, it writes a table nobody else may.';

create trigger _800_count_acquired
  after insert on sincro.order_push
  for each row
  when (new.state = 'acquired' and new.acquired_at is not null)
  execute function sincro_private.tg_order_push__count_acquired();

create trigger _800_count_acquired_update
  after update of state, acquired_at on sincro.order_push
  for each row
  when (new.state = 'acquired' and new.acquired_at is not null
        and (old.state <> 'acquired' or old.acquired_at is null))
  execute function sincro_private.tg_order_push__count_acquired();

/* Each rejection and each failed attempt (order events are append-only). */
create or replace function sincro_private.tg_order_events__count_outcome()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  insert into sincro_private.metric_delta (azi, metric, n) values (new.azi, new.event, 1);
  return null;
end;
$$;

comment on function sincro_private.tg_order_events__count_outcome() is
  E'AFTER INSERT on order_events of push_rejected and push_failed: one delta of that name. SECURITY DEFINER: writes a table nobody else may.';

create trigger _800_count_outcome
  after insert on sincro.order_events
  for each row
  when (new.event in ('push_rejected', 'push_failed'))
  execute function sincro_private.tg_order_events__count_outcome();

/*
 * Pending per party (sincro.pending_gest, pending_store, pending_app): +1 when
 * an order enters the set, -1 when it leaves. Inside a transaction that
 * changes an order on the ERP side id_sincro is NULL until the commit stamps
 * it, always with a number > 0: NULL counts as published, so the stamping
 * itself changes no count (and no committed row holds NULL).
 */
create or replace function sincro_private.tg_arportes__count_pending()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_published_new boolean := coalesce(new.id_sincro, 1) > 0;
  v_published_old boolean := tg_op = 'UPDATE' and coalesce(old.id_sincro, 1) > 0;
  v_erp integer := (new.ack_gest = 0)::integer - (tg_op = 'UPDATE' and old.ack_gest = 0)::integer;
  v_store integer := (new.ack_store = 0 and v_published_new)::integer - (v_published_old and old.ack_store = 0)::integer;
  v_app integer := (new.ack_app = 0 and v_published_new)::integer - (v_published_old and old.ack_app = 0)::integer;
begin
  insert into sincro_private.metric_delta (azi, metric, n)
    select new.azi, d.metric, d.n
    from (values ('pending_erp', v_erp), ('pending_store', v_store), ('pending_app', v_app)) d(metric, n)
    where d.n <> 0;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__count_pending() is
  E'AFTER INSERT/UPDATE on arportes, when an order enters or leaves what a party has not acquired: pending_erp / pending_store / pending_app deltas of +1 or -1. SECURITY DEFINER: fired by clients'' statements, it writes a table nobody else may.';

create trigger _800_count_pending
  after insert on sincro.arportes
  for each row
  when (new.ack_gest = 0 or (coalesce(new.id_sincro, 1) > 0 and (new.ack_store = 0 or new.ack_app = 0)))
  execute function sincro_private.tg_arportes__count_pending();

create trigger _800_count_pending_update
  after update of ack_gest, ack_store, ack_app, id_sincro on sincro.arportes
  for each row
  when ((old.ack_gest = 0) <> (new.ack_gest = 0)
        or (old.ack_store = 0 and coalesce(old.id_sincro, 1) > 0) <> (new.ack_store = 0 and coalesce(new.id_sincro, 1) > 0)
        or (old.ack_app = 0 and coalesce(old.id_sincro, 1) > 0) <> (new.ack_app = 0 and coalesce(new.id_sincro, 1) > 0))
  execute function sincro_private.tg_arportes__count_pending();

/*
 * Folds the deltas into the rollup, each acquisition into its histogram
 * bucket: DELETE … RETURNING and the upsert in one statement, so a delta is
 * folded exactly once, and a scrape (one snapshot)
 * sees it either in the deltas or in the rollup. Deltas committed while it
 * runs, or by transactions still open, are left for the next compaction. One
 * compaction at a time: another finds the lock row taken and returns at once
 * (that one is doing the work); rollup rows are updated in key order.
 * Run by each scrape before it reads, and every minute by the worker.
 *
 * SECURITY DEFINER: the metric tables are private; granted to the admin (the
 * HTTP server) and the worker.
 */
create or replace function sincro.metric_compact()
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
declare
  v_folded bigint;
begin
  perform 1 from sincro_private.metric_compaction c where c.only_row for update skip locked;
  if not found then
    return 0;  -- another compaction is running
  end if;

  with folded as (
    delete from sincro_private.metric_delta d
    returning d.azi, d.metric, d.n, d.seconds
  ), summed as (
    select f.azi, f.metric,
           case when f.metric = 'push_acquired' then sincro_private.push_duration_bucket(f.seconds) else '' end as bucket,
           pg_catalog.sum(f.n) as n, pg_catalog.sum(f.seconds) as seconds, pg_catalog.count(*) as deltas
    from folded f
    group by 1, 2, 3
  ), upserted as (
    insert into sincro_private.metric_rollup as r (azi, metric, bucket, n, seconds)
      select s.azi, s.metric, s.bucket, s.n, s.seconds from summed s order by s.azi, s.metric, s.bucket
      on conflict (azi, metric, bucket) do update
        set n = r.n + excluded.n, seconds = r.seconds + excluded.seconds
  )
  select coalesce(pg_catalog.sum(s.deltas), 0) into v_folded from summed s;

  update sincro_private.metric_compaction c
    set compacted_at = pg_catalog.clock_timestamp(), deltas_folded = c.deltas_folded + v_folded
    where c.only_row;
  return v_folded;
end;
$$;

comment on function sincro.metric_compact() is
  E'Folds the metric deltas written since the last compaction into the rollup (exactly once each; figures unchanged); returns how many it folded, 0 when another compaction is running. Each /metrics scrape runs it first; the worker every minute. SECURITY DEFINER: the metric tables are private.';

-- who may use it
revoke all on function sincro_private.push_duration_bounds() from public;
revoke all on function sincro_private.push_duration_bucket(numeric) from public;
revoke all on function sincro_private.tg_order_push__count_acquired() from public;
revoke all on function sincro_private.tg_order_events__count_outcome() from public;
revoke all on function sincro_private.tg_arportes__count_pending() from public;
revoke all on function sincro.metric_compact() from public;
grant execute on function sincro.metric_compact() to sincro_worker, sincro_admin;
