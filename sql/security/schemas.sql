/*
 * Two schemas by audience: `sincro` is what stores, apps, ERPs and operators
 * use; `sincro_private` holds counters and helpers nobody calls directly.
 * The schemas themselves are made by the migrations; here, who may use them.
 * Nothing is granted to PUBLIC: each party gets exactly what it needs.
 */
comment on schema sincro is
  E'Public interface of the sincro hub: order tables written directly by stores and apps, the ERP entry point, change feeds and pending views.';
comment on schema sincro_private is
  E'Internals of the sincro hub: per-company counters and helper functions. Not for clients.';

-- who may use it
revoke all on schema sincro from public;
revoke all on schema sincro_private from public;
grant usage on schema sincro to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant usage on schema sincro_private to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;

/*
 * Nobody but the owner creates anything in the hub's database, not even a
 * temporary object: a login that cannot create a temporary type, table or
 * function cannot plant one for the hub's functions to trip over (they also
 * name pg_temp last in their search_path, and use no temporary tables: two
 * walls). The public schema of a database made before PostgreSQL 15 still
 * lets PUBLIC create in it; not here.
 */
do $$
begin
  execute pg_catalog.format('revoke temporary on database %I from public', pg_catalog.current_database());
  if exists (select 1 from pg_catalog.pg_namespace n where n.nspname = 'public') then
    revoke create on schema public from public;
  end if;
end;
$$;
