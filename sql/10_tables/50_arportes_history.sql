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
