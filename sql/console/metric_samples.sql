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
  ), counted as (
    -- what the triggers count (sql/console/metric_counts.sql): the rollup and the deltas not folded yet
    select k.azi, k.metric, k.bucket, pg_catalog.sum(k.n) as n, pg_catalog.sum(k.seconds) as seconds
    from (select r.azi, r.metric, r.bucket, r.n, r.seconds from sincro_private.metric_rollup r
          union all
          select d.azi, d.metric,
                 case when d.metric = 'push_acquired' then sincro_private.push_duration_bucket(d.seconds) else '' end,
                 d.n, d.seconds
          from sincro_private.metric_delta d) k
    group by k.azi, k.metric, k.bucket
  ), party as (
    -- the oldest pending order of each party: one probe of a partial index per company
    select c.azi, x.party, coalesce(k.n, 0) as n, x.oldest
    from company c
    cross join lateral (values
      -- (the ERP's: the lowest public ID, from idx_arportes__pending_gest, which every insert keeps anyway)
      ('erp', (select a.created_at from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0 order by a.id_pub limit 1)),
      ('store', (select a.updated_at from sincro.arportes a where a.azi = c.azi and a.ack_store = 0 and a.id_sincro > 0 order by a.updated_at limit 1)),
      ('app', (select a.updated_at from sincro.arportes a where a.azi = c.azi and a.ack_app = 0 and a.id_sincro > 0 order by a.updated_at limit 1))
    ) x(party, oldest)
    left join counted k on k.azi = c.azi and k.metric = 'pending_' || x.party and k.bucket = ''
  ), histogram as (
    -- cumulative: each bound counts the acquisitions in its bucket and every lower one
    select c.azi, b.le::text as le, pg_catalog.sum(coalesce(k.n, 0)) over (partition by c.azi order by b.j) as n
    from company c
    cross join pg_catalog.unnest(sincro_private.push_duration_bounds()) with ordinality b(le, j)
    left join counted k on k.azi = c.azi and k.metric = 'push_acquired' and k.bucket = b.le::text
  ), acquired as (
    select c.azi, coalesce(pg_catalog.sum(k.n), 0) as n, coalesce(pg_catalog.sum(k.seconds), 0) as seconds
    from company c
    left join counted k on k.azi = c.azi and k.metric = 'push_acquired'
    group by c.azi
  ), quota as (
    -- read once (its period arithmetic costs ~0.15 ms a company)
    select q.azi, q.sync_remaining, q.sync_quota from sincro.quota() q
  )
  -- orders each party has not acquired, and how long the oldest has waited
  select 'sincro_orders_pending', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party), p.n::float8
  from party p
  union all
  select 'sincro_oldest_pending_seconds', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party),
         coalesce(extract(epoch from now() - p.oldest)::float8, 0)
  from party p
  -- pushes: acquired orders, and each rejection and failed attempt
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', a.azi, 'outcome', 'acquired'), a.n::float8
  from acquired a
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', c.azi, 'outcome', o.outcome), coalesce(k.n, 0)::float8
  from company c cross join (values ('rejected', 'push_rejected'), ('failed', 'push_failed')) o(outcome, metric)
  left join counted k on k.azi = c.azi and k.metric = o.metric and k.bucket = ''
  -- insert → acquired, as a histogram (buckets cumulative, then +Inf, sum and count)
  union all
  select 'sincro_push_duration_seconds_bucket', pg_catalog.jsonb_build_object('azi', h.azi, 'le', h.le), h.n::float8
  from histogram h
  union all
  select 'sincro_push_duration_seconds_bucket', pg_catalog.jsonb_build_object('azi', a.azi, 'le', '+Inf'), a.n::float8
  from acquired a
  union all
  select 'sincro_push_duration_seconds_sum', pg_catalog.jsonb_build_object('azi', a.azi), a.seconds::float8
  from acquired a
  union all
  select 'sincro_push_duration_seconds_count', pg_catalog.jsonb_build_object('azi', a.azi), a.n::float8
  from acquired a
  -- sync runs by kind and state, and the rows they brought (orders pushed, for partial syncs)
  union all
  -- finished runs only: a counter never goes down (a run counted as running would leave that series when it ends)
  select 'sincro_sync_runs_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind, 'state', r.state), pg_catalog.count(*)::float8
  from sincro.sync_runs r
  where r.state <> 'running'
  group by r.azi, r.kind, r.state
  union all
  select 'sincro_sync_runs_running', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind), pg_catalog.count(*)::float8
  from sincro.sync_runs r
  where r.state = 'running'
  group by r.azi, r.kind
  union all
  select 'sincro_sync_rows_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind),
         pg_catalog.sum(case when r.kind = 'partial' then r.orders_pushed else r.rows_received end)::float8
  from sincro.sync_runs r
  group by r.azi, r.kind
  -- quota
  union all
  select 'sincro_quota_remaining', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_remaining::float8
  from quota q
  union all
  select 'sincro_quota_total', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_quota::float8
  from quota q
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
