-- The reference ERP's own schema: created at start if missing, in the ERP's own database.
-- Re-runnable: tables `if not exists`, columns `add column if not exists` (an existing
-- ERP database upgrades in place), functions `create or replace`.
create schema if not exists erp_ref;

create table if not exists erp_ref.company (
  azi text primary key,
  last_order_number bigint not null default 0,
  last_customer_number bigint not null default 0
);
-- one row per company, updated twice per order: pruned early (as sincro's own counters, migration 000016)
alter table erp_ref.company set (fillfactor = 10);

create table if not exists erp_ref.customer (
  azi text not null references erp_ref.company (azi),
  code text not null,
  web_id bigint,
  data jsonb not null,
  created_at timestamptz not null default now(),
  primary key (azi, code),
  unique (azi, web_id)
);

create table if not exists erp_ref.orders (
  azi text not null references erp_ref.company (azi),
  tor_chia text not null,
  web_id bigint,
  conferma text,
  cliente_cod text,
  operatore_cod text,
  data jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (azi, tor_chia),
  unique (azi, web_id)
);

/*
 * Articles, particolarità, accessory tables and documents: one generic table,
 * the key object (docs/sync.md's key fields, all strings) and the other fields
 * as they are exported. Customers and orders keep their own tables.
 */
create table if not exists erp_ref.record (
  azi text not null references erp_ref.company (azi),
  entity text not null constraint entity_is_generic check (entity in ('article', 'particolarita', 'accessory', 'document', 'agent', 'open_item', 'customer_credit')),
  key jsonb not null constraint key_is_object check (jsonb_typeof(key) = 'object'),
  data jsonb not null constraint data_is_object check (jsonb_typeof(data) = 'object'),
  updated_at timestamptz not null default now(),
  primary key (azi, entity, key)
);

/* An ERP database from before agents, open items and credit data (issue 14) takes them in place. */
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'entity_is_generic' and conrelid = 'erp_ref.record'::regclass
                 and pg_get_constraintdef(oid) like '%customer_credit%') then
    alter table erp_ref.record drop constraint if exists entity_is_generic;
    alter table erp_ref.record add constraint entity_is_generic
      check (entity in ('article', 'particolarita', 'accessory', 'document', 'agent', 'open_item', 'customer_credit'));
  end if;
end;
$$;

/*
 * Every write appends here, in the writing transaction, after taking the
 * company's row lock (erp_ref.company ... for update) and holding it to commit:
 * per company, seq order is commit order, so a reader that has seen seq n will
 * never later find a committed entry below n (see changes.ts).
 * `key` is the customer code or tor_chia, or the record key's JSON text;
 * `key_json` is the key object; it is null only on entries written before the
 * column existed, whose `key` is then a customer code or a tor_chia.
 */
create table if not exists erp_ref.change_log (
  seq bigserial primary key,
  azi text not null,
  entity text not null,
  key text not null,
  op text not null,
  at timestamptz not null default now()
);

alter table erp_ref.change_log add column if not exists key_json jsonb;

create index if not exists change_log_azi_seq on erp_ref.change_log (azi, seq);

/* The key object of a log entry, also for entries older than key_json. */
create or replace function erp_ref.log_key(entity text, key text, key_json jsonb)
returns jsonb
language sql
immutable
as $$
  select coalesce(
    key_json,
    case entity when 'customer' then jsonb_build_object('cod_cli', key) when 'order' then jsonb_build_object('tor_chia', key) end)
$$;

/*
 * A customer as exported (docs/sync.md): erp_ref.customer.data holds either the
 * hub's new customer (ErpNewCustomer) or what an operator typed; only the
 * customer fields leave, a missing one as null.
 */
create or replace function erp_ref.customer_data(data jsonb)
returns jsonb
language sql
immutable
as $$
  select jsonb_build_object(
    'ragione_sociale', data -> 'ragione_sociale', 'partita_iva', data -> 'partita_iva',
    'codice_fiscale', data -> 'codice_fiscale', 'indirizzo', data -> 'indirizzo', 'cap', data -> 'cap',
    'citta', data -> 'citta', 'provincia', data -> 'provincia', 'nazione', data -> 'nazione',
    'email', data -> 'email', 'telefono', data -> 'telefono', 'listino', data -> 'listino',
    'cod_agente', data -> 'cod_agente', 'cod_pagamento', data -> 'cod_pagamento')
$$;

/*
 * An order as the document the hub's sincro.erp_write_order takes. A web order
 * (it has the hub's web_id) is answered by id_pub and never carries autore_*,
 * prov_* or id_int: the hub owns those. An operator's order is exported by its
 * tor_chia as authored by operator (autore_tipo "O"), dated the day it was
 * entered. Lines are web lines (riga, string decimals) or an operator's
 * {articolo, quantita, prezzo?}: numbered by position when riga is missing,
 * prezzo and sconto 0 when missing, every other line field null when missing.
 */
create or replace function erp_ref.order_data(o erp_ref.orders)
returns jsonb
language sql
stable
as $$
  select jsonb_build_object(
      'tor_chia', o.tor_chia,
      'conferma', o.conferma,
      'cliente_cod', o.cliente_cod,
      'cod_agente', o.data -> 'cod_agente',
      'note', o.data -> 'note',
      'data_ordine', coalesce(nullif(o.data -> 'data_ordine', 'null'), to_jsonb(to_char(o.created_at, 'YYYY-MM-DD'))),
      'lines', (
        select coalesce(jsonb_agg(jsonb_build_object(
            'riga', coalesce(nullif(line -> 'riga', 'null'), to_jsonb(position)),
            'articolo', line -> 'articolo',
            'descrizione', line -> 'descrizione',
            'quantita', line -> 'quantita',
            'unita_misura', line -> 'unita_misura',
            'prezzo', coalesce(nullif(line -> 'prezzo', 'null'), '0'),
            'sconto', coalesce(nullif(line -> 'sconto', 'null'), '0'),
            'iva', line -> 'iva',
            'data_consegna', line -> 'data_consegna',
            'note', line -> 'note') order by position), '[]'::jsonb)
        from jsonb_array_elements(
          case when jsonb_typeof(o.data -> 'lines') = 'array' then o.data -> 'lines' else '[]' end
        ) with ordinality as lines (line, position)))
    || case
         when o.web_id is not null then jsonb_build_object('id_pub', o.web_id)
         else jsonb_build_object('autore_tipo', 'O', 'autore_cod', o.operatore_cod)
       end
$$;

/* The company's next order key: C, the year, 8 digits of its order counter (under the change-log lock). */
create or replace function erp_ref.next_order_key(for_azi text) returns text
language plpgsql
as $$
declare
  v_key text;
begin
  update erp_ref.company set last_order_number = last_order_number + 1 where azi = for_azi
    returning 'C' || extract(year from now())::int || lpad(last_order_number::text, 8, '0') into v_key;
  return v_key;
end;
$$;

/* The company's next free customer code: 100 + its customer counter, skipping codes taken (under the change-log lock). */
create or replace function erp_ref.next_customer_code(for_azi text) returns text
language plpgsql
as $$
declare
  v_code text;
begin
  loop
    update erp_ref.company set last_customer_number = last_customer_number + 1 where azi = for_azi
      returning (100 + last_customer_number)::text into v_code;
    if not exists (select 1 from erp_ref.customer c where c.azi = for_azi and c.code = v_code) then
      return v_code;
    end if;
  end loop;
end;
$$;

/*
 * Orders of one request, in one call (src/reference-erp/store.ts,
 * createOrders; a single create is a batch of one): each behind its own
 * subtransaction, so a rejected one (SQLSTATE ER001) is rolled back alone; an
 * order with a web ID the ERP has is answered with it (created false).
 * Answers, in the orders' order: {tor_chia, cliente_cod, created} or
 * {rejection}. The caller holds every web-ID lock and the company's change-log
 * lock already. One round trip for the batch: written as one statement per
 * step from Node, a batch held its company's lock across ~15 round trips per
 * order, and on a busy machine each round trip waits for the CPU
 * (docs/performance.md, "Store connectors", 2026-12-01).
 */
create or replace function erp_ref.create_orders(orders jsonb) returns jsonb
language plpgsql
as $$
declare
  o jsonb;
  c jsonb;
  v_azi text;
  v_web_id bigint;
  v_known record;
  v_cliente text;
  v_tor_chia text;
  v_answers jsonb := '[]';
begin
  for o in select value from jsonb_array_elements(orders) loop
    v_azi := o ->> 'azi';
    v_web_id := (o ->> 'web_id')::bigint;
    begin
      select tor_chia, cliente_cod into v_known from erp_ref.orders where azi = v_azi and web_id = v_web_id;
      if found then
        v_answers := v_answers || jsonb_build_array(jsonb_build_object('tor_chia', v_known.tor_chia, 'cliente_cod', v_known.cliente_cod, 'created', false));
        continue;
      end if;
      v_cliente := o ->> 'cliente_cod';
      c := o -> 'new_customer';
      if jsonb_typeof(c) = 'object' then
        perform pg_advisory_xact_lock(hashtextextended('customer/' || v_azi || '/' || (c ->> 'customer_id'), 0));
        select code into v_cliente from erp_ref.customer where azi = v_azi and web_id = (c ->> 'customer_id')::bigint;
        if v_cliente is null then
          v_cliente := erp_ref.next_customer_code(v_azi);
          insert into erp_ref.customer (azi, code, web_id, data) values (v_azi, v_cliente, (c ->> 'customer_id')::bigint, c);
          insert into erp_ref.change_log (azi, entity, key, key_json, op)
            values (v_azi, 'customer', v_cliente, jsonb_build_object('cod_cli', v_cliente), 'insert');
        end if;
      elsif v_cliente is not null and not exists (select 1 from erp_ref.customer where azi = v_azi and code = v_cliente) then
        raise exception using errcode = 'ER001', message = format('customer %s does not exist in the ERP', v_cliente);
      end if;
      v_tor_chia := erp_ref.next_order_key(v_azi);
      insert into erp_ref.orders (azi, tor_chia, web_id, cliente_cod, data) values (v_azi, v_tor_chia, v_web_id, v_cliente, o);
      insert into erp_ref.change_log (azi, entity, key, key_json, op)
        values (v_azi, 'order', v_tor_chia, jsonb_build_object('tor_chia', v_tor_chia), 'insert');
      v_answers := v_answers || jsonb_build_array(jsonb_build_object('tor_chia', v_tor_chia, 'cliente_cod', v_cliente, 'created', true));
    exception when sqlstate 'ER001' then
      v_answers := v_answers || jsonb_build_array(jsonb_build_object('rejection', sqlerrm));
    end;
  end loop;
  return v_answers;
end;
$$;
