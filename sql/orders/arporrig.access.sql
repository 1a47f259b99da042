/*
 * Order lines: visible with their order (the arportes policies decide);
 * stores and apps insert lines of the orders they create (the guard trigger
 * holds the rules: same transaction, same party, same device). The insert
 * policy checks only the company: a header inserted by the same statement (a
 * data-modifying WITH feeding the lines, as clients naturally write an order)
 * is not visible to that statement's policy checks, so "the order is visible"
 * cannot be the rule for writing its lines. The guard trigger sees the header.
 */
create policy visible_order on sincro.arporrig for select
  using (exists (select 1 from sincro.arportes a where a.azi = arporrig.azi and a.id_pub = arporrig.id_pub));
create policy own_company on sincro.arporrig for insert to sincro_store, sincro_app
  with check (azi = sincro_private.session_company());

-- who may use it
grant select on sincro.arporrig to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  on sincro.arporrig to sincro_store, sincro_app;
