/*
 * Status back: when the ERP acquires a store's order (ack_gest 0 → 1, in the
 * transaction of push_acquired or erp_write_order), the shop is told, by the
 * worker, through its REST API: WooCommerce an order note (and a status, if
 * the store sets woocommerce_status), Shopify a tag. The order's store_order
 * row is the record (pending → sent); the job store_status_back is the
 * doorbell, retried with backoff while the shop is down, and rung again by
 * store_sweep when it was lost. Telling twice is harmless: the worker checks
 * the shop for its note or tag before adding it.
 */
create or replace function sincro_private.enqueue_store_status_back(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: the trigger of every acquired store order calls it (an SQL function's body would be
  -- parsed and planned again at each call)
  perform graphile_worker.add_job(
    identifier := 'store_status_back',
    payload := pg_catalog.json_build_object('azi', enqueue_store_status_back.azi, 'id_pub', enqueue_store_status_back.id_pub),
    job_key := pg_catalog.format('store_status_back:%s:%s', enqueue_store_status_back.azi, enqueue_store_status_back.id_pub),
    max_attempts := 25);
end;
$$;

comment on function sincro_private.enqueue_store_status_back(text, bigint) is
  E'Rings the worker to tell a shop its order was acquired: job store_status_back, key store_status_back:<azi>:<id_pub>. SECURITY DEFINER: the job queue is the owner''s.';

create or replace function sincro_private.tg_arportes__store_status_back()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro_private.store_order o
    set status_back = 'pending', status_back_at = now()
    where o.azi = new.azi and o.id_pub = new.id_pub and o.status_back = 'waiting';
  if found then
    perform sincro_private.enqueue_store_status_back(new.azi, new.id_pub);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__store_status_back() is
  E'AFTER UPDATE of ack_gest on arportes: a store connector''s order the ERP just acquired gets its status back pending and a job. SECURITY DEFINER: fired by the ERP''s and the worker''s writes, it reaches sincro_private and the job queue.';

create trigger _600_store_status_back
  after update of ack_gest on sincro.arportes
  for each row when (old.ack_gest = 0 and new.ack_gest = 1 and new.prov_tipo = 'S')
  execute function sincro_private.tg_arportes__store_status_back();

/* What the worker needs to tell the shop, or NULL when there is nothing (any more) to tell. */
create or replace function sincro.store_status_back_claim(azi text, id_pub bigint)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select pg_catalog.jsonb_build_object(
    'store_id', s.store_id, 'platform', s.platform, 'api_url', s.api_url, 'api_key', s.api_key, 'api_secret', s.api_secret,
    'platform_order_id', o.platform_order_id, 'order_number', o.order_number, 'id_pub', a.id_pub, 'tor_chia', a.tor_chia,
    'woocommerce_status', sincro_private.store_settings(s.store_id) ->> 'woocommerce_status',
    'shopify_tag', sincro_private.store_settings(s.store_id) ->> 'shopify_tag')
  from sincro_private.store_order o
  join sincro_private.store s on s.store_id = o.store_id
  join sincro.arportes a on a.azi = o.azi and a.id_pub = o.id_pub
  where o.azi = store_status_back_claim.azi and o.id_pub = store_status_back_claim.id_pub
    and o.status_back = 'pending' and s.removed_at is null and s.api_url is not null
$$;

comment on function sincro.store_status_back_claim(text, bigint) is
  E'The shop''s API access and what to tell it (platform order ID, the ERP''s key) for an order whose status back is pending; NULL otherwise. Worker only. SECURITY DEFINER: reads the credentials.';

create or replace function sincro.store_status_back_done(azi text, id_pub bigint, error text default null)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro_private.store_order o
    set status_back = case when error is null then 'sent' else o.status_back end,
        status_back_at = case when error is null then now() else o.status_back_at end,
        status_back_error = error
    where o.azi = store_status_back_done.azi and o.id_pub = store_status_back_done.id_pub and o.status_back = 'pending'
$$;

comment on function sincro.store_status_back_done(text, bigint, text) is
  E'Records the outcome of telling the shop: sent, or (with error) still pending with the reason. Worker only. SECURITY DEFINER: writes sincro_private.store_order.';

-- who may use it
revoke all on function sincro_private.enqueue_store_status_back(text, bigint) from public;
revoke all on function sincro_private.tg_arportes__store_status_back() from public;
revoke all on function sincro.store_status_back_claim(text, bigint) from public;
grant execute on function sincro.store_status_back_claim(text, bigint) to sincro_worker;
revoke all on function sincro.store_status_back_done(text, bigint, text) from public;
grant execute on function sincro.store_status_back_done(text, bigint, text) to sincro_worker;
