/*
 * The doorbell for the worker: one graphile-worker job per store/app order,
 * added in the inserting transaction (so a rolled-back order leaves no job and
 * a committed one always has one). The job key makes a second enqueue of the
 * same order replace, not duplicate, a waiting job (and start a fresh one if
 * the old one is locked by a worker that died). In manual mode the job gets
 * one attempt; the order then waits for a partial sync.
 *
 * SECURITY DEFINER because clients have no rights on the graphile_worker
 * schema; this is the only path by which they cause a job to exist.
 */
create or replace function sincro_private.enqueue_push_order(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
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
  E'Enqueues the graphile-worker job push_order for one order (job key push_order:<azi>:<id_pub>; 25 attempts in auto mode, 1 in manual).';

-- who may use it
revoke all on function sincro_private.enqueue_push_order(text,bigint) from public;
