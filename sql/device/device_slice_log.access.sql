/*
 * The slice log: an app login reads the entries addressed to its own agent
 * (a supervisor's entries are written to it by name), which
 * device_changes_since merges into its feed;
 * worker and admin read every company's. Written only by the hub's triggers
 * and functions (as the owner).
 */
create policy app_slice on sincro.device_slice_log for select to sincro_app
  using (azi = (select sincro_private.session_company()) and cod_agente = (select sincro_private.session_agent()));
create policy every_company on sincro.device_slice_log for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.device_slice_log to sincro_app, sincro_worker, sincro_admin;
