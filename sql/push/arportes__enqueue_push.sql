/*
 * Rule 1 of the protocol: a new store/app order reaches the ERP in real time.
 * Its push state (pending) and its job are written in the inserting
 * transaction, so they exist exactly when the order does.
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
  perform sincro_private.enqueue_push_order(new.azi, new.id_pub);
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__enqueue_push() is
  E'AFTER INSERT on arportes (store and app orders): records the push as pending and enqueues the push_order job in the same transaction. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _500_enqueue_push
  after insert on sincro.arportes
  for each row
  when (new.prov_tipo in ('S', 'A'))
  execute function sincro_private.tg_arportes__enqueue_push();

-- who may use it
revoke all on function sincro_private.tg_arportes__enqueue_push() from public;
