/*
 * Who sees and writes order headers. A store login sees its company's orders;
 * an app login its own device's orders and the ERP-made orders of its agent
 * (and reads those of its slice's customers);
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
-- (the session's company, device and agent as init plans: evaluated once per query, not once per row)
create policy app_device_or_agent on sincro.arportes to sincro_app
  using (azi = (select sincro_private.session_company())
         and ((prov_tipo = 'A' and prov_id = (select sincro_private.session_device()))
              or (prov_tipo = 'G' and cod_agente = (select sincro_private.session_agent()))))
  with check (azi = (select sincro_private.session_company())
              and ((prov_tipo = 'A' and prov_id = (select sincro_private.session_device()))
                   or (prov_tipo = 'G' and cod_agente = (select sincro_private.session_agent()))));
-- an app also reads the orders of the customers in its slice dated inside the history window
-- (docs/devices.md); reading only: writing and acking stay with the policy above
create policy app_slice_customers on sincro.arportes for select to sincro_app
  using (azi = (select sincro_private.session_company())
         and data_ordine >= (select sincro_private.session_history_from())
         and exists (select 1 from sincro.clienti c
                     where c.azi = arportes.azi and c.cod_cli = arportes.cliente_cod
                       and c.cod_agente = any ((select sincro_private.session_agents())::text[])));
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
