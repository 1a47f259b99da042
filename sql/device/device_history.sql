/*
 * The device history window: orders and documents dated from
 * company.device_history_from on are in the slice. The window moves once a
 * day (the worker runs device_history_advance) or when an admin changes the
 * number of months; each move logs, in the same transaction, every document
 * and order that crossed its start, for the agent whose devices held (or now
 * hold) it. So the window a policy applies and the removals a device reads
 * always agree: nothing is hidden from a device before its removal is
 * numbered.
 */
create or replace function sincro.device_history_advance(only_azi text default null)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_company record;
  v_new date;
  v_entries jsonb;
  v_total integer := 0;
begin
  for v_company in
    select c.azi, c.device_history_months, c.device_history_from from sincro_private.company c
    where only_azi is null or c.azi = only_azi order by c.azi
  loop
    v_new := (current_date - pg_catalog.make_interval(months => v_company.device_history_months))::date;
    continue when v_new = v_company.device_history_from;

    -- the company row first (a sync takes it before the counter too), then the counter (append_slice_log)
    update sincro_private.company c set device_history_from = v_new where c.azi = v_company.azi;

    select pg_catalog.jsonb_agg(r.v order by r.o1, r.o2) into v_entries
    from (
      select pg_catalog.jsonb_build_object('azi', d.azi, 'cod_agente', d.slice_agente, 'entity', 'document',
                                           'key', pg_catalog.jsonb_build_object('tipo_doc', d.tipo_doc, 'numero', d.numero)) as v,
             1 as o1, d.data_doc::text || d.tipo_doc || d.numero as o2
      from sincro.documenti d
      -- tombstones too: a device that has not read a tombstone yet could not read it once the row is out of the window
      where d.azi = v_company.azi and d.slice_agente is not null
        and d.data_doc >= least(v_new, v_company.device_history_from) and d.data_doc < greatest(v_new, v_company.device_history_from)
      union all
      select pg_catalog.jsonb_build_object('azi', a.azi, 'cod_agente', k.cod_agente, 'entity', 'order',
                                           'key', pg_catalog.jsonb_build_object('id_pub', a.id_pub)),
             2, a.id_pub::text
      from sincro.arportes a
      join sincro.clienti k on k.azi = a.azi and k.cod_cli = a.cliente_cod
      where a.azi = v_company.azi and k.cod_agente is not null
        and a.data_ordine >= least(v_new, v_company.device_history_from) and a.data_ordine < greatest(v_new, v_company.device_history_from)
    ) r;
    v_total := v_total + sincro_private.append_slice_log(v_entries,
                 case when v_new > v_company.device_history_from then 'aged_out' else 'history' end);
  end loop;
  return v_total;
end;
$$;

comment on function sincro.device_history_advance(text) is
  E'Moves each company''s (or one company''s) device history window to today minus device_history_months and logs every order and document that crossed its start for its agent''s devices (removals when the window shrinks, additions when it grows). Returns how many entries it logged. The worker runs it daily. SECURITY DEFINER: writes the company table and the slice log.';

create or replace function sincro.set_device_history_months(azi text, months integer)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- validate
  if not exists (select 1 from sincro_private.company c where c.azi = set_device_history_months.azi) then
    raise exception using errcode = 'SY100', message = pg_catalog.format('set_device_history_months: unknown company (azi = %L)', azi);
  end if;
  if months is null or months < 1 or months > 120 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('set_device_history_months: field "months" must be between 1 and 120 (got %s)', coalesce(months::text, 'NULL')),
      hint = 'Devices hold this many months of orders and documents; 12 is the default.';
  end if;

  -- apply: the setting, then the window (and its removals or additions) at once
  update sincro_private.company c set device_history_months = months where c.azi = set_device_history_months.azi;
  return sincro.device_history_advance(azi);
end;
$$;

comment on function sincro.set_device_history_months(text, integer) is
  E'Sets how many months of orders and documents a company''s devices hold (1-120, default 12) and moves the window at once, logging what enters or leaves. Returns how many slice-log entries it wrote. Admin only. SECURITY DEFINER.';

-- who may use it
revoke all on function sincro.device_history_advance(text) from public;
grant execute on function sincro.device_history_advance(text) to sincro_worker, sincro_admin;
revoke all on function sincro.set_device_history_months(text, integer) from public;
grant execute on function sincro.set_device_history_months(text, integer) to sincro_admin;
