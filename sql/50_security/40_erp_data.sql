/*
 * ERP-owned data, sync runs and consumers: who may read and call what.
 * Parties read the ERP-owned tables of their company (the worker and the
 * admin every company); nobody writes them but the sync functions, which run
 * as the owner. Syncs with the ERP are run by the admin (the CLI) or the
 * worker; the contract is set by the admin.
 */
revoke execute on all functions in schema sincro, sincro_private from public;

alter table sincro.clienti enable row level security;
alter table sincro.articoli enable row level security;
alter table sincro.particolarita enable row level security;
alter table sincro.tabelle_accessorie enable row level security;
alter table sincro.documenti enable row level security;
alter table sincro.documenti_righe enable row level security;
alter table sincro.consumer_cursors enable row level security;

do $$
declare
  v_table text;
begin
  foreach v_table in array array['clienti', 'articoli', 'particolarita', 'tabelle_accessorie', 'documenti', 'documenti_righe',
                                 'consumer_cursors'] loop
    execute pg_catalog.format('drop policy if exists own_company on sincro.%I', v_table);
    execute pg_catalog.format(
      'create policy own_company on sincro.%I for select to sincro_store, sincro_app, sincro_erp using (azi = sincro_private.session_company())',
      v_table);
    execute pg_catalog.format('drop policy if exists every_company on sincro.%I', v_table);
    execute pg_catalog.format(
      'create policy every_company on sincro.%I for select to sincro_worker, sincro_admin using (true)', v_table);
  end loop;
end;
$$;

grant select on sincro.clienti, sincro.articoli, sincro.particolarita, sincro.tabelle_accessorie, sincro.documenti,
                sincro.documenti_righe
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant select on sincro.consumer_cursors, sincro.consumer_lag to sincro_store, sincro_app, sincro_worker, sincro_admin;
grant select on sincro.company_status to sincro_worker, sincro_admin;

-- consumers: the feed and their cursor
grant execute on function sincro.all_changes_since(text, bigint, integer), sincro.advance_consumer_cursor(text, text, bigint)
  to sincro_store, sincro_app, sincro_worker, sincro_admin;
grant execute on function sincro_private.tombstones_purged_through(text), sincro_private.check_feed_arguments(text, text, bigint, integer)
  to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

-- syncs with the ERP, quota, purge
grant execute on function
  sincro.sync_run_begin(text, text), sincro.sync_run_complete(text, bigint), sincro.sync_run_fail(text, bigint, text),
  sincro.erp_cursor(text), sincro.sync_apply_changes(text, bigint, text, text, jsonb),
  sincro.sync_rebuild_apply(text, bigint, text, jsonb), sincro.sync_rebuild_sweep(text, bigint, text),
  sincro.quota(text), sincro.purge_tombstones(text)
  to sincro_worker, sincro_admin;
grant execute on function sincro.set_sync_contract(text, integer, interval, date) to sincro_admin;
grant select on sincro.sync_runs to sincro_worker, sincro_admin;
