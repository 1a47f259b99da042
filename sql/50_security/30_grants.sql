/*
 * What each group may touch. Column rules (hub-owned columns, own ack only,
 * own device only) are enforced by triggers, so that every refusal carries our
 * SQLSTATE and a hint; the grants list the columns a party may send, including
 * the protected ones, which the triggers refuse with a clear message (SY103,
 * SY107, SY111) rather than a bare "permission denied". Nothing is granted on counters, the login table,
 * the secret or graphile_worker to any client group.
 */
/* PUBLIC gets EXECUTE on every new function, and per-schema default privileges
   cannot take it away: revoke it from every function here. A later migration that
   adds a function repeats this line; test/sql/schema/conventions.test.sql fails
   if it does not. */
revoke execute on all functions in schema sincro, sincro_private from public;
revoke all on schema graphile_worker from public;
revoke execute on all functions in schema graphile_worker from public;

grant usage on schema sincro to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant usage on schema sincro_private to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function
  sincro_private.session_company(), sincro_private.session_device(), sincro_private.session_agent(),
  sincro_private.may_see_company(text)
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- everyone: its company row, the change feed, retry look-ups
grant select on sincro.apstatosyn to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.changes_since(text, bigint, integer)
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.find_order(text, text, text, text), sincro.find_new_customer(text, text, text, text)
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- store and app: write orders, lines and new customers directly; set acks
grant select on sincro.arportes, sincro.arporrig, sincro.new_customers, sincro.arportes_history
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (
  azi, id_pub, tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod,
  id_sincro, data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap,
  dest_citta, dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  on sincro.arportes to sincro_store, sincro_app;
grant update (
  tor_chia, conferma, id_int, ack_store, ack_gest, ack_app, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro,
  data_ordine, cliente_cod, cod_agente, new_customer_id, dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta,
  dest_provincia, dest_nazione, cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  on sincro.arportes to sincro_store, sincro_app;
grant insert (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  on sincro.arporrig to sincro_store, sincro_app;
grant insert (
  azi, prov_tipo, prov_id, id_int, ragione_sociale, partita_iva, codice_fiscale, email, telefono, indirizzo, cap,
  citta, provincia, nazione, cod_cli)
  on sincro.new_customers to sincro_store, sincro_app;
grant select on sincro.pending_store to sincro_store, sincro_admin;
grant select on sincro.pending_app to sincro_app, sincro_admin;

-- push state: every party may read the state of the orders it sees; the worker changes it through functions
grant select on sincro.order_push to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.push_problems to sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.sync_runs to sincro_erp, sincro_worker, sincro_admin;
grant execute on function
  sincro.push_claim(text, bigint), sincro.push_acquired(text, bigint, text, text),
  sincro.push_rejected(text, bigint, text), sincro.push_failed(text, bigint, text),
  sincro.sweep_pushes(interval), sincro.pushable_orders(text),
  sincro.sync_run_finish(text, bigint, integer, integer, integer, text)
  to sincro_worker, sincro_admin;
-- syncs are started by the admin only (the worker finishes the runs it is given)
grant execute on function sincro.partial_sync(text), sincro.sync_run_begin(text, text) to sincro_admin;

-- ERP and worker: write through the ERP entry point only
grant execute on function sincro.erp_write_order(text, jsonb) to sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.pending_gest to sincro_erp, sincro_worker, sincro_admin;

-- worker: the job queue it runs (clients never write into it; the insert trigger does, as owner)
grant usage on schema graphile_worker to sincro_worker;
grant select, insert, update, delete on all tables in schema graphile_worker to sincro_worker;
grant usage, select on all sequences in schema graphile_worker to sincro_worker;
grant execute on all functions in schema graphile_worker to sincro_worker;

-- admin: companies and quotas, logins
grant insert (azi, ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode),
      update (ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode)
  on sincro.apstatosyn to sincro_admin;
grant execute on function sincro.create_login(text, text, text, text, text, text) to sincro_admin;
