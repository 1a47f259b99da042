/*
 * Where each consumer (the store, each app device) has read up to, so the hub
 * knows its lag. Consumers advance it with sincro.advance_consumer_cursor
 * after importing what changes_since / all_changes_since returned.
 */
create table sincro.consumer_cursors (
  azi text not null references sincro_private.company (azi) on delete cascade,
  consumer text not null
    constraint consumer_is_well_formed check (consumer ~ '^[A-Za-z0-9:_.-]{1,80}$'),
  id_sincro_read bigint not null
    constraint id_sincro_read_is_not_negative check (id_sincro_read >= 0),
  updated_at timestamptz not null default now(),
  primary key (azi, consumer)
);

comment on table sincro.consumer_cursors is E'Each consumer''s cursor: the largest change number it has imported. Written by sincro.advance_consumer_cursor.';
comment on column sincro.consumer_cursors.azi is E'Company code.';
comment on column sincro.consumer_cursors.consumer is E'store, app:<device id>, or another name an admin chose.';
comment on column sincro.consumer_cursors.id_sincro_read is E'Largest id_sincro the consumer has imported.';
comment on column sincro.consumer_cursors.updated_at is E'When the consumer last advanced it.';
