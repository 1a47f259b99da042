/*
 * Rule 1 of the protocol: a new store/app order reaches the ERP in real time.
 * Its push record (pending, doorbell not rung) is written in the inserting
 * transaction, so it exists exactly when the order does. The worker's
 * dispatcher (sincro.dispatch_poll) takes it and pushes it: the insert adds
 * no job and sends no NOTIFY while the dispatcher is busy, so concurrent
 * inserts keep PostgreSQL's group commit (issue 15); it rings a dispatcher
 * that dozes (sincro_private.ring_dispatcher). If the worker is down, the
 * record waits; the dispatcher finds it when it starts.
 */
create or replace function sincro_private.tg_arportes__enqueue_push()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  insert into sincro.order_push (azi, id_pub) values (new.azi, new.id_pub);
  perform sincro_private.ring_dispatcher();
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__enqueue_push() is
  E'AFTER INSERT on arportes (store and app orders): records the push as pending, its doorbell not rung yet (the worker''s dispatcher takes it: sincro.push_take), and rings a dozing dispatcher (sincro_private.ring_dispatcher). SECURITY DEFINER: fired by clients'' statements, it reaches a table they have no rights on.';

create trigger _500_enqueue_push
  after insert on sincro.arportes
  for each row
  when (new.prov_tipo in ('S', 'A'))
  execute function sincro_private.tg_arportes__enqueue_push();

-- who may use it
revoke all on function sincro_private.tg_arportes__enqueue_push() from public;
