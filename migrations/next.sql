-- Table changes for the next migration (npm run sql:compose puts them after the
-- drops and before sql/): ALTER TABLE, CREATE TABLE with its comments, indexes,
-- constraints, data moves. Empty this file's statements when the migration is
-- committed (npm run migration:commit does it).

-- issue 12, /metrics at scale: the push counters, the insert → acquired histogram and the
-- pending counts are kept as they happen instead of being counted over every order at each
-- scrape. Triggers (sql/console/metric_counts.sql) add delta rows in the transaction that
-- changes what they count; a compaction folds them into the rollup; a scrape sums both.
create table sincro_private.metric_delta (
  azi text not null,
  delta_id bigint generated always as identity,
  metric text not null,
  n bigint not null,
  seconds numeric not null default 0,
  primary key (azi, delta_id),
  constraint metric_is_known check (metric in ('push_acquired', 'push_rejected', 'push_failed', 'pending_erp', 'pending_store', 'pending_app'))
);
comment on table sincro_private.metric_delta is
  E'What changed in the figures /metrics reports, one row per change, written by triggers in the transaction of the change (insert-only: concurrent writers of one company never wait for each other). sincro.metric_compact folds the rows into metric_rollup; a scrape adds the rows not folded yet. Read only whole (by the compaction and the scrape).';
comment on column sincro_private.metric_delta.azi is E'Company code.';
comment on column sincro_private.metric_delta.delta_id is E'Order of recording (identifies the row).';
comment on column sincro_private.metric_delta.metric is
  E'push_acquired (an order became acquired; seconds: its insert → acquired time), push_rejected and push_failed (an event of that kind), pending_erp / pending_store / pending_app (an order entered (+1) or left (-1) what that party has not acquired).';
comment on column sincro_private.metric_delta.n is E'How much the count changes: 1 for a push outcome, +1 or -1 for a pending count.';
comment on column sincro_private.metric_delta.seconds is E'For push_acquired: the insert → acquired time in seconds (exact, to the microsecond; its histogram bucket is found when the delta is folded or scraped, not on the push path); 0 otherwise.';

create table sincro_private.metric_rollup (
  azi text not null,
  metric text not null,
  bucket text not null default '',
  n bigint not null,
  seconds numeric not null default 0,
  primary key (azi, metric, bucket),
  constraint metric_is_known check (metric in ('push_acquired', 'push_rejected', 'push_failed', 'pending_erp', 'pending_store', 'pending_app'))
);
comment on table sincro_private.metric_rollup is
  E'The sums of the metric_delta rows folded so far, per company, metric and bucket. Written only by sincro.metric_compact (and by the migration that created it, from the data already held).';
comment on column sincro_private.metric_rollup.azi is E'Company code.';
comment on column sincro_private.metric_rollup.metric is E'As metric_delta.metric.';
comment on column sincro_private.metric_rollup.bucket is E'For push_acquired: the smallest histogram bound (seconds, as text) the durations do not exceed, or +Inf (sincro_private.push_duration_bucket); '''' otherwise.';
comment on column sincro_private.metric_rollup.n is E'The sum of the folded deltas'' n.';
comment on column sincro_private.metric_rollup.seconds is E'The sum of the folded deltas'' seconds.';

create table sincro_private.metric_compaction (
  only_row boolean primary key default true,
  compacted_at timestamptz,
  deltas_folded bigint not null default 0,
  constraint only_one_row check (only_row)
);
comment on table sincro_private.metric_compaction is
  E'One row: a compaction locks it (skipping when another compaction holds it, which is doing the same work) and records when it last ran.';
comment on column sincro_private.metric_compaction.only_row is E'Always true: the table has one row.';
comment on column sincro_private.metric_compaction.compacted_at is E'When a compaction last ran.';
comment on column sincro_private.metric_compaction.deltas_folded is E'Delta rows folded by every compaction so far.';
insert into sincro_private.metric_compaction (only_row) values (true);

-- the oldest order each party has not acquired, per company, in one index probe
create index idx_arportes__oldest_pending_gest on sincro.arportes (azi, created_at) where ack_gest = 0;
create index idx_arportes__oldest_pending_store on sincro.arportes (azi, updated_at) where ack_store = 0 and id_sincro > 0;
create index idx_arportes__oldest_pending_app on sincro.arportes (azi, updated_at) where ack_app = 0 and id_sincro > 0;
-- rejections and failures are counted by metric_delta now
drop index sincro.idx_order_events__outcome;

-- Backfill from what the hub already holds, so counters carry on from their values before the
-- upgrade rather than from 0 (the triggers, created by sql/ later in this migration, take over
-- from here; the tables are locked by the dropped triggers until the migration commits).
insert into sincro_private.metric_rollup (azi, metric, bucket, n, seconds)
select d.azi, 'push_acquired',
       coalesce((select b::text from pg_catalog.unnest(array[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::numeric[]) b
                 where d.seconds <= b order by b limit 1), '+Inf'),
       pg_catalog.count(*), pg_catalog.sum(d.seconds)
from (select p.azi, extract(epoch from p.acquired_at - p.created_at) as seconds
      from sincro.order_push p where p.state = 'acquired' and p.acquired_at is not null) d
group by 1, 3;
insert into sincro_private.metric_rollup (azi, metric, n)
select e.azi, e.event, pg_catalog.count(*)
from sincro.order_events e
where e.event in ('push_rejected', 'push_failed')
group by e.azi, e.event;
insert into sincro_private.metric_rollup (azi, metric, n)
select x.azi, x.metric, x.n
from (select a.azi,
             pg_catalog.count(*) filter (where a.ack_gest = 0) as erp,
             pg_catalog.count(*) filter (where a.ack_store = 0 and a.id_sincro > 0) as store,
             pg_catalog.count(*) filter (where a.ack_app = 0 and a.id_sincro > 0) as app
      from sincro.arportes a
      group by a.azi) c
cross join lateral (values (c.azi, 'pending_erp', c.erp), (c.azi, 'pending_store', c.store), (c.azi, 'pending_app', c.app)) x(azi, metric, n)
where x.n > 0;

-- issue 12, sync progress: the phase a running sync is in, written by whoever works on the run
-- (sincro.sync_run_phase; queued/starting/done by the sync_run_* functions themselves)
alter table sincro.sync_runs
  add column phase text,
  add column phase_item text,
  add column phase_step integer,
  add column phase_steps integer,
  add constraint phase_is_known check (phase in ('queued', 'starting', 'reading', 'tombstoning', 'fetching', 'applying', 'pushing', 'done')),
  add constraint phase_step_is_positive check (phase_step > 0 and (phase_steps is null or phase_step <= phase_steps));
alter table sincro.sync_runs alter column phase set default 'starting';
-- runs from before phases were recorded: a succeeded one is done; the others' phase is unknown (NULL)
update sincro.sync_runs set phase = 'done' where state = 'succeeded';
comment on column sincro.sync_runs.phase is
  E'What the run is doing (a failed run keeps the phase it failed in): queued (waiting for the worker), starting, reading (a rebuild downloading and applying the snapshot of phase_item, entity phase_step of phase_steps), tombstoning (a rebuild removing what no snapshot held), fetching / applying (a sync for changes: page phase_step from the ERP, into the hub), pushing (a partial sync: order phase_step of phase_steps), done. NULL for runs from before phases were recorded.';
comment on column sincro.sync_runs.phase_item is E'The entity a rebuild is reading (reading); NULL otherwise.';
comment on column sincro.sync_runs.phase_step is E'Which step of the phase, from 1: the entity (reading), the page (fetching, applying), the order (pushing); NULL when the phase has none.';
comment on column sincro.sync_runs.phase_steps is E'How many steps the phase has, when known (entities of a rebuild, orders of a partial sync); NULL otherwise.';
