/*
 * ERP-owned data (clienti, articoli, particolarita, tabelle_accessorie,
 * documenti, documenti_righe): every party reads its company's rows, the
 * worker and the admin every company's; nobody writes them but the sync
 * functions, which run as the owner. RLS is enabled on these tables by the
 * migration that made them.
 */
do $$
declare
  v_table text;
begin
  foreach v_table in array array['clienti', 'articoli', 'particolarita', 'tabelle_accessorie', 'documenti', 'documenti_righe'] loop
    execute pg_catalog.format(
      'create policy own_company on sincro.%I for select to sincro_store, sincro_app, sincro_erp using (azi = sincro_private.session_company())',
      v_table);
    execute pg_catalog.format(
      'create policy every_company on sincro.%I for select to sincro_worker, sincro_admin using (true)', v_table);
  end loop;
end;
$$;

-- who may use it
grant select on sincro.articoli to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.clienti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.documenti to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.documenti_righe to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.particolarita to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.tabelle_accessorie to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
