/*
 * The ERP's accessory tables (payment terms, carriers, VAT codes, ...) in one
 * generic table: table name, code, description and the rest as JSON.
 */
create table sincro.tabelle_accessorie (
  azi text not null references sincro_private.company (azi) on delete restrict,
  tabella text not null,
  codice text not null,
  descrizione text,
  dati jsonb not null default '{}',
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, tabella, codice),
  constraint id_sincro_is_positive check (id_sincro > 0),
  constraint dati_is_object check (jsonb_typeof(dati) = 'object')
);

create index idx_tabelle_accessorie__id_sincro on sincro.tabelle_accessorie (azi, id_sincro);
-- No statistics on azi: with them, a company the last ANALYZE did not see is estimated at 0 rows, and
-- the planner may probe a sync batch through (azi, id_sincro) instead of the primary key (quadratic).
alter table sincro.tabelle_accessorie alter column azi set statistics 0;

comment on table sincro.tabelle_accessorie is E'Accessory tables of the ERP (payment terms, carriers, VAT codes, ...), one row per entry. Written by syncs only; followed by id_sincro.';
comment on column sincro.tabelle_accessorie.azi is E'Company code.';
comment on column sincro.tabelle_accessorie.tabella is E'Which table, e.g. pagamenti, vettori, iva.';
comment on column sincro.tabelle_accessorie.codice is E'The entry''s code in that table.';
comment on column sincro.tabelle_accessorie.descrizione is E'Description of the entry.';
comment on column sincro.tabelle_accessorie.dati is E'The entry''s other fields, as the ERP sends them (a JSON object).';
comment on column sincro.tabelle_accessorie.id_sincro is E'Change number of the row''s last change, from the company''s counter (shared with orders).';
comment on column sincro.tabelle_accessorie.deleted is E'Tombstone: the ERP deleted the entry. Kept for the company''s tombstone_retention.';
comment on column sincro.tabelle_accessorie.updated_at is E'Last change in the hub.';
