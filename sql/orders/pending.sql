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

-- an app login reads more orders than it acks (its slice's customers'): it lists the ones it acks
create or replace view sincro.pending_app with (security_invoker = true) as
  select a.* from sincro.arportes a
  where a.ack_app = 0 and a.id_sincro > 0
    and (sincro_private.session_device() is null
         or a.prov_tipo = 'A' and a.prov_id = sincro_private.session_device()
         or a.prov_tipo = 'G' and a.cod_agente = sincro_private.session_agent());

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

-- who may use it
grant select on sincro.pending_app to sincro_app, sincro_admin;
grant select on sincro.pending_gest to sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.pending_store to sincro_store, sincro_admin;
