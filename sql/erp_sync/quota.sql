/*
 * The contracted sync quota: per company, syncs allowed per contract period
 * (sync_quota, sync_period from sync_period_start) and syncs used. A completed
 * sync for changes or total rebuild uses one (sincro.sync_run_complete);
 * partial syncs and real-time pushes never do. When a period ends the next
 * one starts with nothing used.
 */
create or replace function sincro_private.current_period_start(period_start date, period interval, today date)
returns date
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_start date := period_start;
  v_steps integer := 0;
begin
  -- boundaries are counted from the first day (31 Jan + 2 months is 31 Mar, not 28 Mar)
  while (period_start + period * (v_steps + 1))::date <= today loop
    v_steps := v_steps + 1;
    v_start := (period_start + period * v_steps)::date;
  end loop;
  return v_start;
end;
$$;

comment on function sincro_private.current_period_start(date, interval, date) is
  E'First day of the contract period containing today, for periods of the given length counted from period_start.';

create or replace function sincro_private.roll_sync_period(azi text)
returns date
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_company sincro_private.company;
  v_start date;
begin
  select * into v_company from sincro_private.company c where c.azi = roll_sync_period.azi for no key update;
  v_start := sincro_private.current_period_start(v_company.sync_period_start, v_company.sync_period, current_date);
  if v_start <> v_company.sync_period_start then
    update sincro_private.company c set sync_period_start = v_start, sync_used = 0 where c.azi = roll_sync_period.azi;
  end if;
  return v_start;
end;
$$;

comment on function sincro_private.roll_sync_period(text) is
  E'Moves a company to its current contract period (usage back to 0 when a period has ended) and returns the period''s first day. Locks the company row.';

create or replace function sincro.quota(only_azi text default null)
returns table (azi text, sync_quota integer, sync_used integer, sync_remaining integer, period_start date, period_end date)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select c.azi, c.sync_quota, p.used, greatest(c.sync_quota - p.used, 0), p.start, (p.start + c.sync_period)::date - 1
  from sincro_private.company c
  cross join lateral (
    select s.start, case when s.start = c.sync_period_start then c.sync_used else 0 end as used
    from (select sincro_private.current_period_start(c.sync_period_start, c.sync_period, current_date) as start) s
  ) p
  where (quota.only_azi is null or c.azi = quota.only_azi) and sincro_private.may_see_company(c.azi)
  order by c.azi
$$;

comment on function sincro.quota(text) is
  E'The sync quota of one company (or of every company the caller may see): allowed per period, used, remaining, and the current period. SECURITY DEFINER: reads the company table.';

create or replace function sincro.set_sync_contract(
  azi text, sync_quota integer, period interval default null, period_start date default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_company sincro_private.company;
begin
  -- validate
  select * into v_company from sincro_private.company c where c.azi = set_sync_contract.azi for no key update;
  if not found then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('set_sync_contract: unknown company (azi = %L)', set_sync_contract.azi);
  end if;
  if sync_quota is null or sync_quota < 0 then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('set_sync_contract: field "sync_quota" must be 0 or more (got %s)', coalesce(sync_quota::text, 'NULL')),
      hint = 'The number of syncs for changes and total rebuilds allowed per period.';
  end if;
  if period is not null and (period <= interval '0' or period < interval '1 day') then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('set_sync_contract: field "period" must be at least a day (got %s)', period),
      hint = 'For example ''1 month'' or ''7 days''.';
  end if;

  -- apply: a new period start begins a new period with nothing used
  update sincro_private.company c
    set sync_quota = set_sync_contract.sync_quota,
        sync_period = coalesce(set_sync_contract.period, c.sync_period),
        sync_period_start = coalesce(set_sync_contract.period_start, c.sync_period_start),
        sync_used = case when set_sync_contract.period_start is distinct from null
                              and set_sync_contract.period_start <> c.sync_period_start then 0 else c.sync_used end
    where c.azi = set_sync_contract.azi;
end;
$$;

comment on function sincro.set_sync_contract(text, integer, interval, date) is
  E'Sets a company''s contract: syncs allowed per period, and optionally the period''s length and first day (a new first day starts a period with nothing used). Admin only. SECURITY DEFINER: writes the company table.';

-- who may use it
revoke all on function sincro.quota(text) from public;
grant execute on function sincro.quota(text) to sincro_admin;
revoke all on function sincro.set_sync_contract(text,integer,interval,date) from public;
grant execute on function sincro.set_sync_contract(text,integer,interval,date) to sincro_admin;
revoke all on function sincro_private.current_period_start(date,interval,date) from public;
revoke all on function sincro_private.roll_sync_period(text) from public;
