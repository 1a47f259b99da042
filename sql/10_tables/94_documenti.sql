/*
 * The ERP's other documents: quotes (preventivo), delivery notes (ddt) and
 * invoices (fattura), header here and lines in documenti_righe. A change to
 * the lines gives the header a new change number, as with orders.
 */
create table sincro.documenti (
  azi text not null references sincro_private.company (azi) on delete restrict,
  tipo_doc text not null,
  numero text not null,
  data_doc date,
  cliente_cod text,
  tor_chia text,
  note text,
  totale_imponibile numeric(14, 2),
  totale_iva numeric(14, 2),
  totale_documento numeric(14, 2),
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, tipo_doc, numero),
  constraint id_sincro_is_positive check (id_sincro > 0),
  constraint tipo_doc_is_known check (tipo_doc in ('preventivo', 'ddt', 'fattura'))
);

create index idx_documenti__id_sincro on sincro.documenti (azi, id_sincro);
-- No statistics on azi: with them, a company the last ANALYZE did not see is estimated at 0 rows, and
-- the planner may probe a sync batch through (azi, id_sincro) instead of the primary key (quadratic).
alter table sincro.documenti alter column azi set statistics 0;
create index idx_documenti__order on sincro.documenti (azi, tor_chia) where tor_chia is not null;

comment on table sincro.documenti is E'Quotes, delivery notes and invoices of the ERP (headers). Written by syncs only; followed by id_sincro.';
comment on column sincro.documenti.azi is E'Company code.';
comment on column sincro.documenti.tipo_doc is E'preventivo (quote), ddt (delivery note) or fattura (invoice).';
comment on column sincro.documenti.numero is E'The ERP''s document number, unique per type.';
comment on column sincro.documenti.data_doc is E'Document date.';
comment on column sincro.documenti.cliente_cod is E'Customer code.';
comment on column sincro.documenti.tor_chia is E'The ERP key of the order the document comes from (sincro.arportes.tor_chia), if any.';
comment on column sincro.documenti.note is E'Free notes.';
comment on column sincro.documenti.totale_imponibile is E'Taxable total.';
comment on column sincro.documenti.totale_iva is E'VAT total.';
comment on column sincro.documenti.totale_documento is E'Document total.';
comment on column sincro.documenti.id_sincro is E'Change number of the document''s last change (header or lines), from the company''s counter.';
comment on column sincro.documenti.deleted is E'Tombstone: the ERP deleted the document (its lines are removed). Kept for the company''s tombstone_retention.';
comment on column sincro.documenti.updated_at is E'Last change in the hub.';

create table sincro.documenti_righe (
  azi text not null,
  tipo_doc text not null,
  numero text not null,
  riga integer not null,
  articolo text,
  descrizione text,
  quantita numeric(14, 3),
  unita_misura text,
  prezzo numeric(14, 4),
  sconto numeric(6, 2),
  iva text,
  primary key (azi, tipo_doc, numero, riga),
  foreign key (azi, tipo_doc, numero) references sincro.documenti (azi, tipo_doc, numero) on delete cascade
);

alter table sincro.documenti_righe alter column azi set statistics 0;

comment on table sincro.documenti_righe is E'Lines of the ERP''s quotes, delivery notes and invoices. Replaced with the header by syncs; a change gives the header a new id_sincro.';
comment on column sincro.documenti_righe.azi is E'Company code.';
comment on column sincro.documenti_righe.tipo_doc is E'Document type (see documenti).';
comment on column sincro.documenti_righe.numero is E'Document number.';
comment on column sincro.documenti_righe.riga is E'Line number.';
comment on column sincro.documenti_righe.articolo is E'Article code.';
comment on column sincro.documenti_righe.descrizione is E'Description.';
comment on column sincro.documenti_righe.quantita is E'Quantity.';
comment on column sincro.documenti_righe.unita_misura is E'Unit of measure.';
comment on column sincro.documenti_righe.prezzo is E'Unit price.';
comment on column sincro.documenti_righe.sconto is E'Discount, percent.';
comment on column sincro.documenti_righe.iva is E'VAT code.';
