/*
 * Sync runs: the admin and the worker see every run, an ERP login its
 * company's; written only by the sync_run_* and partial_sync_* functions.
 */
create policy every_company on sincro.sync_runs for select to sincro_worker, sincro_admin using (true);
create policy erp_company on sincro.sync_runs for select to sincro_erp using (azi = sincro_private.session_company());

-- who may use it
grant select on sincro.sync_runs to sincro_erp, sincro_worker, sincro_admin;
