/*
 * Row-level security: a store login sees its company's rows; an app login sees
 * its own device's orders and the ERP-made orders of its agent; an ERP login
 * sees its company; worker and admin see everything. The table owner (our
 * migrations and SECURITY DEFINER functions) is not subject to these policies.
 * Write rules (which party, which device, which ack) are checked by the
 * triggers with our error codes; the policies' WITH CHECK are a second wall.
 */
alter table sincro.arportes enable row level security;
alter table sincro.arporrig enable row level security;
alter table sincro.new_customers enable row level security;
alter table sincro.arportes_history enable row level security;
alter table sincro.order_push enable row level security;
alter table sincro.sync_runs enable row level security;

-- arportes
drop policy if exists store_company on sincro.arportes;
create policy store_company on sincro.arportes to sincro_store
  using (azi = sincro_private.session_company())
  with check (azi = sincro_private.session_company());
drop policy if exists app_device_or_agent on sincro.arportes;
-- (the store acks app and ERP orders of its company too; that only store orders are
-- inserted by a store login is the insert trigger's rule, SY111)
create policy app_device_or_agent on sincro.arportes to sincro_app
  using (azi = sincro_private.session_company()
         and ((prov_tipo = 'A' and prov_id = sincro_private.session_device())
              or (prov_tipo = 'G' and cod_agente = sincro_private.session_agent())))
  with check (azi = sincro_private.session_company()
              and ((prov_tipo = 'A' and prov_id = sincro_private.session_device())
                   or (prov_tipo = 'G' and cod_agente = sincro_private.session_agent())));
drop policy if exists erp_company on sincro.arportes;
create policy erp_company on sincro.arportes for select to sincro_erp
  using (azi = sincro_private.session_company());
drop policy if exists every_company on sincro.arportes;
create policy every_company on sincro.arportes for select to sincro_worker, sincro_admin
  using (true);

-- arporrig and history: what the reader may see of the order
drop policy if exists visible_order on sincro.arporrig;
create policy visible_order on sincro.arporrig
  using (exists (select 1 from sincro.arportes a where a.azi = arporrig.azi and a.id_pub = arporrig.id_pub));
drop policy if exists visible_order on sincro.arportes_history;
create policy visible_order on sincro.arportes_history for select
  using (exists (select 1 from sincro.arportes a where a.azi = arportes_history.azi and a.id_pub = arportes_history.id_pub));

drop policy if exists visible_order on sincro.order_push;
create policy visible_order on sincro.order_push for select
  using (exists (select 1 from sincro.arportes a where a.azi = order_push.azi and a.id_pub = order_push.id_pub));

-- sync_runs: the admin and the worker see every run, an ERP login its company's
drop policy if exists every_company on sincro.sync_runs;
create policy every_company on sincro.sync_runs for select to sincro_worker, sincro_admin using (true);
drop policy if exists erp_company on sincro.sync_runs;
create policy erp_company on sincro.sync_runs for select to sincro_erp using (azi = sincro_private.session_company());

-- new_customers
drop policy if exists store_company on sincro.new_customers;
create policy store_company on sincro.new_customers to sincro_store
  using (azi = sincro_private.session_company() and prov_tipo = 'S')
  with check (azi = sincro_private.session_company() and prov_tipo = 'S');
drop policy if exists app_device on sincro.new_customers;
create policy app_device on sincro.new_customers to sincro_app
  using (azi = sincro_private.session_company() and prov_tipo = 'A' and prov_id = sincro_private.session_device())
  with check (azi = sincro_private.session_company() and prov_tipo = 'A' and prov_id = sincro_private.session_device());
drop policy if exists erp_company on sincro.new_customers;
create policy erp_company on sincro.new_customers for select to sincro_erp
  using (azi = sincro_private.session_company());
drop policy if exists every_company on sincro.new_customers;
create policy every_company on sincro.new_customers for select to sincro_worker, sincro_admin
  using (true);
