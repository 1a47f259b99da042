/*
 * Order lines (ARPORRIG). Written with their header, in the same transaction;
 * afterwards only the ERP changes them (through sincro.erp_write_order).
 */
create table sincro.arporrig (
  azi text not null,
  id_pub bigint not null,
  riga integer not null,
  articolo text not null,
  descrizione text,
  quantita numeric(14, 3) not null,
  unita_misura text,
  prezzo numeric(14, 4) not null default 0,
  sconto numeric(5, 2) not null default 0,
  iva text,
  data_consegna date,
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (azi, id_pub, riga),
  foreign key (azi, id_pub) references sincro.arportes (azi, id_pub) on delete cascade,
  constraint riga_is_positive check (riga > 0),
  constraint articolo_is_not_blank check (btrim(articolo) <> ''),
  constraint quantita_is_positive check (quantita > 0),
  constraint prezzo_is_not_negative check (prezzo >= 0),
  constraint sconto_is_percentage check (sconto >= 0 and sconto <= 100)
);

comment on table sincro.arporrig is E'Order lines (ARPORRIG), written with their header in one transaction.';
comment on column sincro.arporrig.azi is E'Company code.';
comment on column sincro.arporrig.id_pub is E'Public ID of the order the line belongs to.';
comment on column sincro.arporrig.riga is E'Line number within the order, from 1.';
comment on column sincro.arporrig.articolo is E'Article code.';
comment on column sincro.arporrig.descrizione is E'Line description.';
comment on column sincro.arporrig.quantita is E'Quantity ordered; must be positive.';
comment on column sincro.arporrig.unita_misura is E'Unit of measure.';
comment on column sincro.arporrig.prezzo is E'Unit price.';
comment on column sincro.arporrig.sconto is E'Discount percentage, 0-100.';
comment on column sincro.arporrig.iva is E'VAT code.';
comment on column sincro.arporrig.data_consegna is E'Requested delivery date.';
comment on column sincro.arporrig.note is E'Free notes.';
comment on column sincro.arporrig.created_at is E'When the line was written to the hub.';
comment on column sincro.arporrig.updated_at is E'Last change in the hub.';
