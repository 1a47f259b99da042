/*
 * Every synchronisation run, one row each: partial syncs now, syncs for
 * changes and total rebuilds later. Operators read it; the quota is charged
 * from it.
 */
create table sincro.sync_runs (
  azi text not null references sincro_private.company (azi) on delete restrict,
  run_id bigint generated always as identity,
  kind text not null,
  state text not null default 'running',
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  orders_pushed integer not null default 0,
  orders_rejected integer not null default 0,
  orders_failed integer not null default 0,
  error text,
  uses_quota boolean not null default false,
  primary key (azi, run_id),
  constraint kind_is_known check (kind in ('partial', 'changes', 'rebuild')),
  constraint state_is_known check (state in ('running', 'succeeded', 'failed')),
  constraint finished_when_done check ((state = 'running') = (finished_at is null))
);

create unique index uniq_sync_runs__one_running on sincro.sync_runs (azi, kind) where state = 'running';

comment on table sincro.sync_runs is E'One row per sync run of a company: kind, times, counts, outcome.';
comment on column sincro.sync_runs.azi is E'Company code.';
comment on column sincro.sync_runs.run_id is E'Run number.';
comment on column sincro.sync_runs.kind is E'partial (push pending orders, no quota), changes (sync for changes), rebuild (total rebuild).';
comment on column sincro.sync_runs.state is E'running, succeeded or failed.';
comment on column sincro.sync_runs.started_at is E'When the run started.';
comment on column sincro.sync_runs.finished_at is E'When it ended.';
comment on column sincro.sync_runs.orders_pushed is E'Orders the ERP acquired in this run.';
comment on column sincro.sync_runs.orders_rejected is E'Orders the ERP rejected in this run.';
comment on column sincro.sync_runs.orders_failed is E'Orders that could not reach the ERP in this run (still pending).';
comment on column sincro.sync_runs.error is E'Why the run failed, if it did.';
comment on column sincro.sync_runs.uses_quota is E'Whether the run counts against the contracted quota (never for partial syncs).';
