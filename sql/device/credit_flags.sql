/*
 * Orders for blocked customers or over the credit limit are ACCEPTED: an app
 * works offline, and the ERP, which pushes back with its own answer (a
 * rejection shows in sincro.push_problems), stays the authority on credit.
 * The device sees the blocked flag and the credit data in its slice and can
 * warn before the order is written; the operator sees here every order the
 * ERP has not acquired yet whose customer is blocked, or whose total would
 * take the customer's exposure over its limit, by the credit data the hub
 * holds now. Runs with the caller's rights (row-level security decides).
 */
create or replace view sincro.order_credit_flags with (security_invoker = true) as
  select a.azi, a.id_pub, a.prov_tipo, a.prov_id, a.cod_agente, a.cliente_cod, a.data_ordine, a.totale_documento,
         f.bloccato, f.motivo_blocco, f.fido, f.esposizione,
         case when f.bloccato then 'blocked' else 'over_credit' end as flag
  from sincro.arportes a
  join sincro.fidi f on f.azi = a.azi and f.cod_cli = a.cliente_cod and not f.deleted
  where a.ack_gest = 0
    and (f.bloccato or f.fido is not null and coalesce(f.esposizione, 0) + coalesce(a.totale_documento, 0) > f.fido);

comment on view sincro.order_credit_flags is E'Orders not yet acquired by the ERP whose customer is blocked, or whose total takes the customer''s exposure over its credit limit (by the credit data the hub holds). They are accepted and pushed as usual; the ERP decides.';
comment on column sincro.order_credit_flags.azi is E'Company code.';
comment on column sincro.order_credit_flags.id_pub is E'Public ID of the order.';
comment on column sincro.order_credit_flags.prov_tipo is E'Who created it: S store, A app.';
comment on column sincro.order_credit_flags.prov_id is E'Device ID of an app order.';
comment on column sincro.order_credit_flags.cod_agente is E'Agent of the order.';
comment on column sincro.order_credit_flags.cliente_cod is E'Customer.';
comment on column sincro.order_credit_flags.data_ordine is E'Order date.';
comment on column sincro.order_credit_flags.totale_documento is E'Order total as sent.';
comment on column sincro.order_credit_flags.bloccato is E'The customer is blocked in the ERP.';
comment on column sincro.order_credit_flags.motivo_blocco is E'Why, as the ERP says.';
comment on column sincro.order_credit_flags.fido is E'Credit limit.';
comment on column sincro.order_credit_flags.esposizione is E'Exposure before this order.';
comment on column sincro.order_credit_flags.flag is E'blocked, or over_credit (exposure + order total > limit).';

-- the console operator reads its company's credit data for it
create policy operator_company on sincro.fidi for select to sincro_operator
  using (azi = sincro_private.session_company());

-- who may use it
grant select on sincro.fidi to sincro_operator;
grant select on sincro.order_credit_flags to sincro_store, sincro_app, sincro_operator, sincro_worker, sincro_admin;
