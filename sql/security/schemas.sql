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
