/*
 * What an operator does to a problem order from the console (or psql): push
 * it again now, or close it by hand with a note. Each action is an order
 * event with the operator's login, so the order's timeline shows who did what
 * and why.
 *
 * SECURITY DEFINER: operators have no write rights on order_push, the events
 * or the job queue. The functions therefore check the company themselves: an
 * order of a company the login may not see is "not found" (SY160), the same
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
      errcode = 'SY160',
      message = pg_catalog.format('no order %s of company %s to act on', id_pub, azi),
      hint = 'Only store and app orders of a company your login serves can be retried or resolved.';
  end if;
  return v_push;
end;
$$;

comment on function sincro_private.operator_order_push(text, bigint) is
  E'The push row of an order the caller''s login may act on, locked; SY160 when there is none (unknown order, or another company''s). SECURITY DEFINER: reads order_push across row-level security and checks the company itself.';

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
      errcode = 'SY162',
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
  E'Operator: push a rejected, failing or stuck order to the ERP again now (event retry). SY160 unknown or another company''s order; SY162 acquired or resolved. SECURITY DEFINER: writes order_push and the job queue; checks the company itself.';

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
      errcode = 'SY161',
      message = pg_catalog.format('resolving order %s of company %s needs a note saying why', id_pub, azi);
  end if;
  if v_push.state not in ('rejected', 'pending', 'in_flight') then
    raise exception using
      errcode = 'SY162',
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
  E'Operator: close a rejected, failing or stuck order by hand (state resolved, never pushed again), with a required note recorded as event resolved with the login. SY160 unknown or another company''s order; SY161 no note; SY162 acquired or already resolved. SECURITY DEFINER: writes order_push; checks the company itself.';

/*
 * A rejection caused by a new customer's data (a malformed VAT number, say)
 * is fixed where the data is: the operator corrects the new customer's
 * fields — only those — and the order is pushed again. What changed (before
 * → after) and who changed it go to the order's events; a stored new customer
 * otherwise changes only by the ERP's answer, so the change is made as the
 * hub (party H).
 */
create or replace function sincro.new_customer_correct(azi text, id_pub bigint, corrections jsonb)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  c_fields constant text[] := array['ragione_sociale', 'partita_iva', 'codice_fiscale', 'email', 'telefono',
                                    'indirizzo', 'cap', 'citta', 'provincia', 'nazione'];
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
  v_before sincro.new_customers;
  v_after sincro.new_customers;
  v_changes text;
  v_previous_party text;
  v_field text;
begin
  -- validate
  if v_push.state <> 'rejected' then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s is %s: only a rejected order is corrected and resent', id_pub, azi, v_push.state);
  end if;
  select c.* into v_before
    from sincro.arportes a join sincro.new_customers c on c.azi = a.azi and c.customer_id = a.new_customer_id
    where a.azi = azi and a.id_pub = id_pub
    for update of c;
  if not found then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s carries no new customer to correct', id_pub, azi),
      hint = 'Retry the order, or resolve it with a note.';
  end if;
  if corrections is null or pg_catalog.jsonb_typeof(corrections) <> 'object' then
    raise exception using errcode = 'SY101', message = 'new_customer_correct: corrections must be a JSON object of the new customer''s fields';
  end if;
  select k into v_field from pg_catalog.jsonb_each(corrections) e(k, v)
    where e.k <> all (c_fields) or pg_catalog.jsonb_typeof(e.v) not in ('string', 'null') order by k limit 1;
  if v_field is not null then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('new_customer_correct: field "%s" is not a new customer''s text field', v_field),
      hint = pg_catalog.format('Correct only these, as text or null: %s.', pg_catalog.array_to_string(c_fields, ', '));
  end if;
  v_after := pg_catalog.jsonb_populate_record(v_before, corrections);
  if v_after.ragione_sociale is null or pg_catalog.btrim(v_after.ragione_sociale) = '' or v_after.nazione is null then
    raise exception using errcode = 'SY102', message = 'new_customer_correct: ragione_sociale and nazione cannot be blank';
  end if;
  if pg_catalog.upper(pg_catalog.btrim(v_after.nazione)) = 'IT' then
    v_after.partita_iva := sincro_private.fiscal_normalised('partita_iva', v_after.partita_iva);
    v_after.codice_fiscale := sincro_private.fiscal_normalised('codice_fiscale', v_after.codice_fiscale);
  end if;
  select pg_catalog.string_agg(pg_catalog.format('%s: %s → %s', k, coalesce(pg_catalog.to_jsonb(v_before) ->> k, '∅'), coalesce(pg_catalog.to_jsonb(v_after) ->> k, '∅')), '; ' order by k)
    into v_changes
    from pg_catalog.unnest(c_fields) k
    where pg_catalog.to_jsonb(v_before) -> k is distinct from pg_catalog.to_jsonb(v_after) -> k;
  if v_changes is null then
    raise exception using errcode = 'SY162', message = pg_catalog.format('new_customer_correct: nothing to correct for order %s of company %s (no field changed)', id_pub, azi);
  end if;
  -- an operator's correction meets the same fiscal checks as a client's new customer (SY180, SY181)
  if pg_catalog.upper(pg_catalog.btrim(v_after.nazione)) = 'IT' then
    perform sincro_private.check_fiscal_fields('new_customer_correct', v_after.partita_iva, v_after.codice_fiscale);
  end if;

  -- apply: the corrected customer, its record in the order's events, and the push again
  v_previous_party := sincro_private.set_party('H');
  update sincro.new_customers c
    set ragione_sociale = v_after.ragione_sociale, partita_iva = v_after.partita_iva, codice_fiscale = v_after.codice_fiscale,
        email = v_after.email, telefono = v_after.telefono, indirizzo = v_after.indirizzo, cap = v_after.cap,
        citta = v_after.citta, provincia = v_after.provincia, nazione = v_after.nazione
    where c.azi = v_before.azi and c.customer_id = v_before.customer_id;
  perform sincro_private.restore_party(v_previous_party);
  insert into sincro.order_events (azi, id_pub, event, detail) values (azi, id_pub, 'corrected', v_changes);
  perform sincro.push_retry(azi, id_pub);
end;
$$;

comment on function sincro.new_customer_correct(text, bigint, jsonb) is
  E'Operator: correct the new customer of a rejected order (only its fields: ragione_sociale, partita_iva, codice_fiscale, email, telefono, indirizzo, cap, citta, provincia, nazione) and push the order again; the changes (before → after) and the login go to the order''s events (corrected, retry). SY160 unknown or another company''s order; SY162 not rejected, no new customer, nothing changed; SY101 a field that is not the customer''s; SY102 a blank name or country; SY180/SY181 an Italian customer''s partita IVA or codice fiscale that fails its check. SECURITY DEFINER: writes the new customer as the hub; checks the company itself.';

-- who may use it
revoke all on function sincro_private.operator_order_push(text,bigint) from public;
revoke all on function sincro.push_retry(text,bigint) from public;
grant execute on function sincro.push_retry(text,bigint) to sincro_operator, sincro_admin;
revoke all on function sincro.push_resolve(text,bigint,text) from public;
grant execute on function sincro.push_resolve(text,bigint,text) to sincro_operator, sincro_admin;
revoke all on function sincro.new_customer_correct(text,bigint,jsonb) from public;
grant execute on function sincro.new_customer_correct(text,bigint,jsonb) to sincro_operator, sincro_admin;
