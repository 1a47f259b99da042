/*
 * Customers as the ERP holds them (ERP-owned master data). Written only by a
 * sync for changes or a total rebuild; consumers follow them by id_sincro.
 * A customer the ERP deleted stays as a tombstone (deleted = true) with a new
 * change number, so consumers learn of the deletion.
 */
create table sincro.clienti (
  azi text not null references sincro_private.company (azi) on delete restrict,
  cod_cli text not null,
  ragione_sociale text,
  partita_iva text,
  codice_fiscale text,
  indirizzo text,
  cap text,
  citta text,
  provincia text,
  nazione text,
  email text,
  telefono text,
  listino text,
  cod_agente text,
  cod_pagamento text,
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, cod_cli),
  constraint id_sincro_is_positive check (id_sincro > 0)
);

create index idx_clienti__id_sincro on sincro.clienti (azi, id_sincro);
-- No statistics on azi: with them, a company the last ANALYZE did not see is estimated at 0 rows, and
-- the planner may probe a sync batch through (azi, id_sincro) instead of the primary key (quadratic).
alter table sincro.clienti alter column azi set statistics 0;

comment on table sincro.clienti is E'Customers of the ERP (ERP-owned). Written by sync for changes and total rebuild only; followed by id_sincro.';
comment on column sincro.clienti.azi is E'Company code.';
comment on column sincro.clienti.cod_cli is E'The ERP''s customer code.';
comment on column sincro.clienti.ragione_sociale is E'Company or person name.';
comment on column sincro.clienti.partita_iva is E'VAT number.';
comment on column sincro.clienti.codice_fiscale is E'Fiscal code.';
comment on column sincro.clienti.indirizzo is E'Street address.';
comment on column sincro.clienti.cap is E'Postal code.';
comment on column sincro.clienti.citta is E'City.';
comment on column sincro.clienti.provincia is E'Province.';
comment on column sincro.clienti.nazione is E'ISO country code.';
comment on column sincro.clienti.email is E'E-mail address.';
comment on column sincro.clienti.telefono is E'Phone number.';
comment on column sincro.clienti.listino is E'Price list the customer buys on.';
comment on column sincro.clienti.cod_agente is E'Sales agent who follows the customer.';
comment on column sincro.clienti.cod_pagamento is E'Default payment terms (accessory table).';
comment on column sincro.clienti.id_sincro is E'Change number of the row''s last change, from the company''s counter (shared with orders).';
comment on column sincro.clienti.deleted is E'Tombstone: the ERP deleted this customer. Kept for the company''s tombstone_retention.';
comment on column sincro.clienti.updated_at is E'Last change in the hub.';
