/*
 * What an operator does to a problem order from the console (or psql): push
 * it again now, or close it by hand with a note. Each action is an order
 * event with the operator's login, so the order's timeline shows who did what
 * and why.
 *
 * SECURITY DEFINER: operators have no write rights on order_push, the events
 * or the job queue. The functions therefore check the company themselves: an
 * order of a company the login may not see is "not found" (SY140), the same
 * answer as an order that does not exist, so a forged request learns nothing.
 */
create or replace function sincro_private.operator_order_push(azi text, id_pub bigint)
returns sincro.order_push
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_push sincro.order_push;
begin
  select * into v_push from sincro.order_push p
    where p.azi = azi and p.id_pub = id_pub and sincro_private.may_see_company(p.azi)
    for update;
  if not found then
    raise exception using
      errcode = 'SY140',
      message = pg_catalog.format('no order %s of company %s to act on', id_pub, azi),
      hint = 'Only store and app orders of a company your login serves can be retried or resolved.';
  end if;
  return v_push;
end;
$$;

comment on function sincro_private.operator_order_push(text, bigint) is
  E'The push row of an order the caller''s login may act on, locked; SY140 when there is none (unknown order, or another company''s). SECURITY DEFINER: reads order_push across row-level security and checks the company itself.';

create or replace function sincro.push_retry(azi text, id_pub bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
begin
  -- validate
  if v_push.state not in ('rejected', 'pending', 'in_flight') then
    raise exception using
      errcode = 'SY142',
      message = pg_catalog.format('order %s of company %s is %s: nothing to retry', id_pub, azi, v_push.state);
  end if;

  -- apply: pending again, and a fresh job now (the job key replaces a waiting one)
  update sincro.order_push p set state = 'pending', updated_at = now()
    where p.azi = azi and p.id_pub = id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (azi, id_pub, 'retry', pg_catalog.format('was %s', v_push.state));
  perform sincro_private.enqueue_push_order(azi, id_pub);
end;
$$;

comment on function sincro.push_retry(text, bigint) is
  E'Operator: push a rejected, failing or stuck order to the ERP again now (event retry). SY140 unknown or another company''s order; SY142 acquired or resolved. SECURITY DEFINER: writes order_push and the job queue; checks the company itself.';

create or replace function sincro.push_resolve(azi text, id_pub bigint, note text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
begin
  -- validate
  if note is null or pg_catalog.btrim(note) = '' then
    raise exception using
      errcode = 'SY141',
      message = pg_catalog.format('resolving order %s of company %s needs a note saying why', id_pub, azi);
  end if;
  if v_push.state not in ('rejected', 'pending', 'in_flight') then
    raise exception using
      errcode = 'SY142',
      message = pg_catalog.format('order %s of company %s is %s: nothing to resolve', id_pub, azi, v_push.state);
  end if;

  -- apply: never pushed again; the note and the login go to the order's events
  update sincro.order_push p set state = 'resolved', updated_at = now()
    where p.azi = azi and p.id_pub = id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (azi, id_pub, 'resolved', pg_catalog.btrim(note));
end;
$$;

comment on function sincro.push_resolve(text, bigint, text) is
  E'Operator: close a rejected, failing or stuck order by hand (state resolved, never pushed again), with a required note recorded as event resolved with the login. SY140 unknown or another company''s order; SY141 no note; SY142 acquired or already resolved. SECURITY DEFINER: writes order_push; checks the company itself.';

-- who may use it
revoke all on function sincro_private.operator_order_push(text,bigint) from public;
revoke all on function sincro.push_retry(text,bigint) from public;
grant execute on function sincro.push_retry(text,bigint) to sincro_operator, sincro_admin;
revoke all on function sincro.push_resolve(text,bigint,text) from public;
grant execute on function sincro.push_resolve(text,bigint,text) to sincro_operator, sincro_admin;
