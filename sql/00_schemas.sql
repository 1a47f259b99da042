/*
 * Two schemas by audience: `sincro` is what stores, apps, ERPs and operators
 * use; `sincro_private` holds counters and helpers nobody calls directly.
 * Nothing is granted to PUBLIC: each party gets exactly what it needs.
 */
create schema if not exists sincro;
create schema if not exists sincro_private;

revoke all on schema sincro from public;
revoke all on schema sincro_private from public;

comment on schema sincro is
  E'Public interface of the sincro hub: order tables written directly by stores and apps, the ERP entry point, change feeds and pending views.';
comment on schema sincro_private is
  E'Internals of the sincro hub: per-company counters and helper functions. Not for clients.';
