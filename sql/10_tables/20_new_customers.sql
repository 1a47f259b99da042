/*
 * A customer the ERP does not know yet (a web customer's first order), written
 * by the store or app in the same transaction as the order that names it.
 * `cod_cli` stays empty until the ERP answers with the code it assigned.
 * The creator's own key makes a retried insert harmless, as for orders.
 */
create table sincro.new_customers (
  azi text not null references sincro_private.company (azi) on delete restrict,
  customer_id bigint generated always as identity,
  prov_tipo text not null,
  prov_id text,
  id_int text not null,
  ragione_sociale text not null,
  partita_iva text,
  codice_fiscale text,
  email text,
  telefono text,
  indirizzo text,
  cap text,
  citta text,
  provincia text,
  nazione text not null default 'IT',
  cod_cli text,
  created_xact xid8 not null default pg_current_xact_id(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (azi, customer_id),
  constraint prov_tipo_is_store_or_app check (prov_tipo in ('S', 'A')),
  constraint ragione_sociale_is_not_blank check (btrim(ragione_sociale) <> '')
);

create unique index uniq_new_customers__creator_key
  on sincro.new_customers (azi, prov_tipo, prov_id, id_int) nulls not distinct;

comment on table sincro.new_customers is
  E'Customers created by a store or app together with an order, before the ERP knows them. The ERP fills cod_cli when it acquires the first order.';
comment on column sincro.new_customers.azi is E'Company code.';
comment on column sincro.new_customers.customer_id is E'Hub-assigned identifier; read it with INSERT ... RETURNING and put it in arportes.new_customer_id.';
comment on column sincro.new_customers.prov_tipo is E'Who created the record: S store, A app.';
comment on column sincro.new_customers.prov_id is E'Device ID for an app (A); empty for the store.';
comment on column sincro.new_customers.id_int is E'The customer''s ID inside the creating party (web account, device-local ID). With azi, prov_tipo and prov_id it makes a retried insert idempotent.';
comment on column sincro.new_customers.ragione_sociale is E'Customer name or company name.';
comment on column sincro.new_customers.partita_iva is E'VAT number.';
comment on column sincro.new_customers.codice_fiscale is E'Italian fiscal code.';
comment on column sincro.new_customers.email is E'E-mail address.';
comment on column sincro.new_customers.telefono is E'Phone number.';
comment on column sincro.new_customers.indirizzo is E'Street address.';
comment on column sincro.new_customers.cap is E'Postal code.';
comment on column sincro.new_customers.citta is E'City.';
comment on column sincro.new_customers.provincia is E'Province.';
comment on column sincro.new_customers.nazione is E'ISO country code.';
comment on column sincro.new_customers.cod_cli is E'Customer code assigned by the ERP; empty until the ERP acquires the customer.';
comment on column sincro.new_customers.created_xact is E'Transaction that created the row (internal: orders may link to it only in that transaction).';
comment on column sincro.new_customers.created_at is E'When the record was written to the hub.';
comment on column sincro.new_customers.updated_at is E'Last change in the hub.';
