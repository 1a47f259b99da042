/*
 * What each party has not acquired yet. The ERP must acquire every store and
 * app order; the store and the apps acquire what the ERP has published
 * (id_sincro > 0): orders made in the ERP and other parties' orders once the
 * ERP holds them. Later changes to acquired orders are followed with
 * sincro.changes_since, not here.
 */
create or replace view sincro.pending_gest as
  select a.* from sincro.arportes a where a.ack_gest = 0;

comment on view sincro.pending_gest is
  E'Orders the ERP has not acquired yet (ack_gest = 0): store and app orders waiting to be pushed.';

create or replace view sincro.pending_store as
  select a.* from sincro.arportes a where a.ack_store = 0 and a.id_sincro > 0;

comment on view sincro.pending_store is
  E'Orders the ERP has published (id_sincro > 0) that the store has not acquired (ack_store = 0).';

create or replace view sincro.pending_app as
  select a.* from sincro.arportes a where a.ack_app = 0 and a.id_sincro > 0;

comment on view sincro.pending_app is
  E'Orders the ERP has published (id_sincro > 0) that the apps have not acquired (ack_app = 0).';
