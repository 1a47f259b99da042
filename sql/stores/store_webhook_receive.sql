/*
 * A webhook delivery, as the hub's HTTP server hands it over: the store named
 * in the URL, the raw body and the headers. One call, one short transaction:
 * the signature is checked on the raw bytes before anything is stored (a bad
 * one stores nothing), then the delivery is kept whole in the inbox. No job
 * is added (its NOTIFY would serialise the commits of concurrent deliveries):
 * the worker's dispatcher finds the new row within milliseconds and rings for
 * it (store_inbox_dispatch, below). The answer is an HTTP status for the shop:
 *
 *   404 no active store with that ID on that platform
 *   200 WooCommerce's ping (form body webhook_id=<n>, no topic) — nothing stored
 *   401 signature missing or wrong — nothing stored
 *   400 signed, but not a JSON object — stored as an error, for the operator
 *   200 stored (state received for an order topic, ignored for any other)
 *
 * A 200 means the row is committed. For a store with an API URL the commit is
 * asynchronous (it does not wait for the WAL to reach the disk, which on a
 * busy server is most of a webhook's time): a crash of the database within
 * ~200 ms could lose the delivery, and reconciliation would bring the order
 * within the store's interval. A store that only receives webhooks has no
 * such safety net, and its deliveries are committed durably.
 *
 * The signature is compared in constant time with respect to the secret: the
 * hashes of the expected and the given header are compared, so how long the
 * comparison takes says nothing about how much of the header was right.
 *
 * SECURITY DEFINER: the store's keys are readable by the owner only; the HTTP
 * server's login (an admin) may call this and nothing that reads them.
 */
create or replace function sincro_private.store_enqueue_inbox(inbox_id bigint)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  update sincro_private.store_inbox i set doorbell_rung = true where i.inbox_id = store_enqueue_inbox.inbox_id and not i.doorbell_rung;
  select null from graphile_worker.add_job(
    identifier := 'store_inbox_apply',
    payload := pg_catalog.json_build_object('inbox_id', inbox_id),
    job_key := 'store_inbox:' || inbox_id,
    max_attempts := 25)
$$;

comment on function sincro_private.store_enqueue_inbox(bigint) is
  E'Rings the worker for one inbox row: job store_inbox_apply, key store_inbox:<inbox_id>; marks the row rung. SECURITY DEFINER: the job queue is the owner''s.';

/*
 * One store_inbox_apply job at a time per company. Its orders take gap-free
 * public IDs: their inserts serialize on the company's counter anyway, and
 * eight worker slots applying one company's backlog at once only queued there
 * and churned its lock, at a third of the rate one slot alone reached
 * (docs/performance.md). So a company's deliveries go in a chain: the
 * dispatcher rings the first job of a company whose gate
 * (sincro_private.store_inbox_gate) is free and takes the gate; each job,
 * when it commits (store_inbox_apply_many), rings the company's next rows
 * itself, or opens the gate when none wait. A gate older than 10 seconds is
 * free again: its job died or failed (its rows stay rung, and
 * graphile-worker retries them; store_sweep rings what is left behind), and
 * the company's new deliveries need not wait for that.
 *
 * Both read a company's oldest waiting rows in the order of its index
 * idx_store_inbox__doorbell_by_company, and must: the inbox's statistics say
 * what it held when last analyzed, on a hub that keeps up "no row waiting",
 * and a backlog comes suddenly (a burst, a reconciliation). Planned with
 * those statistics, the query took the company's rows in another order and
 * sorted them all to find the first: with a backlog of 4,000 each of the
 * dispatcher's polls (every 10 ms) read 4,000 rows. With sorts off in the
 * two functions (`enable_sort`, `enable_incremental_sort`) the planner takes
 * the index's order (a sort it cannot avoid is still done, the companies'
 * in store_inbox_dispatch, and its cost, raised by the setting past
 * jit_above_cost, would have each poll compiled: 90 ms; hence `jit = off`);
 * test/sql/stores/inbox_backlog_poll_cost.test.sql.
 *
 * store_inbox_ring rings one job for a company: up to per_job of its
 * deliveries still received and not rung (older than grace), oldest first,
 * rows another caller holds skipped; it takes the gate (a free one, or
 * unconditionally when `holder`: the chain's own job) and returns the job's
 * spec for add_jobs, or NULL when there is nothing to ring or the gate is
 * held.
 */
create or replace function sincro_private.store_inbox_ring(azi text, per_job integer, grace interval, holder boolean)
returns graphile_worker.job_spec
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set enable_sort = off  -- see above
set enable_incremental_sort = off
set jit = off
as $$
#variable_conflict use_variable
declare
  v_ids bigint[];
  v_key text;
begin
  select pg_catalog.array_agg(p.inbox_id order by p.received_at, p.inbox_id) into v_ids
  from (select i.inbox_id, i.received_at
        from sincro_private.store_inbox i
        where i.azi = azi and i.state = 'received' and not i.doorbell_rung and i.received_at <= now() - grace
        order by i.received_at, i.inbox_id
        limit per_job
        for update skip locked) p;
  if v_ids is null then
    return null;
  end if;
  v_key := 'store_inbox:' || v_ids[1] || '+' || pg_catalog.cardinality(v_ids);
  if holder then
    insert into sincro_private.store_inbox_gate as g (azi, job_key, rung_at) values (azi, v_key, now())
      on conflict on constraint store_inbox_gate_pkey do update set job_key = excluded.job_key, rung_at = excluded.rung_at;
  else
    insert into sincro_private.store_inbox_gate as g (azi, job_key, rung_at) values (azi, v_key, now())
      on conflict on constraint store_inbox_gate_pkey do update set job_key = excluded.job_key, rung_at = excluded.rung_at
      where g.rung_at <= now() - interval '10 seconds';
    if not found then
      return null;  -- another job of the company is under way: its chain takes these rows
    end if;
  end if;
  update sincro_private.store_inbox i set doorbell_rung = true where i.inbox_id = any (v_ids);
  return row('store_inbox_apply'::text, pg_catalog.json_build_object('inbox_ids', v_ids), null::text, null::timestamptz,
             25::smallint, v_key, null::smallint, null::text[])::graphile_worker.job_spec;
end;
$$;

comment on function sincro_private.store_inbox_ring(text, integer, interval, boolean) is
  E'One store_inbox_apply job''s spec for a company: up to per_job of its received, unrung deliveries older than grace (marked rung), with the company''s gate taken (if free, or always when holder); NULL when none or the gate is held. SECURITY DEFINER: the inbox is the owner''s.';

/*
 * The worker's dispatcher (src/worker/dispatcher.ts) calls this beside
 * sincro.push_take, with grace 0: each company with webhook deliveries still
 * received whose doorbell has not rung (for longer than grace), and whose
 * gate is free (above), gets one store_inbox_apply job of up to per_job of its
 * rows (payload {"inbox_ids": [...]}, applied in one transaction by
 * sincro.store_inbox_apply_many), all in one add_jobs call: one NOTIFY, from
 * the worker's transaction. The rest of a company's backlog follows in its
 * chain. Returns how many rows were rung (at most max_rows, counted by whole
 * jobs).
 */
create or replace function sincro.store_inbox_dispatch(max_rows integer default 500, grace interval default interval '2 seconds',
                                                       per_job integer default 10)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set enable_sort = off  -- see above
set enable_incremental_sort = off
set jit = off
as $$
declare
  v_specs graphile_worker.job_spec[] := '{}';
  v_spec graphile_worker.job_spec;
  v_azi text;
  v_rows integer := 0;
begin
  if max_rows is null or max_rows < 1 or max_rows > 10000 or grace is null or grace < interval '0'
     or per_job is null or per_job < 1 or per_job > 100 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('store_inbox_dispatch: max_rows must be between 1 and 10000, per_job between 1 and 100, and grace not negative (got %s, %s, %s)',
                                  coalesce(max_rows::text, 'null'), coalesce(per_job::text, 'null'), coalesce(grace::text, 'null')),
      hint = 'The worker''s dispatcher calls it with 500, 0 and 10.';
  end if;
  -- the companies with a delivery waiting, the longest-waiting first, whose gate is not held (read first: a held
  -- gate's row is not locked, so that the dispatcher never waits for a job's commit)
  for v_azi in
    select w.azi
    from (select distinct s.azi from sincro_private.store s) c
    cross join lateral (
      select i.azi, i.received_at, i.inbox_id from sincro_private.store_inbox i
      where i.azi = c.azi and i.state = 'received' and not i.doorbell_rung and i.received_at <= now() - grace
      order by i.received_at, i.inbox_id limit 1) w
    where not exists (select 1 from sincro_private.store_inbox_gate g where g.azi = w.azi and g.rung_at > now() - interval '10 seconds')
    order by w.received_at, w.inbox_id
  loop
    exit when v_rows >= max_rows;
    v_spec := sincro_private.store_inbox_ring(v_azi, least(per_job, max_rows - v_rows), grace, false);
    if v_spec.identifier is not null then  -- (a row IS NOT NULL only when every field is)
      v_specs := v_specs || v_spec;
      v_rows := v_rows + pg_catalog.json_array_length(v_spec.payload -> 'inbox_ids');
    end if;
  end loop;
  if v_rows = 0 then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return v_rows;
end;
$$;

comment on function sincro.store_inbox_dispatch(integer, interval, integer) is
  E'Worker''s dispatcher: for each company with webhook deliveries received and not rung for longer than grace, and no store_inbox_apply job under way (its gate), enqueues one job of up to per_job rows (one add_jobs call), which rings the company''s next when it commits; at most max_rows rows; returns how many. SY101 for max_rows outside 1..10000, per_job outside 1..100 or a negative grace. SECURITY DEFINER: reads the inbox, writes the job queue.';

/* The order's ID and modification time in a platform's order JSON; NULLs when it has none or they do not read. */
create or replace function sincro_private.store_order_identity(platform text, payload jsonb, out platform_order_id text, out modified_at timestamptz)
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if pg_catalog.jsonb_typeof(payload) <> 'object' or pg_catalog.jsonb_typeof(payload -> 'id') not in ('number', 'string') then
    return;
  end if;
  platform_order_id := payload ->> 'id';
  if pg_catalog.length(platform_order_id) > 40 then
    platform_order_id := null;
    return;
  end if;
  begin
    modified_at := case platform
      when 'woocommerce' then (nullif(payload ->> 'date_modified_gmt', '') || 'Z')::timestamptz
      else (payload ->> 'updated_at')::timestamptz end;
  exception when others then
    modified_at := null;  -- the worker refuses the order and says why
  end;
end;
$$;

comment on function sincro_private.store_order_identity(text, jsonb) is
  E'The platform order ID (id) and modification time (WooCommerce date_modified_gmt, Shopify updated_at) of an order payload; NULLs when absent or unreadable.';

create or replace function sincro.store_webhook_receive(
  platform text, store_id text, body bytea, headers jsonb,
  out status integer, out inbox_id bigint, out reason text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_store sincro_private.store;
  v_topic text;
  v_given text;
  v_payload jsonb;
  v_error text;
  v_identity record;
  v_order_topic boolean;
begin
  -- the store
  select * into v_store from sincro_private.store s
  where s.store_id = store_id and s.platform = platform and s.removed_at is null;
  if not found then
    status := 404;
    reason := 'unknown store';
    return;
  end if;
  v_topic := headers ->> case platform when 'woocommerce' then 'x-wc-webhook-topic' else 'x-shopify-topic' end;

  -- WooCommerce's ping when a webhook is saved: a form body, no topic
  if platform = 'woocommerce' and v_topic is null and body ~~ 'webhook_id=%'::bytea
     and pg_catalog.convert_from(body, 'SQL_ASCII') ~ '^webhook_id=[0-9]+$' then
    status := 200;
    reason := 'ping';
    return;
  end if;

  -- the signature, on the raw body
  v_given := headers ->> case platform when 'woocommerce' then 'x-wc-webhook-signature' else 'x-shopify-hmac-sha256' end;
  if v_given is null
     or pg_catalog.sha256(pg_catalog.convert_to(v_given, 'UTF8'))
        <> pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.encode(sincro_private.hmac_sha256(v_store.hmac_ipad, v_store.hmac_opad, body), 'base64'), 'UTF8')) then
    status := 401;
    reason := case when v_given is null then 'no signature' else 'bad signature' end;
    return;
  end if;

  -- the payload
  begin
    v_payload := pg_catalog.convert_from(body, 'UTF8')::jsonb;
    if pg_catalog.jsonb_typeof(v_payload) <> 'object' then
      v_error := pg_catalog.format('the body is JSON but not an object (%s)', pg_catalog.jsonb_typeof(v_payload));
    end if;
  exception when others then
    v_error := pg_catalog.format('the body is not JSON: %s', sqlerrm);
  end;
  if v_error is not null then
    insert into sincro_private.store_inbox (store_id, azi, source, topic, headers, body, state, error, processed_at)
      values (v_store.store_id, v_store.azi, 'webhook', v_topic, headers, body, 'error', v_error, now())
      returning store_inbox.inbox_id into inbox_id;
    status := 400;
    reason := v_error;
    return;
  end if;

  -- keep it. For a store that is reconciled (it has an API URL) the commit
  -- need not wait for the WAL flush: a database crash in the next 200 ms could lose this row, and the
  -- next reconciliation pass would bring the order anyway. A store with webhooks only gets a durable commit.
  if v_store.api_url is not null then
    perform pg_catalog.set_config('synchronous_commit', 'off', true);
  end if;
  v_order_topic := case platform when 'woocommerce' then v_topic like 'order.%' else v_topic like 'orders/%' end;
  select * into v_identity from sincro_private.store_order_identity(platform, v_payload);
  insert into sincro_private.store_inbox (store_id, azi, source, topic, headers, body, platform_order_id, modified_at, state, error, processed_at)
    values (v_store.store_id, v_store.azi, 'webhook', v_topic, headers, body,
            v_identity.platform_order_id, v_identity.modified_at,
            case when v_order_topic then 'received' else 'ignored' end,
            case when v_order_topic then null else pg_catalog.format('topic %s is not about orders', coalesce(v_topic, '(none)')) end,
            case when v_order_topic then null else now() end)
    returning store_inbox.inbox_id into inbox_id;
  -- no job here (add_job's NOTIFY would serialise the commits of concurrent deliveries): the worker's
  -- dispatcher finds the row and rings for it (store_inbox_dispatch); a dozing dispatcher is woken, unless
  -- the company's chain is under way (its gate held, as store_inbox_dispatch reads it): the chain's job
  -- takes this row as it commits, and the dispatcher, rung, would find nothing to do. That was one NOTIFY
  -- per delivery while a company's orders came faster than one job applies them: each serialised with
  -- the commits of the other notifying transactions (the chain's own add_jobs among them, durable), and
  -- each woke the dispatcher for a look that found the gate held. A delivery committed just as the
  -- chain's last job opens the gate (it looked for rows before this one was visible) is found by the
  -- dispatcher's next look without a ring (SINCRO_PUSH_POLL_MS), as a chain freed always was.
  if v_order_topic and not exists (select 1 from sincro_private.store_inbox_gate g
                                   where g.azi = v_store.azi and g.rung_at > now() - interval '10 seconds') then
    perform sincro_private.ring_dispatcher();
  end if;
  status := 200;
  reason := case when v_order_topic then 'received' else 'ignored' end;
end;
$$;

comment on function sincro.store_webhook_receive(text, text, bytea, jsonb) is
  E'Takes one webhook delivery (store, raw body, lower-case headers): checks the signature on the raw body (401, nothing stored), stores it in the inbox (400 and an error row when not a JSON object; the worker''s dispatcher rings for an order row); answers the HTTP status. WooCommerce''s ping answers 200. SECURITY DEFINER: reads the store''s keys, which only the owner may.';

-- who may use it
revoke all on function sincro_private.store_enqueue_inbox(bigint) from public;
revoke all on function sincro_private.store_inbox_ring(text, integer, interval, boolean) from public;
revoke all on function sincro.store_inbox_dispatch(integer, interval, integer) from public;
grant execute on function sincro.store_inbox_dispatch(integer, interval, integer) to sincro_worker, sincro_admin;
revoke all on function sincro_private.store_order_identity(text, jsonb) from public;
revoke all on function sincro.store_webhook_receive(text, text, bytea, jsonb) from public;
grant execute on function sincro.store_webhook_receive(text, text, bytea, jsonb) to sincro_admin;
