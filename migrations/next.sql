-- Table changes for the next migration (npm run sql:compose puts them after the
-- drops and before sql/): ALTER TABLE, CREATE TABLE with its comments, indexes,
-- constraints, data moves. Empty this file's statements when the migration is
-- committed (npm run migration:commit does it).

-- erp_entity's comment said a new entity is "a table and a row here"; the feed names each table too
comment on table sincro_private.erp_entity is
  E'ERP-owned entities other than orders: the wire name the ERP uses, the hub table, its key columns after azi. The generic upsert, tombstone and purge read it; sincro.all_changes_since names each table (documents carry their lines), so a new entity is a table, a row here and a branch there.';

/*
 * Issue 10 (security hardening).
 *
 * Size limits per company: what one order, line, new customer or ERP document
 * may hold. The insert triggers, erp_write_order and the syncs refuse more with
 * SY140; an admin changes them through sincro.apstatosyn.
 */
alter table sincro_private.company
  add column max_lines_per_order integer not null default 1000
    constraint max_lines_per_order_is_positive check (max_lines_per_order > 0),
  add column max_text_length integer not null default 4000
    constraint max_text_length_is_positive check (max_text_length > 0),
  add column max_document_bytes integer not null default 1048576
    constraint max_document_bytes_is_positive check (max_document_bytes > 0);

comment on column sincro_private.company.max_lines_per_order is
  E'Most lines one order (or ERP document) may have; more is refused with SY140.';
comment on column sincro_private.company.max_text_length is
  E'Most characters any one text field of an order, line or new customer may hold; more is refused with SY140.';
comment on column sincro_private.company.max_document_bytes is
  E'Most bytes one ERP document (erp_write_order''s doc, one change or snapshot row of a sync) may take; more is refused with SY140.';

/*
 * Numbers are numbers and dates are dates: 'NaN' is a valid numeric (it even
 * passes quantita > 0: PostgreSQL sorts NaN above every number) and
 * 'infinity' a valid date. The triggers and functions refuse them with our
 * codes first; these constraints hold for every writer. (An upgrade over rows
 * that already hold NaN or infinity stops here, naming the constraint: fix
 * those rows, then migrate.)
 */
alter table sincro.arportes
  add constraint totale_imponibile_is_a_number check (totale_imponibile <> 'NaN'),
  add constraint totale_iva_is_a_number check (totale_iva <> 'NaN'),
  add constraint totale_documento_is_a_number check (totale_documento <> 'NaN'),
  add constraint data_ordine_is_finite check (isfinite(data_ordine));
alter table sincro.arporrig
  add constraint quantita_is_a_number check (quantita <> 'NaN'),
  add constraint prezzo_is_a_number check (prezzo <> 'NaN'),
  add constraint sconto_is_a_number check (sconto <> 'NaN'),
  add constraint data_consegna_is_finite check (isfinite(data_consegna));
alter table sincro.articoli
  add constraint prezzo_is_a_number check (prezzo <> 'NaN'),
  add constraint giacenza_is_a_number check (giacenza <> 'NaN');
alter table sincro.particolarita
  add constraint prezzo_is_a_number check (prezzo <> 'NaN'),
  add constraint sconto_is_a_number check (sconto <> 'NaN'),
  add constraint valido_dal_is_finite check (isfinite(valido_dal)),
  add constraint valido_al_is_finite check (isfinite(valido_al));
alter table sincro.documenti
  add constraint totale_imponibile_is_a_number check (totale_imponibile <> 'NaN'),
  add constraint totale_iva_is_a_number check (totale_iva <> 'NaN'),
  add constraint totale_documento_is_a_number check (totale_documento <> 'NaN'),
  add constraint data_doc_is_finite check (isfinite(data_doc));
alter table sincro.documenti_righe
  add constraint quantita_is_a_number check (quantita <> 'NaN'),
  add constraint prezzo_is_a_number check (prezzo <> 'NaN'),
  add constraint sconto_is_a_number check (sconto <> 'NaN');
