/*
 * Articles as the ERP holds them (ERP-owned master data): written by syncs
 * only, followed by id_sincro, deletions kept as tombstones.
 */
create table sincro.articoli (
  azi text not null references sincro_private.company (azi) on delete restrict,
  cod_art text not null,
  descrizione text,
  unita_misura text,
  prezzo numeric(14, 4),
  cod_iva text,
  giacenza numeric(14, 3),
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, cod_art),
  constraint id_sincro_is_positive check (id_sincro > 0)
);

create index idx_articoli__id_sincro on sincro.articoli (azi, id_sincro);
-- No statistics on azi: with them, a company the last ANALYZE did not see is estimated at 0 rows, and
-- the planner may probe a sync batch through (azi, id_sincro) instead of the primary key (quadratic).
alter table sincro.articoli alter column azi set statistics 0;

comment on table sincro.articoli is E'Articles of the ERP (ERP-owned). Written by sync for changes and total rebuild only; followed by id_sincro.';
comment on column sincro.articoli.azi is E'Company code.';
comment on column sincro.articoli.cod_art is E'The ERP''s article code.';
comment on column sincro.articoli.descrizione is E'Description.';
comment on column sincro.articoli.unita_misura is E'Unit of measure.';
comment on column sincro.articoli.prezzo is E'List price.';
comment on column sincro.articoli.cod_iva is E'VAT code (accessory table).';
comment on column sincro.articoli.giacenza is E'Stock on hand.';
comment on column sincro.articoli.id_sincro is E'Change number of the row''s last change, from the company''s counter (shared with orders).';
comment on column sincro.articoli.deleted is E'Tombstone: the ERP deleted this article. Kept for the company''s tombstone_retention.';
comment on column sincro.articoli.updated_at is E'Last change in the hub.';
