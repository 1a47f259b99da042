/*
 * New customers: a store login reads and writes its company's store-made
 * ones, an app login its own device's; ERP, worker and admin read them.
 */
create policy store_company on sincro.new_customers to sincro_store
  using (azi = sincro_private.session_company() and prov_tipo = 'S')
  with check (azi = sincro_private.session_company() and prov_tipo = 'S');
create policy app_device on sincro.new_customers to sincro_app
  using (azi = sincro_private.session_company() and prov_tipo = 'A' and prov_id = sincro_private.session_device())
  with check (azi = sincro_private.session_company() and prov_tipo = 'A' and prov_id = sincro_private.session_device());
create policy erp_company on sincro.new_customers for select to sincro_erp
  using (azi = sincro_private.session_company());
create policy every_company on sincro.new_customers for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.new_customers to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, codice_fiscale, email, telefono, indirizzo, cap, citta, provincia, nazione, cod_cli)
  on sincro.new_customers to sincro_store, sincro_app;
