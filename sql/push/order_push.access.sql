/*
 * Push state: readable with its order; changed only by the push_* functions.
 */
create policy visible_order on sincro.order_push for select
  using (exists (select 1 from sincro.arportes a where a.azi = order_push.azi and a.id_pub = order_push.id_pub));

-- who may use it
grant select on sincro.order_push to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
