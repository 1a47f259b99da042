/*
 * Group roles, one per party. Roles belong to the whole PostgreSQL cluster, so
 * they are created only if missing (several sincro databases, e.g. test runs,
 * share them); everything they may do is granted per database below.
 */
do $$
declare
  v_role text;
begin
  foreach v_role in array array['sincro_store', 'sincro_app', 'sincro_erp', 'sincro_worker', 'sincro_admin'] loop
    begin
      execute pg_catalog.format('create role %I nologin', v_role);
    exception when duplicate_object or unique_violation then
      null;  -- already there (another database of the cluster made it)
    end;
  end loop;
end;
$$;

comment on role sincro_store is E'Group of e-commerce store logins: insert store orders and new customers, read and ack their company''s orders.';
comment on role sincro_app is E'Group of app (device) logins: insert orders of their own device, read their device''s and agent''s orders, ack them.';
comment on role sincro_erp is E'Group of ERP logins: read their company''s orders, write through sincro.erp_write_order.';
comment on role sincro_worker is E'Group of worker logins: run graphile-worker jobs, read every company''s orders, write through sincro.erp_write_order.';
comment on role sincro_admin is E'Group of administrator logins: register companies, set quotas, create logins, read everything.';
