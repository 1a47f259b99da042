/*
 * APSTATOSYN as the protocol describes it: one row per company with its
 * public-ID counter, its change-number counter and its sync quota. Stored as
 * three tables so that the two counters never share a row lock; this view
 * puts them back together and takes inserts and quota updates. It reads the
 * private tables as its owner and shows a company-bound login its own company;
 * as a security barrier, so that a cheap function of the caller's in a WHERE
 * clause is never handed the rows of other companies before that filter runs.
 * The size limits of each company (max_lines_per_order, max_text_length,
 * max_document_bytes) are set here too, by an admin.
 */
create or replace view sincro.apstatosyn with (security_barrier = true) as
  select c.azi, c.ragione_sociale, p.last_value as last_id_pub, s.last_value as last_id_sincro,
         c.sync_quota, c.sync_used, c.sync_period_start, c.push_mode, c.created_at,
         c.max_lines_per_order, c.max_text_length, c.max_document_bytes
  from sincro_private.company c
  join sincro_private.id_pub_counter p using (azi)
  join sincro_private.id_sincro_counter s using (azi)
  where sincro_private.may_see_company(c.azi);

comment on view sincro.apstatosyn is
  E'One row per company: counters and sync quota. insert into sincro.apstatosyn(azi) values (...) registers a company.';
comment on column sincro.apstatosyn.azi is E'Company code: 1-20 letters, digits, _ or -.';
comment on column sincro.apstatosyn.ragione_sociale is E'Company name.';
comment on column sincro.apstatosyn.last_id_pub is E'Last public order ID handed out (read-only).';
comment on column sincro.apstatosyn.last_id_sincro is E'Last change number handed out (read-only).';
comment on column sincro.apstatosyn.sync_quota is E'Syncs allowed per contract period.';
comment on column sincro.apstatosyn.sync_used is E'Syncs used in the current period.';
comment on column sincro.apstatosyn.sync_period_start is E'First day of the current contract period.';
comment on column sincro.apstatosyn.push_mode is E'auto (retries and sweep) or manual (one attempt, then partial sync).';
comment on column sincro.apstatosyn.created_at is E'When the company was registered.';
comment on column sincro.apstatosyn.max_lines_per_order is E'Most lines an order or ERP document may have (default 1000); more is refused (SY140).';
comment on column sincro.apstatosyn.max_text_length is E'Most characters one text field of an order, line or new customer may hold (default 4000); more is refused (SY140).';
comment on column sincro.apstatosyn.max_document_bytes is E'Most bytes one ERP document or sync row may take (default 1 MiB); more is refused (SY140).';

create or replace function sincro_private.tg_apstatosyn__write()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'DELETE' then
    raise exception using
      errcode = 'SY108', message = pg_catalog.format('apstatosyn: company %s cannot be deleted', old.azi),
      hint = 'Companies are kept with their orders.';
  end if;

  -- validate
  if tg_op = 'INSERT' then
    if new.azi is null or new.azi !~ '^[A-Za-z0-9_-]{1,20}$' then
      raise exception using
        errcode = case when new.azi is null then 'SY102' else 'SY101' end,
        message = pg_catalog.format('apstatosyn: azi must be 1-20 letters, digits, _ or - (got %s)', coalesce(pg_catalog.quote_literal(new.azi), 'NULL')),
        hint = 'For example C00001.';
    end if;
    if exists (select 1 from sincro_private.company c where c.azi = new.azi) then
      raise exception using
        errcode = 'SY110', message = pg_catalog.format('apstatosyn: company %s is already registered', new.azi);
    end if;
  elsif new.azi is distinct from old.azi then
    raise exception using errcode = 'SY103', message = 'apstatosyn: azi cannot be changed';
  end if;
  if (tg_op = 'INSERT' and (coalesce(new.last_id_pub, 0) <> 0 or coalesce(new.last_id_sincro, 0) <> 0))
     or (tg_op = 'UPDATE' and (new.last_id_pub is distinct from old.last_id_pub
                               or new.last_id_sincro is distinct from old.last_id_sincro)) then
    raise exception using
      errcode = 'SY103',
      message = pg_catalog.format('apstatosyn: the counters of company %s are kept by the hub', new.azi),
      hint = 'last_id_pub and last_id_sincro only move when orders are written.';
  end if;
  if new.push_mode is not null and new.push_mode not in ('auto', 'manual') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('apstatosyn: push_mode must be auto or manual (got %L)', new.push_mode);
  end if;
  if coalesce(new.sync_quota, 0) < 0 or coalesce(new.sync_used, 0) < 0 then
    raise exception using
      errcode = 'SY101', message = 'apstatosyn: sync_quota and sync_used cannot be negative';
  end if;
  if new.max_lines_per_order < 1 or new.max_text_length < 1 or new.max_document_bytes < 1 then
    raise exception using
      errcode = 'SY101', message = 'apstatosyn: max_lines_per_order, max_text_length and max_document_bytes must be 1 or more',
      hint = 'They bound what one order, field or ERP document may hold; omit them for the defaults.';
  end if;

  -- apply
  if tg_op = 'INSERT' then
    insert into sincro_private.company (azi, ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode)
      values (new.azi, new.ragione_sociale, coalesce(new.sync_quota, 0), coalesce(new.sync_used, 0),
              coalesce(new.sync_period_start, current_date), coalesce(new.push_mode, 'auto'));
    -- the limits: the table's defaults unless given
    update sincro_private.company c
      set max_lines_per_order = coalesce(new.max_lines_per_order, c.max_lines_per_order),
          max_text_length = coalesce(new.max_text_length, c.max_text_length),
          max_document_bytes = coalesce(new.max_document_bytes, c.max_document_bytes)
      where c.azi = new.azi
        and (new.max_lines_per_order is not null or new.max_text_length is not null or new.max_document_bytes is not null);
    insert into sincro_private.id_pub_counter (azi) values (new.azi);
    insert into sincro_private.id_sincro_counter (azi) values (new.azi);
  else
    update sincro_private.company c
      set ragione_sociale = new.ragione_sociale, sync_quota = new.sync_quota, sync_used = new.sync_used,
          sync_period_start = new.sync_period_start, push_mode = new.push_mode,
          max_lines_per_order = new.max_lines_per_order, max_text_length = new.max_text_length,
          max_document_bytes = new.max_document_bytes
      where c.azi = old.azi;
  end if;
  select v.* into new from sincro.apstatosyn v where v.azi = new.azi;
  return new;
end;
$$;

comment on function sincro_private.tg_apstatosyn__write() is
  E'INSTEAD OF trigger on sincro.apstatosyn: registers a company (with both counters at 0), updates its name, quota and size limits, refuses counter edits and deletes. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_write
  instead of insert or update or delete on sincro.apstatosyn
  for each row execute function sincro_private.tg_apstatosyn__write();

-- who may use it
revoke all on function sincro_private.tg_apstatosyn__write() from public;
grant select on sincro.apstatosyn to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant insert (azi, ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode,
              max_lines_per_order, max_text_length, max_document_bytes)
  on sincro.apstatosyn to sincro_admin;
grant update (ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode,
              max_lines_per_order, max_text_length, max_document_bytes)
  on sincro.apstatosyn to sincro_admin;
