-- Table changes for the next migration (npm run sql:compose puts them after the
-- drops and before sql/): ALTER TABLE, CREATE TABLE with its comments, indexes,
-- constraints, data moves. Empty this file's statements when the migration is
-- committed (npm run migration:commit does it).

-- issue 12, the operator console: operator logins are bound to one company like store, app and ERP logins
alter table sincro_private.login drop constraint kind_is_company_bound;
alter table sincro_private.login add constraint kind_is_company_bound
  check (kind in ('store', 'app', 'erp', 'operator'));
comment on table sincro_private.login is
  E'Database logins bound to a company: the party (store, app, erp) or a company''s console operator, and for an app its device and agent. Written by sincro.create_login.';

-- issue 12: an operator closes a problem order by hand (resolved: never pushed again, the note in order_events)
alter table sincro.order_push drop constraint state_is_known;
alter table sincro.order_push add constraint state_is_known
  check (state in ('pending', 'in_flight', 'acquired', 'rejected', 'resolved'));
comment on column sincro.order_push.state is
  E'pending (waiting to be pushed), in_flight (a push is calling the ERP), acquired (the ERP has it), rejected (the ERP refused it: see erp_message; not retried), resolved (closed by an operator, with a note in order_events; not pushed again).';

-- issue 12: what happened to an order besides its versions: each push attempt with the ERP's answer, operators' actions
create table sincro.order_events (
  event_id bigint generated always as identity,
  azi text not null,
  id_pub bigint not null,
  recorded_at timestamptz not null default pg_catalog.clock_timestamp(),
  db_user name not null default session_user,
  event text not null,
  detail text,
  primary key (azi, event_id),
  constraint event_is_known check (event in ('push_started', 'push_acquired', 'push_rejected', 'push_failed', 'retry', 'resolved', 'corrected')),
  constraint order_events_order_fk foreign key (azi, id_pub) references sincro.arportes (azi, id_pub) on delete restrict
);
create index idx_order_events__order on sincro.order_events (azi, id_pub, event_id);
-- what /metrics counts: rejections and failed attempts (few) without reading every push event
create index idx_order_events__outcome on sincro.order_events (azi, event) where event in ('push_rejected', 'push_failed');
-- the Problems inbox: a few orders among millions, oldest first per company
create index idx_order_push__problems on sincro.order_push (azi, created_at, id_pub) where state in ('rejected', 'pending', 'in_flight');
alter table sincro.order_events enable row level security;

comment on table sincro.order_events is
  E'Events of an order that are not a new version of it (those are in arportes_history): each push attempt and the ERP''s answer, and what an operator did (retry, resolved with a note). Append-only; written by the push_* functions and the operator actions.';
comment on column sincro.order_events.event_id is E'Order of recording.';
comment on column sincro.order_events.azi is E'Company code.';
comment on column sincro.order_events.id_pub is E'The order.';
comment on column sincro.order_events.recorded_at is E'When it happened (clock time).';
comment on column sincro.order_events.db_user is E'The login that caused it (session_user): the worker for pushes, the operator for actions.';
comment on column sincro.order_events.event is E'push_started, push_acquired, push_rejected, push_failed, retry, resolved, corrected (the new customer''s fields an operator corrected).';
comment on column sincro.order_events.detail is E'The ERP''s key or message, the error, the operator''s note, or the corrected fields (before → after).';
