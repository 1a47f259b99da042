/*
 * The slice log: an app login reads the entries for its agents (its own and
 * those it supervises), which device_changes_since merges into its feed;
 * worker and admin read every company's. Written only by the hub's triggers
 * and functions (as the owner).
 */
create policy app_slice on sincro.device_slice_log for select to sincro_app
  using (azi = (select sincro_private.session_company()) and cod_agente = any ((select sincro_private.session_agents())::text[]));
create policy every_company on sincro.device_slice_log for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.device_slice_log to sincro_app, sincro_worker, sincro_admin;
