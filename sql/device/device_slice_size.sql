/*
 * What a first download will bring, per entity, before it starts: rows and
 * approximate bytes (the rows' size as PostgreSQL stores them; JSON on the
 * wire is of the same order), so an app can show progress and warn on a
 * mobile connection. Reads the slice through row-level security, like the
 * feed; costs one pass over the slice's index ranges.
 */
create or replace function sincro.device_slice_size()
returns table (entity text, "rows" bigint, approx_bytes bigint)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi constant text := sincro_private.session_company();
begin
  -- validate
  if sincro_private.session_agents() is null then
    raise exception using
      errcode = 'SY190',
      message = 'device_slice_size: only an app login (a device) has a slice',
      hint = 'Connect with the app login of the device.';
  end if;

  -- read
  return query
    select 'accessory'::text, pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.tabelle_accessorie t where t.azi = v_azi and not t.deleted
    union all
    select 'agent', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.agenti t where t.azi = v_azi and not t.deleted
    union all
    select 'article', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.articoli t where t.azi = v_azi and not t.deleted
    union all
    select 'customer', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.clienti t where t.azi = v_azi and not t.deleted
    union all
    select 'customer_credit', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.fidi t where t.azi = v_azi and not t.deleted
    union all
    select 'document', pg_catalog.count(*),
           -- the lines are in the row (righe), or, for a document written without them, in documenti_righe
           coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)
                    + case when t.righe is null then
                        (select coalesce(pg_catalog.sum(pg_catalog.pg_column_size(r.*)), 0) from sincro.documenti_righe r
                         where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero) else 0 end), 0)::bigint
      from sincro.documenti t where t.azi = v_azi and not t.deleted
    union all
    select 'open_item', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.partite_aperte t where t.azi = v_azi and not t.deleted
    union all
    select 'order', pg_catalog.count(*),
           coalesce(pg_catalog.sum(pg_catalog.pg_column_size(a.*)
                    + (select coalesce(pg_catalog.sum(pg_catalog.pg_column_size(r.*)), 0) from sincro.arporrig r
                       where r.azi = a.azi and r.id_pub = a.id_pub)), 0)::bigint
      from sincro.arportes a where a.azi = v_azi and a.id_sincro > 0
    union all
    select 'particolarita', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.particolarita t where t.azi = v_azi and not t.deleted;
end;
$$;

comment on function sincro.device_slice_size() is
  E'Per entity, how many rows the calling app login''s first download brings and about how many bytes (stored size). SY190 for a login that is not an app login.';

-- who may use it
revoke all on function sincro.device_slice_size() from public;
grant execute on function sincro.device_slice_size() to sincro_app;
