/*
 * Keys a total rebuild has received from the ERP's snapshots, so that at the
 * end it can tombstone exactly the rows the ERP no longer has. Unlogged: it is
 * scratch space for a running rebuild (a crash empties it, and an interrupted
 * rebuild restarts from the beginning anyway). A key sent twice is harmless.
 */
create unlogged table sincro_private.rebuild_seen (
  azi text not null,
  run_id bigint not null,
  entity text not null,
  key text not null
);
-- No primary key, by design: it is write-once scratch read by one anti-join, and a
-- unique index would cost a rebuild more than the table itself (see docs/performance.md).

comment on table sincro_private.rebuild_seen is E'Scratch: keys received by a running total rebuild, per run and entity; emptied when the rebuild ends.';
comment on column sincro_private.rebuild_seen.azi is E'Company code.';
comment on column sincro_private.rebuild_seen.run_id is E'The rebuild run (sincro.sync_runs.run_id).';
comment on column sincro_private.rebuild_seen.entity is E'Entity (see sincro_private.erp_entity).';
comment on column sincro_private.rebuild_seen.key is E'The row''s key fields as text, joined by U+001F.';
