/*
 * Pushes in batches (docs/erp-api.md, "Order batches"): a push_order job
 * claims its own order and up to max_orders - 1 other new orders of the same
 * company, the worker sends them to the ERP in one request, and writes every
 * answer back in one transaction (push_answers).
 *
 * Which other orders a batch takes: pending ones whose doorbell has not rung
 * yet (the dispatcher has not enqueued their job), or whose own doorbell
 * (their push_order job) is still waiting, alive and not taken by a worker.
 * Such a job is removed as its order is claimed, so each order is claimed by one job; an order
 * whose job already runs is left to it, and an order with no live job (a
 * manual-mode order whose one attempt failed: it waits for a partial sync) is
 * never taken. If the batch's worker dies, the orders stay in flight with no
 * job, and the sweep (sweep_pushes: in flight longer than 5 minutes, no live
 * job) rings for each again; a re-push is harmless because the ERP creates
 * orders idempotently on their web ID.
 *
 * SECURITY DEFINER: the worker's role has no write rights on order_push or the
 * job queue; these functions are its way to change them.
 */
create or replace function sincro.push_claim_batch(azi text, id_pub bigint, max_orders integer)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_requests jsonb := '[]';
  v_request jsonb;
  v_other bigint;
  v_rung boolean;
begin
  if max_orders is null or max_orders < 1 or max_orders > 1000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('push_claim_batch: max_orders must be between 1 and 1000 (got %s)', coalesce(max_orders::text, 'null')),
      hint = 'SINCRO_PUSH_BATCH sets it; 1 pushes each order in its own request.';
  end if;
  -- the job's own order first, with push_claim's rules (an order in flight is claimed again: its pusher may be dead)
  v_request := sincro.push_claim(azi, id_pub);
  if v_request is not null then
    v_requests := pg_catalog.jsonb_build_array(v_request);
  end if;
  if max_orders = 1 then
    return v_requests;
  end if;
  for v_other, v_rung in
    select p.id_pub, p.doorbell_rung
    from sincro.order_push p
    where p.azi = azi and p.state = 'pending' and p.id_pub <> id_pub
      and (not p.doorbell_rung
           or exists (select 1 from graphile_worker.jobs j
                      where j.key = pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub)
                        and j.locked_at is null and j.attempts < j.max_attempts))
    order by p.id_pub
    limit max_orders - pg_catalog.jsonb_array_length(v_requests)
    for update of p skip locked
  loop
    -- its doorbell is answered by this batch (a job a worker locked meanwhile keeps running: it finds the order in flight and pushes it again, harmlessly);
    -- an order the dispatcher has not rung for yet has no job: the claim marks it rung
    if v_rung then
      perform graphile_worker.remove_job(pg_catalog.format('push_order:%s:%s', azi, v_other));
    end if;
    v_request := sincro.push_claim(azi, v_other);
    if v_request is not null then
      v_requests := v_requests || pg_catalog.jsonb_build_array(v_request);
    end if;
  end loop;
  return v_requests;
end;
$$;

comment on function sincro.push_claim_batch(text, bigint, integer) is
  E'Worker, before one batch request to the ERP: claims the job''s own order (as push_claim) and up to max_orders - 1 other pending orders of the company not rung yet or whose push_order job is waiting (the job is removed: this batch answers it); returns the ERP requests as a JSON array, empty when there is nothing to push. SY101 for max_orders outside 1..1000. SECURITY DEFINER: the worker cannot write order_push or the job queue itself.';

create or replace function sincro.push_answers(azi text, answers jsonb)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_answer jsonb;
  v_position integer := 0;
  v_web_id bigint;
  v_outcome text;
begin
  if answers is null or pg_catalog.jsonb_typeof(answers) <> 'array' then
    raise exception using errcode = 'SY101', message = 'push_answers: answers must be a JSON array',
      hint = 'One object per order: {"web_id", "outcome": "acquired"|"rejected"|"failed", "tor_chia", "cliente_cod", "message"}.';
  end if;
  -- check them all before writing any: a bad answer leaves nothing half-written
  for v_answer in select a from pg_catalog.jsonb_array_elements(answers) a loop
    v_position := v_position + 1;
    if pg_catalog.jsonb_typeof(v_answer) <> 'object' or pg_catalog.jsonb_typeof(v_answer -> 'web_id') <> 'number' then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s: web_id must be a number', v_position);
    end if;
    v_outcome := v_answer ->> 'outcome';
    if v_outcome is null or v_outcome not in ('acquired', 'rejected', 'failed') then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s (web_id %s): outcome must be acquired, rejected or failed (got %s)', v_position, v_answer -> 'web_id', coalesce(v_answer ->> 'outcome', 'null'));
    end if;
    if v_outcome = 'acquired' and coalesce(v_answer ->> 'tor_chia', '') = '' then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s (web_id %s): an acquired order needs tor_chia', v_position, v_answer -> 'web_id');
    end if;
  end loop;
  -- then apply them, in web_id order (the same lock order in every batch)
  for v_answer in
    select a from pg_catalog.jsonb_array_elements(answers) a order by (a ->> 'web_id')::bigint
  loop
    v_web_id := (v_answer ->> 'web_id')::bigint;
    case v_answer ->> 'outcome'
      when 'acquired' then
        perform sincro.push_acquired(azi, v_web_id, v_answer ->> 'tor_chia', v_answer ->> 'cliente_cod');
      when 'rejected' then
        perform sincro.push_rejected(azi, v_web_id, coalesce(v_answer ->> 'message', 'rejected by the ERP'));
      else
        perform sincro.push_failed(azi, v_web_id, coalesce(v_answer ->> 'message', 'no answer from the ERP'));
    end case;
  end loop;
end;
$$;

comment on function sincro.push_answers(text, jsonb) is
  E'Worker, after one batch request to the ERP: writes every order''s answer back in one transaction — acquired (push_acquired: key, customer code, ack), rejected (push_rejected: the ERP''s message) or failed (push_failed: pending again). All answers are checked before any is written (SY101 names the bad one). SECURITY DEFINER: the worker cannot write order_push itself.';

-- who may use it
revoke all on function sincro.push_claim_batch(text,bigint,integer) from public;
grant execute on function sincro.push_claim_batch(text,bigint,integer) to sincro_worker, sincro_admin;
revoke all on function sincro.push_answers(text,jsonb) from public;
grant execute on function sincro.push_answers(text,jsonb) to sincro_worker, sincro_admin;
