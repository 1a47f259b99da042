--! Previous: sha1:52ed4bb3273355731f749c9785446afa42ca8356
--! Hash: sha1:70fa32e5a69000e6c5c019667e512ec1bc55693f
--! Message: ERP sync: changes, rebuild, quota, consumer cursors

-- >>> hand-written: columns added to existing tables (sql/10_tables/10_company.sql, 80_sync_runs.sql hold the full definitions)
alter table sincro_private.company
  add column sync_period interval not null default interval '1 month'
    constraint sync_period_is_positive check (sync_period > interval '0'),
  add column tombstone_retention interval not null default interval '90 days'
    constraint tombstone_retention_is_positive check (tombstone_retention > interval '0'),
  add column tombstones_purged_through bigint not null default 0,
  add column erp_cursor text not null default '';
comment on column sincro_private.company.sync_period is E'Length of a contract period; when it ends, sync_used restarts from 0 (sincro.set_sync_contract sets it).';
comment on column sincro_private.company.tombstone_retention is
  E'How long rows the ERP deleted stay as tombstones (deleted = true) before sincro.purge_tombstones removes them. A consumer whose cursor is older must rebuild its copy (SY130).';
comment on column sincro_private.company.tombstones_purged_through is
  E'Largest change number of a purged tombstone: a consumer cursor below it may have missed a deletion (SY130). 0: nothing purged.';
comment on column sincro_private.company.erp_cursor is
  E'The ERP''s change cursor up to which the hub has applied the ERP''s changes (empty: never synced). Moved only together with the changes it covers.';

alter table sincro.sync_runs
  add column rows_received bigint not null default 0,
  add column rows_changed bigint not null default 0,
  add column rows_tombstoned bigint not null default 0,
  add column progress_at timestamptz not null default now(),
  add column backend_pid integer,
  add column erp_cursor_from text,
  add column erp_cursor_to text,
  add column id_sincro_at_start bigint;
update sincro.sync_runs set progress_at = coalesce(finished_at, started_at);
drop index sincro.uniq_sync_runs__one_running;
-- one partial sync, and one sync with the ERP (changes or rebuild), per company at a time
create unique index uniq_sync_runs__one_running on sincro.sync_runs (azi, (kind = 'partial')) where state = 'running';
comment on column sincro.sync_runs.rows_received is E'Changes or snapshot rows received from the ERP.';
comment on column sincro.sync_runs.rows_changed is E'Rows that really changed in the hub (each got a new change number).';
comment on column sincro.sync_runs.rows_tombstoned is E'Rows a total rebuild marked deleted because the ERP no longer has them.';
comment on column sincro.sync_runs.progress_at is E'Last time the run applied something: a run with no progress for 10 minutes, or whose session is gone, is closed as abandoned.';
comment on column sincro.sync_runs.backend_pid is E'PostgreSQL backend of the session that began the run (to tell a crashed run from a slow one).';
comment on column sincro.sync_runs.erp_cursor_from is E'ERP cursor when the run began (changes and rebuild).';
comment on column sincro.sync_runs.erp_cursor_to is E'ERP cursor the run has applied up to.';
comment on column sincro.sync_runs.id_sincro_at_start is E'The company''s last change number when a rebuild began: rows numbered above it were written by this rebuild, so its sweep need not check them.';

-- >>> sql/10_tables/90_clienti.sql
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

-- >>> sql/10_tables/91_articoli.sql
/*
 * Articles as the ERP holds them (ERP-owned master data): written by syncs
 * only, followed by id_sincro, deletions kept as tombstones.
 */
create table sincro.articoli (
  azi text not null references sincro_private.company (azi) on delete restrict,
  cod_art text not null,
  descrizione text,
  unita_misura text,
  prezzo numeric(14, 4),
  cod_iva text,
  giacenza numeric(14, 3),
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, cod_art),
  constraint id_sincro_is_positive check (id_sincro > 0)
);

create index idx_articoli__id_sincro on sincro.articoli (azi, id_sincro);
-- No statistics on azi: with them, a company the last ANALYZE did not see is estimated at 0 rows, and
-- the planner may probe a sync batch through (azi, id_sincro) instead of the primary key (quadratic).
alter table sincro.articoli alter column azi set statistics 0;

comment on table sincro.articoli is E'Articles of the ERP (ERP-owned). Written by sync for changes and total rebuild only; followed by id_sincro.';
comment on column sincro.articoli.azi is E'Company code.';
comment on column sincro.articoli.cod_art is E'The ERP''s article code.';
comment on column sincro.articoli.descrizione is E'Description.';
comment on column sincro.articoli.unita_misura is E'Unit of measure.';
comment on column sincro.articoli.prezzo is E'List price.';
comment on column sincro.articoli.cod_iva is E'VAT code (accessory table).';
comment on column sincro.articoli.giacenza is E'Stock on hand.';
comment on column sincro.articoli.id_sincro is E'Change number of the row''s last change, from the company''s counter (shared with orders).';
comment on column sincro.articoli.deleted is E'Tombstone: the ERP deleted this article. Kept for the company''s tombstone_retention.';
comment on column sincro.articoli.updated_at is E'Last change in the hub.';

-- >>> sql/10_tables/92_particolarita.sql
/*
 * "Particolarità": a customer's own price or discount on an article, valid
 * from a date (and possibly to one). ERP-owned: written by syncs only.
 */
create table sincro.particolarita (
  azi text not null references sincro_private.company (azi) on delete restrict,
  cod_cli text not null,
  cod_art text not null,
  valido_dal date not null,
  valido_al date,
  prezzo numeric(14, 4),
  sconto numeric(6, 2),
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, cod_cli, cod_art, valido_dal),
  constraint id_sincro_is_positive check (id_sincro > 0)
);

create index idx_particolarita__id_sincro on sincro.particolarita (azi, id_sincro);
-- No statistics on azi: with them, a company the last ANALYZE did not see is estimated at 0 rows, and
-- the planner may probe a sync batch through (azi, id_sincro) instead of the primary key (quadratic).
alter table sincro.particolarita alter column azi set statistics 0;

comment on table sincro.particolarita is E'Customer-specific prices and discounts (particolarità) of the ERP. Written by syncs only; followed by id_sincro.';
comment on column sincro.particolarita.azi is E'Company code.';
comment on column sincro.particolarita.cod_cli is E'Customer code.';
comment on column sincro.particolarita.cod_art is E'Article code.';
comment on column sincro.particolarita.valido_dal is E'First day it applies.';
comment on column sincro.particolarita.valido_al is E'Last day it applies (empty: open-ended).';
comment on column sincro.particolarita.prezzo is E'The customer''s price (empty: list price).';
comment on column sincro.particolarita.sconto is E'The customer''s discount, percent.';
comment on column sincro.particolarita.id_sincro is E'Change number of the row''s last change, from the company''s counter (shared with orders).';
comment on column sincro.particolarita.deleted is E'Tombstone: the ERP deleted it. Kept for the company''s tombstone_retention.';
comment on column sincro.particolarita.updated_at is E'Last change in the hub.';

-- >>> sql/10_tables/93_tabelle_accessorie.sql
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

-- >>> sql/10_tables/94_documenti.sql
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

-- >>> sql/10_tables/96_rebuild_seen.sql
/*
 * Keys a total rebuild has received from the ERP's snapshots, so that at the
 * end it can tombstone exactly the rows the ERP no longer has. Unlogged: it is
 * scratch space for a running rebuild (a crash empties it, and an interrupted
 * rebuild restarts from the beginning anyway). A key sent twice is harmless.
 */
create unlogged table sincro_private.rebuild_seen (
  azi text not null,
  run_id bigint not null,
  entity text not null,
  key text not null
);
-- No primary key, by design: it is write-once scratch read by one anti-join, and a
-- unique index would cost a rebuild more than the table itself (see docs/performance.md).

comment on table sincro_private.rebuild_seen is E'Scratch: keys received by a running total rebuild, per run and entity; emptied when the rebuild ends.';
comment on column sincro_private.rebuild_seen.azi is E'Company code.';
comment on column sincro_private.rebuild_seen.run_id is E'The rebuild run (sincro.sync_runs.run_id).';
comment on column sincro_private.rebuild_seen.entity is E'Entity (see sincro_private.erp_entity).';
comment on column sincro_private.rebuild_seen.key is E'The row''s key fields as text, joined by U+001F.';

-- >>> sql/10_tables/97_consumer_cursors.sql
/*
 * Where each consumer (the store, each app device) has read up to, so the hub
 * knows its lag. Consumers advance it with sincro.advance_consumer_cursor
 * after importing what changes_since / all_changes_since returned.
 */
create table sincro.consumer_cursors (
  azi text not null references sincro_private.company (azi) on delete cascade,
  consumer text not null
    constraint consumer_is_well_formed check (consumer ~ '^[A-Za-z0-9:_.-]{1,80}$'),
  id_sincro_read bigint not null
    constraint id_sincro_read_is_not_negative check (id_sincro_read >= 0),
  updated_at timestamptz not null default now(),
  primary key (azi, consumer)
);

comment on table sincro.consumer_cursors is E'Each consumer''s cursor: the largest change number it has imported. Written by sincro.advance_consumer_cursor.';
comment on column sincro.consumer_cursors.azi is E'Company code.';
comment on column sincro.consumer_cursors.consumer is E'store, app:<device id>, or another name an admin chose.';
comment on column sincro.consumer_cursors.id_sincro_read is E'Largest id_sincro the consumer has imported.';
comment on column sincro.consumer_cursors.updated_at is E'When the consumer last advanced it.';

-- >>> sql/10_tables/99_erp_entity.sql
/*
 * The ERP-owned entities a sync writes, other than orders: wire name, hub
 * table and key columns. The generic apply, tombstone and purge functions
 * read it, so a new entity is a table and a row here.
 */
create table sincro_private.erp_entity (
  entity text primary key,
  table_name regclass not null unique,
  key_columns text[] not null
    constraint key_columns_is_not_empty check (cardinality(key_columns) > 0)
);

insert into sincro_private.erp_entity (entity, table_name, key_columns) values
  ('accessory', 'sincro.tabelle_accessorie', '{tabella,codice}'),
  ('article', 'sincro.articoli', '{cod_art}'),
  ('customer', 'sincro.clienti', '{cod_cli}'),
  ('particolarita', 'sincro.particolarita', '{cod_cli,cod_art,valido_dal}'),
  ('document', 'sincro.documenti', '{tipo_doc,numero}');

comment on table sincro_private.erp_entity is E'ERP-owned entities other than orders: the wire name the ERP uses, the hub table, its key columns after azi.';
comment on column sincro_private.erp_entity.entity is E'Name on the wire (ERP API): accessory, article, customer, particolarita, document.';
comment on column sincro_private.erp_entity.table_name is E'Hub table holding the entity.';
comment on column sincro_private.erp_entity.key_columns is E'Key columns after azi, in primary-key order.';

-- >>> sql/20_functions/45_check_feed_arguments.sql
/*
 * The arguments of a change feed (changes_since, all_changes_since), checked
 * alike: a company the caller may see (SY100), a cursor of 0 or more and a
 * batch of 1 to 100000 rows (SY101). Runs with the caller's rights, so a
 * company hidden from the caller by apstatosyn is "unknown".
 */
create or replace function sincro_private.check_feed_arguments(feed text, azi text, "cursor" bigint, max_rows integer)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if azi is null or not exists (select 1 from sincro.apstatosyn c where c.azi = check_feed_arguments.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('%s: unknown company (azi = %L)', feed, azi),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if "cursor" is null or "cursor" < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('%s: cursor must be 0 or a change number already read (got %s)', feed, coalesce("cursor"::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if max_rows is null or max_rows < 1 or max_rows > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('%s: max_rows must be between 1 and 100000 (got %s)', feed, coalesce(max_rows::text, 'NULL')),
      hint = 'Read in batches of a few thousand rows at most.';
  end if;
end;
$$;

comment on function sincro_private.check_feed_arguments(text, text, bigint, integer) is
  E'Checks a change feed''s arguments (SY100 unknown or hidden company, SY101 bad cursor or max_rows), with the caller''s rights.';

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
  perform sincro_private.check_feed_arguments('changes_since', $1, $2, $3);

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

-- >>> sql/20_functions/70_upsert_erp_rows.sql
/*
 * The generic write of ERP-owned rows (every entity of sincro_private.erp_entity):
 * upsert a batch of {"key": {...}, "data": {...}} objects, giving a new change
 * number only to rows that really change (new, different, or coming back from
 * a tombstone). Within a batch the last object for a key wins.
 *
 * Change numbers: the rows that change are counted first, then the company's
 * counter is moved once by that count and the rows are written with their
 * numbers (in batch order), in one statement: new keys by a plain insert,
 * known ones by an update. The counter row lock is held to the commit, so the
 * numbers follow commit order. Only syncs write these tables, one per company
 * at a time, so no other transaction holds their row locks: taking the counter
 * before writing them cannot deadlock. (Orders, which other parties write, get
 * theirs at commit instead; see assign_pending_id_sincro.)
 *
 * Unknown data fields are ignored (an ERP may send more than the hub keeps);
 * missing key fields (SY102) and values that do not fit (SY201) are refused,
 * naming the field. `also_changed` lists keys (as key_text) to count as
 * changed whatever their columns say: documents whose lines changed.
 * `run_id`, for a total rebuild: the keys received are remembered for the
 * final sweep.
 */
create or replace function sincro_private.upsert_erp_rows(
  entity text, azi text, rows jsonb, run_id bigint default null, also_changed text[] default '{}')
returns integer
language plpgsql
volatile
security definer
set search_path = ''
set datestyle = 'ISO, YMD'
-- a batch (thousands of rows) against a table of millions: probe the primary key per row, never
-- hash or scan the table (whose statistics lag far behind during a first rebuild)
set enable_hashjoin = off
set enable_mergejoin = off
set enable_seqscan = off
-- the settings above inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
declare
  v_table regclass;
  v_keys text[];
  v_data text[];
  v_key text;
  v_row jsonb;
  v_position integer := 0;
  v_key_list text;
  v_dedupe integer;
  v_changed integer;
  v_expected integer;
begin
  -- validate
  select e.table_name, e.key_columns into v_table, v_keys
    from sincro_private.erp_entity e where e.entity = upsert_erp_rows.entity;
  if v_table is null then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: unknown entity "%s"', upsert_erp_rows.entity),
      hint = (select pg_catalog.format('Entities: order, %s.', pg_catalog.string_agg(e.entity, ', ' order by e.entity))
              from sincro_private.erp_entity e);
  end if;
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: %s rows must be a JSON array', entity);
  end if;
  -- one pass over the batch finds the first malformed row
  select r, case when pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
                   or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object' then 'shape' else 'key' end
    into v_row, v_key
    from pg_catalog.jsonb_array_elements(rows) r
    where pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
       or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object'
       or exists (select 1 from pg_catalog.unnest(v_keys) k where pg_catalog.jsonb_typeof(r -> 'key' -> k) is distinct from 'string')
    limit 1;
  if v_key = 'shape' then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: each %s row must be {"key": {...}, "data": {...}} (got %s)', entity, pg_catalog.left(v_row::text, 200));
  elsif v_key = 'key' then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('sync: %s key field "%s" is missing or not a string (key %s)', entity,
                                  (select k from pg_catalog.unnest(v_keys) k
                                   where pg_catalog.jsonb_typeof(v_row -> 'key' -> k) is distinct from 'string' limit 1),
                                  v_row -> 'key'),
      hint = pg_catalog.format('The key of a %s is {%s}, every field a string.', entity, pg_catalog.array_to_string(v_keys, ', '));
  end if;

  select pg_catalog.array_agg(a.attname::text order by a.attnum) into v_data
    from pg_catalog.pg_attribute a
    where a.attrelid = v_table and a.attnum > 0 and not a.attisdropped
      and a.attname::text <> all (v_keys || '{azi,id_sincro,deleted,updated_at}'::text[]);
  v_key_list := (select pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ') from pg_catalog.unnest(v_keys) k);

  -- apply: first as sent; if a key comes twice in the batch (21000), again keeping its last state
  for v_dedupe in 0 .. 1 loop
    begin
      execute pg_catalog.format($sql$
        with incoming as (
          select %2$s r.*, %5$s as key_text
          from pg_catalog.jsonb_array_elements($2) with ordinality e(x, n)
          cross join lateral pg_catalog.jsonb_populate_record(null::%3$s, (e.x -> 'key') || coalesce(e.x -> 'data', '{}')) r
          %4$s
        ),
        seen as (
          insert into sincro_private.rebuild_seen (azi, run_id, entity, key)
          select $1, $3, $4, i.key_text from incoming i where $3 is not null
        ),
        changed as (
          select i.*, pg_catalog.row_number() over () as position, t.row_id
          from incoming i
          left join lateral (
            select t.ctid as row_id, t.deleted, %8$s
            from %3$s t where t.azi = $1 and (%6$s) = (%7$s)
            limit 1  -- keeps the probe a per-row primary-key lookup (not flattened into a join)
          ) t on true
          where t.row_id is null or t.deleted or i.key_text = any ($5)
             or (%9$s) is distinct from (%14$s)
        ),
        bump as (
          update sincro_private.id_sincro_counter c
            set last_value = c.last_value + (select pg_catalog.count(*) from changed)
            where c.azi = $1 and exists (select 1 from changed)
            returning c.last_value - (select pg_catalog.count(*) from changed) as base
        ),
        inserted as (
          -- only syncs write these tables, one per company at a time: a plain insert cannot race
          insert into %3$s (azi, %1$s, %10$s, id_sincro, deleted, updated_at)
          select $1, %11$s, %12$s, (select b.base from bump b) + c.position, false, pg_catalog.now()
          from changed c
          where c.row_id is null
          returning 1
        ),
        updated as (
          update %3$s t
            set (%10$s, id_sincro, deleted, updated_at) = (%12$s, (select b.base from bump b) + c.position, false, pg_catalog.now())
            from changed c
            where c.row_id is not null and t.ctid = c.row_id
          returning 1
        )
        select (select pg_catalog.count(*) from inserted) + (select pg_catalog.count(*) from updated), (select pg_catalog.count(*) from changed)
        $sql$,
        v_key_list,                                                                                       -- 1 keys
        case when v_dedupe = 1 then pg_catalog.format('distinct on (%s)', v_key_list) else '' end,     -- 2
        v_table,                                                                                          -- 3
        case when v_dedupe = 1 then pg_catalog.format('order by %s, e.n desc', v_key_list) else '' end, -- 4
        (select pg_catalog.string_agg(pg_catalog.format('r.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k), -- 5 key_text
        (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k),  -- 6
        (select pg_catalog.string_agg(pg_catalog.format('i.%I', k), ', ') from pg_catalog.unnest(v_keys) k),  -- 7
        (select pg_catalog.string_agg(pg_catalog.format('t.%I', d), ', ') from pg_catalog.unnest(v_data) d),  -- 8
        (select pg_catalog.string_agg(pg_catalog.format('i.%I', d), ', ') from pg_catalog.unnest(v_data) d) || ', null',  -- 9
        (select pg_catalog.string_agg(pg_catalog.quote_ident(d), ', ') from pg_catalog.unnest(v_data) d),   -- 10 data columns
        (select pg_catalog.string_agg(pg_catalog.format('c.%I', k), ', ') from pg_catalog.unnest(v_keys) k), -- 11
        (select pg_catalog.string_agg(pg_catalog.format('c.%I', d), ', ') from pg_catalog.unnest(v_data) d), -- 12
        null,                                                                                             -- 13
        (select pg_catalog.string_agg(pg_catalog.format('t.%I', d), ', ') from pg_catalog.unnest(v_data) d) || ', null'  -- 14
      ) into v_changed, v_expected using azi, rows, run_id, entity, coalesce(also_changed, '{}');
      if v_changed <> v_expected then
        -- a known key twice in the batch: an update uses only one of them; undo and dedupe
        raise exception using errcode = '21000', message = 'a key appears twice in the batch';
      end if;
      exit;
    exception
      when cardinality_violation or unique_violation then
        -- a key twice in the batch: the update touched a row twice (21000) or the insert clashed with itself
        if v_dedupe = 1 then raise; end if;
      when data_exception then
        -- find the row and field that did not fit, and say so
        for v_row in select r from pg_catalog.jsonb_array_elements(rows) r loop
          v_position := v_position + 1;
          begin
            execute pg_catalog.format('select pg_catalog.jsonb_populate_record(null::%s, $1)', v_table)
              using (v_row -> 'key') || coalesce(v_row -> 'data', '{}');
          exception when data_exception then
            execute pg_catalog.format('select sincro_private.raise_bad_field($1, $2, null::%s)', v_table)
              using pg_catalog.format('sync: %s row %s (key %s)', entity, v_position, v_row -> 'key'),
                    (v_row -> 'key') || coalesce(v_row -> 'data', '{}');
          end;
        end loop;
        raise;
    end;
  end loop;
  return v_changed;
end;
$$;

comment on function sincro_private.upsert_erp_rows(text, text, jsonb, bigint, text[]) is
  E'Upserts a batch of ERP-owned rows of one entity ([{"key":{...},"data":{...}}]); only rows that really change get a new change number. Returns how many changed. With run_id, remembers the keys for a rebuild''s sweep.';

-- >>> sql/20_functions/71_tombstone_erp_rows.sql
/*
 * Marks ERP-owned rows deleted (tombstones), each with a new change number so
 * consumers following id_sincro learn of the deletion. Two callers:
 *   - a sync for changes passes the keys the ERP reported deleted (`keys`, an
 *     array of key objects); rows already tombstoned or never seen are left
 *     alone (no number is spent);
 *   - a total rebuild's sweep passes its `run_id`: every live row whose key
 *     the rebuild did not receive is tombstoned.
 * Document lines go with their document. As in upsert_erp_rows, the counter
 * is moved once by the count, in the same statement that writes the rows.
 */
create or replace function sincro_private.tombstone_erp_rows(
  entity text, azi text, keys jsonb default null, run_id bigint default null)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
set datestyle = 'ISO, YMD'
-- the planner settings below inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
declare
  v_table regclass;
  v_keys text[];
  v_key_text text;
  v_chosen text;
  v_count integer;
  v_hashjoin constant text := pg_catalog.current_setting('enable_hashjoin');
  v_mergejoin constant text := pg_catalog.current_setting('enable_mergejoin');
  v_seqscan constant text := pg_catalog.current_setting('enable_seqscan');
  v_nestloop constant text := pg_catalog.current_setting('enable_nestloop');
begin
  -- validate
  select e.table_name, e.key_columns into v_table, v_keys
    from sincro_private.erp_entity e where e.entity = tombstone_erp_rows.entity;
  if v_table is null then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: unknown entity "%s"', entity);
  end if;
  if (keys is null) = (run_id is null) then
    raise exception using errcode = 'SY201', message = 'tombstone_erp_rows: give either keys or run_id';
  end if;
  v_key_text := (select pg_catalog.string_agg(pg_catalog.format('t.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k);

  if run_id is not null then
    v_chosen := pg_catalog.format($sql$
      select %1$s, pg_catalog.row_number() over (order by %1$s) as position
      from %2$s t
      where t.azi = $1 and not t.deleted
        -- rows numbered after the rebuild began were written by it: received, nothing to check
        and t.id_sincro <= (select r.id_sincro_at_start from sincro.sync_runs r where r.azi = $1 and r.run_id = $3)
        and not exists (select 1 from sincro_private.rebuild_seen s
                        where s.azi = $1 and s.run_id = $3 and s.entity = $4 and s.key = %3$s)
      $sql$, (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k), v_table, v_key_text);
  else
    v_chosen := pg_catalog.format($sql$
      select %1$s, pg_catalog.row_number() over (order by %1$s) as position
      from %2$s t
      join (select distinct %3$s as key_text from pg_catalog.jsonb_array_elements($2) e(x),
              pg_catalog.jsonb_populate_record(null::%2$s, e.x) t) k on k.key_text = %3$s
      where t.azi = $1 and not t.deleted
      $sql$, (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k), v_table, v_key_text);
  end if;

  -- apply (named keys: a few rows of a big table, probed by primary key, never a hash of the table)
  if keys is not null then
    perform pg_catalog.set_config('enable_hashjoin', 'off', true), pg_catalog.set_config('enable_mergejoin', 'off', true),
            pg_catalog.set_config('enable_seqscan', 'off', true);
  else
    -- the sweep: every live row against every key received, one hash anti-join (never a nested loop:
    -- the scratch table's statistics may say it is empty)
    perform pg_catalog.set_config('enable_nestloop', 'off', true);
  end if;
  execute pg_catalog.format($sql$
    with chosen as (%1$s),
    bump as (
      update sincro_private.id_sincro_counter c
        set last_value = c.last_value + (select pg_catalog.count(*) from chosen)
        where c.azi = $1 and exists (select 1 from chosen)
        returning c.last_value - (select pg_catalog.count(*) from chosen) as base
    )
    update %2$s t
      set deleted = true, id_sincro = b.base + c.position, updated_at = pg_catalog.now()
      from chosen c cross join bump b
      where t.azi = $1 and (%3$s) = (%4$s)
    $sql$, v_chosen, v_table,
    (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k),
    (select pg_catalog.string_agg(pg_catalog.format('c.%I', k), ', ') from pg_catalog.unnest(v_keys) k))
    using azi, keys, run_id, entity;
  get diagnostics v_count = row_count;
  perform pg_catalog.set_config('enable_hashjoin', v_hashjoin, true), pg_catalog.set_config('enable_mergejoin', v_mergejoin, true),
          pg_catalog.set_config('enable_seqscan', v_seqscan, true), pg_catalog.set_config('enable_nestloop', v_nestloop, true);

  if v_table = 'sincro.documenti'::regclass and v_count > 0 then
    delete from sincro.documenti_righe r
      using sincro.documenti d
      where d.azi = tombstone_erp_rows.azi and d.deleted
        and r.azi = d.azi and r.tipo_doc = d.tipo_doc and r.numero = d.numero;
  end if;
  return v_count;
end;
$$;

comment on function sincro_private.tombstone_erp_rows(text, text, jsonb, bigint) is
  E'Marks ERP-owned rows deleted with a new change number: those named by keys (a sync for changes), or every live row a rebuild (run_id) did not receive. Returns how many.';

-- >>> sql/20_functions/72_upsert_documents.sql
/*
 * Writes a batch of the ERP's documents (quotes, delivery notes, invoices):
 * headers through upsert_erp_rows, lines replaced for the documents whose
 * lines differ from the hub's. A document whose lines changed gets a new
 * change number even if its header did not.
 */
create or replace function sincro_private.upsert_documents(azi text, rows jsonb, run_id bigint default null)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
-- a batch against tables of millions: probe primary keys, never hash or scan the big tables
set enable_hashjoin = off
set enable_mergejoin = off
set enable_seqscan = off
-- the settings above inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
#variable_conflict use_column
declare
  v_azi constant text := upsert_documents.azi;
  v_bad jsonb;
  v_lines_changed text[];
  v_changed integer;
begin
  -- validate
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = 'sync: document rows must be a JSON array';
  end if;
  select x -> 'key' into v_bad from pg_catalog.jsonb_array_elements(rows) x
    where pg_catalog.jsonb_typeof(coalesce(x -> 'data' -> 'lines', '[]')) <> 'array'
       or exists (select 1 from pg_catalog.jsonb_array_elements(
                    case when pg_catalog.jsonb_typeof(x -> 'data' -> 'lines') = 'array' then x -> 'data' -> 'lines' else '[]' end) l
                  where pg_catalog.jsonb_typeof(l) <> 'object')
    limit 1;
  if found then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: document %s: "lines" must be an array of line objects', v_bad),
      hint = 'Line fields: riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva.';
  end if;

  -- which documents' lines differ (read before anything is written)
  begin
    if pg_catalog.to_regclass('pg_temp.sync_document_lines') is null then
      create temp table sync_document_lines (like sincro.documenti_righe) on commit drop;
    end if;
    truncate pg_temp.sync_document_lines;
    insert into pg_temp.sync_document_lines
    select v_azi, d.tipo_doc, d.numero, coalesce(l.riga, o.n::integer), l.articolo, l.descrizione, l.quantita,
           l.unita_misura, l.prezzo, l.sconto, l.iva
    from (
      select distinct on (x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero')
             x -> 'key' ->> 'tipo_doc' as tipo_doc, x -> 'key' ->> 'numero' as numero,
             coalesce(x -> 'data' -> 'lines', '[]') as lines
      from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
      order by x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero', e.n desc
    ) d
    cross join lateral pg_catalog.jsonb_array_elements(d.lines) with ordinality o(line, n)
    cross join lateral pg_catalog.jsonb_populate_record(null::sincro.documenti_righe, o.line) l;
  exception when data_exception then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: a document line has an invalid value (%s)', sqlerrm),
      hint = 'Send quantities and prices as JSON numbers or decimal strings.';
  end;

  select pg_catalog.array_agg(distinct c.tipo_doc || E'\x1f' || c.numero) into v_lines_changed
  from (
    (select n.tipo_doc, n.numero, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto, n.iva
     from pg_temp.sync_document_lines n
     except all
     select r.tipo_doc, r.numero, r.riga, r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva
     from sincro.documenti_righe r
     where r.azi = v_azi and (r.tipo_doc, r.numero) in (select x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero'
                                                         from pg_catalog.jsonb_array_elements(rows) x))
    union all
    (select r.tipo_doc, r.numero, r.riga, r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva
     from sincro.documenti_righe r
     where r.azi = v_azi and (r.tipo_doc, r.numero) in (select x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero'
                                                         from pg_catalog.jsonb_array_elements(rows) x)
     except all
     select n.tipo_doc, n.numero, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto, n.iva
     from pg_temp.sync_document_lines n)
  ) c;

  -- apply: headers, then the lines of the documents whose lines changed
  v_changed := sincro_private.upsert_erp_rows('document', v_azi, rows, run_id, coalesce(v_lines_changed, '{}'));
  if v_lines_changed is not null then
    delete from sincro.documenti_righe r
      where r.azi = v_azi and r.tipo_doc || E'\x1f' || r.numero = any (v_lines_changed);
    insert into sincro.documenti_righe
      select n.* from pg_temp.sync_document_lines n where n.tipo_doc || E'\x1f' || n.numero = any (v_lines_changed);
  end if;
  truncate pg_temp.sync_document_lines;
  return v_changed;
end;
$$;

comment on function sincro_private.upsert_documents(text, jsonb, bigint) is
  E'Upserts a batch of ERP documents with their lines ([{"key":{"tipo_doc","numero"},"data":{...,"lines":[...]}}]); a document whose header or lines changed gets a new change number. Returns how many changed.';

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
  v_azi constant text := sync_run_begin.azi;
  v_with_erp constant boolean := kind is distinct from 'partial';
  v_company sincro_private.company;
  v_period_start date;
  v_run_id bigint;
  v_running sincro.sync_runs;
begin
  -- validate
  if not exists (select 1 from sincro_private.company c where c.azi = v_azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', v_azi);
  end if;
  if kind is null or kind not in ('partial', 'changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync: kind must be partial, changes or rebuild (got %L)', kind);
  end if;

  -- one partial sync, and one sync with the ERP (changes or rebuild), per company at a time
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(pg_catalog.concat_ws('/', 'sync', v_azi, v_with_erp), 0));

  -- a crashed run does not block the company: closed when its session is gone or it has made no progress for long
  update sincro.sync_runs r
    set state = 'failed', finished_at = pg_catalog.now(),
        error = case when r.progress_at < pg_catalog.now() - sincro_private.sync_run_stale_after(r.kind)
                     then pg_catalog.format('abandoned: no progress since %s', r.progress_at)
                     else 'abandoned: the session that ran it is gone' end
    where r.azi = v_azi and (r.kind <> 'partial') = v_with_erp and r.state = 'running'
      and (r.progress_at < pg_catalog.now() - sincro_private.sync_run_stale_after(r.kind)
           or (r.backend_pid is not null and r.backend_pid <> pg_catalog.pg_backend_pid()
               and not exists (select 1 from pg_catalog.pg_stat_activity a where a.pid = r.backend_pid)));
  if kind = 'rebuild' then
    -- keys left by a rebuild that crashed (a failed or finished rebuild removes its own)
    delete from sincro_private.rebuild_seen s
      where s.azi = v_azi
        and s.run_id in (select r.run_id from sincro.sync_runs r where r.azi = v_azi and r.state <> 'running');
  end if;

  select * into v_running from sincro.sync_runs r
    where r.azi = v_azi and (r.kind <> 'partial') = v_with_erp and r.state = 'running';
  if found then
    raise exception using
      errcode = 'SY120',
      message = pg_catalog.format('sync: company %s already has a %s sync running (run %s, started %s); a second one is refused',
                                  v_azi, v_running.kind, v_running.run_id, v_running.started_at),
      hint = 'Wait for it to finish (see sincro.sync_runs). A run whose process died is closed by the next attempt.';
  end if;

  -- the contract: a sync with the ERP needs a unit of quota left in the current period
  if v_with_erp then
    v_period_start := sincro_private.roll_sync_period(v_azi);
    select * into v_company from sincro_private.company c where c.azi = v_azi;
    if v_company.sync_used >= v_company.sync_quota then
      raise exception using
        errcode = 'SY121',
        message = pg_catalog.format('sync: company %s has used %s of its %s syncs for the period %s to %s; the %s sync was not started',
                                    v_azi, v_company.sync_used, v_company.sync_quota, v_period_start,
                                    (v_period_start + v_company.sync_period)::date - 1, kind),
        hint = pg_catalog.format('The next period starts on %s. An administrator can raise the contract: npx sincro quota --azi %s --set <n>.',
                                 (v_period_start + v_company.sync_period)::date, v_azi);
    end if;
  end if;

  insert into sincro.sync_runs (azi, kind, uses_quota, backend_pid, erp_cursor_from, id_sincro_at_start)
    values (v_azi, kind, v_with_erp,
            case when v_with_erp then pg_catalog.pg_backend_pid() end,
            case when v_with_erp then (select c.erp_cursor from sincro_private.company c where c.azi = v_azi) end,
            case when kind = 'rebuild' then (select s.last_value from sincro_private.id_sincro_counter s where s.azi = v_azi) end)
    returning run_id into v_run_id;
  return v_run_id;
end;
$$;

comment on function sincro.sync_run_begin(text, text) is
  E'Starts a sync run (partial, changes, rebuild) for a company and returns its run_id. SY120 if one is running (changes and rebuild exclude each other); SY121 if a changes/rebuild run finds the quota used up. A refusal writes nothing. The session that begins a changes/rebuild run should run it to the end. SECURITY DEFINER: the only writer of sync_runs with the other sync_run_* functions.';

create or replace function sincro_private.sync_run_stale_after(kind text)
returns interval
language sql
immutable
set search_path = ''
as $$
  select case when kind = 'partial' then interval '1 hour' else interval '10 minutes' end
$$;

comment on function sincro_private.sync_run_stale_after(text) is
  E'How long a running sync may go without progress before the next attempt closes it as abandoned.';

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
  E'Ends a partial sync run with its counts; failed when error is given, else succeeded. SECURITY DEFINER: the only writer of sync_runs with the other sync_run_* functions.';

/*
 * Changes and rebuild runs: progress after each applied batch (refusing a run
 * that is no longer running), completion (charges one unit of quota, in the
 * same transaction) and failure (charges nothing).
 */
create or replace function sincro_private.sync_run_progress(
  azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  update sincro.sync_runs r
    set rows_received = r.rows_received + received, rows_changed = r.rows_changed + changed,
        rows_tombstoned = r.rows_tombstoned + tombstoned, erp_cursor_to = coalesce(erp_cursor, r.erp_cursor_to),
        progress_at = pg_catalog.now()
    where r.azi = sync_run_progress.azi and r.run_id = sync_run_progress.run_id and r.kind = sync_run_progress.kind
      and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a running %s sync', run_id, azi, kind),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;

comment on function sincro_private.sync_run_progress(text, bigint, text, bigint, bigint, bigint, text) is
  E'Adds a batch''s counts to a running changes/rebuild run and notes its progress; SY123 if the run is not running.';

create or replace function sincro.sync_run_complete(azi text, run_id bigint)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run sincro.sync_runs;
begin
  update sincro.sync_runs r
    set state = 'succeeded', finished_at = pg_catalog.now(), progress_at = pg_catalog.now()
    where r.azi = sync_run_complete.azi and r.run_id = sync_run_complete.run_id and r.state = 'running'
    returning * into v_run;
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not running', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs).';
  end if;
  if v_run.uses_quota then
    perform sincro_private.roll_sync_period(azi);
    update sincro_private.company c set sync_used = c.sync_used + 1 where c.azi = sync_run_complete.azi;
  end if;
end;
$$;

comment on function sincro.sync_run_complete(text, bigint) is
  E'Marks a changes or rebuild run succeeded and, in the same transaction, uses one unit of the company''s quota. SECURITY DEFINER: writes sync_runs and the company''s usage.';

create or replace function sincro.sync_run_fail(azi text, run_id bigint, error text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update sincro.sync_runs r
    set state = 'failed', finished_at = pg_catalog.now(), error = coalesce(sync_run_fail.error, 'failed')
    where r.azi = sync_run_fail.azi and r.run_id = sync_run_fail.run_id and r.state = 'running';
  delete from sincro_private.rebuild_seen s where s.azi = sync_run_fail.azi and s.run_id = sync_run_fail.run_id;
$$;

comment on function sincro.sync_run_fail(text, bigint, text) is
  E'Marks a run failed with its error; no quota is used. What its committed batches applied stays applied (each with the ERP cursor it covers). SECURITY DEFINER: writes sync_runs.';

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

-- >>> sql/20_functions/96_sync_quota.sql
/*
 * The contracted sync quota: per company, syncs allowed per contract period
 * (sync_quota, sync_period from sync_period_start) and syncs used. A completed
 * sync for changes or total rebuild uses one (sincro.sync_run_complete);
 * partial syncs and real-time pushes never do. When a period ends the next
 * one starts with nothing used.
 */
create or replace function sincro_private.current_period_start(period_start date, period interval, today date)
returns date
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_start date := period_start;
  v_steps integer := 0;
begin
  -- boundaries are counted from the first day (31 Jan + 2 months is 31 Mar, not 28 Mar)
  while (period_start + period * (v_steps + 1))::date <= today loop
    v_steps := v_steps + 1;
    v_start := (period_start + period * v_steps)::date;
  end loop;
  return v_start;
end;
$$;

comment on function sincro_private.current_period_start(date, interval, date) is
  E'First day of the contract period containing today, for periods of the given length counted from period_start.';

create or replace function sincro_private.roll_sync_period(azi text)
returns date
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_company sincro_private.company;
  v_start date;
begin
  select * into v_company from sincro_private.company c where c.azi = roll_sync_period.azi for update;
  v_start := sincro_private.current_period_start(v_company.sync_period_start, v_company.sync_period, current_date);
  if v_start <> v_company.sync_period_start then
    update sincro_private.company c set sync_period_start = v_start, sync_used = 0 where c.azi = roll_sync_period.azi;
  end if;
  return v_start;
end;
$$;

comment on function sincro_private.roll_sync_period(text) is
  E'Moves a company to its current contract period (usage back to 0 when a period has ended) and returns the period''s first day. Locks the company row.';

create or replace function sincro.quota(only_azi text default null)
returns table (azi text, sync_quota integer, sync_used integer, sync_remaining integer, period_start date, period_end date)
language sql
stable
security definer
set search_path = ''
as $$
  select c.azi, c.sync_quota, p.used, greatest(c.sync_quota - p.used, 0), p.start, (p.start + c.sync_period)::date - 1
  from sincro_private.company c
  cross join lateral (
    select s.start, case when s.start = c.sync_period_start then c.sync_used else 0 end as used
    from (select sincro_private.current_period_start(c.sync_period_start, c.sync_period, current_date) as start) s
  ) p
  where (quota.only_azi is null or c.azi = quota.only_azi) and sincro_private.may_see_company(c.azi)
  order by c.azi
$$;

comment on function sincro.quota(text) is
  E'The sync quota of one company (or of every company the caller may see): allowed per period, used, remaining, and the current period. SECURITY DEFINER: reads the company table.';

create or replace function sincro.set_sync_contract(
  azi text, sync_quota integer, period interval default null, period_start date default null)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_company sincro_private.company;
begin
  -- validate
  select * into v_company from sincro_private.company c where c.azi = set_sync_contract.azi for update;
  if not found then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('set_sync_contract: unknown company (azi = %L)', set_sync_contract.azi);
  end if;
  if sync_quota is null or sync_quota < 0 then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('set_sync_contract: field "sync_quota" must be 0 or more (got %s)', coalesce(sync_quota::text, 'NULL')),
      hint = 'The number of syncs for changes and total rebuilds allowed per period.';
  end if;
  if period is not null and (period <= interval '0' or period < interval '1 day') then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('set_sync_contract: field "period" must be at least a day (got %s)', period),
      hint = 'For example ''1 month'' or ''7 days''.';
  end if;

  -- apply: a new period start begins a new period with nothing used
  update sincro_private.company c
    set sync_quota = set_sync_contract.sync_quota,
        sync_period = coalesce(set_sync_contract.period, c.sync_period),
        sync_period_start = coalesce(set_sync_contract.period_start, c.sync_period_start),
        sync_used = case when set_sync_contract.period_start is distinct from null
                              and set_sync_contract.period_start <> c.sync_period_start then 0 else c.sync_used end
    where c.azi = set_sync_contract.azi;
end;
$$;

comment on function sincro.set_sync_contract(text, integer, interval, date) is
  E'Sets a company''s contract: syncs allowed per period, and optionally the period''s length and first day (a new first day starts a period with nothing used). Admin only. SECURITY DEFINER: writes the company table.';

-- >>> sql/20_functions/97_sync_changes.sql
/*
 * Sync for changes (rule 3): the sync process pulls the ERP's changes since
 * the cursor the hub holds and hands each batch to sync_apply_changes, which
 * applies it and moves the cursor in one transaction. A crash between batches
 * loses nothing (the cursor covers exactly what was applied) and a rerun
 * applies nothing twice (it starts from that cursor; and applying the ERP's
 * current state of a row again changes nothing, so bumps nothing).
 */
create or replace function sincro.erp_cursor(azi text)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select c.erp_cursor from sincro_private.company c where c.azi = erp_cursor.azi
$$;

comment on function sincro.erp_cursor(text) is
  E'The ERP change cursor up to which the hub has applied the ERP''s changes ('''' before the first sync; NULL for an unknown company). SECURITY DEFINER: reads the company table.';

create or replace function sincro.sync_apply_changes(
  azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_apply_changes.azi;
  v_cursor text;
  v_bad jsonb;
  v_change jsonb;
  v_entity text;
  v_received integer;
  v_changed integer := 0;
  v_tombstoned integer := 0;
  v_ignored integer := 0;
begin
  -- validate
  select c.erp_cursor into v_cursor from sincro_private.company c where c.azi = v_azi for update;
  if not found then
    raise exception using errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', v_azi);
  end if;
  if next_cursor is null or from_cursor is null then
    raise exception using errcode = 'SY201', message = 'sync: from_cursor and next_cursor are required (use '''' for the beginning)';
  end if;
  if v_cursor <> from_cursor then
    raise exception using
      errcode = 'SY122',
      message = pg_catalog.format('sync: the hub''s ERP cursor for company %s is %L, not %L: another run has moved it; this batch is not applied',
                                  v_azi, v_cursor, from_cursor),
      hint = 'Pull again from sincro.erp_cursor(azi).';
  end if;
  if changes is null or pg_catalog.jsonb_typeof(changes) <> 'array' then
    raise exception using errcode = 'SY201', message = 'sync: changes must be a JSON array';
  end if;
  select x into v_bad from pg_catalog.jsonb_array_elements(changes) x
    where pg_catalog.jsonb_typeof(x) <> 'object'
       or not (x ->> 'entity' = 'order' or x ->> 'entity' in (select e.entity from sincro_private.erp_entity e))
       or x ->> 'op' is null or x ->> 'op' not in ('upsert', 'delete')
       or pg_catalog.jsonb_typeof(x -> 'key') is distinct from 'object'
       or (x ->> 'op' = 'upsert' and pg_catalog.jsonb_typeof(x -> 'data') is distinct from 'object')
    limit 1;
  if found then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: malformed change %s', pg_catalog.left(v_bad::text, 300)),
      hint = 'A change is {"entity": order|customer|article|particolarita|accessory|document, "op": "upsert"|"delete", "key": {...}, "data": {...}}; data is required for upsert.';
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'changes', 0, 0, 0, null);
  v_received := pg_catalog.jsonb_array_length(changes);

  -- apply: per row only its last change counts (each carries the row's current state)
  if pg_catalog.to_regclass('pg_temp.sync_latest_change') is null then
    create temp table sync_latest_change (entity text, op text, key jsonb, data jsonb) on commit drop;
  end if;
  truncate pg_temp.sync_latest_change;
  insert into pg_temp.sync_latest_change
    select distinct on (x ->> 'entity', x -> 'key') x ->> 'entity', x ->> 'op', x -> 'key', x -> 'data'
    from pg_catalog.jsonb_array_elements(changes) with ordinality e(x, n)
    order by x ->> 'entity', x -> 'key', e.n desc;

  -- orders first: their row locks are shared with other parties, the counter comes after them
  for v_change in
    select pg_catalog.jsonb_build_object('key', l.key, 'data', l.data, 'op', l.op)
    from pg_temp.sync_latest_change l where l.entity = 'order' order by l.key ->> 'tor_chia'
  loop
    if v_change ->> 'op' = 'delete' then
      v_ignored := v_ignored + 1;  -- orders are never deleted in the hub
    else
      perform sincro.erp_write_order(v_azi, (v_change -> 'data') || pg_catalog.jsonb_build_object('tor_chia', v_change -> 'key' -> 'tor_chia'));
    end if;
  end loop;
  v_changed := v_changed + (select pg_catalog.count(*) from sincro.arportes a where a.azi = v_azi and a.id_sincro is null);

  for v_entity in select e.entity from sincro_private.erp_entity e order by e.entity loop
    if exists (select 1 from pg_temp.sync_latest_change l where l.entity = v_entity and l.op = 'upsert') then
      if v_entity = 'document' then
        v_changed := v_changed + sincro_private.upsert_documents(v_azi,
          (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('key', l.key, 'data', l.data))
           from pg_temp.sync_latest_change l where l.entity = v_entity and l.op = 'upsert'));
      else
        v_changed := v_changed + sincro_private.upsert_erp_rows(v_entity, v_azi,
          (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('key', l.key, 'data', l.data))
           from pg_temp.sync_latest_change l where l.entity = v_entity and l.op = 'upsert'));
      end if;
    end if;
    if exists (select 1 from pg_temp.sync_latest_change l where l.entity = v_entity and l.op = 'delete') then
      v_tombstoned := v_tombstoned + sincro_private.tombstone_erp_rows(v_entity, v_azi,
        (select pg_catalog.jsonb_agg(l.key) from pg_temp.sync_latest_change l where l.entity = v_entity and l.op = 'delete'));
    end if;
  end loop;
  truncate pg_temp.sync_latest_change;

  -- the cursor moves with what it covers
  update sincro_private.company c set erp_cursor = next_cursor where c.azi = v_azi;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'changes', v_received, v_changed + v_tombstoned, v_tombstoned, next_cursor);
  return pg_catalog.jsonb_build_object('received', v_received, 'changed', v_changed + v_tombstoned,
                                       'tombstoned', v_tombstoned, 'ignored', v_ignored);
end;
$$;

comment on function sincro.sync_apply_changes(text, bigint, text, text, jsonb) is
  E'Applies one batch of ERP changes ([{"entity","op","key","data"}]) and moves the company''s ERP cursor from from_cursor to next_cursor, in one transaction. SY122 if the cursor is not from_cursor. Only rows that really change get a new change number. Orders go through erp_write_order; order deletions are ignored. Returns {"received","changed","tombstoned","ignored"}. SECURITY DEFINER: writes ERP-owned tables.';

-- >>> sql/20_functions/98_sync_rebuild.sql
/*
 * Total rebuild (rule 3): the sync process streams every entity's snapshot
 * from the ERP and hands it over in batches to sync_rebuild_apply, which
 * upserts them (only real changes get a change number) and remembers the keys
 * received; sync_rebuild_sweep then, in one transaction, tombstones every row
 * the ERP no longer has and sets the ERP cursor to the snapshot's position.
 *
 * Consumers reading meanwhile never see an empty or half-deleted catalogue:
 * nothing is emptied or deleted while the snapshots stream, and all the
 * tombstones appear together at the sweep's commit. A rebuild interrupted
 * before the sweep has only upserted true ERP states; it is not resumed: the
 * next rebuild starts over (and the failed run used no quota).
 */
create or replace function sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_rebuild_apply.azi;
  v_row jsonb;
  v_received integer;
  v_changed integer := 0;
begin
  -- validate
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: %s snapshot rows must be a JSON array', entity);
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, 0, 0, null);
  v_received := pg_catalog.jsonb_array_length(rows);

  -- apply
  if entity = 'order' then
    for v_row in
      select distinct on (x -> 'key' ->> 'tor_chia') x from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
      order by x -> 'key' ->> 'tor_chia', e.n desc
    loop
      if pg_catalog.jsonb_typeof(v_row -> 'key' -> 'tor_chia') is distinct from 'string'
         or pg_catalog.jsonb_typeof(v_row -> 'data') is distinct from 'object' then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('sync: order snapshot row must be {"key": {"tor_chia": ...}, "data": {...}} (got %s)', pg_catalog.left(v_row::text, 200));
      end if;
      perform sincro.erp_write_order(v_azi, (v_row -> 'data') || pg_catalog.jsonb_build_object('tor_chia', v_row -> 'key' -> 'tor_chia'));
    end loop;
    v_changed := (select pg_catalog.count(*) from sincro.arportes a where a.azi = v_azi and a.id_sincro is null);
  elsif entity = 'document' then
    v_changed := sincro_private.upsert_documents(v_azi, rows, run_id);
  else
    v_changed := sincro_private.upsert_erp_rows(entity, v_azi, rows, run_id);
  end if;

  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', v_received, v_changed, 0, null);
  return pg_catalog.jsonb_build_object('received', v_received, 'changed', v_changed);
end;
$$;

comment on function sincro.sync_rebuild_apply(text, bigint, text, jsonb) is
  E'Applies one batch of a total rebuild''s snapshot of an entity ([{"key","data"}]): upserts (only real changes get a change number) and remembers the keys for the sweep. Orders go through erp_write_order and are never tombstoned. Returns {"received","changed"}. SECURITY DEFINER: writes ERP-owned tables.';

create or replace function sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_azi constant text := sync_rebuild_sweep.azi;
  v_entity text;
  v_tombstoned integer := 0;
begin
  -- validate
  if erp_cursor is null then
    raise exception using errcode = 'SY201', message = 'sync: erp_cursor is required (the position of the first snapshot)';
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, 0, 0, null);

  -- apply: every deletion at once, and the cursor the snapshots reflect
  for v_entity in select e.entity from sincro_private.erp_entity e order by e.entity loop
    v_tombstoned := v_tombstoned + sincro_private.tombstone_erp_rows(v_entity, v_azi, null, run_id);
  end loop;
  delete from sincro_private.rebuild_seen s where s.azi = v_azi and s.run_id = sync_rebuild_sweep.run_id;
  update sincro_private.company c set erp_cursor = sync_rebuild_sweep.erp_cursor where c.azi = v_azi;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, v_tombstoned, v_tombstoned, erp_cursor);
  return pg_catalog.jsonb_build_object('tombstoned', v_tombstoned);
end;
$$;

comment on function sincro.sync_rebuild_sweep(text, bigint, text) is
  E'Ends a total rebuild''s data work in one transaction: tombstones (with new change numbers) every live row no snapshot contained, and sets the ERP cursor to erp_cursor (the first snapshot''s position, so changes made during the rebuild are pulled again by the next sync for changes). Returns {"tombstoned"}. SECURITY DEFINER.';

-- >>> sql/20_functions/99_consumers.sql
/*
 * Consumers (the store, each app device) follow every ERP-side change of a
 * company with ONE cursor: orders and the ERP-owned tables share the
 * company's change-number counter, so "everything above my cursor, in
 * change-number order" is a single, gap-free feed. all_changes_since merges
 * the per-table (azi, id_sincro) indexes; a consumer interested in one table
 * can also read it directly with id_sincro > cursor. Consumers record what
 * they imported with advance_consumer_cursor, which gives operators each
 * consumer's lag (sincro.consumer_lag).
 */
create or replace function sincro_private.tombstones_purged_through(azi text)
returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select c.tombstones_purged_through from sincro_private.company c where c.azi = tombstones_purged_through.azi
$$;

comment on function sincro_private.tombstones_purged_through(text) is
  E'Largest change number of a purged tombstone of a company (0: none). SECURITY DEFINER: reads the company table.';

create or replace function sincro.all_changes_since(azi text, "cursor" bigint, max_rows integer default 1000)
returns table (entity text, id_sincro bigint, deleted boolean, key jsonb, data jsonb)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_purged bigint;
begin
  -- validate
  perform sincro_private.check_feed_arguments('all_changes_since', $1, $2, $3);
  v_purged := sincro_private.tombstones_purged_through($1);
  if $2 > 0 and $2 < v_purged then
    raise exception using
      errcode = 'SY130',
      message = pg_catalog.format('all_changes_since: cursor %s of company %s is older than the tombstone retention: deletions up to change %s have been purged and cannot be sent',
                                  $2, $1, v_purged),
      hint = 'Rebuild your copy: read again from cursor 0 (every live row), replace what you hold, then follow from the largest id_sincro read.';
  end if;

  -- read: one ordered feed over every table
  return query
    select u.entity, u.id_sincro, u.deleted, u.key, u.data
    from (
      select 'order'::text as entity, a.id_sincro, false as deleted, pg_catalog.jsonb_build_object('id_pub', a.id_pub) as key,
             pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)) as data
      from sincro.arportes a where a.azi = $1 and a.id_sincro > $2
      union all
      select 'customer', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at}'::text[]
      from sincro.clienti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'article', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_art', t.cod_art),
             pg_catalog.to_jsonb(t) - '{azi,cod_art,id_sincro,deleted,updated_at}'::text[]
      from sincro.articoli t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'particolarita', t.id_sincro, t.deleted,
             pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,cod_art,valido_dal,id_sincro,deleted,updated_at}'::text[]
      from sincro.particolarita t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'accessory', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tabella', t.tabella, 'codice', t.codice),
             pg_catalog.to_jsonb(t) - '{azi,tabella,codice,id_sincro,deleted,updated_at}'::text[]
      from sincro.tabelle_accessorie t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'document', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tipo_doc', t.tipo_doc, 'numero', t.numero),
             pg_catalog.to_jsonb(t) - '{azi,tipo_doc,numero,id_sincro,deleted,updated_at}'::text[]
               || pg_catalog.jsonb_build_object('lines',
                    (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                     from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero))
      from sincro.documenti t where t.azi = $1 and t.id_sincro > $2
    ) u
    order by u.id_sincro
    limit $3;
end;
$$;

comment on function sincro.all_changes_since(text, bigint, integer) is
  E'Every ERP-side change of a company above cursor, in change-number order, at most max_rows: orders (with lines) and the ERP-owned tables (documents with lines), as (entity, id_sincro, deleted, key, data). One cursor per company covers them all. SY130 when the cursor is older than the tombstone retention: rebuild your copy from 0.';

create or replace function sincro.advance_consumer_cursor(azi text, consumer text, "cursor" bigint)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_login sincro_private.login := sincro_private.session_login();
  v_last bigint;
begin
  -- validate
  select c.last_value into v_last from sincro_private.id_sincro_counter c where c.azi = advance_consumer_cursor.azi;
  if not found or not sincro_private.may_see_company(advance_consumer_cursor.azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('advance_consumer_cursor: unknown company (azi = %L)', advance_consumer_cursor.azi);
  end if;
  if v_login.kind = 'store' and consumer is distinct from 'store'
     or v_login.kind = 'app' and consumer is distinct from 'app:' || v_login.prov_id
     or v_login.kind = 'erp' then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('advance_consumer_cursor: this login may not move the cursor of consumer %L', consumer),
      hint = case v_login.kind when 'store' then 'A store login advances the consumer ''store''.'
                               when 'app' then pg_catalog.format('This app login advances the consumer ''app:%s''.', v_login.prov_id)
                               else 'The ERP is not a consumer of the hub''s change feed.' end;
  end if;
  if consumer is null or consumer !~ '^[A-Za-z0-9:_.-]{1,80}$' then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('advance_consumer_cursor: field "consumer" must be 1-80 letters, digits, :, _, . or - (got %L)', consumer),
      hint = 'Use store, or app:<device id>.';
  end if;
  if "cursor" is null or "cursor" < 0 or "cursor" > v_last then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('advance_consumer_cursor: field "cursor" must be between 0 and the last change number %s (got %s)',
                                  v_last, coalesce("cursor"::text, 'NULL')),
      hint = 'Pass the largest id_sincro you have imported.';
  end if;

  -- apply
  insert into sincro.consumer_cursors as k (azi, consumer, id_sincro_read)
    values (advance_consumer_cursor.azi, consumer, "cursor")
    on conflict (azi, consumer) do update set id_sincro_read = excluded.id_sincro_read, updated_at = pg_catalog.now();
end;
$$;

comment on function sincro.advance_consumer_cursor(text, text, bigint) is
  E'A consumer records the largest change number it has imported (a store login as ''store'', an app login as ''app:<device>''; admins any name). Feeds sincro.consumer_lag. SECURITY DEFINER: reads the counter and the login.';

-- >>> sql/20_functions/99_purge_tombstones.sql
/*
 * Tombstones are kept for the company's tombstone_retention, then removed.
 * The largest change number removed is remembered, so a consumer whose cursor
 * is older gets SY130 ("rebuild your copy") instead of silently missing the
 * deletion. The worker runs it daily.
 */
create or replace function sincro.purge_tombstones(only_azi text default null)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_company sincro_private.company;
  v_entity sincro_private.erp_entity;
  v_purged bigint;
  v_max bigint;
  v_total bigint := 0;
begin
  for v_company in select * from sincro_private.company c where only_azi is null or c.azi = only_azi order by c.azi loop
    for v_entity in select * from sincro_private.erp_entity e order by e.entity loop
      execute pg_catalog.format($sql$
        with gone as (
          delete from %s t where t.azi = $1 and t.deleted and t.updated_at < pg_catalog.now() - $2
          returning t.id_sincro)
        select pg_catalog.count(*), pg_catalog.max(g.id_sincro) from gone g
        $sql$, v_entity.table_name)
        into v_purged, v_max
        using v_company.azi, v_company.tombstone_retention;
      if v_purged > 0 then
        update sincro_private.company c
          set tombstones_purged_through = greatest(c.tombstones_purged_through, v_max)
          where c.azi = v_company.azi;
        v_total := v_total + v_purged;
      end if;
    end loop;
  end loop;
  return v_total;
end;
$$;

comment on function sincro.purge_tombstones(text) is
  E'Removes tombstones older than each company''s tombstone_retention (one company, or all) and records the largest change number removed, so older cursors get SY130. Returns how many rows were removed. SECURITY DEFINER.';

-- >>> sql/40_views/40_consumer_lag.sql
/*
 * How far behind each consumer is: its cursor against the company's last
 * change number. Reads the counter as the view's owner; shows a
 * company-bound login only its company.
 */
create or replace view sincro.consumer_lag as
  select k.azi, k.consumer, k.id_sincro_read as "cursor", c.last_value as last_change,
         c.last_value - k.id_sincro_read as lag, k.updated_at
  from sincro.consumer_cursors k
  join sincro_private.id_sincro_counter c using (azi)
  where sincro_private.may_see_company(k.azi);

comment on view sincro.consumer_lag is E'Each consumer''s cursor, the company''s last change number, and the difference (changes not imported yet).';
comment on column sincro.consumer_lag.azi is E'Company code.';
comment on column sincro.consumer_lag.consumer is E'store or app:<device id>.';
comment on column sincro.consumer_lag."cursor" is E'Largest change number the consumer has imported.';
comment on column sincro.consumer_lag.last_change is E'The company''s last change number.';
comment on column sincro.consumer_lag.lag is E'Changes the consumer has not imported yet.';
comment on column sincro.consumer_lag.updated_at is E'When the consumer last advanced its cursor.';

-- >>> sql/40_views/50_company_status.sql
/*
 * One line per company for operators (npx sincro status): what each party has
 * not acquired, the oldest order the ERP has not acquired, the ERP cursor and
 * the quota. Reads as the view's owner; a company-bound login sees its own.
 */
create or replace view sincro.company_status as
  select c.azi,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0) as pending_gest,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_store = 0 and a.id_sincro > 0) as pending_store,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_app = 0 and a.id_sincro > 0) as pending_app,
         (select pg_catalog.min(a.created_at) from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0) as oldest_unacquired_at,
         s.last_value as last_change,
         c.erp_cursor,
         q.sync_quota, q.sync_used, q.sync_remaining, q.period_end
  from sincro_private.company c
  join sincro_private.id_sincro_counter s using (azi)
  cross join lateral sincro.quota(c.azi) q
  where sincro_private.may_see_company(c.azi);

comment on view sincro.company_status is E'Per company: orders each party has not acquired, the oldest order the ERP has not acquired, last change number, ERP cursor, quota.';
comment on column sincro.company_status.azi is E'Company code.';
comment on column sincro.company_status.pending_gest is E'Orders the ERP has not acquired (ack_gest = 0).';
comment on column sincro.company_status.pending_store is E'Published orders the store has not acquired.';
comment on column sincro.company_status.pending_app is E'Published orders the apps have not acquired.';
comment on column sincro.company_status.oldest_unacquired_at is E'When the oldest order the ERP has not acquired was written.';
comment on column sincro.company_status.last_change is E'The company''s last change number.';
comment on column sincro.company_status.erp_cursor is E'ERP change cursor the hub has applied up to.';
comment on column sincro.company_status.sync_quota is E'Syncs allowed per period.';
comment on column sincro.company_status.sync_used is E'Syncs used this period.';
comment on column sincro.company_status.sync_remaining is E'Syncs left this period.';
comment on column sincro.company_status.period_end is E'Last day of the current period.';

-- >>> sql/50_security/40_erp_data.sql
/*
 * ERP-owned data, sync runs and consumers: who may read and call what.
 * Parties read the ERP-owned tables of their company (the worker and the
 * admin every company); nobody writes them but the sync functions, which run
 * as the owner. Syncs with the ERP are run by the admin (the CLI) or the
 * worker; the contract is set by the admin.
 */
revoke execute on all functions in schema sincro, sincro_private from public;

alter table sincro.clienti enable row level security;
alter table sincro.articoli enable row level security;
alter table sincro.particolarita enable row level security;
alter table sincro.tabelle_accessorie enable row level security;
alter table sincro.documenti enable row level security;
alter table sincro.documenti_righe enable row level security;
alter table sincro.consumer_cursors enable row level security;

do $$
declare
  v_table text;
begin
  foreach v_table in array array['clienti', 'articoli', 'particolarita', 'tabelle_accessorie', 'documenti', 'documenti_righe',
                                 'consumer_cursors'] loop
    execute pg_catalog.format('drop policy if exists own_company on sincro.%I', v_table);
    execute pg_catalog.format(
      'create policy own_company on sincro.%I for select to sincro_store, sincro_app, sincro_erp using (azi = sincro_private.session_company())',
      v_table);
    execute pg_catalog.format('drop policy if exists every_company on sincro.%I', v_table);
    execute pg_catalog.format(
      'create policy every_company on sincro.%I for select to sincro_worker, sincro_admin using (true)', v_table);
  end loop;
end;
$$;

grant select on sincro.clienti, sincro.articoli, sincro.particolarita, sincro.tabelle_accessorie, sincro.documenti,
                sincro.documenti_righe
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.consumer_cursors, sincro.consumer_lag to sincro_store, sincro_app, sincro_worker, sincro_admin;
grant select on sincro.company_status to sincro_worker, sincro_admin;

-- consumers: the feed and their cursor
grant execute on function sincro.all_changes_since(text, bigint, integer), sincro.advance_consumer_cursor(text, text, bigint)
  to sincro_store, sincro_app, sincro_worker, sincro_admin;
grant execute on function sincro_private.tombstones_purged_through(text), sincro_private.check_feed_arguments(text, text, bigint, integer)
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- syncs with the ERP, quota, purge
grant execute on function
  sincro.sync_run_begin(text, text), sincro.sync_run_complete(text, bigint), sincro.sync_run_fail(text, bigint, text),
  sincro.erp_cursor(text), sincro.sync_apply_changes(text, bigint, text, text, jsonb),
  sincro.sync_rebuild_apply(text, bigint, text, jsonb), sincro.sync_rebuild_sweep(text, bigint, text),
  sincro.quota(text), sincro.purge_tombstones(text)
  to sincro_worker, sincro_admin;
grant execute on function sincro.set_sync_contract(text, integer, interval, date) to sincro_admin;
grant select on sincro.sync_runs to sincro_worker, sincro_admin;
