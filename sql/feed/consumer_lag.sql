/*
 * How far behind each consumer is: its cursor against the company's last
 * change number. Reads the counter as the view's owner; shows a
 * company-bound login only its company, as a security barrier (a cheap
 * function of the caller's in a WHERE clause sees only those rows).
 */
create or replace view sincro.consumer_lag with (security_barrier = true) as
  select k.azi, k.consumer, k.id_sincro_read as "cursor", c.last_value as last_change,
         c.last_value - k.id_sincro_read as lag, k.updated_at
  from sincro.consumer_cursors k
  join sincro_private.id_sincro_counter c using (azi)
  where sincro_private.may_see_company(k.azi);

comment on view sincro.consumer_lag is E'Each consumer''s cursor, the company''s last change number, and the difference (changes not imported yet).';
comment on column sincro.consumer_lag.azi is E'Company code.';
comment on column sincro.consumer_lag.consumer is E'store or app:<device id>.';
comment on column sincro.consumer_lag."cursor" is E'Largest change number the consumer has imported.';
comment on column sincro.consumer_lag.last_change is E'The company''s last change number.';
comment on column sincro.consumer_lag.lag is E'Changes the consumer has not imported yet.';
comment on column sincro.consumer_lag.updated_at is E'When the consumer last advanced its cursor.';

-- who may use it
grant select on sincro.consumer_lag to sincro_store, sincro_app, sincro_worker, sincro_admin;
