/*
 * The order header shared by store, apps and ERP (ARPORTES in the source
 * documents). Stores and apps INSERT into it directly; triggers fill id_pub,
 * the acks and id_sincro. The ERP writes only through sincro.erp_write_order.
 *
 * id_sincro is NULL only inside an ERP transaction that changed the row and
 * has not committed yet: a deferred trigger gives it its change number at
 * commit, so no other session ever sees NULL.
 */
create table sincro.arportes (
  azi text not null references sincro_private.company (azi) on delete restrict,
  id_pub bigint not null,
  tor_chia text,
  conferma text,
  id_int text,
  ack_store smallint not null,
  ack_gest smallint not null,
  ack_app smallint not null,
  prov_tipo text not null,
  prov_id text,
  autore_tipo text not null,
  autore_cod text not null,
  id_sincro bigint,
  data_ordine date not null,
  cliente_cod text,
  cod_agente text,
  new_customer_id bigint,
  dest_ragione_sociale text,
  dest_indirizzo text,
  dest_cap text,
  dest_citta text,
  dest_provincia text,
  dest_nazione text,
  cod_pagamento text,
  note text,
  valuta text not null default 'EUR',
  totale_imponibile numeric(14, 2),
  totale_iva numeric(14, 2),
  totale_documento numeric(14, 2),
  created_xact xid8 not null default pg_current_xact_id(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (azi, id_pub),
  foreign key (azi, new_customer_id) references sincro.new_customers (azi, customer_id) on delete restrict,
  constraint ack_store_is_flag check (ack_store in (0, 1)),
  constraint ack_gest_is_flag check (ack_gest in (0, 1)),
  constraint ack_app_is_flag check (ack_app in (0, 1)),
  constraint prov_tipo_is_known check (prov_tipo in ('S', 'A', 'G')),
  constraint autore_tipo_is_known check (autore_tipo in ('C', 'T', 'O')),
  constraint id_int_only_for_store_and_app check ((prov_tipo = 'G') = (id_int is null)),
  constraint prov_id_only_for_app check ((prov_tipo = 'A') = (prov_id is not null)),
  constraint id_sincro_is_not_negative check (id_sincro >= 0),
  constraint valuta_is_iso_code check (valuta ~ '^[A-Z]{3}$')
);

create unique index uniq_arportes__creator_key
  on sincro.arportes (azi, prov_tipo, prov_id, id_int) nulls not distinct
  where prov_tipo <> 'G';
create unique index uniq_arportes__tor_chia on sincro.arportes (azi, tor_chia);
create index idx_arportes__id_sincro on sincro.arportes (azi, id_sincro);
create index idx_arportes__id_sincro_pending on sincro.arportes (azi, id_pub) where id_sincro is null;
create index idx_arportes__new_customer on sincro.arportes (azi, new_customer_id) where new_customer_id is not null;
create index idx_arportes__pending_gest on sincro.arportes (azi, id_pub) where ack_gest = 0;

comment on table sincro.arportes is
  E'Order headers (ARPORTES). Stores and apps insert directly; the ERP writes through sincro.erp_write_order; consumers follow changes by id_sincro.';
comment on column sincro.arportes.azi is E'Company code.';
comment on column sincro.arportes.id_pub is E'Public order ID, gap-free per company, assigned by the hub from the company counter. Never supplied by a client.';
comment on column sincro.arportes.tor_chia is E'The ERP''s key of the order (e.g. C201700001230). Written by the ERP only; unique per company.';
comment on column sincro.arportes.conferma is E'The ERP''s order-confirmation number. Written by the ERP only.';
comment on column sincro.arportes.id_int is E'The order''s ID inside the party that created it (store order 150, device order 150). Empty for ERP-made orders.';
comment on column sincro.arportes.ack_store is E'1 once the store has acquired the order, else 0. The store sets it.';
comment on column sincro.arportes.ack_gest is E'1 once the ERP has acquired the order, else 0. Set by sincro.erp_write_order.';
comment on column sincro.arportes.ack_app is E'1 once the app has acquired the order, else 0. The app sets it.';
comment on column sincro.arportes.prov_tipo is E'Where the order came from: S store, A app, G ERP.';
comment on column sincro.arportes.prov_id is E'Device ID for app orders (A); empty otherwise.';
comment on column sincro.arportes.autore_tipo is E'Who wrote the order: C customer, T sales agent, O ERP operator.';
comment on column sincro.arportes.autore_cod is E'The author''s code: customer, agent or operator. 0 for a web customer the ERP does not know yet.';
comment on column sincro.arportes.id_sincro is E'Change number: 0 until the ERP first writes the row, then a larger number at every ERP-side change, in commit order. NULL only inside the writing ERP transaction.';
comment on column sincro.arportes.data_ordine is E'Order date; today when omitted (no column default, so that a retried insert without it still matches the first one).';
comment on column sincro.arportes.cliente_cod is E'ERP code of the customer; empty while the customer is a new one (new_customer_id).';
comment on column sincro.arportes.cod_agente is E'Sales agent responsible for the order: the author for agent orders, set by the ERP for its own. An app login reads the ERP-made orders of its agent.';
comment on column sincro.arportes.new_customer_id is E'The new customer created with this order, if the ERP does not know the customer yet.';
comment on column sincro.arportes.dest_ragione_sociale is E'Delivery address: recipient.';
comment on column sincro.arportes.dest_indirizzo is E'Delivery address: street.';
comment on column sincro.arportes.dest_cap is E'Delivery address: postal code.';
comment on column sincro.arportes.dest_citta is E'Delivery address: city.';
comment on column sincro.arportes.dest_provincia is E'Delivery address: province.';
comment on column sincro.arportes.dest_nazione is E'Delivery address: ISO country code.';
comment on column sincro.arportes.cod_pagamento is E'Payment terms code (ERP accessory table).';
comment on column sincro.arportes.note is E'Free notes.';
comment on column sincro.arportes.valuta is E'ISO currency code.';
comment on column sincro.arportes.totale_imponibile is E'Taxable total, as stated by the creator or the ERP.';
comment on column sincro.arportes.totale_iva is E'VAT total.';
comment on column sincro.arportes.totale_documento is E'Document total.';
comment on column sincro.arportes.created_xact is E'Transaction that created the row (internal: lines may be added only in that transaction).';
comment on column sincro.arportes.created_at is E'When the order was written to the hub.';
comment on column sincro.arportes.updated_at is E'Last change in the hub.';
