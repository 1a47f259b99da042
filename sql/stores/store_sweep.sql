/*
 * The stores' part of the worker's every-minute round: rings again for inbox
 * rows still received and status backs still pending without a live job (a
 * worker killed while holding the job, a job that failed for good), and for
 * each store whose reconciliation is due. Re-ringing is harmless: every step
 * is idempotent.
 *
 * SECURITY DEFINER: reads and writes the job queue.
 */
create or replace function sincro.store_sweep(stale_after interval default interval '5 minutes',
  out inbox_rows integer, out status_backs integer, out reconciliations integer)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_row record;
begin
  inbox_rows := 0;
  status_backs := 0;
  reconciliations := 0;
  for v_row in
    select i.inbox_id from sincro_private.store_inbox i
    where i.state = 'received' and i.received_at <= now() - stale_after
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = 'store_inbox:' || i.inbox_id and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
    order by i.inbox_id
  loop
    perform sincro_private.store_enqueue_inbox(v_row.inbox_id);
    inbox_rows := inbox_rows + 1;
  end loop;

  for v_row in
    select o.azi, o.id_pub from sincro_private.store_order o
    where o.status_back = 'pending' and o.status_back_at <= now() - stale_after
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = pg_catalog.format('store_status_back:%s:%s', o.azi, o.id_pub) and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
  loop
    perform sincro_private.enqueue_store_status_back(v_row.azi, v_row.id_pub);
    status_backs := status_backs + 1;
  end loop;

  for v_row in
    select s.store_id from sincro_private.store s
    where s.removed_at is null and s.api_url is not null
      and (s.last_reconciled_at is null or s.last_reconciled_at + s.reconcile_every <= now())
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = 'store_reconcile:' || s.store_id and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
  loop
    perform graphile_worker.add_job(identifier := 'store_reconcile', payload := pg_catalog.json_build_object('store_id', v_row.store_id),
                                    job_key := 'store_reconcile:' || v_row.store_id, max_attempts := 1);
    reconciliations := reconciliations + 1;
  end loop;
end;
$$;

comment on function sincro.store_sweep(interval) is
  E'Re-enqueues inbox rows still received and status backs still pending for longer than stale_after without a live job, and the reconciliation of every store that is due; returns how many of each. Run by the worker every minute. SECURITY DEFINER: reads and writes the job queue.';

-- who may use it
revoke all on function sincro.store_sweep(interval) from public;
grant execute on function sincro.store_sweep(interval) to sincro_worker, sincro_admin;
