/*
 * One line per company for operators (npx sincro status): what each party has
 * not acquired, the oldest order the ERP has not acquired, the ERP cursor and
 * the quota. Reads as the view's owner; a company-bound login sees its own
 * (a security barrier: the filter runs before any function of the caller's).
 */
create or replace view sincro.company_status with (security_barrier = true) as
  select c.azi,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0) as pending_gest,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_store = 0 and a.id_sincro > 0) as pending_store,
         (select pg_catalog.count(*) from sincro.arportes a where a.azi = c.azi and a.ack_app = 0 and a.id_sincro > 0) as pending_app,
         (select pg_catalog.min(a.created_at) from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0) as oldest_unacquired_at,
         s.last_value as last_change,
         c.erp_cursor,
         q.sync_quota, q.sync_used, q.sync_remaining, q.period_end
  from sincro_private.company c
  join sincro_private.id_sincro_counter s using (azi)
  cross join lateral sincro.quota(c.azi) q
  where sincro_private.may_see_company(c.azi);

comment on view sincro.company_status is E'Per company: orders each party has not acquired, the oldest order the ERP has not acquired, last change number, ERP cursor, quota.';
comment on column sincro.company_status.azi is E'Company code.';
comment on column sincro.company_status.pending_gest is E'Orders the ERP has not acquired (ack_gest = 0).';
comment on column sincro.company_status.pending_store is E'Published orders the store has not acquired.';
comment on column sincro.company_status.pending_app is E'Published orders the apps have not acquired.';
comment on column sincro.company_status.oldest_unacquired_at is E'When the oldest order the ERP has not acquired was written.';
comment on column sincro.company_status.last_change is E'The company''s last change number.';
comment on column sincro.company_status.erp_cursor is E'ERP change cursor the hub has applied up to.';
comment on column sincro.company_status.sync_quota is E'Syncs allowed per period.';
comment on column sincro.company_status.sync_used is E'Syncs used this period.';
comment on column sincro.company_status.sync_remaining is E'Syncs left this period.';
comment on column sincro.company_status.period_end is E'Last day of the current period.';

-- who may use it
grant select on sincro.company_status to sincro_worker, sincro_admin;
