/*
 * Order history: readable with its order, written only by the history trigger.
 */
create policy visible_order on sincro.arportes_history for select
  using (exists (select 1 from sincro.arportes a where a.azi = arportes_history.azi and a.id_pub = arportes_history.id_pub));

-- who may use it
grant select on sincro.arportes_history to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
