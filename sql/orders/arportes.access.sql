/*
 * Who sees and writes order headers. A store login sees its company's orders;
 * an app login its own device's orders and the ERP-made orders of its agent;
 * an ERP login its company's; worker and admin every company's. The owner
 * (migrations, SECURITY DEFINER functions) is not subject to these policies.
 * Write rules (which party, which device, which ack) are checked by the
 * triggers with our error codes; WITH CHECK is a second wall. The grants list
 * the columns a party may send, including protected ones, which the triggers
 * refuse with a clear SQLSTATE rather than a bare "permission denied".
 */
create policy store_company on sincro.arportes to sincro_store
  using (azi = sincro_private.session_company())
  with check (azi = sincro_private.session_company());
-- (the store acks app and ERP orders of its company too; that only store orders are
-- inserted by a store login is the insert trigger's rule, SY111)
create policy app_device_or_agent on sincro.arportes to sincro_app
  using (azi = sincro_private.session_company()
         and ((prov_tipo = 'A' and prov_id = sincro_private.session_device())
              or (prov_tipo = 'G' and cod_agente = sincro_private.session_agent())))
  with check (azi = sincro_private.session_company()
              and ((prov_tipo = 'A' and prov_id = sincro_private.session_device())
                   or (prov_tipo = 'G' and cod_agente = sincro_private.session_agent())));
create policy erp_company on sincro.arportes for select to sincro_erp
  using (azi = sincro_private.session_company());
create policy every_company on sincro.arportes for select to sincro_worker, sincro_admin
  using (true);

-- who may use it
grant select on sincro.arportes to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, id_pub, tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro, data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  on sincro.arportes to sincro_store, sincro_app;
grant update (tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro, data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  on sincro.arportes to sincro_store, sincro_app;
