/*
 * Order events (push attempts and the ERP's answers, operators' actions) are
 * evidence, like history: nobody changes or removes them, not even the owner
 * by mistake. Readable with their order (the order's row-level security).
 */
create or replace function sincro_private.tg_order_events__append_only()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception using
    errcode = 'SY108',
    message = 'order_events: events are append-only',
    hint = 'Each push attempt and operator action adds an event; events are never changed or removed.';
end;
$$;

comment on function sincro_private.tg_order_events__append_only() is
  E'BEFORE UPDATE/DELETE on order_events: refuses every change (SY108).';

create trigger _100_append_only
  before update or delete on sincro.order_events
  for each row execute function sincro_private.tg_order_events__append_only();

create policy visible_order on sincro.order_events for select
  using (exists (select 1 from sincro.arportes a where a.azi = order_events.azi and a.id_pub = order_events.id_pub));

-- who may use it
revoke all on function sincro_private.tg_order_events__append_only() from public;
grant select on sincro.order_events to sincro_erp, sincro_worker, sincro_admin, sincro_operator;
