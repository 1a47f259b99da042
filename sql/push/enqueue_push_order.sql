/*
 * The doorbell for the worker: one graphile-worker job per store/app order.
 * A new order is taken by the worker's dispatcher (sincro.push_take, below)
 * without a job; this function rings for one order that needs one (the
 * sweep, an operator's re-push). The
 * job key makes a second enqueue of the same order replace, not duplicate, a
 * waiting job (and start a fresh one if the old one is locked by a worker
 * that died). In manual mode the job gets one attempt; the order then waits
 * for a partial sync.
 *
 * SECURITY DEFINER because no client or worker role has rights on the
 * graphile_worker schema's tables.
 */
create or replace function sincro_private.enqueue_push_order(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro.order_push p set doorbell_rung = true
    where p.azi = enqueue_push_order.azi and p.id_pub = enqueue_push_order.id_pub and not p.doorbell_rung;
  perform graphile_worker.add_job(
    identifier := 'push_order',
    payload := pg_catalog.json_build_object('azi', azi, 'id_pub', id_pub),
    job_key := pg_catalog.format('push_order:%s:%s', azi, id_pub),
    max_attempts := case (select c.push_mode from sincro_private.company c where c.azi = enqueue_push_order.azi)
                      when 'manual' then 1 else 25 end
  );
end;
$$;

comment on function sincro_private.enqueue_push_order(text, bigint) is
  E'Enqueues the graphile-worker job push_order for one order (job key push_order:<azi>:<id_pub>; 25 attempts in auto mode, 1 in manual) and marks its doorbell rung.';

-- who may use it
revoke all on function sincro_private.enqueue_push_order(text,bigint) from public;

/*
 * The worker's dispatcher (src/worker/dispatcher.ts) takes new orders and
 * pushes them itself, without a graphile-worker job: a job would cost the
 * insert a NOTIFY (PostgreSQL serialises the commits of notifying
 * transactions) and every order two more commits (taking the job, completing
 * it). push_take claims, as push_claim does, up to max_orders new orders
 * (doorbell not rung) of one company, the company of the oldest one, in
 * web-ID order; rows another dispatcher holds are skipped. Each claimed order
 * is marked rung, in flight, with its push_started event; the result is the
 * company and the ERP requests (an empty set: nothing new). The claim's
 * commit is asynchronous, like push_claim's: a claim lost in a crash leaves
 * the order pending and not rung, and it is taken again.
 *
 * What the dispatcher sends comes back through push_answers (or
 * push_acquired / push_rejected / push_failed); a failed push gets its retry
 * from push_retry_later. If the worker dies holding a claim, the order stays
 * in flight with no job, and sweep_pushes rings for it after 5 minutes.
 *
 * SECURITY DEFINER: the worker's role may not write order_push or the job
 * queue itself. SY101 for max_orders outside 1..1000.
 */
create or replace function sincro.push_take(max_orders integer, out azi text, out requests jsonb)
returns setof record
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_azi text;
  v_id_pub bigint;
  v_request jsonb;
  v_requests jsonb := '[]';
begin
  if max_orders is null or max_orders < 1 or max_orders > 1000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('push_take: max_orders must be between 1 and 1000 (got %s)', coalesce(max_orders::text, 'null')),
      hint = 'SINCRO_PUSH_BATCH sets it where the ERP takes batches; 1 otherwise.';
  end if;
  -- the company of the oldest new order nobody else holds
  select p.azi into v_azi
  from sincro.order_push p
  where p.state = 'pending' and not p.doorbell_rung
  order by p.created_at, p.azi, p.id_pub
  limit 1
  for update skip locked;
  if v_azi is null then
    return;
  end if;
  for v_id_pub in
    select p.id_pub
    from sincro.order_push p
    where p.azi = v_azi and p.state = 'pending' and not p.doorbell_rung
    order by p.id_pub
    limit max_orders
    for update skip locked
  loop
    -- in flight, rung, push_started (or acquired already, and rung: nothing to send)
    v_request := sincro.push_claim(v_azi, v_id_pub);
    if v_request is not null then
      v_requests := v_requests || pg_catalog.jsonb_build_array(v_request);
    end if;
  end loop;
  azi := v_azi;
  requests := v_requests;
  return next;
end;
$$;

comment on function sincro.push_take(integer) is
  E'Worker''s dispatcher: claims (as push_claim) up to max_orders new orders of one company, the company of the oldest new order, in web-ID order, and returns the company and the ERP requests (no row: nothing new). The orders are in flight and rung; their answers go back through push_answers. SY101 for max_orders outside 1..1000. SECURITY DEFINER: the worker cannot write order_push itself.';

/*
 * After a push by the dispatcher failed (the ERP unreachable, a timeout, a
 * server error: push_failed put the order back to pending), the retries are
 * graphile-worker's, with its backoff: a push_order job per order, first run
 * after `after`, 25 attempts, for an auto-mode company. In manual mode the
 * dispatcher's push was the one attempt: the order waits for a partial sync.
 * Orders no longer pending are left alone. Returns how many got a job.
 */
create or replace function sincro.push_retry_later(azi text, id_pubs bigint[], after interval default interval '2 seconds')
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_specs graphile_worker.job_spec[];
begin
  if after is null or after < interval '0' or after > interval '1 day' then
    raise exception using errcode = 'SY101',
      message = pg_catalog.format('push_retry_later: after must be between 0 and 1 day (got %s)', coalesce(after::text, 'null'));
  end if;
  select pg_catalog.array_agg(row(
           'push_order'::text,
           pg_catalog.json_build_object('azi', p.azi, 'id_pub', p.id_pub),
           null::text, now() + after, 25::smallint,
           pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub),
           null::smallint, null::text[])::graphile_worker.job_spec
         order by p.id_pub)
    into v_specs
  from sincro.order_push p
  join sincro_private.company c on c.azi = p.azi
  where p.azi = azi and p.id_pub = any (id_pubs) and p.state = 'pending' and c.push_mode = 'auto';
  if v_specs is null then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return pg_catalog.cardinality(v_specs);
end;
$$;

comment on function sincro.push_retry_later(text, bigint[], interval) is
  E'Worker''s dispatcher, after pushes that failed: a push_order job (25 attempts, first run after `after`) for each of these orders still pending, in an auto-mode company; in manual mode none (the order waits for a partial sync). Returns how many. SY101 for after outside 0..1 day. SECURITY DEFINER: the worker cannot write the job queue for another task.';

revoke all on function sincro.push_take(integer) from public;
grant execute on function sincro.push_take(integer) to sincro_worker, sincro_admin;
revoke all on function sincro.push_retry_later(text, bigint[], interval) from public;
grant execute on function sincro.push_retry_later(text, bigint[], interval) to sincro_worker, sincro_admin;
