/*
 * What an operator must look at: orders the ERP rejected (with its message,
 * never retried automatically) and orders that keep failing to reach it.
 */
create or replace view sincro.push_problems with (security_invoker = true) as
  select p.azi, p.id_pub, a.prov_tipo, a.prov_id, a.id_int, p.state, p.attempts, p.last_attempt_at,
         p.last_error, p.erp_message, p.created_at
  from sincro.order_push p
  join sincro.arportes a on a.azi = p.azi and a.id_pub = p.id_pub
  where p.state = 'rejected' or (p.state in ('pending', 'in_flight') and p.attempts >= 3);

comment on view sincro.push_problems is
  E'Orders rejected by the ERP (erp_message) or failing to reach it after 3 or more attempts (last_error).';
comment on column sincro.push_problems.azi is E'Company code.';
comment on column sincro.push_problems.id_pub is E'The order.';
comment on column sincro.push_problems.prov_tipo is E'Who created it: S store, A app.';
comment on column sincro.push_problems.prov_id is E'Device of an app order.';
comment on column sincro.push_problems.id_int is E'The creator''s own order ID.';
comment on column sincro.push_problems.state is E'rejected, or pending / in_flight after repeated failures.';
comment on column sincro.push_problems.attempts is E'Pushes started so far.';
comment on column sincro.push_problems.last_attempt_at is E'When the last push started.';
comment on column sincro.push_problems.last_error is E'Why the last push failed to reach the ERP.';
comment on column sincro.push_problems.erp_message is E'The ERP''s reason for rejecting the order.';
comment on column sincro.push_problems.created_at is E'When the order was queued for the ERP.';

-- who may use it
grant select on sincro.push_problems to sincro_erp, sincro_worker, sincro_admin;
