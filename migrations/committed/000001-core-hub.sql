--! Previous: -
--! Hash: sha1:52ed4bb3273355731f749c9785446afa42ca8356
--! Message: core hub

-- >>> sql/00_schemas.sql
/*
 * Two schemas by audience: `sincro` is what stores, apps, ERPs and operators
 * use; `sincro_private` holds counters and helpers nobody calls directly.
 * Nothing is granted to PUBLIC: each party gets exactly what it needs.
 */
create schema if not exists sincro;
create schema if not exists sincro_private;

revoke all on schema sincro from public;
revoke all on schema sincro_private from public;

comment on schema sincro is
  E'Public interface of the sincro hub: order tables written directly by stores and apps, the ERP entry point, change feeds and pending views.';
comment on schema sincro_private is
  E'Internals of the sincro hub: per-company counters and helper functions. Not for clients.';

-- >>> sql/10_tables/10_company.sql
/*
 * A company (`azi`) and its counters. The public-ID counter and the change-number
 * counter are separate rows on purpose: a store insert holds the public-ID lock
 * until it commits, an ERP transaction holds the change-number lock while it
 * commits, and neither should wait for the other. `sincro.apstatosyn` (a view)
 * shows the three tables as the one row per company the protocol describes.
 */
create table sincro_private.company (
  azi text primary key
    constraint azi_is_well_formed check (azi ~ '^[A-Za-z0-9_-]{1,20}$'),
  ragione_sociale text,
  sync_quota integer not null default 0
    constraint sync_quota_is_not_negative check (sync_quota >= 0),
  sync_used integer not null default 0
    constraint sync_used_is_not_negative check (sync_used >= 0),
  sync_period_start date not null default current_date,
  push_mode text not null default 'auto'
    constraint push_mode_is_known check (push_mode in ('auto', 'manual')),
  created_at timestamptz not null default now()
);

comment on table sincro_private.company is
  E'One row per company served by the hub. Registered through the view sincro.apstatosyn.';
comment on column sincro_private.company.azi is
  E'Company code (e.g. C00001): 1-20 letters, digits, _ or -. First column of every primary key in the hub.';
comment on column sincro_private.company.ragione_sociale is E'Company name, for operators.';
comment on column sincro_private.company.sync_quota is
  E'Syncs (sync for changes or total rebuild) allowed per contract period.';
comment on column sincro_private.company.sync_used is E'Syncs used in the current contract period.';
comment on column sincro_private.company.sync_period_start is E'First day of the current contract period.';
comment on column sincro_private.company.push_mode is
  E'auto: a failed push is retried with backoff and swept; manual: one attempt, then the order waits for a partial sync (as the store vendor describes).';
comment on column sincro_private.company.created_at is E'When the company was registered.';

create table sincro_private.id_pub_counter (
  azi text primary key references sincro_private.company (azi) on delete cascade,
  last_value bigint not null default 0
    constraint last_value_is_not_negative check (last_value >= 0)
);

comment on table sincro_private.id_pub_counter is
  E'Last public order ID handed out per company. Updated inside the inserting transaction, so its row lock makes IDs gap-free: a rollback returns the number.';
comment on column sincro_private.id_pub_counter.azi is E'Company code.';
comment on column sincro_private.id_pub_counter.last_value is E'Last id_pub given to an order of this company (0: none yet).';

create table sincro_private.id_sincro_counter (
  azi text primary key references sincro_private.company (azi) on delete cascade,
  last_value bigint not null default 0
    constraint last_value_is_not_negative check (last_value >= 0)
);

comment on table sincro_private.id_sincro_counter is
  E'Last change number (id_sincro) handed out per company. Taken only at commit, by deferred triggers, and held until the commit ends, so change numbers grow in commit order.';
comment on column sincro_private.id_sincro_counter.azi is E'Company code.';
comment on column sincro_private.id_sincro_counter.last_value is E'Last id_sincro given to a row of this company (0: none yet).';

-- >>> sql/10_tables/15_party_secret.sql
/*
 * The secret behind sincro.party claims (see sincro_private.current_party):
 * only the hub's own SECURITY DEFINER functions can read it, so only they can
 * claim to act as the ERP (G) or the hub (H).
 */
create table sincro_private.party_secret (
  singleton boolean primary key default true constraint one_row check (singleton),
  secret text not null default pg_catalog.md5(pg_catalog.gen_random_uuid()::text || pg_catalog.clock_timestamp()::text)
);
insert into sincro_private.party_secret default values;

comment on table sincro_private.party_secret is
  E'One random secret that proves a sincro.party claim comes from the hub''s own functions. Readable by the owner only.';
comment on column sincro_private.party_secret.singleton is E'Always true: the table has one row.';
comment on column sincro_private.party_secret.secret is E'Random token appended to the sincro.party setting by set_party.';

-- >>> sql/10_tables/20_new_customers.sql
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

-- >>> sql/10_tables/30_arportes.sql
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

-- >>> sql/10_tables/40_arporrig.sql
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

-- >>> sql/10_tables/50_arportes_history.sql
/*
 * Every version of every order header, so an operator can print the worked
 * example of any real order. The history columns come first; the order's
 * columns follow in the same order as sincro.arportes (a later ADD COLUMN on
 * arportes must be repeated here; a test compares the two).
 */
create table sincro.arportes_history (
  history_id bigint generated always as identity,
  operation text not null,
  party text,
  db_user name not null default current_user,
  recorded_at timestamptz not null default clock_timestamp(),
  like sincro.arportes,
  primary key (azi, history_id),
  constraint operation_is_known check (operation in ('INSERT', 'UPDATE', 'DELETE')),
  constraint party_is_known check (party in ('S', 'A', 'G', 'H'))
);

create index idx_arportes_history__order on sincro.arportes_history (azi, id_pub, history_id);
create index idx_arportes_history__id_sincro_pending on sincro.arportes_history (azi, id_pub) where id_sincro is null;

comment on table sincro.arportes_history is
  E'Every committed version of every order header: what changed it, which party, when, and all its columns. Append-only.';
comment on column sincro.arportes_history.history_id is E'Version number, increasing.';
comment on column sincro.arportes_history.operation is E'INSERT, UPDATE or DELETE.';
comment on column sincro.arportes_history.party is E'Party that made the change: S store, A app, G ERP, H hub; empty when it cannot be told (an operator by hand).';
comment on column sincro.arportes_history.db_user is E'Database role that made the change.';
comment on column sincro.arportes_history.recorded_at is E'When the version was written.';
comment on column sincro.arportes_history.azi is E'Company code.';
comment on column sincro.arportes_history.id_pub is E'Public order ID.';
comment on column sincro.arportes_history.tor_chia is E'As in sincro.arportes.';
comment on column sincro.arportes_history.conferma is E'As in sincro.arportes.';
comment on column sincro.arportes_history.id_int is E'As in sincro.arportes.';
comment on column sincro.arportes_history.ack_store is E'As in sincro.arportes.';
comment on column sincro.arportes_history.ack_gest is E'As in sincro.arportes.';
comment on column sincro.arportes_history.ack_app is E'As in sincro.arportes.';
comment on column sincro.arportes_history.prov_tipo is E'As in sincro.arportes.';
comment on column sincro.arportes_history.prov_id is E'As in sincro.arportes.';
comment on column sincro.arportes_history.autore_tipo is E'As in sincro.arportes.';
comment on column sincro.arportes_history.autore_cod is E'As in sincro.arportes.';
comment on column sincro.arportes_history.id_sincro is E'As in sincro.arportes; the change number the version committed with.';
comment on column sincro.arportes_history.data_ordine is E'As in sincro.arportes.';
comment on column sincro.arportes_history.cliente_cod is E'As in sincro.arportes.';
comment on column sincro.arportes_history.cod_agente is E'As in sincro.arportes.';
comment on column sincro.arportes_history.new_customer_id is E'As in sincro.arportes.';
comment on column sincro.arportes_history.dest_ragione_sociale is E'As in sincro.arportes.';
comment on column sincro.arportes_history.dest_indirizzo is E'As in sincro.arportes.';
comment on column sincro.arportes_history.dest_cap is E'As in sincro.arportes.';
comment on column sincro.arportes_history.dest_citta is E'As in sincro.arportes.';
comment on column sincro.arportes_history.dest_provincia is E'As in sincro.arportes.';
comment on column sincro.arportes_history.dest_nazione is E'As in sincro.arportes.';
comment on column sincro.arportes_history.cod_pagamento is E'As in sincro.arportes.';
comment on column sincro.arportes_history.note is E'As in sincro.arportes.';
comment on column sincro.arportes_history.valuta is E'As in sincro.arportes.';
comment on column sincro.arportes_history.totale_imponibile is E'As in sincro.arportes.';
comment on column sincro.arportes_history.totale_iva is E'As in sincro.arportes.';
comment on column sincro.arportes_history.totale_documento is E'As in sincro.arportes.';
comment on column sincro.arportes_history.created_xact is E'As in sincro.arportes.';
comment on column sincro.arportes_history.created_at is E'As in sincro.arportes.';
comment on column sincro.arportes_history.updated_at is E'As in sincro.arportes.';

-- >>> sql/10_tables/60_login.sql
/*
 * Which party a database login acts for. Store, app and ERP logins are bound
 * to one company (an app login also to one device and its agent); worker and
 * admin logins serve every company and are known by their group role alone.
 * Created by sincro.create_login; read by the policies and triggers through
 * session_user, which a client cannot change.
 */
create table sincro_private.login (
  azi text not null references sincro_private.company (azi) on delete cascade,
  login name not null,
  kind text not null,
  prov_id text,
  cod_agente text,
  created_at timestamptz not null default now(),
  primary key (azi, login),
  constraint login_is_unique unique (login),
  constraint kind_is_company_bound check (kind in ('store', 'app', 'erp')),
  constraint prov_id_only_for_app check ((kind = 'app') = (prov_id is not null)),
  constraint cod_agente_only_for_app check (kind = 'app' or cod_agente is null)
);

comment on table sincro_private.login is
  E'Database logins bound to a company: the party (store, app, erp), and for an app its device and agent. Written by sincro.create_login.';
comment on column sincro_private.login.azi is E'Company the login may see and write.';
comment on column sincro_private.login.login is E'The login role''s name (session_user when it connects).';
comment on column sincro_private.login.kind is E'store, app or erp.';
comment on column sincro_private.login.prov_id is E'For an app login: the device ID it writes as prov_id.';
comment on column sincro_private.login.cod_agente is E'For an app login: the sales agent whose ERP-made orders the device may read.';
comment on column sincro_private.login.created_at is E'When the login was created.';

-- >>> sql/10_tables/70_order_push.sql
/*
 * The push state of every store/app order: the record of what reached the ERP.
 * The graphile-worker job is only a doorbell; if it is lost or fails for good,
 * this row still says the order is pending, and the sweep rings again.
 */
create table sincro.order_push (
  azi text not null,
  id_pub bigint not null,
  state text not null default 'pending',
  attempts integer not null default 0,
  last_attempt_at timestamptz,
  last_error text,
  erp_message text,
  acquired_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (azi, id_pub),
  foreign key (azi, id_pub) references sincro.arportes (azi, id_pub) on delete cascade,
  constraint state_is_known check (state in ('pending', 'in_flight', 'acquired', 'rejected')),
  constraint attempts_is_not_negative check (attempts >= 0)
);

create index idx_order_push__open on sincro.order_push (azi, id_pub) where state in ('pending', 'in_flight');

comment on table sincro.order_push is
  E'Push state of each store/app order towards the ERP: pending, in_flight, acquired, or rejected with the ERP''s message. The source of truth; jobs only ring the bell.';
comment on column sincro.order_push.azi is E'Company code.';
comment on column sincro.order_push.id_pub is E'The order.';
comment on column sincro.order_push.state is E'pending (waiting to be pushed), in_flight (a push is calling the ERP), acquired (the ERP has it), rejected (the ERP refused it: see erp_message; not retried).';
comment on column sincro.order_push.attempts is E'Pushes started so far.';
comment on column sincro.order_push.last_attempt_at is E'When the last push started.';
comment on column sincro.order_push.last_error is E'Why the last push failed to reach the ERP (unreachable, timeout, server error).';
comment on column sincro.order_push.erp_message is E'The ERP''s message when it rejected the order.';
comment on column sincro.order_push.acquired_at is E'When the ERP''s answer was written back.';
comment on column sincro.order_push.created_at is E'When the order was queued for the ERP.';
comment on column sincro.order_push.updated_at is E'Last state change.';

-- >>> sql/10_tables/80_sync_runs.sql
/*
 * Every synchronisation run, one row each: partial syncs now, syncs for
 * changes and total rebuilds later. Operators read it; the quota is charged
 * from it.
 */
create table sincro.sync_runs (
  azi text not null references sincro_private.company (azi) on delete restrict,
  run_id bigint generated always as identity,
  kind text not null,
  state text not null default 'running',
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  orders_pushed integer not null default 0,
  orders_rejected integer not null default 0,
  orders_failed integer not null default 0,
  error text,
  uses_quota boolean not null default false,
  primary key (azi, run_id),
  constraint kind_is_known check (kind in ('partial', 'changes', 'rebuild')),
  constraint state_is_known check (state in ('running', 'succeeded', 'failed')),
  constraint finished_when_done check ((state = 'running') = (finished_at is null))
);

create unique index uniq_sync_runs__one_running on sincro.sync_runs (azi, kind) where state = 'running';

comment on table sincro.sync_runs is E'One row per sync run of a company: kind, times, counts, outcome.';
comment on column sincro.sync_runs.azi is E'Company code.';
comment on column sincro.sync_runs.run_id is E'Run number.';
comment on column sincro.sync_runs.kind is E'partial (push pending orders, no quota), changes (sync for changes), rebuild (total rebuild).';
comment on column sincro.sync_runs.state is E'running, succeeded or failed.';
comment on column sincro.sync_runs.started_at is E'When the run started.';
comment on column sincro.sync_runs.finished_at is E'When it ended.';
comment on column sincro.sync_runs.orders_pushed is E'Orders the ERP acquired in this run.';
comment on column sincro.sync_runs.orders_rejected is E'Orders the ERP rejected in this run.';
comment on column sincro.sync_runs.orders_failed is E'Orders that could not reach the ERP in this run (still pending).';
comment on column sincro.sync_runs.error is E'Why the run failed, if it did.';
comment on column sincro.sync_runs.uses_quota is E'Whether the run counts against the contracted quota (never for partial syncs).';

-- >>> sql/20_functions/05_session_login.sql
/*
 * The party behind the connection, from session_user: a client cannot change
 * it (SET SESSION AUTHORIZATION needs a superuser), and SECURITY DEFINER code
 * still sees it, unlike current_user. Each party connects as its own login.
 * NULL fields for roles that are not company-bound (owner, admin, worker).
 */
create or replace function sincro_private.session_login()
returns sincro_private.login
language sql
stable
security definer
set search_path = ''
as $$
  select l.* from sincro_private.login l where l.login = session_user
$$;

comment on function sincro_private.session_login() is
  E'The company-bound login of this connection (by session_user), or NULL. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_company()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select l.azi from sincro_private.login l where l.login = session_user
$$;

comment on function sincro_private.session_company() is
  E'Company of this connection''s login, for row-level security policies. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_device()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select l.prov_id from sincro_private.login l where l.login = session_user
$$;

comment on function sincro_private.session_device() is
  E'Device ID of this connection''s app login, for row-level security policies. SECURITY DEFINER to read the login table.';

create or replace function sincro_private.session_agent()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select l.cod_agente from sincro_private.login l where l.login = session_user
$$;

comment on function sincro_private.session_agent() is
  E'Sales agent of this connection''s app login, for row-level security policies. SECURITY DEFINER to read the login table.';

/*
 * Whether this connection may see a company's row in apstatosyn: its own
 * company for a company-bound login, every company for others (the group
 * grants decide whether they may read apstatosyn at all).
 */
create or replace function sincro_private.may_see_company(azi text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select l.azi = may_see_company.azi from sincro_private.login l where l.login = session_user), true)
$$;

comment on function sincro_private.may_see_company(text) is
  E'True when this connection may see the company: its own for store/app/ERP logins, all for admin, worker and owner.';

-- >>> sql/20_functions/10_current_party.sql
/*
 * Which party the current statement acts for: 'G' inside sincro.erp_write_order,
 * 'H' while the hub stamps change numbers at commit, NULL for a direct write by
 * a store or app. Triggers use it to tell a client's direct write (checked
 * strictly) from the hub's own functions.
 *
 * The value lives in the transaction-local setting `sincro.party`, which any
 * role can set. It is honoured only when it carries the hub's secret, which is
 * kept in a table no client can read: only the hub's SECURITY DEFINER functions
 * can claim a party. (The trigger functions must themselves be SECURITY DEFINER
 * to reach counters and history, so current_user cannot tell who called.)
 */

create or replace function sincro_private.current_party()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when s.claim = '' then null
    when pg_catalog.split_part(s.claim, ':', 2) = (select p.secret from sincro_private.party_secret p)
      then pg_catalog.split_part(s.claim, ':', 1)
  end
  from (select coalesce(pg_catalog.current_setting('sincro.party', true), '') as claim) s
$$;

comment on function sincro_private.current_party() is
  E'The party the hub''s own functions act for (G ERP, H hub), or NULL for a direct client write. A claim without the hub''s secret is ignored. SECURITY DEFINER to read the secret.';

/*
 * Sets the acting party for the rest of the transaction and returns the raw
 * previous setting, so a caller can put it back with restore_party. Only the
 * owner can run it (it reads the secret); clients get no EXECUTE on it.
 */
create or replace function sincro_private.set_party(party text)
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_previous text := coalesce(pg_catalog.current_setting('sincro.party', true), '');
begin
  perform pg_catalog.set_config('sincro.party',
    case when coalesce(party, '') = '' then ''
         else party || ':' || (select p.secret from sincro_private.party_secret p) end,
    true);
  return v_previous;
end;
$$;

comment on function sincro_private.set_party(text) is
  E'Claims an acting party (G, H) for the rest of the transaction, with the hub''s secret; returns the previous raw setting for restore_party.';

create or replace function sincro_private.restore_party(previous text)
returns void
language sql
volatile
set search_path = ''
as $$
  select null from pg_catalog.set_config('sincro.party', coalesce(previous, ''), true)
$$;

comment on function sincro_private.restore_party(text) is
  E'Puts back the sincro.party setting that set_party returned.';

-- >>> sql/20_functions/20_enqueue_push_order.sql
/*
 * The doorbell for the worker: one graphile-worker job per store/app order,
 * added in the inserting transaction (so a rolled-back order leaves no job and
 * a committed one always has one). The job key makes a second enqueue of the
 * same order replace, not duplicate, a waiting job (and start a fresh one if
 * the old one is locked by a worker that died). In manual mode the job gets
 * one attempt; the order then waits for a partial sync.
 *
 * SECURITY DEFINER because clients have no rights on the graphile_worker
 * schema; this is the only path by which they cause a job to exist.
 */
create or replace function sincro_private.enqueue_push_order(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform graphile_worker.add_job(
    identifier := 'push_order',
    payload := pg_catalog.json_build_object('azi', azi, 'id_pub', id_pub),
    job_key := pg_catalog.format('push_order:%s:%s', azi, id_pub),
    max_attempts := case (select c.push_mode from sincro_private.company c where c.azi = enqueue_push_order.azi)
                      when 'manual' then 1 else 25 end
  );
end;
$$;

comment on function sincro_private.enqueue_push_order(text, bigint) is
  E'Enqueues the graphile-worker job push_order for one order (job key push_order:<azi>:<id_pub>; 25 attempts in auto mode, 1 in manual).';

-- >>> sql/20_functions/30_assign_pending_id_sincro.sql
/*
 * Gives change numbers to every order row this transaction changed on the ERP
 * side (id_sincro NULL). Runs from a deferred constraint trigger, that is at
 * commit, after every row lock the transaction needs is already held: the
 * company counter is the last lock taken, so two ERP transactions touching
 * orders in different order cannot deadlock on it, and the counter lock held
 * to the end of the commit makes numbers increase in commit order.
 *
 * Only this transaction's rows can be seen with id_sincro NULL (no committed
 * row has it), so the partial index finds exactly them. Companies are taken in
 * azi order, one counter update each.
 *
 * SECURITY DEFINER: it runs at the commit of a client's or ERP's transaction
 * and must stamp rows and history that those roles cannot write.
 */
create or replace function sincro_private.assign_pending_id_sincro()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_azi text;
  v_count bigint;
  v_last bigint;
  v_previous_party text;
begin
  for v_azi, v_count in
    select a.azi, count(*)
    from sincro.arportes a
    where a.id_sincro is null
    group by a.azi
    order by a.azi
  loop
    -- bump: the counter lock, taken last
    update sincro_private.id_sincro_counter c
      set last_value = c.last_value + v_count
      where c.azi = v_azi
      returning c.last_value into v_last;

    -- stamp rows in id_pub order, then the history versions they wrote
    v_previous_party := sincro_private.set_party('H');
    update sincro.arportes a
      set id_sincro = v_last - v_count + s.position
      from (
        select p.id_pub, row_number() over (order by p.id_pub) as position
        from sincro.arportes p
        where p.azi = v_azi and p.id_sincro is null
      ) s
      where a.azi = v_azi and a.id_pub = s.id_pub;
    update sincro.arportes_history h
      set id_sincro = a.id_sincro
      from sincro.arportes a
      where h.azi = v_azi and h.id_sincro is null
        and a.azi = h.azi and a.id_pub = h.id_pub;
    perform sincro_private.restore_party(v_previous_party);
  end loop;
end;
$$;

comment on function sincro_private.assign_pending_id_sincro() is
  E'At commit: gives the next change numbers of each company to the order rows this transaction changed on the ERP side, taking the counter lock last.';

-- >>> sql/20_functions/40_find_order.sql
/*
 * A retried insert of an order the hub already has is skipped (INSERT returns
 * no row), so the client needs a way to learn the public ID it got the first
 * time: this is it, by the creator's own key.
 */
create or replace function sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text)
returns bigint
language sql
stable
set search_path = ''
as $$
  select a.id_pub
  from sincro.arportes a
  where a.azi = find_order.azi
    and a.prov_tipo = find_order.prov_tipo
    and (a.prov_id = find_order.prov_id or (find_order.prov_id is null and a.prov_id is null))
    and a.id_int = find_order.id_int
    and a.prov_tipo <> 'G'
$$;

comment on function sincro.find_order(text, text, text, text) is
  E'Public ID of the order a store (S, prov_id NULL) or app (A, its device ID) created with its own id_int; NULL if the hub has none. Use it after a retried INSERT returned no row.';

create or replace function sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text)
returns bigint
language sql
stable
set search_path = ''
as $$
  select c.customer_id
  from sincro.new_customers c
  where c.azi = find_new_customer.azi
    and c.prov_tipo = find_new_customer.prov_tipo
    and (c.prov_id = find_new_customer.prov_id or (find_new_customer.prov_id is null and c.prov_id is null))
    and c.id_int = find_new_customer.id_int
$$;

comment on function sincro.find_new_customer(text, text, text, text) is
  E'customer_id of the new customer a store or app created with its own id_int; NULL if none. Use it after a retried INSERT returned no row.';

-- >>> sql/20_functions/50_changes_since.sql
/*
 * The change feed for consumers: orders the ERP side changed after `cursor`,
 * in change-number order. Because change numbers grow in commit order, a
 * consumer that stores the last id_sincro it read and asks again never misses
 * a change. The (azi, id_sincro) index makes the cost follow the rows returned.
 */
create or replace function sincro.changes_since(azi text, "cursor" bigint, max_rows integer default 1000)
returns setof sincro.arportes
language plpgsql
stable
set search_path = ''
as $$
begin
  -- validate
  if $1 is null or not exists (select 1 from sincro.apstatosyn c where c.azi = $1) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('changes_since: unknown company (azi = %L)', $1),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if $2 is null or $2 < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('changes_since: cursor must be 0 or a change number already read (got %s)', coalesce($2::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if $3 is null or $3 < 1 or $3 > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('changes_since: max_rows must be between 1 and 100000 (got %s)', coalesce($3::text, 'NULL')),
      hint = 'Read in batches of a few thousand rows at most.';
  end if;

  -- read
  return query
    select a.*
    from sincro.arportes a
    where a.azi = $1 and a.id_sincro > $2
    order by a.id_sincro
    limit $3;
end;
$$;

comment on function sincro.changes_since(text, bigint, integer) is
  E'Orders of a company whose id_sincro is above cursor, in id_sincro order, at most max_rows. Store the largest id_sincro read and pass it next time.';

-- >>> sql/20_functions/60_erp_write_order.sql
/*
 * Raises SY201 naming the first key of `doc` whose value cannot be read as the
 * column of `template` it is meant for. Called only after a cast failed, to
 * turn PostgreSQL's "invalid input syntax for type numeric" into a message an
 * ERP integrator can act on.
 */
create or replace function sincro_private.raise_bad_field(context text, doc jsonb, template anyelement)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_key text;
begin
  for v_key in select k from pg_catalog.jsonb_object_keys(doc) k order by k loop
    begin
      perform pg_catalog.jsonb_populate_record(template, pg_catalog.jsonb_build_object(v_key, doc -> v_key));
    exception when data_exception then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('%s: field "%s" has an invalid value (%s)', context, v_key, doc -> v_key),
        detail = sqlerrm,
        hint = 'Send numbers as JSON numbers, dates as YYYY-MM-DD strings, codes as strings.';
    end;
  end loop;
  raise exception using
    errcode = 'SY201',
    message = pg_catalog.format('%s: a field has an invalid value', context);
end;
$$;

comment on function sincro_private.raise_bad_field(text, jsonb, anyelement) is
  E'Raises SY201 naming the first field of a JSON document that does not fit its column.';

/*
 * Makes the lines of one order equal to the ERP's list: lines not in the list
 * are deleted, new ones inserted, changed ones updated; unchanged lines are not
 * touched. Returns whether anything changed. Lines without `riga` are numbered
 * by their position in the list.
 */
create or replace function sincro_private.replace_order_lines(azi text, id_pub bigint, lines jsonb)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  c_line_keys constant text[] := array[
    'riga', 'articolo', 'descrizione', 'quantita', 'unita_misura', 'prezzo', 'sconto',
    'iva', 'data_consegna', 'note'];
  v_azi constant text := replace_order_lines.azi;
  v_id_pub constant bigint := replace_order_lines.id_pub;
  v_line jsonb;
  v_position integer := 0;
  v_key text;
  v_rows sincro.arporrig[] := '{}';
  v_row sincro.arporrig;
  v_deleted integer;
  v_written integer;
begin
  -- validate
  if lines is null or pg_catalog.jsonb_typeof(lines) <> 'array' or pg_catalog.jsonb_array_length(lines) = 0 then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: "lines" must be a non-empty array of line objects',
      hint = 'Send every line of the order: the list replaces the lines the hub holds.';
  end if;
  for v_line in select * from pg_catalog.jsonb_array_elements(lines) loop
    v_position := v_position + 1;
    if pg_catalog.jsonb_typeof(v_line) <> 'object' then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: lines[%s] must be an object', v_position);
    end if;
    for v_key in select k from pg_catalog.jsonb_object_keys(v_line) k loop
      if not v_key = any (c_line_keys) then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('erp_write_order: lines[%s] has unknown field "%s"', v_position, v_key),
          hint = pg_catalog.format('Line fields: %s.', pg_catalog.array_to_string(c_line_keys, ', '));
      end if;
    end loop;
    begin
      v_row := pg_catalog.jsonb_populate_record(null::sincro.arporrig, v_line);
    exception when data_exception then
      perform sincro_private.raise_bad_field(pg_catalog.format('erp_write_order: lines[%s]', v_position), v_line, null::sincro.arporrig);
    end;
    v_row.azi := v_azi;
    v_row.id_pub := v_id_pub;
    v_row.riga := coalesce(v_row.riga, v_position);
    v_row.prezzo := coalesce(v_row.prezzo, 0);
    v_row.sconto := coalesce(v_row.sconto, 0);
    v_rows := v_rows || v_row;
  end loop;
  if (select count(distinct r.riga) from pg_catalog.unnest(v_rows) r) <> pg_catalog.cardinality(v_rows) then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: two lines have the same "riga"',
      hint = 'Give each line its own riga, or omit riga on all lines to number them by position.';
  end if;

  -- apply
  delete from sincro.arporrig r
    where r.azi = v_azi and r.id_pub = v_id_pub
      and r.riga <> all (select n.riga from pg_catalog.unnest(v_rows) n);
  get diagnostics v_deleted = row_count;

  insert into sincro.arporrig as r
    (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  select n.azi, n.id_pub, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto,
         n.iva, n.data_consegna, n.note
  from pg_catalog.unnest(v_rows) n
  order by n.riga
  on conflict (azi, id_pub, riga) do update
    set articolo = excluded.articolo, descrizione = excluded.descrizione, quantita = excluded.quantita,
        unita_misura = excluded.unita_misura, prezzo = excluded.prezzo, sconto = excluded.sconto,
        iva = excluded.iva, data_consegna = excluded.data_consegna, note = excluded.note,
        updated_at = now()
    where (r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva, r.data_consegna, r.note)
      is distinct from
      (excluded.articolo, excluded.descrizione, excluded.quantita, excluded.unita_misura, excluded.prezzo,
       excluded.sconto, excluded.iva, excluded.data_consegna, excluded.note);
  get diagnostics v_written = row_count;

  return v_deleted + v_written > 0;
end;
$$;

comment on function sincro_private.replace_order_lines(text, bigint, jsonb) is
  E'Makes the lines of an order equal to the ERP''s JSON list (delete, insert, update only what differs); returns whether anything changed.';

/*
 * The one entry point for ERP-side writes to orders. See the function comment
 * for the three cases. A call that changes nothing leaves id_sincro alone; one
 * that changes something sets it NULL, and the deferred trigger gives the row
 * its change number at commit (taking the counter lock last).
 *
 * SECURITY DEFINER: the ERP's role writes through this function only; inside
 * it the triggers trust the acting party 'G'.
 *
 * Exporting a new ERP-made order takes the company's public-ID counter until
 * commit (public IDs are gap-free and returned at once, so nothing else is
 * possible). An ERP transaction that both changes orders and exports new ones
 * should export the new ones first: otherwise it can deadlock with a store
 * insert or another export (PostgreSQL detects it, 40P01, and the ERP retries).
 */
create or replace function sincro.erp_write_order(azi text, doc jsonb)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  c_header_keys constant text[] := array[
    'id_pub', 'tor_chia', 'conferma', 'autore_tipo', 'autore_cod', 'data_ordine', 'cliente_cod', 'cod_agente',
    'dest_ragione_sociale', 'dest_indirizzo', 'dest_cap', 'dest_citta', 'dest_provincia', 'dest_nazione',
    'cod_pagamento', 'note', 'valuta', 'totale_imponibile', 'totale_iva', 'totale_documento', 'lines'];
  c_hub_keys constant text[] := array[
    'azi', 'ack_store', 'ack_gest', 'ack_app', 'prov_tipo', 'prov_id', 'id_int', 'id_sincro',
    'new_customer_id', 'created_xact', 'created_at', 'updated_at'];
  v_azi constant text := erp_write_order.azi;
  v_key text;
  v_fields sincro.arportes;
  v_id_pub bigint;
  v_tor_chia text;
  v_old sincro.arportes;
  v_new sincro.arportes;
  v_owner bigint;
  v_lines_changed boolean := false;
  v_previous_party text;
  v_login sincro_private.login := sincro_private.session_login();
begin
  -- validate: an ERP login writes its own company only
  if v_login.login is not null and (v_login.kind <> 'erp' or v_login.azi is distinct from v_azi) then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('erp_write_order: login %s (%s of company %s) cannot write orders of company %s',
                                  v_login.login, v_login.kind, v_login.azi, v_azi);
  end if;

  -- validate: company and document shape
  if v_azi is null or not exists (select 1 from sincro_private.company c where c.azi = v_azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('erp_write_order: unknown company (azi = %L)', v_azi),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if doc is null or pg_catalog.jsonb_typeof(doc) <> 'object' then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: doc must be a JSON object',
      hint = 'Keys are arportes column names plus "lines", e.g. {"id_pub": 1, "tor_chia": "C201700001230"}.';
  end if;
  for v_key in select k from pg_catalog.jsonb_object_keys(doc) k order by k loop
    if v_key = any (c_hub_keys) then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('erp_write_order: field "%s" is set by the hub, not by the ERP', v_key),
        hint = 'Remove it from doc; the hub sets acks, provenance and change numbers itself.';
    elsif not v_key = any (c_header_keys) then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: unknown field "%s"', v_key),
        hint = pg_catalog.format('Fields: %s.', pg_catalog.array_to_string(c_header_keys, ', '));
    end if;
  end loop;

  -- validate: field types
  begin
    v_fields := pg_catalog.jsonb_populate_record(null::sincro.arportes, doc - 'lines');
  exception when data_exception then
    perform sincro_private.raise_bad_field('erp_write_order', doc - 'lines', null::sincro.arportes);
  end;
  if doc ? 'id_pub' and (pg_catalog.jsonb_typeof(doc -> 'id_pub') <> 'number' or v_fields.id_pub < 1) then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('erp_write_order: field "id_pub" must be a positive integer (got %s)', doc -> 'id_pub');
  end if;
  if doc ? 'tor_chia' and (pg_catalog.jsonb_typeof(doc -> 'tor_chia') <> 'string' or pg_catalog.btrim(v_fields.tor_chia) = '') then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('erp_write_order: field "tor_chia" must be a non-empty string (got %s)', doc -> 'tor_chia'),
      hint = 'tor_chia is the ERP''s order key, e.g. "C201700001230".';
  end if;
  v_id_pub := v_fields.id_pub;
  v_tor_chia := v_fields.tor_chia;

  -- locate the order: by public ID, else by the ERP's key
  if v_id_pub is not null then
    select * into v_old from sincro.arportes a where a.azi = v_azi and a.id_pub = v_id_pub for update;
    if not found then
      raise exception using
        errcode = 'SY200',
        message = pg_catalog.format('erp_write_order: company %s has no order with id_pub %s', v_azi, v_id_pub),
        hint = 'To export an order made in the ERP, omit id_pub and send its tor_chia.';
    end if;
    if v_tor_chia is not null then
      select a.id_pub into v_owner from sincro.arportes a
        where a.azi = v_azi and a.tor_chia = v_tor_chia and a.id_pub <> v_id_pub;
      if found then
        raise exception using
          errcode = 'SY202',
          message = pg_catalog.format('erp_write_order: tor_chia %s already belongs to order %s, not %s', v_tor_chia, v_owner, v_id_pub);
      end if;
    end if;
  elsif v_tor_chia is not null then
    -- the same export sent twice at once: the second waits here for the first to
    -- commit, then finds its order (a new statement sees it) instead of a key clash
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtextextended(pg_catalog.concat_ws('/', 'erp_write_order', v_azi, v_tor_chia), 0));
    select * into v_old from sincro.arportes a where a.azi = v_azi and a.tor_chia = v_tor_chia for update;
  else
    raise exception using
      errcode = 'SY203',
      message = 'erp_write_order: doc needs "id_pub" (an order the hub sent) or "tor_chia" (an order made in the ERP)',
      hint = 'With id_pub the ERP answers for a store/app order; with an unknown tor_chia it exports a new order.';
  end if;
  if v_old.id_pub is not null and v_tor_chia is not null and v_old.tor_chia is distinct from v_tor_chia
     and v_old.tor_chia is not null then
    raise exception using
      errcode = 'SY202',
      message = pg_catalog.format('erp_write_order: order %s already has tor_chia %s; the ERP key of an order does not change (got %s)',
                                  v_old.id_pub, v_old.tor_chia, v_tor_chia);
  end if;

  v_previous_party := sincro_private.set_party('G');

  if v_old.id_pub is null then
    -- apply: an order made in the ERP (a new public ID, never a lookup)
    if not doc ? 'lines' then
      raise exception using
        errcode = 'SY102',
        message = 'erp_write_order: field "lines" is required for an order made in the ERP',
        hint = 'Send the order''s lines as an array of objects.';
    end if;
    if v_fields.autore_tipo is null or v_fields.autore_cod is null then
      raise exception using
        errcode = 'SY102',
        message = pg_catalog.format('erp_write_order: field "%s" is required for an order made in the ERP',
                                    case when v_fields.autore_tipo is null then 'autore_tipo' else 'autore_cod' end),
        hint = 'An ERP operator is autore_tipo "O" with the operator''s code in autore_cod.';
    end if;
    insert into sincro.arportes (
      azi, prov_tipo, tor_chia, conferma, autore_tipo, autore_cod, data_ordine, cliente_cod, cod_agente,
      dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
      cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
    values (
      v_azi, 'G', v_fields.tor_chia, v_fields.conferma, v_fields.autore_tipo, v_fields.autore_cod,
      v_fields.data_ordine, v_fields.cliente_cod, v_fields.cod_agente, v_fields.dest_ragione_sociale, v_fields.dest_indirizzo,
      v_fields.dest_cap, v_fields.dest_citta, v_fields.dest_provincia, v_fields.dest_nazione,
      v_fields.cod_pagamento, v_fields.note, coalesce(v_fields.valuta, 'EUR'), v_fields.totale_imponibile,
      v_fields.totale_iva, v_fields.totale_documento)
    returning id_pub into v_id_pub;
    perform sincro_private.replace_order_lines(v_azi, v_id_pub, doc -> 'lines');
  else
    -- apply: the ERP acquired or changed a known order; set what doc carries
    v_id_pub := v_old.id_pub;
    v_new := pg_catalog.jsonb_populate_record(v_old, doc - 'lines' - 'id_pub');
    if doc ? 'lines' then
      v_lines_changed := sincro_private.replace_order_lines(v_azi, v_id_pub, doc -> 'lines');
    end if;
    if v_lines_changed or v_new is distinct from v_old then
      update sincro.arportes a
        set tor_chia = v_new.tor_chia, conferma = v_new.conferma, autore_tipo = v_new.autore_tipo,
            autore_cod = v_new.autore_cod, data_ordine = v_new.data_ordine, cliente_cod = v_new.cliente_cod,
            cod_agente = v_new.cod_agente,
            dest_ragione_sociale = v_new.dest_ragione_sociale, dest_indirizzo = v_new.dest_indirizzo,
            dest_cap = v_new.dest_cap, dest_citta = v_new.dest_citta, dest_provincia = v_new.dest_provincia,
            dest_nazione = v_new.dest_nazione, cod_pagamento = v_new.cod_pagamento, note = v_new.note,
            valuta = v_new.valuta, totale_imponibile = v_new.totale_imponibile, totale_iva = v_new.totale_iva,
            totale_documento = v_new.totale_documento,
            ack_gest = 1,
            id_sincro = null  -- bump: the change number is given at commit
        where a.azi = v_azi and a.id_pub = v_id_pub;
      if v_new.new_customer_id is not null and v_new.cliente_cod is not null then
        update sincro.new_customers c
          set cod_cli = v_new.cliente_cod, updated_at = now()
          where c.azi = v_azi and c.customer_id = v_new.new_customer_id
            and c.cod_cli is distinct from v_new.cliente_cod;
      end if;
    elsif v_old.ack_gest = 0 then
      -- an acquisition that changes no data is an ack: no change number
      update sincro.arportes a set ack_gest = 1 where a.azi = v_azi and a.id_pub = v_id_pub;
    end if;
  end if;

  perform sincro_private.restore_party(v_previous_party);
  return v_id_pub;
end;
$$;

comment on function sincro.erp_write_order(text, jsonb) is
  E'The ERP''s one entry point for orders. doc keys are arportes column names plus "lines" (the full list of lines). With id_pub: the ERP acquired or changed that order (ack_gest = 1; sets what doc carries). Without id_pub and an unknown tor_chia: a new order made in the ERP (prov_tipo G, a new id_pub). Without id_pub and a known tor_chia: changes that order. A call that changes data bumps id_sincro at commit; one that changes nothing bumps nothing. Returns id_pub.';

-- >>> sql/20_functions/80_create_login.sql
/*
 * How an integrator gives a party its own login. The role is created with
 * LOGIN, made a member of its group role, and (for store, app and ERP) bound to
 * one company, and for an app to one device and agent, in sincro_private.login.
 *
 * SECURITY DEFINER: creating roles needs the owner's CREATEROLE; only
 * sincro_admin may execute it.
 */
create or replace function sincro.create_login(
  role_name text, kind text, azi text default null, prov_id text default null,
  password text default null, cod_agente text default null)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_variable
begin
  -- validate
  if role_name is null or role_name !~ '^[a-z_][a-z0-9_]{0,62}$' then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('create_login: role_name must be lowercase letters, digits and _ (got %s)', coalesce(pg_catalog.quote_literal(role_name), 'NULL')),
      hint = 'For example store_c00001 or app_c00001_dev50.';
  end if;
  if kind is null or kind not in ('store', 'app', 'erp', 'worker', 'admin') then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('create_login: kind must be store, app, erp, worker or admin (got %s)', coalesce(pg_catalog.quote_literal(kind), 'NULL'));
  end if;
  if kind in ('store', 'app', 'erp') and (azi is null or not exists (select 1 from sincro_private.company c where c.azi = create_login.azi)) then
    raise exception using
      errcode = case when azi is null then 'SY102' else 'SY100' end,
      message = pg_catalog.format('create_login: a %s login needs a registered company (azi = %s)', kind, coalesce(pg_catalog.quote_literal(azi), 'NULL'));
  end if;
  if kind in ('worker', 'admin') and azi is not null then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('create_login: a %s login serves every company; omit azi', kind);
  end if;
  if (kind = 'app') <> (prov_id is not null) then
    raise exception using
      errcode = case when kind = 'app' then 'SY102' else 'SY101' end,
      message = case when kind = 'app' then 'create_login: an app login needs prov_id (its device ID)'
                     else 'create_login: prov_id is for app logins only' end;
  end if;
  if kind <> 'app' and cod_agente is not null then
    raise exception using errcode = 'SY101', message = 'create_login: cod_agente is for app logins only';
  end if;
  if exists (select 1 from pg_catalog.pg_roles r where r.rolname = role_name) then
    raise exception using
      errcode = 'SY110', message = pg_catalog.format('create_login: role %s already exists', role_name);
  end if;

  -- apply
  execute pg_catalog.format('create role %I login %s in role %I', role_name,
    case when password is null then '' else pg_catalog.format('password %L', password) end, 'sincro_' || kind);
  if kind in ('store', 'app', 'erp') then
    insert into sincro_private.login (azi, login, kind, prov_id, cod_agente)
      values (azi, role_name, kind, prov_id, cod_agente);
  end if;
end;
$$;

comment on function sincro.create_login(text, text, text, text, text, text) is
  E'Creates a login role for a party: kind store, app or erp bound to company azi (an app also to device prov_id and agent cod_agente), or a worker or admin login for every company. Admin only.';

-- >>> sql/20_functions/90_push.sql
/*
 * The worker's side of a push, in four steps it calls around the ERP request:
 * claim (read the order, mark it in flight), then acquired, rejected or
 * failed. The TypeScript task only carries the order to the ERP and the answer
 * back; what an answer means is decided here.
 *
 * SECURITY DEFINER: the worker's role has no write rights on order_push; these
 * functions are its only way to change it. Granted to sincro_worker and
 * sincro_admin.
 */
create or replace function sincro.push_claim(azi text, id_pub bigint)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_push sincro.order_push;
  v_order sincro.arportes;
begin
  select * into v_push from sincro.order_push p
    where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub
    for update;
  if not found or v_push.state in ('acquired', 'rejected') then
    return null;  -- nothing to push (any more)
  end if;
  select * into v_order from sincro.arportes a where a.azi = push_claim.azi and a.id_pub = push_claim.id_pub;
  if v_order.ack_gest = 1 then
    update sincro.order_push p set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), updated_at = now()
      where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
    return null;
  end if;

  update sincro.order_push p
    set state = 'in_flight', attempts = p.attempts + 1, last_attempt_at = now(), updated_at = now()
    where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
  -- the claim is advisory (if a crash loses it, the order is still pending and is pushed
  -- again, which the ERP's idempotency makes harmless): no need to wait for its fsync
  perform pg_catalog.set_config('synchronous_commit', 'off', true);

  return pg_catalog.jsonb_build_object(
    'azi', v_order.azi, 'web_id', v_order.id_pub, 'prov_tipo', v_order.prov_tipo, 'prov_id', v_order.prov_id,
    'id_int', v_order.id_int, 'autore_tipo', v_order.autore_tipo, 'autore_cod', v_order.autore_cod,
    'data_ordine', v_order.data_ordine::text, 'cliente_cod', v_order.cliente_cod, 'cod_agente', v_order.cod_agente,
    'dest_ragione_sociale', v_order.dest_ragione_sociale, 'dest_indirizzo', v_order.dest_indirizzo,
    'dest_cap', v_order.dest_cap, 'dest_citta', v_order.dest_citta, 'dest_provincia', v_order.dest_provincia,
    'dest_nazione', v_order.dest_nazione, 'cod_pagamento', v_order.cod_pagamento, 'note', v_order.note,
    'valuta', v_order.valuta, 'totale_imponibile', v_order.totale_imponibile::text,
    'totale_iva', v_order.totale_iva::text, 'totale_documento', v_order.totale_documento::text,
    'lines', (
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'riga', r.riga, 'articolo', r.articolo, 'descrizione', r.descrizione, 'quantita', r.quantita::text,
        'unita_misura', r.unita_misura, 'prezzo', r.prezzo::text, 'sconto', r.sconto::text, 'iva', r.iva,
        'data_consegna', r.data_consegna::text, 'note', r.note) order by r.riga)
      from sincro.arporrig r where r.azi = v_order.azi and r.id_pub = v_order.id_pub),
    'new_customer', (
      select pg_catalog.jsonb_build_object(
        'customer_id', c.customer_id, 'ragione_sociale', c.ragione_sociale, 'partita_iva', c.partita_iva,
        'codice_fiscale', c.codice_fiscale, 'email', c.email, 'telefono', c.telefono, 'indirizzo', c.indirizzo,
        'cap', c.cap, 'citta', c.citta, 'provincia', c.provincia, 'nazione', c.nazione)
      from sincro.new_customers c where c.azi = v_order.azi and c.customer_id = v_order.new_customer_id)
  );
end;
$$;

comment on function sincro.push_claim(text, bigint) is
  E'Worker, before calling the ERP: marks a pending order in flight (attempts + 1) and returns it as the ERP request (header, lines, new customer) in JSON; NULL when there is nothing to push (acquired, rejected, unknown). SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text default null)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_order sincro.arportes;
  v_doc jsonb;
begin
  select * into v_order from sincro.arportes a where a.azi = push_acquired.azi and a.id_pub = push_acquired.id_pub;
  if not found then
    raise exception using
      errcode = 'SY200', message = pg_catalog.format('push_acquired: company %s has no order with id_pub %s', push_acquired.azi, push_acquired.id_pub);
  end if;

  -- the ERP's answer, in one step: key, ack, and the customer's code (also as author code of a new web customer)
  v_doc := pg_catalog.jsonb_build_object('id_pub', push_acquired.id_pub, 'tor_chia', push_acquired.tor_chia);
  if push_acquired.cliente_cod is not null then
    v_doc := v_doc || pg_catalog.jsonb_build_object('cliente_cod', push_acquired.cliente_cod);
    if v_order.autore_tipo = 'C' and v_order.autore_cod = '0' then
      v_doc := v_doc || pg_catalog.jsonb_build_object('autore_cod', push_acquired.cliente_cod);
    end if;
  end if;
  perform sincro.erp_write_order(push_acquired.azi, v_doc);

  update sincro.order_push p
    set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), last_error = null, updated_at = now()
    where p.azi = push_acquired.azi and p.id_pub = push_acquired.id_pub;
end;
$$;

comment on function sincro.push_acquired(text, bigint, text, text) is
  E'Worker, after the ERP created (or already had) the order: writes the ERP''s key and customer code back through erp_write_order and marks the push acquired. Idempotent. SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_rejected(azi text, id_pub bigint, erp_message text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update sincro.order_push p
    set state = 'rejected', erp_message = push_rejected.erp_message, updated_at = now()
    where p.azi = push_rejected.azi and p.id_pub = push_rejected.id_pub and p.state <> 'acquired'
$$;

comment on function sincro.push_rejected(text, bigint, text) is
  E'Worker, when the ERP refused the order as invalid: records the ERP''s message; the order is not retried (see sincro.push_problems). SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_failed(azi text, id_pub bigint, error text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update sincro.order_push p
    set state = 'pending', last_error = push_failed.error, updated_at = now()
    where p.azi = push_failed.azi and p.id_pub = push_failed.id_pub and p.state = 'in_flight'
$$;

comment on function sincro.push_failed(text, bigint, text) is
  E'Worker, when the ERP could not be reached (unreachable, timeout, server error): the order goes back to pending with the error; a retry, the sweep or a partial sync pushes it later. SECURITY DEFINER: the worker cannot write order_push itself.';

-- >>> sql/20_functions/92_sweep_pushes.sql
/*
 * The doorbell can be lost: a job that failed for good, a worker killed while
 * holding a job (graphile-worker frees such a job only after 4 hours). The
 * sweep rings again for every order of an auto-mode company that is pending
 * without a live job, or in flight for longer than stale_after. Run by the
 * worker's crontab every minute; a re-push is harmless because the ERP creates
 * orders idempotently on their web ID.
 *
 * SECURITY DEFINER: reads the job queue and enqueues, which the worker's SQL
 * role may not do directly for another task.
 */
create or replace function sincro.sweep_pushes(stale_after interval default interval '5 minutes')
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_order record;
  v_count integer := 0;
begin
  for v_order in
    select p.azi, p.id_pub
    from sincro.order_push p
    join sincro_private.company c on c.azi = p.azi
    where c.push_mode = 'auto'
      and (p.state = 'pending' or (p.state = 'in_flight' and p.last_attempt_at < now() - stale_after))
      and not exists (
        select 1 from graphile_worker.jobs j
        where j.key = pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub)
          and j.attempts < j.max_attempts
          and (j.locked_at is null or j.locked_at > now() - stale_after))
    order by p.azi, p.id_pub
  loop
    perform sincro_private.enqueue_push_order(v_order.azi, v_order.id_pub);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

comment on function sincro.sweep_pushes(interval) is
  E'Re-enqueues push_order for every auto-mode order that is pending without a live job, or in flight longer than stale_after; returns how many. SECURITY DEFINER: reads and writes the job queue.';

-- >>> sql/20_functions/95_sync_runs.sql
/*
 * Sync runs: begin refuses a second run of the same kind for a company while
 * one is running (a run left "running" for over an hour by a crash is closed as
 * failed first, so it cannot block the company for good); finish records the
 * counts and outcome.
 *
 * SECURITY DEFINER: parties cannot write sync_runs; these are the only paths.
 */
create or replace function sincro.sync_run_begin(azi text, kind text)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_run_id bigint;
  v_running bigint;
begin
  -- validate
  if not exists (select 1 from sincro_private.company c where c.azi = sync_run_begin.azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', sync_run_begin.azi);
  end if;
  if kind is null or kind not in ('partial', 'changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync: kind must be partial, changes or rebuild (got %L)', kind);
  end if;

  -- a crashed run does not block the company for ever
  update sincro.sync_runs r
    set state = 'failed', finished_at = now(), error = 'abandoned: still running after an hour'
    where r.azi = sync_run_begin.azi and r.kind = sync_run_begin.kind and r.state = 'running'
      and r.started_at < now() - interval '1 hour';

  -- one run of a kind at a time
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(pg_catalog.concat_ws('/', 'sync', sync_run_begin.azi, kind), 0));
  select r.run_id into v_running from sincro.sync_runs r
    where r.azi = sync_run_begin.azi and r.kind = sync_run_begin.kind and r.state = 'running';
  if found then
    raise exception using
      errcode = 'SY120',
      message = pg_catalog.format('sync: a %s sync of company %s is already running (run %s)', kind, sync_run_begin.azi, v_running),
      hint = 'Wait for it to finish; see sincro.sync_runs.';
  end if;

  insert into sincro.sync_runs (azi, kind, uses_quota)
    values (sync_run_begin.azi, kind, kind <> 'partial')
    returning run_id into v_run_id;
  return v_run_id;
end;
$$;

comment on function sincro.sync_run_begin(text, text) is
  E'Starts a sync run (partial, changes, rebuild) for a company and returns its run_id; SY120 if one of that kind is already running. SECURITY DEFINER: the only writer of sync_runs with sync_run_finish.';

create or replace function sincro.sync_run_finish(
  azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text default null)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update sincro.sync_runs r
    set state = case when sync_run_finish.error is null then 'succeeded' else 'failed' end,
        finished_at = now(),
        orders_pushed = sync_run_finish.orders_pushed,
        orders_rejected = sync_run_finish.orders_rejected,
        orders_failed = sync_run_finish.orders_failed,
        error = sync_run_finish.error
    where r.azi = sync_run_finish.azi and r.run_id = sync_run_finish.run_id and r.state = 'running'
$$;

comment on function sincro.sync_run_finish(text, bigint, integer, integer, integer, text) is
  E'Ends a sync run with its counts; failed when error is given, else succeeded. SECURITY DEFINER: the only writer of sync_runs with sync_run_begin.';

/*
 * Rule 2 of the protocol: a partial sync pushes every pending order (and the
 * new customers they carry) now, pulls nothing and uses no quota. In SQL it
 * opens the run and rings the worker; `npx sincro sync partial` does the same
 * work in its own process and waits for it.
 */
create or replace function sincro.partial_sync(azi text)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run_id bigint := sincro.sync_run_begin(azi, 'partial');
begin
  perform graphile_worker.add_job(
    identifier := 'partial_sync',
    payload := pg_catalog.json_build_object('azi', azi, 'run_id', v_run_id),
    max_attempts := 1);
  return v_run_id;
end;
$$;

comment on function sincro.partial_sync(text) is
  E'Starts a partial sync of a company: the worker pushes every pending order (with its new customer) to the ERP; nothing is pulled, no quota is used. Returns the run_id (see sincro.sync_runs). SECURITY DEFINER: enqueues the job.';

create or replace function sincro.pushable_orders(azi text)
returns setof bigint
language sql
stable
security definer
set search_path = ''
as $$
  select p.id_pub from sincro.order_push p
  where p.azi = pushable_orders.azi and p.state in ('pending', 'in_flight')
  order by p.id_pub
$$;

comment on function sincro.pushable_orders(text) is
  E'Public IDs of the orders a partial sync pushes: pending or in flight, oldest first (rejected orders are not retried). SECURITY DEFINER: reads order_push for the worker.';

-- >>> sql/30_triggers/10_arportes__prepare_insert.sql
/*
 * Every new order passes here. A store or app insert is checked strictly
 * (nothing the hub owns may be supplied), made idempotent on the creator's own
 * key, and given the next public ID. The counter row is locked before the
 * duplicate check, so two identical inserts racing each other are serialized:
 * the second one sees the first and is skipped, burning no number.
 */
create or replace function sincro_private.tg_arportes__prepare_insert()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_erp constant boolean := sincro_private.current_party() is not distinct from 'G';
  v_existing sincro.arportes;
  v_login sincro_private.login;
begin
  -- validate: company
  if new.azi is null or not exists (select 1 from sincro_private.company c where c.azi = new.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('arportes: unknown company (azi = %L)', new.azi),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;

  -- validate: columns the hub owns
  if new.id_pub is not null then
    raise exception using
      errcode = 'SY103',
      message = 'arportes: id_pub is assigned by the hub and cannot be supplied',
      hint = 'Omit id_pub and read it back with INSERT ... RETURNING id_pub.';
  end if;
  if not v_erp then
    if new.id_sincro is not null or new.tor_chia is not null or new.conferma is not null then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('arportes: %s is written by the ERP side and cannot be supplied by a store or app',
                                    case when new.id_sincro is not null then 'id_sincro'
                                         when new.tor_chia is not null then 'tor_chia' else 'conferma' end),
        hint = 'Omit it; the ERP''s answer fills it.';
    end if;

    -- validate: provenance
    if new.prov_tipo is null then
      raise exception using
        errcode = 'SY102', message = 'arportes: prov_tipo is required',
        hint = 'S for the store, A for an app.';
    elsif new.prov_tipo = 'G' then
      raise exception using
        errcode = 'SY103', message = 'arportes: prov_tipo G (ERP-made order) cannot be inserted directly',
        hint = 'The ERP exports its own orders through sincro.erp_write_order.';
    elsif new.prov_tipo not in ('S', 'A') then
      raise exception using
        errcode = 'SY101', message = pg_catalog.format('arportes: prov_tipo must be S, A or G (got %L)', new.prov_tipo),
        hint = 'S for the store, A for an app.';
    end if;
    if new.id_int is null or pg_catalog.btrim(new.id_int) = '' then
      raise exception using
        errcode = 'SY102', message = 'arportes: id_int is required for store and app orders',
        hint = 'id_int is the order''s own ID inside the store or device; it makes a retried insert harmless.';
    end if;
    if new.prov_tipo = 'A' and (new.prov_id is null or pg_catalog.btrim(new.prov_id) = '') then
      raise exception using
        errcode = 'SY102', message = 'arportes: prov_id (the device ID) is required for app orders',
        hint = 'Send the ID of the device that took the order.';
    elsif new.prov_tipo = 'S' and new.prov_id is not null then
      raise exception using
        errcode = 'SY101', message = 'arportes: prov_id is for app devices only and must be empty for store orders';
    end if;

    -- validate: a store or app login writes only as itself
    v_login := sincro_private.session_login();
    if v_login.login is not null then
      if new.azi <> v_login.azi then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: login %s belongs to company %s, not %s', v_login.login, v_login.azi, new.azi);
      elsif v_login.kind <> 'store' and new.prov_tipo = 'S' or v_login.kind <> 'app' and new.prov_tipo = 'A' then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: a %s login cannot insert %s orders', v_login.kind,
                                      case new.prov_tipo when 'S' then 'store' else 'app' end),
          hint = 'Each party inserts only its own orders: the store prov_tipo S, an app prov_tipo A.';
      elsif v_login.kind = 'app' and new.prov_id is distinct from v_login.prov_id then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: login %s is device %s and cannot write prov_id %s',
                                      v_login.login, v_login.prov_id, coalesce(new.prov_id, 'NULL')),
          hint = 'An app writes its own device ID in prov_id.';
      end if;
    end if;

    -- validate: acks (only the creator's own may be given, and it is 1 anyway)
    if (new.prov_tipo <> 'S' and new.ack_store is distinct from 0 and new.ack_store is not null)
       or (new.ack_gest is distinct from 0 and new.ack_gest is not null)
       or (new.prov_tipo <> 'A' and new.ack_app is distinct from 0 and new.ack_app is not null) then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('arportes: an order from %s cannot set another party''s ack',
                                    case new.prov_tipo when 'S' then 'the store' else 'an app' end),
        hint = 'Omit the ack columns; the hub sets the creator''s ack to 1 and the others to 0.';
    end if;
  end if;

  -- validate: author
  if new.autore_tipo is null or new.autore_cod is null then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('arportes: %s is required', case when new.autore_tipo is null then 'autore_tipo' else 'autore_cod' end),
      hint = 'autore_tipo C customer, T sales agent, O ERP operator; autore_cod their code (0 for a new web customer).';
  elsif new.autore_tipo not in ('C', 'T', 'O') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('arportes: autore_tipo must be C, T or O (got %L)', new.autore_tipo),
      hint = 'C customer, T sales agent, O ERP operator.';
  end if;
  if new.new_customer_id is not null and not exists (
    select 1 from sincro.new_customers c where c.azi = new.azi and c.customer_id = new.new_customer_id
  ) then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('arportes: new_customer_id %s is not a new customer of company %s', new.new_customer_id, new.azi),
      hint = 'Insert the customer into sincro.new_customers first and use the customer_id it returns.';
  end if;

  -- public ID: the counter lock serializes inserts of one company until commit
  update sincro_private.id_pub_counter c
    set last_value = c.last_value + 1
    where c.azi = new.azi
    returning c.last_value into new.id_pub;

  -- idempotency: the same creator key again is the same order
  if not v_erp then
    -- (written so that uniq_arportes__creator_key answers it: IS NOT DISTINCT FROM would scan the table)
    if new.prov_id is null then
      select * into v_existing from sincro.arportes a
      where a.azi = new.azi and a.prov_tipo = new.prov_tipo and a.prov_tipo <> 'G'
        and a.prov_id is null and a.id_int = new.id_int;
    else
      select * into v_existing from sincro.arportes a
      where a.azi = new.azi and a.prov_tipo = new.prov_tipo and a.prov_tipo <> 'G'
        and a.prov_id = new.prov_id and a.id_int = new.id_int;
    end if;
    if found then
      update sincro_private.id_pub_counter c set last_value = c.last_value - 1 where c.azi = new.azi;
      if (v_existing.autore_tipo, v_existing.autore_cod, v_existing.cliente_cod, v_existing.new_customer_id,
          v_existing.cod_agente,
          v_existing.dest_ragione_sociale, v_existing.dest_indirizzo, v_existing.dest_cap, v_existing.dest_citta,
          v_existing.dest_provincia, v_existing.dest_nazione, v_existing.cod_pagamento, v_existing.note,
          v_existing.valuta, v_existing.totale_imponibile, v_existing.totale_iva, v_existing.totale_documento)
         is not distinct from
         (new.autore_tipo, new.autore_cod, new.cliente_cod, new.new_customer_id,
          coalesce(new.cod_agente, case when new.autore_tipo = 'T' then new.autore_cod end),
          new.dest_ragione_sociale, new.dest_indirizzo, new.dest_cap, new.dest_citta,
          new.dest_provincia, new.dest_nazione, new.cod_pagamento, new.note,
          new.valuta, new.totale_imponibile, new.totale_iva, new.totale_documento)
         and (new.data_ordine is null or new.data_ordine = v_existing.data_ordine) then
        return null;  -- already stored: skip, nothing written
      end if;
      raise exception using
        errcode = 'SY106',
        message = pg_catalog.format('arportes: order %s of %s%s already exists as id_pub %s with different content',
                                    new.id_int, case new.prov_tipo when 'S' then 'the store' else 'device ' end,
                                    coalesce(new.prov_id, ''), v_existing.id_pub),
        detail = pg_catalog.format('azi %s, prov_tipo %s, prov_id %s, id_int %s', new.azi, new.prov_tipo,
                                   coalesce(new.prov_id, '(none)'), new.id_int),
        hint = 'A retry must send the same order; a different order needs its own id_int.';
    end if;
  end if;

  -- fill: acks, change number, bookkeeping
  new.ack_store := case when new.prov_tipo = 'S' then 1 else 0 end;
  new.ack_app := case when new.prov_tipo = 'A' then 1 else 0 end;
  new.ack_gest := case when new.prov_tipo = 'G' then 1 else 0 end;
  new.id_sincro := case when v_erp then null else 0 end;
  new.data_ordine := coalesce(new.data_ordine, current_date);
  new.cod_agente := coalesce(new.cod_agente, case when new.autore_tipo = 'T' then new.autore_cod end);
  new.created_xact := pg_catalog.pg_current_xact_id();
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;

comment on function sincro_private.tg_arportes__prepare_insert() is
  E'BEFORE INSERT on arportes: validates a new order, skips an identical retry, refuses a conflicting one, assigns id_pub from the company counter and sets acks and id_sincro. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_prepare_insert
  before insert on sincro.arportes
  for each row execute function sincro_private.tg_arportes__prepare_insert();

-- >>> sql/30_triggers/20_arportes__guard_update.sql
/*
 * After insert, a store or app may change only acks, and only from 0 to 1
 * ("acquired" is never taken back). Everything else belongs to the ERP side and
 * arrives through sincro.erp_write_order, which acts as party G. Acks never
 * touch id_sincro.
 */
create or replace function sincro_private.tg_arportes__guard_update()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_column text;
  v_login sincro_private.login;
begin
  if sincro_private.current_party() in ('G', 'H') then
    if sincro_private.current_party() = 'G' then
      new.updated_at := now();
    end if;
    return new;
  end if;

  -- validate: only acks change
  select n.key into v_column
  from pg_catalog.jsonb_each(pg_catalog.to_jsonb(new)) n
  join pg_catalog.jsonb_each(pg_catalog.to_jsonb(old)) o using (key)
  where n.value is distinct from o.value
    and n.key not in ('ack_store', 'ack_gest', 'ack_app', 'updated_at')
  order by n.key
  limit 1;
  if v_column is not null then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arportes: column %s of order %s cannot be changed by a store or app', v_column, old.id_pub),
      hint = 'After insert a party may only set its own ack to 1; order data changes come from the ERP.';
  end if;
  if new.ack_store < old.ack_store or new.ack_gest < old.ack_gest or new.ack_app < old.ack_app then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arportes: an ack of order %s cannot go back from 1 to 0', old.id_pub),
      hint = 'An ack says the party has acquired the order; follow later changes with sincro.changes_since.';
  end if;

  -- validate: a login sets only its own party's ack
  v_login := sincro_private.session_login();
  if v_login.login is not null then
    v_column := case
      when new.ack_store <> old.ack_store and v_login.kind <> 'store' then 'ack_store'
      when new.ack_app <> old.ack_app and v_login.kind <> 'app' then 'ack_app'
      when new.ack_gest <> old.ack_gest and v_login.kind <> 'erp' then 'ack_gest'
    end;
    if v_column is not null then
      raise exception using
        errcode = 'SY111',
        message = pg_catalog.format('arportes: a %s login cannot set %s (order %s)', v_login.kind, v_column, old.id_pub),
        hint = 'Each party sets only its own ack: ack_store the store, ack_app an app, ack_gest the ERP.';
    end if;
  end if;

  new.updated_at := now();
  return new;
end;
$$;

comment on function sincro_private.tg_arportes__guard_update() is
  E'BEFORE UPDATE on arportes: a direct update may only set acks from 0 to 1; the ERP and the hub write through their functions.';

create trigger _100_guard_update
  before update on sincro.arportes
  for each row execute function sincro_private.tg_arportes__guard_update();

/*
 * Orders are never deleted: nothing is ever lost. Only the hub itself (party
 * H, e.g. a future retention job run by an administrator) may remove rows.
 */
create or replace function sincro_private.tg__refuse_delete()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if sincro_private.current_party() is not distinct from 'H' then
    return old;
  end if;
  raise exception using
    errcode = 'SY108',
    message = pg_catalog.format('%s: rows are never deleted', tg_table_name),
    hint = 'Orders and their lines are kept for good; the ERP changes lines through sincro.erp_write_order.';
end;
$$;

comment on function sincro_private.tg__refuse_delete() is
  E'BEFORE DELETE: refuses deletes by anyone but the hub itself (SY108). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_refuse_delete
  before delete on sincro.arportes
  for each row execute function sincro_private.tg__refuse_delete();

-- >>> sql/30_triggers/30_arportes__enqueue_push.sql
/*
 * Rule 1 of the protocol: a new store/app order reaches the ERP in real time.
 * Its push state (pending) and its job are written in the inserting
 * transaction, so they exist exactly when the order does.
 */
create or replace function sincro_private.tg_arportes__enqueue_push()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  insert into sincro.order_push (azi, id_pub) values (new.azi, new.id_pub);
  perform sincro_private.enqueue_push_order(new.azi, new.id_pub);
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__enqueue_push() is
  E'AFTER INSERT on arportes (store and app orders): records the push as pending and enqueues the push_order job in the same transaction. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _500_enqueue_push
  after insert on sincro.arportes
  for each row
  when (new.prov_tipo in ('S', 'A'))
  execute function sincro_private.tg_arportes__enqueue_push();

-- >>> sql/30_triggers/40_arportes__history.sql
/*
 * Writes every version of an order header to sincro.arportes_history. The
 * commit-time stamping of id_sincro is not a new version: it completes the
 * version the ERP's change wrote (assign_pending_id_sincro stamps that history
 * row too), so it is skipped here.
 */
create or replace function sincro_private.tg_arportes__history()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_party text := sincro_private.current_party();
begin
  if tg_op = 'DELETE' then
    insert into sincro.arportes_history values (default, tg_op, coalesce(v_party, 'H'), session_user, pg_catalog.clock_timestamp(), old.*);
    return null;
  end if;
  if tg_op = 'UPDATE' and old.id_sincro is null and new.id_sincro is not null then
    return null;
  end if;
  if v_party is null then
    v_party := case
      when tg_op = 'INSERT' then new.prov_tipo
      when new.ack_store <> old.ack_store then 'S'
      when new.ack_app <> old.ack_app then 'A'
      when new.ack_gest <> old.ack_gest then 'G'
    end;
  end if;
  insert into sincro.arportes_history values (default, tg_op, v_party, session_user, pg_catalog.clock_timestamp(), new.*);
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__history() is
  E'AFTER INSERT/UPDATE/DELETE on arportes: appends the new version to arportes_history with the acting party. SECURITY DEFINER because clients cannot write history.';

create trigger _900_history
  after insert or update or delete on sincro.arportes
  for each row execute function sincro_private.tg_arportes__history();

-- >>> sql/30_triggers/50_arportes__deferred.sql
/*
 * An order is its header and its lines, written together: at commit, an order
 * without lines is refused. Deferred, because the header is inserted before
 * its lines.
 */
create or replace function sincro_private.tg_arportes__require_lines()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from sincro.arportes a where a.azi = new.azi and a.id_pub = new.id_pub)
     and not exists (select 1 from sincro.arporrig r where r.azi = new.azi and r.id_pub = new.id_pub) then
    raise exception using
      errcode = 'SY105',
      message = pg_catalog.format('arportes: order %s of company %s has no lines', new.id_pub, new.azi),
      detail = pg_catalog.format('prov_tipo %s, id_int %s', new.prov_tipo, coalesce(new.id_int, '(none)')),
      hint = 'Insert the header and its lines (sincro.arporrig) in the same transaction.';
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__require_lines() is
  E'Deferred (at commit), after insert on arportes: refuses an order that has no lines (SY105). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create constraint trigger _800_require_lines
  after insert on sincro.arportes
  deferrable initially deferred
  for each row execute function sincro_private.tg_arportes__require_lines();

/*
 * Change numbers are given at commit (see assign_pending_id_sincro): the
 * first deferred event of a transaction stamps all its pending rows, the
 * others find nothing left to do.
 */
create or replace function sincro_private.tg__assign_pending_id_sincro()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform sincro_private.assign_pending_id_sincro();
  return null;
end;
$$;

comment on function sincro_private.tg__assign_pending_id_sincro() is
  E'Deferred (at commit), after an ERP-side write left id_sincro NULL: gives the transaction''s pending rows their change numbers. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create constraint trigger _950_assign_id_sincro
  after insert or update on sincro.arportes
  deferrable initially deferred
  for each row
  when (new.id_sincro is null)
  execute function sincro_private.tg__assign_pending_id_sincro();

-- >>> sql/30_triggers/60_arporrig__guard.sql
/*
 * Lines are written with their header, in the transaction that created the
 * order; afterwards only the ERP changes them. Field checks come first so that
 * a bad line is refused with our code, naming the field, before any constraint.
 */
create or replace function sincro_private.tg_arporrig__guard()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_party constant text := sincro_private.current_party();
  v_created_xact xid8;
begin
  if tg_op = 'DELETE' then
    if v_party in ('G', 'H') then
      return old;
    end if;
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arporrig: line %s of order %s cannot be deleted by a store or app', old.riga, old.id_pub),
      hint = 'Lines change only through the ERP (sincro.erp_write_order).';
  end if;

  -- validate: fields
  if new.riga is null or new.articolo is null or pg_catalog.btrim(new.articolo) = '' or new.quantita is null then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('arporrig: %s is required (order %s)',
                                  case when new.riga is null then 'riga' when new.quantita is null then 'quantita' else 'articolo' end,
                                  new.id_pub),
      hint = 'Each line needs riga (1, 2, ...), articolo and quantita.';
  end if;
  if new.riga <= 0 or new.quantita <= 0 or new.prezzo < 0 or new.sconto < 0 or new.sconto > 100 then
    raise exception using
      errcode = 'SY104',
      message = pg_catalog.format('arporrig: %s (order %s, line %s)',
                                  case when new.riga <= 0 then pg_catalog.format('riga must be positive (got %s)', new.riga)
                                       when new.quantita <= 0 then pg_catalog.format('quantita must be greater than 0 (got %s)', new.quantita)
                                       when new.prezzo < 0 then pg_catalog.format('prezzo cannot be negative (got %s)', new.prezzo)
                                       else pg_catalog.format('sconto must be a percentage from 0 to 100 (got %s)', new.sconto) end,
                                  new.id_pub, new.riga),
      hint = 'Fix the line and send the whole order again in one transaction.';
  end if;

  if v_party in ('G', 'H') then
    new.updated_at := now();
    return new;
  end if;

  -- validate: the order is being created in this very transaction
  select a.created_xact into v_created_xact
  from sincro.arportes a
  where a.azi = new.azi and a.id_pub = new.id_pub;
  if not found then
    raise exception using
      errcode = 'SY109',
      message = pg_catalog.format('arporrig: company %s has no order with id_pub %s', new.azi, new.id_pub),
      hint = 'Insert the header first and use the id_pub that INSERT ... RETURNING gives back.';
  end if;
  if tg_op = 'UPDATE' or v_created_xact <> pg_catalog.pg_current_xact_id() then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arporrig: the lines of order %s can no longer be changed by a store or app', new.id_pub),
      hint = 'Lines are written in the transaction that creates the order; later changes come from the ERP.';
  end if;
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;

comment on function sincro_private.tg_arporrig__guard() is
  E'BEFORE INSERT/UPDATE/DELETE on arporrig: validates line fields; a store or app may only insert lines in the transaction that created the order.';

create trigger _100_guard
  before insert or update or delete on sincro.arporrig
  for each row execute function sincro_private.tg_arporrig__guard();

-- >>> sql/30_triggers/70_new_customers__guard.sql
/*
 * New customers follow the same rules as orders: checked strictly, idempotent
 * on the creator's key (an advisory lock on that key serializes identical
 * retries), changed afterwards only by the ERP (the customer code).
 */
create or replace function sincro_private.tg_new_customers__prepare_insert()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_existing sincro.new_customers;
  v_login sincro_private.login := sincro_private.session_login();
begin
  -- validate
  if new.azi is null or not exists (select 1 from sincro_private.company c where c.azi = new.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('new_customers: unknown company (azi = %L)', new.azi),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if new.prov_tipo is null or new.prov_tipo not in ('S', 'A') then
    raise exception using
      errcode = case when new.prov_tipo is null then 'SY102' else 'SY101' end,
      message = pg_catalog.format('new_customers: prov_tipo must be S or A (got %s)', coalesce(pg_catalog.quote_literal(new.prov_tipo), 'NULL')),
      hint = 'S for the store, A for an app; the ERP''s own customers arrive by sync.';
  end if;
  if new.id_int is null or pg_catalog.btrim(new.id_int) = '' then
    raise exception using
      errcode = 'SY102', message = 'new_customers: id_int is required',
      hint = 'id_int is the customer''s ID inside the store or device.';
  end if;
  if new.prov_tipo = 'A' and (new.prov_id is null or pg_catalog.btrim(new.prov_id) = '') then
    raise exception using errcode = 'SY102', message = 'new_customers: prov_id (the device ID) is required for app customers';
  elsif new.prov_tipo = 'S' and new.prov_id is not null then
    raise exception using errcode = 'SY101', message = 'new_customers: prov_id must be empty for store customers';
  end if;
  if v_login.login is not null and (
       new.azi <> v_login.azi
       or v_login.kind <> case new.prov_tipo when 'S' then 'store' else 'app' end
       or (v_login.kind = 'app' and new.prov_id is distinct from v_login.prov_id)) then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('new_customers: login %s (%s of company %s%s) cannot write a customer as %s %s of company %s',
                                  v_login.login, v_login.kind, v_login.azi, coalesce(', device ' || v_login.prov_id, ''),
                                  new.prov_tipo, coalesce(new.prov_id, ''), new.azi),
      hint = 'A login writes customers of its own company, as its own party and device.';
  end if;
  if new.ragione_sociale is null or pg_catalog.btrim(new.ragione_sociale) = '' then
    raise exception using errcode = 'SY102', message = 'new_customers: ragione_sociale (the customer''s name) is required';
  end if;
  if new.cod_cli is not null then
    raise exception using
      errcode = 'SY103', message = 'new_customers: cod_cli is assigned by the ERP and cannot be supplied',
      hint = 'For a customer the ERP already knows, put its code in arportes.cliente_cod instead.';
  end if;

  -- idempotency
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
    pg_catalog.concat_ws('/', 'new_customers', new.azi, new.prov_tipo, new.prov_id, new.id_int), 0));
  select * into v_existing from sincro.new_customers c
  where c.azi = new.azi and c.prov_tipo = new.prov_tipo
    and (c.prov_id = new.prov_id or (new.prov_id is null and c.prov_id is null)) and c.id_int = new.id_int;
  if found then
    if (v_existing.ragione_sociale, v_existing.partita_iva, v_existing.codice_fiscale, v_existing.email,
        v_existing.telefono, v_existing.indirizzo, v_existing.cap, v_existing.citta, v_existing.provincia,
        v_existing.nazione)
       is not distinct from
       (new.ragione_sociale, new.partita_iva, new.codice_fiscale, new.email, new.telefono, new.indirizzo,
        new.cap, new.citta, new.provincia, new.nazione) then
      return null;
    end if;
    raise exception using
      errcode = 'SY106',
      message = pg_catalog.format('new_customers: customer %s already exists as customer_id %s with different content',
                                  new.id_int, v_existing.customer_id),
      hint = 'A retry must send the same customer; a different customer needs its own id_int.';
  end if;

  new.created_xact := pg_catalog.pg_current_xact_id();
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;

comment on function sincro_private.tg_new_customers__prepare_insert() is
  E'BEFORE INSERT on new_customers: validates, skips an identical retry, refuses a conflicting one (SY106). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_prepare_insert
  before insert on sincro.new_customers
  for each row execute function sincro_private.tg_new_customers__prepare_insert();

create or replace function sincro_private.tg_new_customers__guard_update()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if sincro_private.current_party() in ('G', 'H') then
    new.updated_at := now();
    return new;
  end if;
  raise exception using
    errcode = 'SY107',
    message = pg_catalog.format('new_customers: customer %s cannot be changed by a store or app', old.customer_id),
    hint = 'Once written, a new customer changes only by the ERP''s answer (its code).';
end;
$$;

comment on function sincro_private.tg_new_customers__guard_update() is
  E'BEFORE UPDATE on new_customers: only the ERP side changes a stored customer (SY107 otherwise). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_guard_update
  before update on sincro.new_customers
  for each row execute function sincro_private.tg_new_customers__guard_update();

create trigger _100_refuse_delete
  before delete on sincro.new_customers
  for each row execute function sincro_private.tg__refuse_delete();

/* History rows are append-only; the hub alone completes a version's change number. */
create or replace function sincro_private.tg_arportes_history__append_only()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and sincro_private.current_party() is not distinct from 'H'
     and old.id_sincro is null and new.id_sincro is not null
     and (pg_catalog.to_jsonb(old) - 'id_sincro') = (pg_catalog.to_jsonb(new) - 'id_sincro') then
    return new;
  end if;
  raise exception using
    errcode = 'SY108',
    message = 'arportes_history: history is append-only',
    hint = 'Each change of an order adds a version; versions are never changed or removed.';
end;
$$;

comment on function sincro_private.tg_arportes_history__append_only() is
  E'BEFORE UPDATE/DELETE on arportes_history: refuses every change except the hub stamping a pending change number. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_append_only
  before update or delete on sincro.arportes_history
  for each row execute function sincro_private.tg_arportes_history__append_only();

-- >>> sql/40_views/10_apstatosyn.sql
/*
 * APSTATOSYN as the protocol describes it: one row per company with its
 * public-ID counter, its change-number counter and its sync quota. Stored as
 * three tables so that the two counters never share a row lock; this view
 * puts them back together and takes inserts and quota updates. It reads the
 * private tables as its owner and shows a company-bound login its own company.
 */
create or replace view sincro.apstatosyn as
  select c.azi, c.ragione_sociale, p.last_value as last_id_pub, s.last_value as last_id_sincro,
         c.sync_quota, c.sync_used, c.sync_period_start, c.push_mode, c.created_at
  from sincro_private.company c
  join sincro_private.id_pub_counter p using (azi)
  join sincro_private.id_sincro_counter s using (azi)
  where sincro_private.may_see_company(c.azi);

comment on view sincro.apstatosyn is
  E'One row per company: counters and sync quota. insert into sincro.apstatosyn(azi) values (...) registers a company.';
comment on column sincro.apstatosyn.azi is E'Company code: 1-20 letters, digits, _ or -.';
comment on column sincro.apstatosyn.ragione_sociale is E'Company name.';
comment on column sincro.apstatosyn.last_id_pub is E'Last public order ID handed out (read-only).';
comment on column sincro.apstatosyn.last_id_sincro is E'Last change number handed out (read-only).';
comment on column sincro.apstatosyn.sync_quota is E'Syncs allowed per contract period.';
comment on column sincro.apstatosyn.sync_used is E'Syncs used in the current period.';
comment on column sincro.apstatosyn.sync_period_start is E'First day of the current contract period.';
comment on column sincro.apstatosyn.push_mode is E'auto (retries and sweep) or manual (one attempt, then partial sync).';
comment on column sincro.apstatosyn.created_at is E'When the company was registered.';

create or replace function sincro_private.tg_apstatosyn__write()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    raise exception using
      errcode = 'SY108', message = pg_catalog.format('apstatosyn: company %s cannot be deleted', old.azi),
      hint = 'Companies are kept with their orders.';
  end if;

  -- validate
  if tg_op = 'INSERT' then
    if new.azi is null or new.azi !~ '^[A-Za-z0-9_-]{1,20}$' then
      raise exception using
        errcode = case when new.azi is null then 'SY102' else 'SY101' end,
        message = pg_catalog.format('apstatosyn: azi must be 1-20 letters, digits, _ or - (got %s)', coalesce(pg_catalog.quote_literal(new.azi), 'NULL')),
        hint = 'For example C00001.';
    end if;
    if exists (select 1 from sincro_private.company c where c.azi = new.azi) then
      raise exception using
        errcode = 'SY110', message = pg_catalog.format('apstatosyn: company %s is already registered', new.azi);
    end if;
  elsif new.azi is distinct from old.azi then
    raise exception using errcode = 'SY103', message = 'apstatosyn: azi cannot be changed';
  end if;
  if (tg_op = 'INSERT' and (coalesce(new.last_id_pub, 0) <> 0 or coalesce(new.last_id_sincro, 0) <> 0))
     or (tg_op = 'UPDATE' and (new.last_id_pub is distinct from old.last_id_pub
                               or new.last_id_sincro is distinct from old.last_id_sincro)) then
    raise exception using
      errcode = 'SY103',
      message = pg_catalog.format('apstatosyn: the counters of company %s are kept by the hub', new.azi),
      hint = 'last_id_pub and last_id_sincro only move when orders are written.';
  end if;
  if new.push_mode is not null and new.push_mode not in ('auto', 'manual') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('apstatosyn: push_mode must be auto or manual (got %L)', new.push_mode);
  end if;
  if coalesce(new.sync_quota, 0) < 0 or coalesce(new.sync_used, 0) < 0 then
    raise exception using
      errcode = 'SY101', message = 'apstatosyn: sync_quota and sync_used cannot be negative';
  end if;

  -- apply
  if tg_op = 'INSERT' then
    insert into sincro_private.company (azi, ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode)
      values (new.azi, new.ragione_sociale, coalesce(new.sync_quota, 0), coalesce(new.sync_used, 0),
              coalesce(new.sync_period_start, current_date), coalesce(new.push_mode, 'auto'));
    insert into sincro_private.id_pub_counter (azi) values (new.azi);
    insert into sincro_private.id_sincro_counter (azi) values (new.azi);
  else
    update sincro_private.company c
      set ragione_sociale = new.ragione_sociale, sync_quota = new.sync_quota, sync_used = new.sync_used,
          sync_period_start = new.sync_period_start, push_mode = new.push_mode
      where c.azi = old.azi;
  end if;
  select v.* into new from sincro.apstatosyn v where v.azi = new.azi;
  return new;
end;
$$;

comment on function sincro_private.tg_apstatosyn__write() is
  E'INSTEAD OF trigger on sincro.apstatosyn: registers a company (with both counters at 0), updates its name and quota, refuses counter edits and deletes. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_write
  instead of insert or update or delete on sincro.apstatosyn
  for each row execute function sincro_private.tg_apstatosyn__write();

-- >>> sql/40_views/20_pending.sql
/*
 * What each party has not acquired yet. The ERP must acquire every store and
 * app order; the store and the apps acquire what the ERP has published
 * (id_sincro > 0): orders made in the ERP and other parties' orders once the
 * ERP holds them. Later changes to acquired orders are followed with
 * sincro.changes_since, not here. The views run with the caller's rights, so
 * row-level security shows each login only its own orders.
 */
create or replace view sincro.pending_gest with (security_invoker = true) as
  select a.* from sincro.arportes a where a.ack_gest = 0;

comment on view sincro.pending_gest is
  E'Orders the ERP has not acquired yet (ack_gest = 0): store and app orders waiting to be pushed.';

create or replace view sincro.pending_store with (security_invoker = true) as
  select a.* from sincro.arportes a where a.ack_store = 0 and a.id_sincro > 0;

comment on view sincro.pending_store is
  E'Orders the ERP has published (id_sincro > 0) that the store has not acquired (ack_store = 0).';

create or replace view sincro.pending_app with (security_invoker = true) as
  select a.* from sincro.arportes a where a.ack_app = 0 and a.id_sincro > 0;

comment on view sincro.pending_app is
  E'Orders the ERP has published (id_sincro > 0) that the apps have not acquired (ack_app = 0).';

/* The views show arportes' columns unchanged: they carry arportes' column comments. */
do $$
declare
  v_view text;
  v_column record;
begin
  foreach v_view in array array['pending_gest', 'pending_store', 'pending_app'] loop
    for v_column in
      select a.attname, pg_catalog.col_description(a.attrelid, a.attnum) as description
      from pg_catalog.pg_attribute a
      where a.attrelid = 'sincro.arportes'::regclass and a.attnum > 0 and not a.attisdropped
    loop
      execute pg_catalog.format('comment on column sincro.%I.%I is %L', v_view, v_column.attname, v_column.description);
    end loop;
  end loop;
end;
$$;

-- >>> sql/40_views/30_push_problems.sql
/*
 * What an operator must look at: orders the ERP rejected (with its message,
 * never retried automatically) and orders that keep failing to reach it.
 */
create or replace view sincro.push_problems with (security_invoker = true) as
  select p.azi, p.id_pub, a.prov_tipo, a.prov_id, a.id_int, p.state, p.attempts, p.last_attempt_at,
         p.last_error, p.erp_message, p.created_at
  from sincro.order_push p
  join sincro.arportes a on a.azi = p.azi and a.id_pub = p.id_pub
  where p.state = 'rejected' or (p.state in ('pending', 'in_flight') and p.attempts >= 3);

comment on view sincro.push_problems is
  E'Orders rejected by the ERP (erp_message) or failing to reach it after 3 or more attempts (last_error).';
comment on column sincro.push_problems.azi is E'Company code.';
comment on column sincro.push_problems.id_pub is E'The order.';
comment on column sincro.push_problems.prov_tipo is E'Who created it: S store, A app.';
comment on column sincro.push_problems.prov_id is E'Device of an app order.';
comment on column sincro.push_problems.id_int is E'The creator''s own order ID.';
comment on column sincro.push_problems.state is E'rejected, or pending / in_flight after repeated failures.';
comment on column sincro.push_problems.attempts is E'Pushes started so far.';
comment on column sincro.push_problems.last_attempt_at is E'When the last push started.';
comment on column sincro.push_problems.last_error is E'Why the last push failed to reach the ERP.';
comment on column sincro.push_problems.erp_message is E'The ERP''s reason for rejecting the order.';
comment on column sincro.push_problems.created_at is E'When the order was queued for the ERP.';

-- >>> sql/50_security/10_roles.sql
/*
 * Group roles, one per party. Roles belong to the whole PostgreSQL cluster, so
 * they are created only if missing (several sincro databases, e.g. test runs,
 * share them); everything they may do is granted per database below.
 */
do $$
declare
  v_role text;
begin
  foreach v_role in array array['sincro_store', 'sincro_app', 'sincro_erp', 'sincro_worker', 'sincro_admin'] loop
    begin
      execute pg_catalog.format('create role %I nologin', v_role);
    exception when duplicate_object or unique_violation then
      null;  -- already there (another database of the cluster made it)
    end;
  end loop;
end;
$$;

comment on role sincro_store is E'Group of e-commerce store logins: insert store orders and new customers, read and ack their company''s orders.';
comment on role sincro_app is E'Group of app (device) logins: insert orders of their own device, read their device''s and agent''s orders, ack them.';
comment on role sincro_erp is E'Group of ERP logins: read their company''s orders, write through sincro.erp_write_order.';
comment on role sincro_worker is E'Group of worker logins: run graphile-worker jobs, read every company''s orders, write through sincro.erp_write_order.';
comment on role sincro_admin is E'Group of administrator logins: register companies, set quotas, create logins, read everything.';

-- >>> sql/50_security/20_policies.sql
/*
 * Row-level security: a store login sees its company's rows; an app login sees
 * its own device's orders and the ERP-made orders of its agent; an ERP login
 * sees its company; worker and admin see everything. The table owner (our
 * migrations and SECURITY DEFINER functions) is not subject to these policies.
 * Write rules (which party, which device, which ack) are checked by the
 * triggers with our error codes; the policies' WITH CHECK are a second wall.
 */
alter table sincro.arportes enable row level security;
alter table sincro.arporrig enable row level security;
alter table sincro.new_customers enable row level security;
alter table sincro.arportes_history enable row level security;
alter table sincro.order_push enable row level security;
alter table sincro.sync_runs enable row level security;

-- arportes
drop policy if exists store_company on sincro.arportes;
create policy store_company on sincro.arportes to sincro_store
  using (azi = sincro_private.session_company())
  with check (azi = sincro_private.session_company());
drop policy if exists app_device_or_agent on sincro.arportes;
-- (the store acks app and ERP orders of its company too; that only store orders are
-- inserted by a store login is the insert trigger's rule, SY111)
create policy app_device_or_agent on sincro.arportes to sincro_app
  using (azi = sincro_private.session_company()
         and ((prov_tipo = 'A' and prov_id = sincro_private.session_device())
              or (prov_tipo = 'G' and cod_agente = sincro_private.session_agent())))
  with check (azi = sincro_private.session_company()
              and ((prov_tipo = 'A' and prov_id = sincro_private.session_device())
                   or (prov_tipo = 'G' and cod_agente = sincro_private.session_agent())));
drop policy if exists erp_company on sincro.arportes;
create policy erp_company on sincro.arportes for select to sincro_erp
  using (azi = sincro_private.session_company());
drop policy if exists every_company on sincro.arportes;
create policy every_company on sincro.arportes for select to sincro_worker, sincro_admin
  using (true);

-- arporrig and history: what the reader may see of the order
drop policy if exists visible_order on sincro.arporrig;
create policy visible_order on sincro.arporrig
  using (exists (select 1 from sincro.arportes a where a.azi = arporrig.azi and a.id_pub = arporrig.id_pub));
drop policy if exists visible_order on sincro.arportes_history;
create policy visible_order on sincro.arportes_history for select
  using (exists (select 1 from sincro.arportes a where a.azi = arportes_history.azi and a.id_pub = arportes_history.id_pub));

drop policy if exists visible_order on sincro.order_push;
create policy visible_order on sincro.order_push for select
  using (exists (select 1 from sincro.arportes a where a.azi = order_push.azi and a.id_pub = order_push.id_pub));

-- sync_runs: the admin and the worker see every run, an ERP login its company's
drop policy if exists every_company on sincro.sync_runs;
create policy every_company on sincro.sync_runs for select to sincro_worker, sincro_admin using (true);
drop policy if exists erp_company on sincro.sync_runs;
create policy erp_company on sincro.sync_runs for select to sincro_erp using (azi = sincro_private.session_company());

-- new_customers
drop policy if exists store_company on sincro.new_customers;
create policy store_company on sincro.new_customers to sincro_store
  using (azi = sincro_private.session_company() and prov_tipo = 'S')
  with check (azi = sincro_private.session_company() and prov_tipo = 'S');
drop policy if exists app_device on sincro.new_customers;
create policy app_device on sincro.new_customers to sincro_app
  using (azi = sincro_private.session_company() and prov_tipo = 'A' and prov_id = sincro_private.session_device())
  with check (azi = sincro_private.session_company() and prov_tipo = 'A' and prov_id = sincro_private.session_device());
drop policy if exists erp_company on sincro.new_customers;
create policy erp_company on sincro.new_customers for select to sincro_erp
  using (azi = sincro_private.session_company());
drop policy if exists every_company on sincro.new_customers;
create policy every_company on sincro.new_customers for select to sincro_worker, sincro_admin
  using (true);

-- >>> sql/50_security/30_grants.sql
/*
 * What each group may touch. Column rules (hub-owned columns, own ack only,
 * own device only) are enforced by triggers, so that every refusal carries our
 * SQLSTATE and a hint; the grants list the columns a party may send, including
 * the protected ones, which the triggers refuse with a clear message (SY103,
 * SY107, SY111) rather than a bare "permission denied". Nothing is granted on counters, the login table,
 * the secret or graphile_worker to any client group.
 */
/* PUBLIC gets EXECUTE on every new function, and per-schema default privileges
   cannot take it away: revoke it from every function here. A later migration that
   adds a function repeats this line; test/sql/schema/conventions.test.sql fails
   if it does not. */
revoke execute on all functions in schema sincro, sincro_private from public;
revoke all on schema graphile_worker from public;
revoke execute on all functions in schema graphile_worker from public;

grant usage on schema sincro to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant usage on schema sincro_private to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function
  sincro_private.session_company(), sincro_private.session_device(), sincro_private.session_agent(),
  sincro_private.may_see_company(text)
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- everyone: its company row, the change feed, retry look-ups
grant select on sincro.apstatosyn to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.changes_since(text, bigint, integer)
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.find_order(text, text, text, text), sincro.find_new_customer(text, text, text, text)
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- store and app: write orders, lines and new customers directly; set acks
grant select on sincro.arportes, sincro.arporrig, sincro.new_customers, sincro.arportes_history
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (
  azi, id_pub, tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod,
  id_sincro, data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap,
  dest_citta, dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  on sincro.arportes to sincro_store, sincro_app;
grant update (
  tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro,
  data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta,
  dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  on sincro.arportes to sincro_store, sincro_app;
grant insert (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  on sincro.arporrig to sincro_store, sincro_app;
grant insert (
  azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, codice_fiscale, email, telefono, indirizzo, cap,
  citta, provincia, nazione, cod_cli)
  on sincro.new_customers to sincro_store, sincro_app;
grant select on sincro.pending_store to sincro_store, sincro_admin;
grant select on sincro.pending_app to sincro_app, sincro_admin;

-- push state: every party may read the state of the orders it sees; the worker changes it through functions
grant select on sincro.order_push to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.push_problems to sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.sync_runs to sincro_erp, sincro_worker, sincro_admin;
grant execute on function
  sincro.push_claim(text, bigint), sincro.push_acquired(text, bigint, text, text),
  sincro.push_rejected(text, bigint, text), sincro.push_failed(text, bigint, text),
  sincro.sweep_pushes(interval), sincro.pushable_orders(text),
  sincro.sync_run_finish(text, bigint, integer, integer, integer, text)
  to sincro_worker, sincro_admin;
-- syncs are started by the admin only (the worker finishes the runs it is given)
grant execute on function sincro.partial_sync(text), sincro.sync_run_begin(text, text) to sincro_admin;

-- ERP and worker: write through the ERP entry point only
grant execute on function sincro.erp_write_order(text, jsonb) to sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.pending_gest to sincro_erp, sincro_worker, sincro_admin;

-- worker: the job queue it runs (clients never write into it; the insert trigger does, as owner)
grant usage on schema graphile_worker to sincro_worker;
grant select, insert, update, delete on all tables in schema graphile_worker to sincro_worker;
grant usage, select on all sequences in schema graphile_worker to sincro_worker;
grant execute on all functions in schema graphile_worker to sincro_worker;

-- admin: companies and quotas, logins
grant insert (azi, ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode),
      update (ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode)
  on sincro.apstatosyn to sincro_admin;
grant execute on function sincro.create_login(text, text, text, text, text, text) to sincro_admin;
