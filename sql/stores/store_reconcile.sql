/*
 * Reconciliation: WooCommerce never re-sends a failed delivery and Shopify
 * gives up after 4 hours, so every store with an API URL is polled (every
 * reconcile_every) for the orders modified since its watermark. Each order
 * the poll lists goes through the same inbox and the same idempotent apply as
 * a webhook, unless the hub already has that version of it. The watermark
 * moves only when a whole pass (every page) succeeded, to the pass's start
 * minus five minutes (the shop's clock and its commits in flight), so a
 * failed or interrupted pass is simply done again.
 *
 * SECURITY DEFINER: the API credentials and the inbox are the owner's; the
 * worker gets them through these functions only.
 */
create or replace function sincro.store_reconcile_begin(store_id text,
  out platform text, out api_url text, out api_key text, out api_secret text, out modified_after timestamptz, out polled_at timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select s.platform, s.api_url, s.api_key, s.api_secret, coalesce(s.watermark, s.created_at), now()
  from sincro_private.store s
  where s.store_id = store_reconcile_begin.store_id and s.removed_at is null and s.api_url is not null
$$;

comment on function sincro.store_reconcile_begin(text) is
  E'What a reconciliation pass of an active store with an API URL needs: platform, API URL and credentials, the watermark to ask from, and the pass''s start (database time). No row for a removed store or one without API URL. Worker only. SECURITY DEFINER: reads the credentials.';

create or replace function sincro.store_reconcile_offer(store_id text, body bytea)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_store sincro_private.store;
  v_identity record;
  v_inbox_id bigint;
begin
  select * into v_store from sincro_private.store s where s.store_id = store_id and s.removed_at is null;
  if not found then
    raise exception using errcode = 'SY170', message = pg_catalog.format('store_reconcile_offer: no active store %s', sincro_private.shown(store_id));
  end if;
  -- something the shop listed that is not an order the hub can place (no id, no modification time, not JSON):
  -- said so, not raised, so that one odd entry does not stop every pass at the same page
  begin
    select * into v_identity from sincro_private.store_order_identity(v_store.platform, pg_catalog.convert_from(body, 'UTF8')::jsonb);
  exception when others then
    return 'unreadable';
  end;
  if v_identity.platform_order_id is null or v_identity.modified_at is null then
    return 'unreadable';
  end if;
  -- known: the hub has this version or a newer one, or this version is already in the inbox
  if exists (select 1 from sincro_private.store_order o
             where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_identity.platform_order_id
               and o.modified_at >= v_identity.modified_at)
     or exists (select 1 from sincro_private.store_inbox i
                where i.store_id = v_store.store_id and i.platform_order_id = v_identity.platform_order_id
                  and i.modified_at = v_identity.modified_at) then
    return 'known';
  end if;
  insert into sincro_private.store_inbox (store_id, azi, source, topic, body, platform_order_id, modified_at)
    values (v_store.store_id, v_store.azi, 'reconcile', 'reconcile', body, v_identity.platform_order_id, v_identity.modified_at)
    returning inbox_id into v_inbox_id;
  perform sincro_private.store_enqueue_inbox(v_inbox_id);
  return 'queued';
end;
$$;

comment on function sincro.store_reconcile_offer(text, bytea) is
  E'One order a reconciliation poll listed (its JSON): queued into the inbox for the worker, unless the hub has this version of it or a newer one, or has it in the inbox already (known); unreadable when it has no id or modification time (nothing stored, the pass goes on). Worker only. SECURITY DEFINER: writes the inbox.';

create or replace function sincro.store_reconcile_end(store_id text, polled_at timestamptz, error text default null)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro_private.store s
    set watermark = case when error is null then greatest(s.watermark, polled_at - interval '5 minutes') else s.watermark end,
        last_reconciled_at = now(),
        last_reconcile_error = error
    where s.store_id = store_reconcile_end.store_id
$$;

comment on function sincro.store_reconcile_end(text, timestamptz, text) is
  E'Ends a reconciliation pass: on success the watermark moves to the pass''s start minus 5 minutes (never back); on failure it stays and the error is kept. Worker only. SECURITY DEFINER: writes sincro_private.store.';

-- who may use it
revoke all on function sincro.store_reconcile_begin(text) from public;
grant execute on function sincro.store_reconcile_begin(text) to sincro_worker;
revoke all on function sincro.store_reconcile_offer(text, bytea) from public;
grant execute on function sincro.store_reconcile_offer(text, bytea) to sincro_worker;
revoke all on function sincro.store_reconcile_end(text, timestamptz, text) from public;
grant execute on function sincro.store_reconcile_end(text, timestamptz, text) to sincro_worker;
