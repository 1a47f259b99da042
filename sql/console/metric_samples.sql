/*
 * What a Prometheus scrape of GET /metrics reports about the hub, read from
 * the database at scrape time, so every process that serves /metrics reports
 * the same truth. One row per sample: the metric's name, its labels, its
 * value (docs/operations.md describes each metric).
 *
 * SECURITY DEFINER: counts every company's orders, runs and the job queue; it
 * gives figures, no order data. Granted to the admin (the hub's HTTP server
 * connects as the database owner or an admin login).
 */
create or replace function sincro.metric_samples()
returns table (metric text, labels jsonb, value double precision)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off  -- compiling costs more than these page-sized queries take
as $$
  with company as (
    select c.azi from sincro_private.company c
  ), pending as (
    select a.azi,
           pg_catalog.count(*) filter (where a.ack_gest = 0) as erp,
           pg_catalog.count(*) filter (where a.ack_store = 0 and a.id_sincro > 0) as store,
           pg_catalog.count(*) filter (where a.ack_app = 0 and a.id_sincro > 0) as app,
           pg_catalog.min(a.created_at) filter (where a.ack_gest = 0) as erp_oldest,
           pg_catalog.min(a.updated_at) filter (where a.ack_store = 0 and a.id_sincro > 0) as store_oldest,
           pg_catalog.min(a.updated_at) filter (where a.ack_app = 0 and a.id_sincro > 0) as app_oldest
    from sincro.arportes a
    where a.ack_gest = 0 or ((a.ack_store = 0 or a.ack_app = 0) and a.id_sincro > 0)
    group by a.azi
  ), party as (
    select c.azi, x.party, coalesce(x.n, 0) as n, x.oldest
    from company c
    left join pending p using (azi)
    cross join lateral (values ('erp', p.erp, p.erp_oldest), ('store', p.store, p.store_oldest), ('app', p.app, p.app_oldest)) x(party, n, oldest)
  ), outcome as (
    select e.azi, e.event, pg_catalog.count(*) as n
    from sincro.order_events e where e.event in ('push_rejected', 'push_failed') group by e.azi, e.event
  ), bucket as (
    select array[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::float8[] as le
  ), placed as (
    -- one pass: each acquired order's first bucket k (1-12; 13 = +Inf only) holding its duration,
    -- from width_bucket over the negated bounds, which counts the bounds >= the duration
    select d.azi, 13 - pg_catalog.width_bucket(-d.seconds, (select array(select -x from pg_catalog.unnest(b.le) x order by 1) from bucket b)) as k, d.seconds
    from (select p.azi, extract(epoch from p.acquired_at - p.created_at)::float8 as seconds
          from sincro.order_push p where p.state = 'acquired' and p.acquired_at is not null) d
  ), placed_count as (
    select pl.azi, pl.k, pg_catalog.count(*) as n, pg_catalog.sum(pl.seconds) as seconds from placed pl group by pl.azi, pl.k
  ), acquired as (
    -- every acquired push has its acquired_at (push_acquired and push_claim set it)
    select pc.azi, pg_catalog.sum(pc.n) as n from placed_count pc group by pc.azi
  ), histogram as (
    select c.azi, j, pg_catalog.sum(coalesce(pc.n, 0)) over (partition by c.azi order by j) as n
    from company c cross join pg_catalog.generate_series(1, 13) j
    left join placed_count pc on pc.azi = c.azi and pc.k = j
  )
  -- orders each party has not acquired, and how long the oldest has waited
  select 'sincro_orders_pending', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party), p.n::float8
  from party p
  union all
  select 'sincro_oldest_pending_seconds', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party),
         coalesce(extract(epoch from now() - p.oldest)::float8, 0)
  from party p
  -- pushes: acquired orders, and each rejection and failed attempt (order events)
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', c.azi, 'outcome', 'acquired'), coalesce(a.n, 0)::float8
  from company c left join acquired a using (azi)
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', c.azi, 'outcome', o.outcome), coalesce(x.n, 0)::float8
  from company c cross join (values ('rejected', 'push_rejected'), ('failed', 'push_failed')) o(outcome, event)
  left join outcome x on x.azi = c.azi and x.event = o.event
  -- insert → acquired, as a histogram (buckets cumulative, then sum and count)
  union all
  select 'sincro_push_duration_seconds_bucket',
         pg_catalog.jsonb_build_object('azi', h.azi, 'le', case when h.j = 13 then '+Inf' else ((select b.le[h.j] from bucket b))::text end),
         h.n::float8
  from histogram h
  union all
  select 'sincro_push_duration_seconds_sum', pg_catalog.jsonb_build_object('azi', c.azi),
         coalesce((select pg_catalog.sum(pc.seconds) from placed_count pc where pc.azi = c.azi), 0)::float8
  from company c
  union all
  select 'sincro_push_duration_seconds_count', pg_catalog.jsonb_build_object('azi', c.azi),
         coalesce((select pg_catalog.sum(pc.n) from placed_count pc where pc.azi = c.azi), 0)::float8
  from company c
  -- sync runs by kind and state, and the rows they brought (orders pushed, for partial syncs)
  union all
  select 'sincro_sync_runs_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind, 'state', r.state), pg_catalog.count(*)::float8
  from sincro.sync_runs r
  group by r.azi, r.kind, r.state
  union all
  select 'sincro_sync_rows_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind),
         pg_catalog.sum(case when r.kind = 'partial' then r.orders_pushed else r.rows_received end)::float8
  from sincro.sync_runs r
  group by r.azi, r.kind
  -- quota
  union all
  select 'sincro_quota_remaining', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_remaining::float8
  from sincro.quota() q
  union all
  select 'sincro_quota_total', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_quota::float8
  from sincro.quota() q
  -- consumers' lag behind the change feed
  union all
  select 'sincro_consumer_lag', pg_catalog.jsonb_build_object('azi', l.azi, 'consumer', l.consumer), l.lag::float8
  from sincro.consumer_lag l
  -- the worker's queue: jobs waiting or running that may still run
  union all
  select 'sincro_jobs_queued', '{}'::jsonb, pg_catalog.count(*)::float8
  from graphile_worker.jobs j
  where j.attempts < j.max_attempts
$$;

comment on function sincro.metric_samples() is
  E'Every sample GET /metrics reports about the hub (name, labels, value), computed now: pending orders and oldest age per party, push outcomes and the insert→acquired histogram, sync runs and rows, quota, consumer lag, queued jobs. See docs/operations.md. SECURITY DEFINER: counts across companies and the job queue.';

-- who may use it
revoke all on function sincro.metric_samples() from public;
grant execute on function sincro.metric_samples() to sincro_admin;
