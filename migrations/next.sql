-- Table changes for the next migration (npm run sql:compose puts them after the
-- drops and before sql/): ALTER TABLE, CREATE TABLE with its comments, indexes,
-- constraints, data moves. Empty this file's statements when the migration is
-- committed (npm run migration:commit does it).

/*
 * Store connectors (issue 13): WooCommerce and Shopify shops registered with the
 * hub, the webhook deliveries and reconciliation finds they send (the inbox),
 * and which platform order became which hub order. All in sincro_private: the
 * webhook key and API credentials are readable by the owner only; admins and
 * operators read what they need through sincro.stores and sincro.store_inbox.
 */
create table sincro_private.store (
  azi text not null references sincro_private.company (azi) on delete restrict,
  store_id text not null
    constraint store_id_is_well_formed check (store_id ~ '^[A-Za-z0-9_-]{1,40}$'),
  platform text not null
    constraint platform_is_known check (platform in ('woocommerce', 'shopify')),
  hmac_ipad bytea,
  hmac_opad bytea,
  api_url text,
  api_key text,
  api_secret text,
  id_int_prefix text not null default ''
    constraint id_int_prefix_is_short check (id_int_prefix ~ '^[A-Za-z0-9_:-]{0,20}$'),
  settings jsonb not null default '{}'
    constraint settings_is_object check (jsonb_typeof(settings) = 'object'),
  reconcile_every interval not null default '5 minutes'
    constraint reconcile_every_is_sane check (reconcile_every >= interval '10 seconds'),
  watermark timestamptz,
  last_reconciled_at timestamptz,
  last_reconcile_error text,
  removed_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (azi, store_id),
  constraint store_id_is_unique unique (store_id),
  constraint keys_while_active check (removed_at is not null or (hmac_ipad is not null and hmac_opad is not null)),
  constraint hmac_pads_are_64_bytes check (octet_length(hmac_ipad) = 64 and octet_length(hmac_opad) = 64)
);
create unique index uniq_store__company_prefix on sincro_private.store (azi, id_int_prefix) where removed_at is null;

comment on table sincro_private.store is
  E'A WooCommerce or Shopify shop whose orders the hub takes as a store party of its company (prov_tipo S). Owner only: the webhook key and API credentials live here.';
comment on column sincro_private.store.store_id is E'The store''s ID in the hub, in its webhook URL /stores/<platform>/<store_id>/webhook; never reused.';
comment on column sincro_private.store.azi is E'The company whose store party writes the orders.';
comment on column sincro_private.store.platform is E'woocommerce or shopify.';
comment on column sincro_private.store.hmac_ipad is E'The webhook secret as HMAC-SHA256 inner key (key xor 0x36, 64 bytes): the secret itself is not kept. NULL once removed.';
comment on column sincro_private.store.hmac_opad is E'The webhook secret as HMAC-SHA256 outer key (key xor 0x5c, 64 bytes). NULL once removed.';
comment on column sincro_private.store.api_url is E'The shop''s base URL (https://shop.example.com, https://x.myshopify.com) for reconciliation and status back; NULL: neither runs.';
comment on column sincro_private.store.api_key is E'WooCommerce REST consumer key (ck_…); unused for Shopify.';
comment on column sincro_private.store.api_secret is E'WooCommerce REST consumer secret (cs_…) or Shopify Admin API access token (shpat_…).';
comment on column sincro_private.store.id_int_prefix is E'Put before the platform order ID to make arportes.id_int: empty for a company''s first store, required to tell a second store''s orders apart.';
comment on column sincro_private.store.settings is E'Mapping settings (article codes for shipping and fees, fiscal meta keys, natura code, status back, payment codes): docs/stores.md.';
comment on column sincro_private.store.reconcile_every is E'How often the worker asks the shop''s REST API for orders modified since the watermark.';
comment on column sincro_private.store.watermark is E'Orders modified at or after this time may not all have been seen; NULL: from the store''s registration.';
comment on column sincro_private.store.last_reconciled_at is E'When the last reconciliation pass ended (successfully or not).';
comment on column sincro_private.store.last_reconcile_error is E'Why the last reconciliation pass failed; NULL when it succeeded.';
comment on column sincro_private.store.removed_at is E'When the store was removed: its webhooks answer 404, nothing is reconciled, its keys are wiped; its inbox and orders stay.';
comment on column sincro_private.store.created_at is E'When the store was registered.';

create table sincro_private.store_inbox (
  azi text not null,
  inbox_id bigint generated always as identity,
  store_id text not null,
  source text not null
    constraint source_is_known check (source in ('webhook', 'reconcile')),
  topic text,
  headers jsonb not null default '{}',
  body bytea not null,
  platform_order_id text,
  modified_at timestamptz,
  received_at timestamptz not null default now(),
  state text not null default 'received'
    constraint state_is_known check (state in ('received', 'created', 'duplicate', 'updated', 'ignored', 'error')),
  id_pub bigint,
  error text,
  processed_at timestamptz,
  primary key (azi, inbox_id),
  constraint inbox_id_is_unique unique (inbox_id),
  foreign key (azi, store_id) references sincro_private.store (azi, store_id) on delete restrict
);
create index idx_store_inbox__received on sincro_private.store_inbox (received_at) where state = 'received';
create index idx_store_inbox__errors on sincro_private.store_inbox (azi, inbox_id) where state = 'error';

comment on table sincro_private.store_inbox is
  E'Every signed webhook delivery and every order reconciliation found, as received (raw body and headers), and what the worker made of it. Never deleted.';
comment on column sincro_private.store_inbox.inbox_id is E'Order of arrival.';
comment on column sincro_private.store_inbox.store_id is E'The store it came from.';
comment on column sincro_private.store_inbox.azi is E'The store''s company (for row-level reads by company).';
comment on column sincro_private.store_inbox.source is E'webhook (a signed delivery) or reconcile (found by polling the shop''s REST API).';
comment on column sincro_private.store_inbox.topic is E'X-WC-Webhook-Topic (order.created…) or X-Shopify-Topic (orders/create…); reconcile for polled orders.';
comment on column sincro_private.store_inbox.headers is E'The delivery''s headers (lower-case names), signature included; {} for polled orders.';
comment on column sincro_private.store_inbox.body is E'The raw body, byte for byte as signed.';
comment on column sincro_private.store_inbox.platform_order_id is E'The order''s id on the platform, from the body; NULL when the body is not an order.';
comment on column sincro_private.store_inbox.modified_at is E'The order''s modification time on the platform (date_modified_gmt, updated_at).';
comment on column sincro_private.store_inbox.received_at is E'When the hub stored it.';
comment on column sincro_private.store_inbox.state is E'received (waiting for the worker), created (became order id_pub), duplicate (the order was already there, same or older version), updated (a later version of an order the hub has: status recorded, nothing sent to the ERP), ignored (not an order), error (see error; nothing was written).';
comment on column sincro_private.store_inbox.id_pub is E'The hub order it became or belongs to.';
comment on column sincro_private.store_inbox.error is E'Why it could not become an order (malformed JSON, a missing SKU, a failed fiscal check…).';
comment on column sincro_private.store_inbox.processed_at is E'When the worker handled it.';

create table sincro_private.store_order (
  azi text not null,
  store_id text not null,
  platform_order_id text not null,
  id_pub bigint,
  order_number text,
  platform_customer_id text,
  modified_at timestamptz,
  platform_status text,
  cancelled_at timestamptz,
  refunded boolean not null default false,
  status_back text not null default 'waiting'
    constraint status_back_is_known check (status_back in ('waiting', 'pending', 'sent', 'off')),
  status_back_at timestamptz,
  status_back_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (azi, store_id, platform_order_id),
  foreign key (azi, store_id) references sincro_private.store (azi, store_id) on delete restrict,
  constraint store_order_order_fk foreign key (azi, id_pub) references sincro.arportes (azi, id_pub) on delete restrict
);
create unique index uniq_store_order__order on sincro_private.store_order (azi, id_pub);
create index idx_store_order__status_back on sincro_private.store_order (status_back_at) where status_back = 'pending';

comment on table sincro_private.store_order is
  E'Which platform order became which hub order: one row per (store, platform order ID), written with the order in one transaction, so a second delivery finds it.';
comment on column sincro_private.store_order.store_id is E'The store.';
comment on column sincro_private.store_order.platform_order_id is E'The order''s id on the platform.';
comment on column sincro_private.store_order.azi is E'Company of the hub order.';
comment on column sincro_private.store_order.id_pub is E'The hub order (NULL only inside the transaction that writes it: the row is inserted first, so a second delivery of the same order waits for the first and then finds it).';
comment on column sincro_private.store_order.order_number is E'The number the shop shows (WooCommerce number, Shopify name).';
comment on column sincro_private.store_order.platform_customer_id is E'The platform''s customer ID (NULL for a guest).';
comment on column sincro_private.store_order.modified_at is E'The latest modification time the hub has seen; an older version is a duplicate.';
comment on column sincro_private.store_order.platform_status is E'The order''s status on the platform, as last seen (processing, cancelled, refunded…; Shopify financial_status).';
comment on column sincro_private.store_order.cancelled_at is E'When the hub learned the order was cancelled (or deleted) on the platform; shown to the operator, not sent to the ERP.';
comment on column sincro_private.store_order.refunded is E'The platform says the order was refunded (fully or partly); shown to the operator, not sent to the ERP.';
comment on column sincro_private.store_order.status_back is E'Telling the shop the ERP acquired the order: waiting (not acquired yet), pending (to send), sent, off (no API URL).';
comment on column sincro_private.store_order.status_back_at is E'When status_back last changed.';
comment on column sincro_private.store_order.status_back_error is E'Why the last attempt to tell the shop failed.';
comment on column sincro_private.store_order.created_at is E'When the hub order was written.';
comment on column sincro_private.store_order.updated_at is E'When a later version was last recorded.';

create table sincro_private.store_customer (
  azi text not null,
  store_id text not null,
  match_kind text not null
    constraint match_kind_is_known check (match_kind in ('customer_id', 'email')),
  match_value text not null,
  cliente_cod text not null,
  created_at timestamptz not null default now(),
  primary key (azi, store_id, match_kind, match_value),
  foreign key (azi, store_id) references sincro_private.store (azi, store_id) on delete restrict
);

comment on table sincro_private.store_customer is
  E'A shop customer the ERP knows: by platform customer ID or e-mail (lower case), the ERP''s cliente_cod; orders of a customer not listed bring a new customer.';
comment on column sincro_private.store_customer.azi is E'The store''s company.';
comment on column sincro_private.store_customer.store_id is E'The store.';
comment on column sincro_private.store_customer.match_kind is E'customer_id (the platform''s) or email.';
comment on column sincro_private.store_customer.match_value is E'The platform customer ID, or the e-mail in lower case.';
comment on column sincro_private.store_customer.cliente_cod is E'The ERP''s customer code orders of this customer carry.';
comment on column sincro_private.store_customer.created_at is E'When the mapping was stored.';
-- reconciliation asks "is this version of this order known?" for every order a poll lists
create index idx_store_inbox__order on sincro_private.store_inbox (store_id, platform_order_id, modified_at);
