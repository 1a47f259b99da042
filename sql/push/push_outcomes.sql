/*
 * The worker's side of a push, in four steps it calls around the ERP request:
 * claim (read the order, mark it in flight), then acquired, rejected or
 * failed. The TypeScript task only carries the order to the ERP and the answer
 * back; what an answer means is decided here.
 *
 * SECURITY DEFINER: the worker's role has no write rights on order_push; these
 * functions are its only way to change it. Granted to sincro_worker and
 * sincro_admin.
 */
create or replace function sincro.push_claim(azi text, id_pub bigint)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_push sincro.order_push;
  v_order sincro.arportes;
begin
  select * into v_push from sincro.order_push p
    where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub
    for update;
  if not found or v_push.state in ('acquired', 'rejected', 'resolved') then
    return null;  -- nothing to push (any more)
  end if;
  select * into v_order from sincro.arportes a where a.azi = push_claim.azi and a.id_pub = push_claim.id_pub;
  if v_order.ack_gest = 1 then
    update sincro.order_push p set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), updated_at = now(), doorbell_rung = true
      where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
    return null;
  end if;

  update sincro.order_push p
    set state = 'in_flight', attempts = p.attempts + 1, last_attempt_at = now(), updated_at = now(), doorbell_rung = true
    where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (push_claim.azi, push_claim.id_pub, 'push_started', pg_catalog.format('attempt %s', v_push.attempts + 1));
  -- the claim is advisory (if a crash loses it, the order is still pending and is pushed
  -- again, which the ERP's idempotency makes harmless): no need to wait for its fsync
  perform pg_catalog.set_config('synchronous_commit', 'off', true);

  return pg_catalog.jsonb_build_object(
    'azi', v_order.azi, 'web_id', v_order.id_pub, 'prov_tipo', v_order.prov_tipo, 'prov_id', v_order.prov_id,
    'id_int', v_order.id_int, 'autore_tipo', v_order.autore_tipo, 'autore_cod', v_order.autore_cod,
    'data_ordine', v_order.data_ordine::text, 'cliente_cod', v_order.cliente_cod, 'cod_agente', v_order.cod_agente,
    'dest_ragione_sociale', v_order.dest_ragione_sociale, 'dest_indirizzo', v_order.dest_indirizzo,
    'dest_cap', v_order.dest_cap, 'dest_citta', v_order.dest_citta, 'dest_provincia', v_order.dest_provincia,
    'dest_nazione', v_order.dest_nazione, 'cod_pagamento', v_order.cod_pagamento, 'note', v_order.note,
    'valuta', v_order.valuta, 'totale_imponibile', v_order.totale_imponibile::text,
    'totale_iva', v_order.totale_iva::text, 'totale_documento', v_order.totale_documento::text,
    'lines', (
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'riga', r.riga, 'articolo', r.articolo, 'descrizione', r.descrizione, 'quantita', r.quantita::text,
        'unita_misura', r.unita_misura, 'prezzo', r.prezzo::text, 'sconto', r.sconto::text, 'iva', r.iva,
        'data_consegna', r.data_consegna::text, 'note', r.note) order by r.riga)
      from sincro.arporrig r where r.azi = v_order.azi and r.id_pub = v_order.id_pub),
    'new_customer', (
      select pg_catalog.jsonb_build_object(
        'customer_id', c.customer_id, 'ragione_sociale', c.ragione_sociale, 'partita_iva', c.partita_iva,
        'codice_fiscale', c.codice_fiscale, 'email', c.email, 'telefono', c.telefono, 'indirizzo', c.indirizzo,
        'cap', c.cap, 'citta', c.citta, 'provincia', c.provincia, 'nazione', c.nazione)
      from sincro.new_customers c where c.azi = v_order.azi and c.customer_id = v_order.new_customer_id)
  );
end;
$$;

comment on function sincro.push_claim(text, bigint) is
  E'Worker, before calling the ERP: marks a pending order in flight (attempts + 1, event push_started) and returns it as the ERP request (header, lines, new customer) in JSON; NULL when there is nothing to push (acquired, rejected, resolved, unknown). SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text default null)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_order sincro.arportes;
  v_doc jsonb;
begin
  select * into v_order from sincro.arportes a where a.azi = push_acquired.azi and a.id_pub = push_acquired.id_pub;
  if not found then
    raise exception using
      errcode = 'SY200', message = pg_catalog.format('push_acquired: company %s has no order with id_pub %s', push_acquired.azi, push_acquired.id_pub);
  end if;

  -- the ERP's answer, in one step: key, ack, and the customer's code (also as author code of a new web customer)
  v_doc := pg_catalog.jsonb_build_object('id_pub', push_acquired.id_pub, 'tor_chia', push_acquired.tor_chia);
  if push_acquired.cliente_cod is not null then
    v_doc := v_doc || pg_catalog.jsonb_build_object('cliente_cod', push_acquired.cliente_cod);
    if v_order.autore_tipo = 'C' and v_order.autore_cod = '0' then
      v_doc := v_doc || pg_catalog.jsonb_build_object('autore_cod', push_acquired.cliente_cod);
    end if;
  end if;
  perform sincro.erp_write_order(push_acquired.azi, v_doc);

  update sincro.order_push p
    set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), last_error = null, updated_at = now()
    where p.azi = push_acquired.azi and p.id_pub = push_acquired.id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (push_acquired.azi, push_acquired.id_pub, 'push_acquired', push_acquired.tor_chia);
end;
$$;

comment on function sincro.push_acquired(text, bigint, text, text) is
  E'Worker, after the ERP created (or already had) the order: writes the ERP''s key and customer code back through erp_write_order and marks the push acquired (event push_acquired). Idempotent. SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_rejected(azi text, id_pub bigint, erp_message text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  with rejected as (
    update sincro.order_push p
      set state = 'rejected', erp_message = push_rejected.erp_message, updated_at = now()
      where p.azi = push_rejected.azi and p.id_pub = push_rejected.id_pub and p.state not in ('acquired', 'resolved')
      returning p.azi, p.id_pub)
  insert into sincro.order_events (azi, id_pub, event, detail)
    select r.azi, r.id_pub, 'push_rejected', push_rejected.erp_message from rejected r
$$;

comment on function sincro.push_rejected(text, bigint, text) is
  E'Worker, when the ERP refused the order as invalid: records the ERP''s message (also as event push_rejected); the order is not retried (see sincro.push_problems). SECURITY DEFINER: the worker cannot write order_push itself.';

create or replace function sincro.push_failed(azi text, id_pub bigint, error text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
  with failed as (
    update sincro.order_push p
      set state = 'pending', last_error = push_failed.error, updated_at = now()
      where p.azi = push_failed.azi and p.id_pub = push_failed.id_pub and p.state = 'in_flight'
      returning p.azi, p.id_pub)
  insert into sincro.order_events (azi, id_pub, event, detail)
    select f.azi, f.id_pub, 'push_failed', push_failed.error from failed f
$$;

comment on function sincro.push_failed(text, bigint, text) is
  E'Worker, when the ERP could not be reached (unreachable, timeout, server error): the order goes back to pending with the error (also as event push_failed); a retry, the sweep or a partial sync pushes it later. SECURITY DEFINER: the worker cannot write order_push itself.';

-- who may use it
revoke all on function sincro.push_acquired(text,bigint,text,text) from public;
grant execute on function sincro.push_acquired(text,bigint,text,text) to sincro_worker, sincro_admin;
revoke all on function sincro.push_claim(text,bigint) from public;
grant execute on function sincro.push_claim(text,bigint) to sincro_worker, sincro_admin;
revoke all on function sincro.push_failed(text,bigint,text) from public;
grant execute on function sincro.push_failed(text,bigint,text) to sincro_worker, sincro_admin;
revoke all on function sincro.push_rejected(text,bigint,text) from public;
grant execute on function sincro.push_rejected(text,bigint,text) to sincro_worker, sincro_admin;
