/*
 * ERP-owned data (clienti, articoli, particolarita, tabelle_accessorie,
 * documenti, documenti_righe, agenti, partite_aperte, fidi): store and ERP
 * logins read their company's rows, the worker and the admin every company's;
 * nobody writes them but the sync functions, which run as the owner. RLS is
 * enabled on these tables by the migrations that made them.
 *
 * An app login (a device) reads its slice (docs/devices.md): every article
 * and accessory table of its company; its agents' (its own and, for a
 * supervisor, those it supervises) customers and agent rows; those
 * customers' particolarità, open items and credit data, and the article-level
 * particolarità (cod_cli '*'); their documents dated inside the company's
 * history window. The session's agents and window are init plans
 * ((select ...)): evaluated once per query, and the conditions match the
 * (azi, slice_agente, id_sincro) indexes.
 */
do $$
declare
  v_table text;
begin
  foreach v_table in array array['clienti', 'articoli', 'particolarita', 'tabelle_accessorie', 'documenti', 'documenti_righe',
                                  'agenti', 'partite_aperte', 'fidi'] loop
    execute pg_catalog.format(
      'create policy own_company on sincro.%I for select to sincro_store, sincro_erp using (azi = sincro_private.session_company())',
      v_table);
    execute pg_catalog.format(
      'create policy every_company on sincro.%I for select to sincro_worker, sincro_admin using (true)', v_table);
  end loop;
  foreach v_table in array array['articoli', 'tabelle_accessorie'] loop
    execute pg_catalog.format(
      'create policy app_company on sincro.%I for select to sincro_app using (azi = (select sincro_private.session_company()))',
      v_table);
  end loop;
  foreach v_table in array array['partite_aperte', 'fidi'] loop
    execute pg_catalog.format(
      'create policy app_slice on sincro.%I for select to sincro_app
         using (azi = (select sincro_private.session_company()) and slice_agente = any ((select sincro_private.session_agents())::text[]))',
      v_table);
  end loop;
end;
$$;

create policy app_slice on sincro.clienti for select to sincro_app
  using (azi = (select sincro_private.session_company()) and cod_agente = any ((select sincro_private.session_agents())::text[]));
create policy app_slice on sincro.agenti for select to sincro_app
  using (azi = (select sincro_private.session_company()) and cod_agente = any ((select sincro_private.session_agents())::text[]));
create policy app_slice on sincro.particolarita for select to sincro_app
  using (azi = (select sincro_private.session_company())
         and (slice_agente = any ((select sincro_private.session_agents())::text[]) or cod_cli = '*'));
create policy app_slice on sincro.documenti for select to sincro_app
  using (azi = (select sincro_private.session_company()) and slice_agente = any ((select sincro_private.session_agents())::text[])
         and (data_doc is null or data_doc >= (select sincro_private.session_history_from())));
-- lines go with their document (the documenti policy decides)
create policy app_slice on sincro.documenti_righe for select to sincro_app
  using (exists (select 1 from sincro.documenti d
                 where d.azi = documenti_righe.azi and d.tipo_doc = documenti_righe.tipo_doc and d.numero = documenti_righe.numero));

-- who may use it
grant select on sincro.agenti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.articoli to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.clienti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.documenti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.documenti_righe to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.fidi to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.particolarita to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.partite_aperte to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.tabelle_accessorie to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
