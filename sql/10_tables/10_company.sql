/*
 * A company (`azi`) and its counters. The public-ID counter and the change-number
 * counter are separate rows on purpose: a store insert holds the public-ID lock
 * until it commits, an ERP transaction holds the change-number lock while it
 * commits, and neither should wait for the other. `sincro.apstatosyn` (a view)
 * shows the three tables as the one row per company the protocol describes.
 */
create table sincro_private.company (
  azi text primary key
    constraint azi_is_well_formed check (azi ~ '^[A-Za-z0-9_-]{1,20}$'),
  ragione_sociale text,
  sync_quota integer not null default 0
    constraint sync_quota_is_not_negative check (sync_quota >= 0),
  sync_used integer not null default 0
    constraint sync_used_is_not_negative check (sync_used >= 0),
  sync_period_start date not null default current_date,
  push_mode text not null default 'auto'
    constraint push_mode_is_known check (push_mode in ('auto', 'manual')),
  created_at timestamptz not null default now(),
  sync_period interval not null default interval '1 month'
    constraint sync_period_is_positive check (sync_period > interval '0'),
  tombstone_retention interval not null default interval '90 days'
    constraint tombstone_retention_is_positive check (tombstone_retention > interval '0'),
  tombstones_purged_through bigint not null default 0,
  erp_cursor text not null default ''
);

comment on table sincro_private.company is
  E'One row per company served by the hub. Registered through the view sincro.apstatosyn.';
comment on column sincro_private.company.azi is
  E'Company code (e.g. C00001): 1-20 letters, digits, _ or -. First column of every primary key in the hub.';
comment on column sincro_private.company.ragione_sociale is E'Company name, for operators.';
comment on column sincro_private.company.sync_quota is
  E'Syncs (sync for changes or total rebuild) allowed per contract period.';
comment on column sincro_private.company.sync_used is E'Syncs used in the current contract period.';
comment on column sincro_private.company.sync_period_start is E'First day of the current contract period.';
comment on column sincro_private.company.push_mode is
  E'auto: a failed push is retried with backoff and swept; manual: one attempt, then the order waits for a partial sync (as the store vendor describes).';
comment on column sincro_private.company.created_at is E'When the company was registered.';
comment on column sincro_private.company.sync_period is E'Length of a contract period; when it ends, sync_used restarts from 0 (sincro.set_sync_contract sets it).';
comment on column sincro_private.company.tombstone_retention is
  E'How long rows the ERP deleted stay as tombstones (deleted = true) before sincro.purge_tombstones removes them. A consumer whose cursor is older must rebuild its copy (SY130).';
comment on column sincro_private.company.tombstones_purged_through is
  E'Largest change number of a purged tombstone: a consumer cursor below it may have missed a deletion (SY130). 0: nothing purged.';
comment on column sincro_private.company.erp_cursor is
  E'The ERP''s change cursor up to which the hub has applied the ERP''s changes (empty: never synced). Moved only together with the changes it covers.';

create table sincro_private.id_pub_counter (
  azi text primary key references sincro_private.company (azi) on delete cascade,
  last_value bigint not null default 0
    constraint last_value_is_not_negative check (last_value >= 0)
);

comment on table sincro_private.id_pub_counter is
  E'Last public order ID handed out per company. Updated inside the inserting transaction, so its row lock makes IDs gap-free: a rollback returns the number.';
comment on column sincro_private.id_pub_counter.azi is E'Company code.';
comment on column sincro_private.id_pub_counter.last_value is E'Last id_pub given to an order of this company (0: none yet).';

create table sincro_private.id_sincro_counter (
  azi text primary key references sincro_private.company (azi) on delete cascade,
  last_value bigint not null default 0
    constraint last_value_is_not_negative check (last_value >= 0)
);

comment on table sincro_private.id_sincro_counter is
  E'Last change number (id_sincro) handed out per company. Taken only at commit, by deferred triggers, and held until the commit ends, so change numbers grow in commit order.';
comment on column sincro_private.id_sincro_counter.azi is E'Company code.';
comment on column sincro_private.id_sincro_counter.last_value is E'Last id_sincro given to a row of this company (0: none yet).';
