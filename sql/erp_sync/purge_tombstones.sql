/*
 * Tombstones (and the devices' slice-log entries) are kept for the company's
 * tombstone_retention, then removed.
 * The largest change number removed is remembered, so a consumer whose cursor
 * is older gets SY130 ("rebuild your copy") instead of silently missing the
 * deletion. The worker runs it daily.
 */
create or replace function sincro.purge_tombstones(only_azi text default null)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_company sincro_private.company;
  v_entity sincro_private.erp_entity;
  v_purged bigint;
  v_max bigint;
  v_total bigint := 0;
begin
  for v_company in select * from sincro_private.company c where only_azi is null or c.azi = only_azi order by c.azi loop
    for v_entity in select * from sincro_private.erp_entity e order by e.entity loop
      execute pg_catalog.format($sql$
        with gone as (
          delete from %s t where t.azi = $1 and t.deleted and t.updated_at < pg_catalog.now() - $2
          returning t.id_sincro)
        select pg_catalog.count(*), pg_catalog.max(g.id_sincro) from gone g
        $sql$, v_entity.table_name)
        into v_purged, v_max
        using v_company.azi, v_company.tombstone_retention;
      if v_purged > 0 then
        update sincro_private.company c
          set tombstones_purged_through = greatest(c.tombstones_purged_through, v_max)
          where c.azi = v_company.azi;
        v_total := v_total + v_purged;
      end if;
    end loop;
    -- the devices' slice log (removals of rows that left a slice) is kept as long as tombstones
    with gone as (
      delete from sincro.device_slice_log l where l.azi = v_company.azi and l.created_at < pg_catalog.now() - v_company.tombstone_retention
      returning l.id_sincro)
    select pg_catalog.count(*), pg_catalog.max(g.id_sincro) into v_purged, v_max from gone g;
    if v_purged > 0 then
      update sincro_private.company c
        set tombstones_purged_through = greatest(c.tombstones_purged_through, v_max)
        where c.azi = v_company.azi;
      v_total := v_total + v_purged;
    end if;
  end loop;
  return v_total;
end;
$$;

comment on function sincro.purge_tombstones(text) is
  E'Removes tombstones older than each company''s tombstone_retention (one company, or all) and records the largest change number removed, so older cursors get SY130. Returns how many rows were removed. SECURITY DEFINER.';

-- who may use it
revoke all on function sincro.purge_tombstones(text) from public;
grant execute on function sincro.purge_tombstones(text) to sincro_worker, sincro_admin;
