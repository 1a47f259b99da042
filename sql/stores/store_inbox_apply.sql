/*
 * One inbox row becomes what it means, in one transaction:
 *
 *   - the first version of an order the shop has accepted: a hub order (new
 *     customer, header, lines) written as the store party (prov_tipo S,
 *     id_int = the store's prefix and the platform's order ID), state created;
 *   - a version of an order the hub already has: nothing the ERP owns changes;
 *     a newer one records the shop's status, cancellation or refund (state
 *     updated; it is not mapped again, so a later edit the hub could not take
 *     as a new order is no error), an older or equal one is a duplicate;
 *   - an order the shop has not accepted yet (WooCommerce pending payment,
 *     a cancelled Shopify order the hub never had), or a deleted one the hub
 *     never had: ignored, with the reason;
 *   - anything that cannot be mapped or fails a check (SY173, the order
 *     triggers' own SY1xx, a value PostgreSQL refuses): error, with the reason;
 *     the subtransaction rolls back whatever it had written.
 *
 * Once per (store, platform order ID): the store_order row is inserted before
 * the order, so two deliveries of the same order applied at once serialize on
 * its key; the second finds the first's row once it commits. A row already
 * handled is left as it is, so a job that runs twice does nothing the second
 * time. Errors of another kind (a lost connection, a deadlock) are not the
 * order's fault: they propagate, the transaction rolls back, the job retries.
 *
 * SECURITY DEFINER: reads the inbox and writes orders as the store party;
 * granted to the worker (and admin).
 */
create or replace function sincro.store_inbox_apply(inbox_id bigint, out state text, out id_pub bigint, out error text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_row sincro_private.store_inbox;
  v_store sincro_private.store;
  v_settings jsonb;
  v_payload jsonb;
  v_order jsonb;
  v_status jsonb;
  v_known sincro_private.store_order;
  v_company sincro_private.company;
  v_customer jsonb;
  v_cliente text;
  v_new_customer bigint;
  v_id_int text;
  v_id_pub bigint;
  v_state text;
  v_reason text;
  v_deleted boolean;
  v_detail text;
  v_hint text;
begin
  select * into v_row from sincro_private.store_inbox i where i.inbox_id = inbox_id for update;
  if not found then
    raise exception using errcode = 'SY174', message = pg_catalog.format('store_inbox_apply: no inbox row %s', inbox_id);
  end if;
  if v_row.state <> 'received' then
    state := v_row.state; id_pub := v_row.id_pub; error := v_row.error;
    return;  -- already handled
  end if;
  select * into v_store from sincro_private.store s where s.store_id = v_row.store_id;
  v_settings := sincro_private.store_settings(v_store.store_id);

  begin
    -- read
    if v_store.removed_at is not null then
      v_state := 'ignored';
      v_reason := 'the store was removed';
    else
      v_payload := pg_catalog.convert_from(v_row.body, 'UTF8')::jsonb;
      if v_row.platform_order_id is null then
        perform sincro_private.store_refuse('the body has no order id');
      end if;
      v_deleted := v_row.topic in ('order.deleted', 'orders/delete');
      if not v_deleted and v_row.modified_at is null then
        perform sincro_private.store_refuse(case v_store.platform when 'woocommerce' then 'date_modified_gmt' else 'updated_at' end
                                            || ' is missing or not a time');
      end if;
      -- the shop's status of the order (all a later version may change); the whole mapping only to create it
      v_status := case when v_deleted then '{"status": "deleted", "accept": false, "cancelled": true, "refunded": false}'::jsonb
                       else sincro_private.store_order_status(v_store.platform, v_payload, v_settings) end;

      -- an order the hub has (or is being written by another delivery: wait for it)
      select * into v_known from sincro_private.store_order o
      where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
      if not found and not (v_status ->> 'accept')::boolean then
        v_state := 'ignored';
        v_reason := case when v_deleted then 'deleted on the shop before the hub had it'
                         else pg_catalog.format('status %s does not make an order yet', coalesce(v_status ->> 'status', '(none)')) end;
      else
        if not found then
          insert into sincro_private.store_order (store_id, platform_order_id, azi)
            values (v_store.store_id, v_row.platform_order_id, v_store.azi)
            on conflict on constraint store_order_pkey do nothing;
          if not found then
            select * into v_known from sincro_private.store_order o
            where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
          end if;
        end if;

        if v_known.store_id is not null then
          -- update: nothing the ERP owns changes; the shop's status is recorded
          select * into v_known from sincro_private.store_order o
          where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id for update;
          v_id_pub := v_known.id_pub;
          -- older, or the same modification time (WooCommerce's has whole seconds) with the same status: a duplicate
          if not v_deleted and v_known.modified_at is not null
             and (v_row.modified_at < v_known.modified_at
                  or (v_row.modified_at = v_known.modified_at
                      and (v_status ->> 'status') is not distinct from v_known.platform_status
                      and (v_status ->> 'cancelled')::boolean = (v_known.cancelled_at is not null)
                      and (not (v_status ->> 'refunded')::boolean or v_known.refunded))) then
            v_state := 'duplicate';
          else
            update sincro_private.store_order o
              set modified_at = coalesce(v_row.modified_at, o.modified_at),
                  platform_status = v_status ->> 'status',
                  cancelled_at = case when (v_status ->> 'cancelled')::boolean then coalesce(o.cancelled_at, now()) end,
                  refunded = o.refunded or (v_status ->> 'refunded')::boolean,
                  updated_at = now()
              where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
            v_state := 'updated';
            v_reason := case when v_deleted then 'deleted on the shop'
                             when (v_status ->> 'cancelled')::boolean then 'cancelled on the shop'
                             when (v_status ->> 'refunded')::boolean then 'refunded on the shop' end;
          end if;
        else
          -- create: map and check, then customer, header, lines
          v_order := case v_store.platform when 'woocommerce' then sincro_private.store_map_woocommerce(v_payload, v_settings)
                                           else sincro_private.store_map_shopify(v_payload, v_settings) end;
          select * into v_company from sincro_private.company c where c.azi = v_store.azi;
          if pg_catalog.jsonb_array_length(v_order -> 'lines') > v_company.max_lines_per_order then
            perform sincro_private.raise_too_large('store order', 'lines', pg_catalog.jsonb_array_length(v_order -> 'lines'),
                                                   v_store.azi, 'max_lines_per_order', v_company.max_lines_per_order);
          end if;
          v_customer := v_order -> 'customer';
          if coalesce(v_customer ->> 'nazione', 'IT') = 'IT' then
            perform sincro_private.store_check_fiscal(v_customer);
          end if;
          v_id_int := v_store.id_int_prefix || v_row.platform_order_id;

          select c.cliente_cod into v_cliente from sincro_private.store_customer c
          where c.azi = v_store.azi and c.store_id = v_store.store_id
            and ((c.match_kind = 'customer_id' and c.match_value = v_customer ->> 'platform_id')
                 or (c.match_kind = 'email' and c.match_value = v_customer ->> 'email'))
          order by c.match_kind  -- customer_id before email
          limit 1;
          if v_cliente is null then
            if v_customer ->> 'ragione_sociale' is null then
              perform sincro_private.store_refuse('the billing address has neither a company nor a name', 'A new customer needs a name.');
            end if;
            insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, partita_iva, codice_fiscale, email, telefono,
                                              indirizzo, cap, citta, provincia, nazione)
              values (v_store.azi, 'S', v_id_int, v_customer ->> 'ragione_sociale', v_customer ->> 'partita_iva', v_customer ->> 'codice_fiscale',
                      v_customer ->> 'email', v_customer ->> 'telefono', v_customer ->> 'indirizzo', v_customer ->> 'cap',
                      v_customer ->> 'citta', v_customer ->> 'provincia', coalesce(v_customer ->> 'nazione', 'IT'))
              returning customer_id into v_new_customer;
            if v_new_customer is null then
              v_new_customer := sincro.find_new_customer(v_store.azi, 'S', null, v_id_int);
            end if;
          end if;

          insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod, new_customer_id, data_ordine,
                                       dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
                                       cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
            values (v_store.azi, 'S', v_id_int, 'C', coalesce(v_cliente, '0'), v_cliente, v_new_customer, (v_order ->> 'data_ordine')::date,
                    v_order -> 'dest' ->> 'ragione_sociale', v_order -> 'dest' ->> 'indirizzo', v_order -> 'dest' ->> 'cap',
                    v_order -> 'dest' ->> 'citta', v_order -> 'dest' ->> 'provincia', v_order -> 'dest' ->> 'nazione',
                    v_settings -> 'payment_codes' ->> (v_order ->> 'payment'),
                    pg_catalog.concat_ws(E'\n',
                      pg_catalog.format('%s order %s', case v_store.platform when 'woocommerce' then 'WooCommerce' else 'Shopify' end, v_order ->> 'number'),
                      v_order ->> 'note',
                      'Coupons: ' || (v_order ->> 'coupons'),
                      'Payment: ' || (v_order ->> 'payment_title'),
                      'PEC: ' || (v_customer ->> 'pec'),
                      'SDI: ' || (v_customer ->> 'sdi')),
                    v_order ->> 'currency',
                    (v_order ->> 'totale_documento')::numeric - (v_order ->> 'totale_iva')::numeric,
                    (v_order ->> 'totale_iva')::numeric, (v_order ->> 'totale_documento')::numeric)
            returning arportes.id_pub into v_id_pub;
          if v_id_pub is null then
            v_id_pub := sincro.find_order(v_store.azi, 'S', null, v_id_int);  -- the same order, already written (identical)
          else
            insert into sincro.arporrig (azi, id_pub, riga, articolo, descrizione, quantita, prezzo, sconto, iva)
              select v_store.azi, v_id_pub, l.n, l.value ->> 'articolo', l.value ->> 'descrizione', (l.value ->> 'quantita')::numeric,
                     (l.value ->> 'prezzo')::numeric, (l.value ->> 'sconto')::numeric, l.value ->> 'iva'
              from pg_catalog.jsonb_array_elements(v_order -> 'lines') with ordinality l(value, n);
          end if;
          update sincro_private.store_order o
            set id_pub = v_id_pub, order_number = v_order ->> 'number', platform_customer_id = v_customer ->> 'platform_id',
                modified_at = v_row.modified_at, platform_status = v_status ->> 'status',
                refunded = (v_status ->> 'refunded')::boolean,
                status_back = case when v_store.api_url is null or not coalesce((v_settings ->> 'status_back')::boolean, true) then 'off' else 'waiting' end,
                status_back_at = now()
            where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
          v_state := 'created';
        end if;
      end if;
    end if;
  exception when others then
    -- the order's own fault (our codes, a value PostgreSQL refuses): an error row; anything else: retried
    if sqlstate !~ '^(SY|22|23)' then
      raise;
    end if;
    get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    v_state := 'error';
    v_id_pub := null;
    v_reason := pg_catalog.format('%s %s', sqlstate, sqlerrm) || coalesce(' (' || nullif(v_detail, '') || ')', '');
  end;

  update sincro_private.store_inbox i
    set state = v_state, id_pub = v_id_pub, error = v_reason, processed_at = now()
    where i.inbox_id = store_inbox_apply.inbox_id;
  state := v_state; id_pub := v_id_pub; error := v_reason;
end;
$$;

comment on function sincro.store_inbox_apply(bigint) is
  E'Turns one received inbox row into a hub order (created), records a later version of an order the hub has (updated; nothing the ERP owns changes) or an older one (duplicate), or says why not (ignored, error): once per (store, platform order ID), nothing half-written. SECURITY DEFINER: writes orders as the store party.';

/*
 * Several inbox rows in one transaction (a store_inbox_apply job of the
 * dispatcher carries up to ten): each applied by sincro.store_inbox_apply in
 * the order given, so each row's own failure is its error row and leaves the
 * others be, and the whole batch costs one commit. Then the company's chain
 * goes on (sincro.store_inbox_dispatch): its next ten deliveries get their
 * job, rung at this commit, or its gate opens. A failure of another kind
 * rolls the whole batch back; the worker then applies the rows one by one
 * (src/worker/tasks/store_inbox_apply.ts), so one row cannot hold the others.
 */
create or replace function sincro.store_inbox_apply_many(inbox_ids bigint[])
returns table (inbox_id bigint, state text, id_pub bigint, error text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_id bigint;
  v_result record;
  v_azi text;
  v_spec graphile_worker.job_spec;
begin
  if inbox_ids is null or pg_catalog.cardinality(inbox_ids) not between 1 and 100 or pg_catalog.array_position(inbox_ids, null) is not null then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('store_inbox_apply_many: inbox_ids must hold 1 to 100 inbox IDs, none NULL (got %s)',
                                  coalesce(pg_catalog.cardinality(inbox_ids)::text || ' elements', 'NULL')),
      hint = 'Apply bigger sets in several calls.';
  end if;
  foreach v_id in array inbox_ids loop
    select * into v_result from sincro.store_inbox_apply(v_id);
    inbox_id := v_id; state := v_result.state; id_pub := v_result.id_pub; error := v_result.error;
    return next;
  end loop;
  -- the chain (sincro.store_inbox_dispatch): a company whose gate is held gets its next job from here, rung
  -- when this one commits, or its gate opened when none of its deliveries waits
  for v_azi in
    select distinct i.azi from sincro_private.store_inbox i
    where i.inbox_id = any (inbox_ids) and exists (select 1 from sincro_private.store_inbox_gate g where g.azi = i.azi)
  loop
    v_spec := sincro_private.store_inbox_ring(v_azi, 10, interval '0', true);
    if v_spec.identifier is null then  -- (none rung; a row IS NULL would also hold for a spec with a NULL field)
      delete from sincro_private.store_inbox_gate g where g.azi = v_azi;
    else
      perform graphile_worker.add_jobs(array[v_spec]);
    end if;
  end loop;
end;
$$;

comment on function sincro.store_inbox_apply_many(bigint[]) is
  E'Applies 1 to 100 inbox rows in one transaction, each as sincro.store_inbox_apply does (its own failure is its error row), then rings the next job of each company whose store_inbox_apply chain it continues (or opens its gate); returns each row''s outcome. SY101 for an empty, NULL-holding or larger array. SECURITY DEFINER: writes orders as the store party.';

/*
 * What an admin (the CLI's `store inbox`) reads of the inbox: everything but
 * the signature header and the body itself (its size is shown).
 */
create or replace view sincro.store_inbox
with (security_barrier)
as
  select i.inbox_id, i.store_id, i.azi, i.source, i.topic,
         i.headers - 'x-wc-webhook-signature' - 'x-shopify-hmac-sha256' as headers,
         pg_catalog.octet_length(i.body) as body_bytes, i.platform_order_id, i.modified_at, i.received_at,
         i.state, i.id_pub, i.error, i.processed_at
  from sincro_private.store_inbox i;

comment on view sincro.store_inbox is E'The stores'' inbox without signatures and bodies (admin): what came in and what it became.';
comment on column sincro.store_inbox.inbox_id is E'Order of arrival.';
comment on column sincro.store_inbox.store_id is E'The store it came from.';
comment on column sincro.store_inbox.azi is E'The store''s company.';
comment on column sincro.store_inbox.source is E'webhook or reconcile.';
comment on column sincro.store_inbox.topic is E'The webhook topic (order.created, orders/updated…), or reconcile.';
comment on column sincro.store_inbox.headers is E'The delivery''s headers, without the signature.';
comment on column sincro.store_inbox.body_bytes is E'Size of the raw body.';
comment on column sincro.store_inbox.platform_order_id is E'The order''s id on the platform.';
comment on column sincro.store_inbox.modified_at is E'The order''s modification time on the platform.';
comment on column sincro.store_inbox.received_at is E'When the hub stored it.';
comment on column sincro.store_inbox.state is E'received, created, duplicate, updated, ignored or error (docs/stores.md).';
comment on column sincro.store_inbox.id_pub is E'The hub order it became or belongs to.';
comment on column sincro.store_inbox.error is E'Why it did not become an order, or what changed on the shop.';
comment on column sincro.store_inbox.processed_at is E'When the worker handled it.';

/*
 * The orders the stores brought, with the shop's side of them: status,
 * cancellation, refund, and whether the shop has been told the ERP acquired it.
 */
create or replace view sincro.store_orders
with (security_barrier)
as
  select o.store_id, o.platform_order_id, o.order_number, o.azi, o.id_pub, o.platform_customer_id, o.modified_at,
         o.platform_status, o.cancelled_at, o.refunded, o.status_back, o.status_back_at, o.status_back_error, o.created_at, o.updated_at
  from sincro_private.store_order o;

comment on view sincro.store_orders is E'Which platform order became which hub order, with its status on the shop (cancelled, refunded) and the status back (admin).';
comment on column sincro.store_orders.store_id is E'The store.';
comment on column sincro.store_orders.platform_order_id is E'The order''s id on the platform.';
comment on column sincro.store_orders.order_number is E'The number the shop shows.';
comment on column sincro.store_orders.azi is E'Company of the hub order.';
comment on column sincro.store_orders.id_pub is E'The hub order.';
comment on column sincro.store_orders.platform_customer_id is E'The platform''s customer ID (NULL for a guest).';
comment on column sincro.store_orders.modified_at is E'The latest modification time the hub has seen.';
comment on column sincro.store_orders.platform_status is E'The order''s status on the shop, as last seen.';
comment on column sincro.store_orders.cancelled_at is E'When the hub learned the shop cancelled or deleted it.';
comment on column sincro.store_orders.refunded is E'The shop says it was refunded (fully or partly).';
comment on column sincro.store_orders.status_back is E'waiting, pending, sent or off: telling the shop the ERP acquired it.';
comment on column sincro.store_orders.status_back_at is E'When status_back last changed.';
comment on column sincro.store_orders.status_back_error is E'Why the last attempt to tell the shop failed.';
comment on column sincro.store_orders.created_at is E'When the hub order was written.';
comment on column sincro.store_orders.updated_at is E'When a later version was last recorded.';

-- who may use it
revoke all on function sincro.store_inbox_apply(bigint) from public;
grant execute on function sincro.store_inbox_apply(bigint) to sincro_worker, sincro_admin;
revoke all on function sincro.store_inbox_apply_many(bigint[]) from public;
grant execute on function sincro.store_inbox_apply_many(bigint[]) to sincro_worker, sincro_admin;
grant select on sincro.store_inbox to sincro_admin;
grant select on sincro.store_orders to sincro_admin;

/*
 * An operator fixed what made an inbox row fail (a store setting such as the
 * natura code, an article the ERP lacked) and wants the same delivery taken
 * again: the row goes back to received and the worker is rung. Only error and
 * ignored rows; the apply is idempotent, so a retried row whose order the hub
 * got meanwhile becomes a duplicate.
 */
create or replace function sincro.store_inbox_retry(inbox_id bigint)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_state text;
begin
  -- an operator retries its own company's rows only; another company's answers like a missing row
  select i.state into v_state from sincro_private.store_inbox i
  where i.inbox_id = inbox_id and coalesce(i.azi = sincro_private.session_company(), true)
  for update;
  if not found then
    raise exception using errcode = 'SY174', message = pg_catalog.format('store_inbox_retry: no inbox row %s', inbox_id);
  end if;
  if v_state not in ('error', 'ignored') then
    raise exception using errcode = 'SY175',
      message = pg_catalog.format('store_inbox_retry: inbox row %s is %s, not an error or ignored', inbox_id, v_state),
      hint = 'Only a row that did not become an order can be taken again.';
  end if;
  update sincro_private.store_inbox i set state = 'received', error = null, processed_at = null where i.inbox_id = store_inbox_retry.inbox_id;
  perform sincro_private.store_enqueue_inbox(inbox_id);
end;
$$;

comment on function sincro.store_inbox_retry(bigint) is
  E'Takes an inbox row that became an error or was ignored again (back to received, worker rung), once what made it fail is fixed. Admin, or an operator of the row''s company (another company''s row: SY174, as a missing one). SECURITY DEFINER: writes the inbox.';

revoke all on function sincro.store_inbox_retry(bigint) from public;
grant execute on function sincro.store_inbox_retry(bigint) to sincro_admin, sincro_operator;

/*
 * The console's Problems page, stores' part: deliveries that did not become
 * orders (errors, with the reason) and orders the shop cancelled or refunded
 * after the hub took them (the ERP was told nothing: someone must act),
 * newest first, paged. A company-bound login sees its own company's, others
 * every company's (or only_azi's).
 *
 * SECURITY DEFINER: the inbox is in sincro_private; the company filter is here.
 */
create or replace function sincro.store_problems(only_azi text default null, page_size integer default 50, page_offset integer default 0)
returns table (inbox_id bigint, azi text, store_id text, platform text, source text, platform_order_id text, kind text,
               reason text, id_pub bigint, received_at timestamptz, total bigint)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off
as $$
  select i.inbox_id, i.azi, i.store_id, s.platform, i.source, i.platform_order_id,
         case when i.state = 'error' then 'error' else 'changed on the shop' end,
         i.error, i.id_pub, i.received_at, pg_catalog.count(*) over ()
  from sincro_private.store_inbox i
  join sincro_private.store s on s.store_id = i.store_id
  where (i.state = 'error' or (i.state = 'updated' and i.error is not null))
    and (store_problems.only_azi is null or i.azi = store_problems.only_azi)
    and coalesce(i.azi = (select sincro_private.session_company()), true)
  order by i.inbox_id desc
  limit least(greatest(coalesce(store_problems.page_size, 50), 1), 500)
  offset greatest(coalesce(store_problems.page_offset, 0), 0)
$$;

comment on function sincro.store_problems(text, integer, integer) is
  E'Store deliveries the caller''s companies must look at, newest first: errors (why the order was not taken) and orders cancelled or refunded on the shop after the hub took them; paged (at most 500); total counts every match. Admin and operators. SECURITY DEFINER: reads the inbox; filters companies itself.';

revoke all on function sincro.store_problems(text, integer, integer) from public;
grant execute on function sincro.store_problems(text, integer, integer) to sincro_admin, sincro_operator;
