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
  rows_received bigint not null default 0,
  rows_changed bigint not null default 0,
  rows_tombstoned bigint not null default 0,
  progress_at timestamptz not null default now(),
  backend_pid integer,
  erp_cursor_from text,
  erp_cursor_to text,
  id_sincro_at_start bigint,
  primary key (azi, run_id),
  constraint kind_is_known check (kind in ('partial', 'changes', 'rebuild')),
  constraint state_is_known check (state in ('running', 'succeeded', 'failed')),
  constraint finished_when_done check ((state = 'running') = (finished_at is null))
);

-- one partial sync, and one sync with the ERP (changes or rebuild), per company at a time
create unique index uniq_sync_runs__one_running on sincro.sync_runs (azi, (kind = 'partial')) where state = 'running';

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
comment on column sincro.sync_runs.rows_received is E'Changes or snapshot rows received from the ERP.';
comment on column sincro.sync_runs.rows_changed is E'Rows that really changed in the hub (each got a new change number).';
comment on column sincro.sync_runs.rows_tombstoned is E'Rows a total rebuild marked deleted because the ERP no longer has them.';
comment on column sincro.sync_runs.progress_at is E'Last time the run applied something: a run with no progress for 10 minutes, or whose session is gone, is closed as abandoned.';
comment on column sincro.sync_runs.backend_pid is E'PostgreSQL backend of the session that began the run (to tell a crashed run from a slow one).';
comment on column sincro.sync_runs.erp_cursor_from is E'ERP cursor when the run began (changes and rebuild).';
comment on column sincro.sync_runs.erp_cursor_to is E'ERP cursor the run has applied up to.';
comment on column sincro.sync_runs.id_sincro_at_start is E'The company''s last change number when a rebuild began: rows numbered above it were written by this rebuild, so its sweep need not check them.';
