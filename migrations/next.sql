-- Table changes for the next migration (npm run sql:compose puts them after the
-- drops and before sql/): ALTER TABLE, CREATE TABLE with its comments, indexes,
-- constraints, data moves. Empty this file's statements when the migration is
-- committed (npm run migration:commit does it).

-- issue 12, /metrics at scale: the push counters, the insert → acquired histogram and the
-- pending counts are kept as they happen instead of being counted over every order at each
-- scrape. Triggers (sql/console/metric_counts.sql) add delta rows in the transaction that
-- changes what they count; a compaction folds them into the rollup; a scrape sums both.
create table sincro_private.metric_delta (
  azi text not null,
  delta_id bigint generated always as identity,
  metric text not null,
  n bigint not null,
  seconds numeric not null default 0,
  primary key (azi, delta_id),
  constraint metric_is_known check (metric in ('push_acquired', 'push_rejected', 'push_failed', 'pending_erp', 'pending_store', 'pending_app'))
);
comment on table sincro_private.metric_delta is
  E'What changed in the figures /metrics reports, one row per change, written by triggers in the transaction of the change (insert-only: concurrent writers of one company never wait for each other). sincro.metric_compact folds the rows into metric_rollup; a scrape adds the rows not folded yet. Read only whole (by the compaction and the scrape).';
comment on column sincro_private.metric_delta.azi is E'Company code.';
comment on column sincro_private.metric_delta.delta_id is E'Order of recording (identifies the row).';
comment on column sincro_private.metric_delta.metric is
  E'push_acquired (an order became acquired; seconds: its insert → acquired time), push_rejected and push_failed (an event of that kind), pending_erp / pending_store / pending_app (an order entered (+1) or left (-1) what that party has not acquired).';
comment on column sincro_private.metric_delta.n is E'How much the count changes: 1 for a push outcome, +1 or -1 for a pending count.';
comment on column sincro_private.metric_delta.seconds is E'For push_acquired: the insert → acquired time in seconds (exact, to the microsecond; its histogram bucket is found when the delta is folded or scraped, not on the push path); 0 otherwise.';

create table sincro_private.metric_rollup (
  azi text not null,
  metric text not null,
  bucket text not null default '',
  n bigint not null,
  seconds numeric not null default 0,
  primary key (azi, metric, bucket),
  constraint metric_is_known check (metric in ('push_acquired', 'push_rejected', 'push_failed', 'pending_erp', 'pending_store', 'pending_app'))
);
comment on table sincro_private.metric_rollup is
  E'The sums of the metric_delta rows folded so far, per company, metric and bucket. Written only by sincro.metric_compact (and by the migration that created it, from the data already held).';
comment on column sincro_private.metric_rollup.azi is E'Company code.';
comment on column sincro_private.metric_rollup.metric is E'As metric_delta.metric.';
comment on column sincro_private.metric_rollup.bucket is E'For push_acquired: the smallest histogram bound (seconds, as text) the durations do not exceed, or +Inf (sincro_private.push_duration_bucket); '''' otherwise.';
comment on column sincro_private.metric_rollup.n is E'The sum of the folded deltas'' n.';
comment on column sincro_private.metric_rollup.seconds is E'The sum of the folded deltas'' seconds.';

create table sincro_private.metric_compaction (
  only_row boolean primary key default true,
  compacted_at timestamptz,
  deltas_folded bigint not null default 0,
  constraint only_one_row check (only_row)
);
comment on table sincro_private.metric_compaction is
  E'One row: a compaction locks it (skipping when another compaction holds it, which is doing the same work) and records when it last ran.';
comment on column sincro_private.metric_compaction.only_row is E'Always true: the table has one row.';
comment on column sincro_private.metric_compaction.compacted_at is E'When a compaction last ran.';
comment on column sincro_private.metric_compaction.deltas_folded is E'Delta rows folded by every compaction so far.';
insert into sincro_private.metric_compaction (only_row) values (true);

-- the oldest order each party has not acquired, per company, in one index probe
create index idx_arportes__oldest_pending_gest on sincro.arportes (azi, created_at) where ack_gest = 0;
create index idx_arportes__oldest_pending_store on sincro.arportes (azi, updated_at) where ack_store = 0 and id_sincro > 0;
create index idx_arportes__oldest_pending_app on sincro.arportes (azi, updated_at) where ack_app = 0 and id_sincro > 0;
-- rejections and failures are counted by metric_delta now
drop index sincro.idx_order_events__outcome;

-- Backfill from what the hub already holds, so counters carry on from their values before the
-- upgrade rather than from 0 (the triggers, created by sql/ later in this migration, take over
-- from here; the tables are locked by the dropped triggers until the migration commits).
insert into sincro_private.metric_rollup (azi, metric, bucket, n, seconds)
select d.azi, 'push_acquired',
       coalesce((select b::text from pg_catalog.unnest(array[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::numeric[]) b
                 where d.seconds <= b order by b limit 1), '+Inf'),
       pg_catalog.count(*), pg_catalog.sum(d.seconds)
from (select p.azi, extract(epoch from p.acquired_at - p.created_at) as seconds
      from sincro.order_push p where p.state = 'acquired' and p.acquired_at is not null) d
group by 1, 3;
insert into sincro_private.metric_rollup (azi, metric, n)
select e.azi, e.event, pg_catalog.count(*)
from sincro.order_events e
where e.event in ('push_rejected', 'push_failed')
group by e.azi, e.event;
insert into sincro_private.metric_rollup (azi, metric, n)
select x.azi, x.metric, x.n
from (select a.azi,
             pg_catalog.count(*) filter (where a.ack_gest = 0) as erp,
             pg_catalog.count(*) filter (where a.ack_store = 0 and a.id_sincro > 0) as store,
             pg_catalog.count(*) filter (where a.ack_app = 0 and a.id_sincro > 0) as app
      from sincro.arportes a
      group by a.azi) c
cross join lateral (values (c.azi, 'pending_erp', c.erp), (c.azi, 'pending_store', c.store), (c.azi, 'pending_app', c.app)) x(azi, metric, n)
where x.n > 0;

-- issue 12, sync progress: the phase a running sync is in, written by whoever works on the run
-- (sincro.sync_run_phase; queued/starting/done by the sync_run_* functions themselves)
alter table sincro.sync_runs
  add column phase text,
  add column phase_item text,
  add column phase_step integer,
  add column phase_steps integer,
  add constraint phase_is_known check (phase in ('queued', 'starting', 'reading', 'tombstoning', 'fetching', 'applying', 'pushing', 'done')),
  add constraint phase_step_is_positive check (phase_step > 0 and (phase_steps is null or phase_step <= phase_steps));
alter table sincro.sync_runs alter column phase set default 'starting';
-- runs from before phases were recorded: a succeeded one is done; the others' phase is unknown (NULL)
update sincro.sync_runs set phase = 'done' where state = 'succeeded';
comment on column sincro.sync_runs.phase is
  E'What the run is doing (a failed run keeps the phase it failed in): queued (waiting for the worker), starting, reading (a rebuild downloading and applying the snapshot of phase_item, entity phase_step of phase_steps), tombstoning (a rebuild removing what no snapshot held), fetching / applying (a sync for changes: page phase_step from the ERP, into the hub), pushing (a partial sync: order phase_step of phase_steps), done. NULL for runs from before phases were recorded.';
comment on column sincro.sync_runs.phase_item is E'The entity a rebuild is reading (reading); NULL otherwise.';
comment on column sincro.sync_runs.phase_step is E'Which step of the phase, from 1: the entity (reading), the page (fetching, applying), the order (pushing); NULL when the phase has none.';
comment on column sincro.sync_runs.phase_steps is E'How many steps the phase has, when known (entities of a rebuild, orders of a partial sync); NULL otherwise.';

/*
 * Issue 14: the agent's device. Agents (with an optional supervisor), open
 * items and credit data arrive from the ERP as new entities; every row that
 * belongs to a customer carries the customer's agent (slice_agente, kept by
 * the hub), so an agent's slice is an index range and never a scan of the
 * company; a per-company log numbers the moments a row enters or leaves a
 * slice without changing itself (customer reassigned, supervisor changed,
 * document aged out), on the same counter as every change (docs/devices.md).
 */

create table sincro.agenti (
  azi text not null references sincro_private.company (azi) on delete restrict,
  cod_agente text not null,
  nome text,
  email text,
  telefono text,
  cod_supervisore text,
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, cod_agente),
  constraint id_sincro_is_positive check (id_sincro > 0)
);

create index idx_agenti__id_sincro on sincro.agenti (azi, id_sincro);
create index idx_agenti__supervisor on sincro.agenti (azi, cod_supervisore) where cod_supervisore is not null;
alter table sincro.agenti alter column azi set statistics 0;

comment on table sincro.agenti is E'Sales agents of the ERP, each with an optional supervisor (area manager) who sees their customers. ERP-owned: written by syncs only; followed by id_sincro.';
comment on column sincro.agenti.azi is E'Company code.';
comment on column sincro.agenti.cod_agente is E'The ERP''s agent code (sincro.clienti.cod_agente, an app login''s cod_agente).';
comment on column sincro.agenti.nome is E'Name.';
comment on column sincro.agenti.email is E'E-mail address.';
comment on column sincro.agenti.telefono is E'Phone number.';
comment on column sincro.agenti.cod_supervisore is E'Agent code of this agent''s supervisor (area manager), or null. The supervisor''s devices see this agent''s customers.';
comment on column sincro.agenti.id_sincro is E'Change number of the row''s last change, from the company''s counter.';
comment on column sincro.agenti.deleted is E'Tombstone: the ERP deleted this agent (a deleted agent supervises no one and is supervised by no one).';
comment on column sincro.agenti.updated_at is E'Last change in the hub.';

/*
 * Open items (partite aperte): what a customer owes, by due date. The customer
 * is part of the key, so an open item never moves between customers.
 */
create table sincro.partite_aperte (
  azi text not null references sincro_private.company (azi) on delete restrict,
  cod_cli text not null,
  id_partita text not null,
  tipo_doc text,
  numero_doc text,
  data_doc date,
  data_scadenza date,
  importo numeric(14, 2),
  importo_pagato numeric(14, 2),
  pagata boolean not null default false,
  slice_agente text,
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, cod_cli, id_partita),
  constraint id_sincro_is_positive check (id_sincro > 0),
  constraint importo_is_a_number check (importo <> 'NaN'),
  constraint importo_pagato_is_a_number check (importo_pagato <> 'NaN'),
  constraint data_doc_is_finite check (isfinite(data_doc)),
  constraint data_scadenza_is_finite check (isfinite(data_scadenza))
);

create index idx_partite_aperte__id_sincro on sincro.partite_aperte (azi, id_sincro);
create index idx_partite_aperte__slice on sincro.partite_aperte (azi, slice_agente, id_sincro);
alter table sincro.partite_aperte alter column azi set statistics 0;

comment on table sincro.partite_aperte is E'Open items of the ERP: instalments a customer owes, with due date and amounts. ERP-owned: written by syncs only; followed by id_sincro.';
comment on column sincro.partite_aperte.azi is E'Company code.';
comment on column sincro.partite_aperte.cod_cli is E'Customer who owes it.';
comment on column sincro.partite_aperte.id_partita is E'The ERP''s key of the item within the customer (e.g. document and instalment).';
comment on column sincro.partite_aperte.tipo_doc is E'Kind of document it comes from (fattura, nota di credito, ...).';
comment on column sincro.partite_aperte.numero_doc is E'Number of that document.';
comment on column sincro.partite_aperte.data_doc is E'Date of that document.';
comment on column sincro.partite_aperte.data_scadenza is E'Due date.';
comment on column sincro.partite_aperte.importo is E'Amount due.';
comment on column sincro.partite_aperte.importo_pagato is E'Amount already paid.';
comment on column sincro.partite_aperte.pagata is E'Paid in full.';
comment on column sincro.partite_aperte.slice_agente is E'The customer''s agent, kept by the hub (not sent by the ERP): whose devices see the row.';
comment on column sincro.partite_aperte.id_sincro is E'Change number of the row''s last change, from the company''s counter.';
comment on column sincro.partite_aperte.deleted is E'Tombstone: the ERP deleted (closed) this item.';
comment on column sincro.partite_aperte.updated_at is E'Last change in the hub.';

/* Credit data: one row per customer (the ERP may send it apart from the customer). */
create table sincro.fidi (
  azi text not null references sincro_private.company (azi) on delete restrict,
  cod_cli text not null,
  fido numeric(14, 2),
  esposizione numeric(14, 2),
  bloccato boolean not null default false,
  motivo_blocco text,
  slice_agente text,
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, cod_cli),
  constraint id_sincro_is_positive check (id_sincro > 0),
  constraint fido_is_a_number check (fido <> 'NaN'),
  constraint esposizione_is_a_number check (esposizione <> 'NaN')
);

create index idx_fidi__id_sincro on sincro.fidi (azi, id_sincro);
create index idx_fidi__slice on sincro.fidi (azi, slice_agente, id_sincro);
alter table sincro.fidi alter column azi set statistics 0;

comment on table sincro.fidi is E'Credit data of the ERP''s customers: credit limit, current exposure, blocked flag. ERP-owned: written by syncs only; followed by id_sincro.';
comment on column sincro.fidi.azi is E'Company code.';
comment on column sincro.fidi.cod_cli is E'Customer.';
comment on column sincro.fidi.fido is E'Credit limit (null: none set).';
comment on column sincro.fidi.esposizione is E'Current exposure: what the customer owes plus open orders, as the ERP computes it.';
comment on column sincro.fidi.bloccato is E'The ERP blocks new orders of this customer.';
comment on column sincro.fidi.motivo_blocco is E'Why the customer is blocked.';
comment on column sincro.fidi.slice_agente is E'The customer''s agent, kept by the hub (not sent by the ERP): whose devices see the row.';
comment on column sincro.fidi.id_sincro is E'Change number of the row''s last change, from the company''s counter.';
comment on column sincro.fidi.deleted is E'Tombstone: the ERP deleted this credit record.';
comment on column sincro.fidi.updated_at is E'Last change in the hub.';

insert into sincro_private.erp_entity (entity, table_name, key_columns) values
  ('agent', 'sincro.agenti', '{cod_agente}'),
  ('open_item', 'sincro.partite_aperte', '{cod_cli,id_partita}'),
  ('customer_credit', 'sincro.fidi', '{cod_cli}');

-- the customer's agent on every row that belongs to a customer
alter table sincro.particolarita add column slice_agente text;
alter table sincro.documenti add column slice_agente text;
comment on column sincro.particolarita.slice_agente is E'The customer''s agent, kept by the hub (not sent by the ERP): whose devices see the row. Null for article-level particolarità (cod_cli ''*''), which every device of the company sees.';
comment on column sincro.documenti.slice_agente is E'The customer''s agent (of cliente_cod), kept by the hub (not sent by the ERP): whose devices see the document.';

update sincro.particolarita p set slice_agente = c.cod_agente
  from sincro.clienti c where c.azi = p.azi and c.cod_cli = p.cod_cli and c.cod_agente is not null;
update sincro.documenti d set slice_agente = c.cod_agente
  from sincro.clienti c where c.azi = d.azi and c.cod_cli = d.cliente_cod and c.cod_agente is not null;

create index idx_clienti__slice on sincro.clienti (azi, cod_agente, id_sincro);
create index idx_particolarita__slice on sincro.particolarita (azi, slice_agente, id_sincro);
create index idx_particolarita__article_level on sincro.particolarita (azi, id_sincro) where cod_cli = '*';
create index idx_documenti__slice on sincro.documenti (azi, slice_agente, id_sincro);
create index idx_documenti__customer on sincro.documenti (azi, cliente_cod);
create index idx_documenti__date on sincro.documenti (azi, data_doc);
create index idx_arportes__customer on sincro.arportes (azi, cliente_cod, data_ordine) where cliente_cod is not null;
create index idx_arportes__date on sincro.arportes (azi, data_ordine);

-- how much history a device holds
alter table sincro_private.company
  add column device_history_months integer not null default 12
    constraint device_history_months_is_in_range check (device_history_months between 1 and 120),
  add column device_history_from date not null default (current_date - interval '12 months')::date;

comment on column sincro_private.company.device_history_months is
  E'How many months of orders and documents an app device holds (default 12); set with sincro.set_device_history_months.';
comment on column sincro_private.company.device_history_from is
  E'The first day of the device history window now in force: documents and orders dated before it have left every device''s slice. Moved by sincro.device_history_advance (daily, by the worker), which logs the removals in the same transaction.';

/*
 * Slice changes: a row entering or leaving a device's slice without changing
 * itself gets an entry here, numbered from the company's change counter like
 * every change, addressed to one agent (that agent's devices and their
 * supervisor's read it). device_changes_since reads an entry as "look at this
 * row again": its current state if the device may see it, a removal if not.
 */
create table sincro.device_slice_log (
  azi text not null references sincro_private.company (azi) on delete restrict,
  id_sincro bigint not null,
  cod_agente text not null,
  entity text not null,
  key jsonb not null,
  reason text not null,
  created_at timestamptz not null default now(),
  primary key (azi, id_sincro),
  constraint id_sincro_is_positive check (id_sincro > 0),
  constraint key_is_object check (jsonb_typeof(key) = 'object'),
  constraint reason_is_known check (reason in ('reassigned', 'supervisor', 'moved', 'aged_out', 'history'))
);

create index idx_device_slice_log__agent on sincro.device_slice_log (azi, cod_agente, id_sincro);
alter table sincro.device_slice_log alter column azi set statistics 0;

comment on table sincro.device_slice_log is E'Rows that entered or left an agent''s device slice without changing themselves (customer reassigned, supervisor changed, document moved or aged out), numbered on the company''s change counter. Read by sincro.device_changes_since; written by the hub only.';
comment on column sincro.device_slice_log.azi is E'Company code.';
comment on column sincro.device_slice_log.id_sincro is E'Change number of the entry (the company''s counter, shared with every change).';
comment on column sincro.device_slice_log.cod_agente is E'Agent whose slice (and whose supervisor''s) the row entered or left.';
comment on column sincro.device_slice_log.entity is E'Entity of the row (device feed names: customer, particolarita, open_item, customer_credit, document, order, agent).';
comment on column sincro.device_slice_log.key is E'Key of the row, as the device feed gives it.';
comment on column sincro.device_slice_log.reason is E'reassigned (customer''s agent changed), supervisor (agent''s supervisor changed), moved (document''s customer or date changed), aged_out / history (history window moved).';
comment on column sincro.device_slice_log.created_at is E'When the entry was written.';

alter table sincro.agenti enable row level security;
alter table sincro.partite_aperte enable row level security;
alter table sincro.fidi enable row level security;
alter table sincro.device_slice_log enable row level security;

/*
 * Orders that left an agent's slice by a change of their own (the ERP gave
 * them to another customer, or dated them before the window): noted by a
 * trigger as the order changes, logged in the slice log at commit with the
 * order's change number (the counter is taken last, at commit, for orders).
 */
create table sincro_private.order_slice_moves (
  azi text not null,
  id_pub bigint not null,
  cod_agente text not null,
  primary key (azi, id_pub, cod_agente)
);

comment on table sincro_private.order_slice_moves is E'Scratch, per transaction: orders that left an agent''s device slice by a change of their own, waiting for their slice-log entry at commit (sincro_private.assign_pending_id_sincro).';
comment on column sincro_private.order_slice_moves.azi is E'Company code.';
comment on column sincro_private.order_slice_moves.id_pub is E'The order.';
comment on column sincro_private.order_slice_moves.cod_agente is E'The agent whose devices held it through its customer.';

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
