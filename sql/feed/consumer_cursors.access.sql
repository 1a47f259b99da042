/*
 * Consumer cursors: a store or app login reads its company's cursors; worker
 * and admin every company's. Written only by sincro.advance_consumer_cursor.
 */
create policy own_company on sincro.consumer_cursors for select to sincro_store, sincro_app, sincro_erp
  using (azi = sincro_private.session_company());
create policy every_company on sincro.consumer_cursors for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.consumer_cursors to sincro_store, sincro_app, sincro_worker, sincro_admin;
