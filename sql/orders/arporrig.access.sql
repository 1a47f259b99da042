/*
 * Order lines: visible with their order (the arportes policies decide);
 * stores and apps insert lines of the orders they create (the guard trigger
 * holds the rules: same transaction, same party).
 */
create policy visible_order on sincro.arporrig
  using (exists (select 1 from sincro.arportes a where a.azi = arporrig.azi and a.id_pub = arporrig.id_pub));

-- who may use it
grant select on sincro.arporrig to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  on sincro.arporrig to sincro_store, sincro_app;
