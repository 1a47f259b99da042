/*
 * From a platform's order JSON (WooCommerce REST v3 order, Shopify REST Admin
 * order: the webhooks and the REST API send the same shape) to one
 * platform-neutral order, which store_inbox_apply writes. Every field is in
 * docs/stores.md. Anything that cannot be mapped faithfully — a line without
 * a SKU, a number that is not one, a 0 % VAT line without a natura code, a
 * fiscal code that fails its check — raises SY173 naming the field, and the
 * inbox row becomes an error the operator sees: no order is written half.
 *
 * (Whether the payload makes an order at all, and its status on the shop, is
 * store_order_status's, below: all a later version may change.)
 *
 * The neutral order (jsonb):
 *   order_id, number, data_ordine, currency, note, coupons, payment, payment_title, totale_documento, totale_iva,
 *   customer {platform_id, email, ragione_sociale, partita_iva, codice_fiscale, pec, sdi, telefono,
 *             indirizzo, cap, citta, provincia, nazione},
 *   dest {ragione_sociale, indirizzo, cap, citta, provincia, nazione} or null,
 *   lines [{articolo, descrizione, quantita, prezzo, sconto, iva}]
 */

create or replace function sincro_private.store_refuse(what text, detail text default null)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  raise exception using errcode = 'SY173', message = what, detail = coalesce(detail, ''),
    hint = 'Correct the order in the shop (or the store''s settings: docs/stores.md); the next update or reconciliation brings it again.';
end;
$$;

comment on function sincro_private.store_refuse(text, text) is
  E'Raises SY173: a store order that cannot become a hub order, and why.';

/* A number from an order field: a JSON number or a numeric string; NaN, infinity and anything else refused. */
create or replace function sincro_private.store_number(value jsonb, what text, if_missing numeric default null)
returns numeric
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v numeric;
begin
  if value is null or value = 'null'::jsonb or (pg_catalog.jsonb_typeof(value) = 'string' and pg_catalog.btrim(value #>> '{}') = '') then
    if if_missing is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s is missing', what));
    end if;
    return if_missing;
  end if;
  if pg_catalog.jsonb_typeof(value) not in ('number', 'string') or (value #>> '{}') !~ '^\s*-?[0-9]+(\.[0-9]+)?\s*$' then
    perform sincro_private.store_refuse(pg_catalog.format('%s is not a number (got %s)', what, sincro_private.shown(value #>> '{}')));
  end if;
  v := (value #>> '{}')::numeric;
  return v;
end;
$$;

comment on function sincro_private.store_number(jsonb, text, numeric) is
  E'A decimal from an order field (JSON number or numeric string); SY173 naming the field otherwise; if_missing when absent (SY173 when if_missing is NULL).';

create or replace function sincro_private.store_blank_null(value text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (nullif(pg_catalog.btrim(value), ''));
end;
$$;

comment on function sincro_private.store_blank_null(text) is E'Trimmed text, NULL when blank.';

/* The first non-blank value among pairs ({key|name, value}) whose key is one of keys. */
create or replace function sincro_private.store_pair_value(pairs jsonb, keys jsonb, key_field text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (select sincro_private.store_blank_null(p.value ->> 'value')
  from pg_catalog.jsonb_array_elements(case when pg_catalog.jsonb_typeof(pairs) = 'array' then pairs else '[]'::jsonb end)
         with ordinality p(value, n)
  join pg_catalog.jsonb_array_elements_text(keys) with ordinality k(key, rank) on k.key = p.value ->> key_field
  where pg_catalog.jsonb_typeof(p.value -> 'value') in ('string', 'number')
    and sincro_private.store_blank_null(p.value ->> 'value') is not null
  order by k.rank, p.n
  limit 1);
end;
$$;

comment on function sincro_private.store_pair_value(jsonb, jsonb, text) is
  E'The first non-blank value in a list of {key, value} (WooCommerce meta_data) or {name, value} (Shopify note_attributes) whose key is listed, in the order of the list.';

/* A VAT rate as the line's iva code: the rate in percent ("22", "5.5"), or the store's natura code for 0 %. */
create or replace function sincro_private.store_vat_code(rate numeric, settings jsonb, what text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_rate numeric := pg_catalog.round(rate, 2);
begin
  if v_rate = 0 then
    if sincro_private.store_blank_null(settings ->> 'natura_zero_vat') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has 0 %% VAT and the store has no natura code', what),
        'A line without VAT needs its natura code (N1-N7) for the invoice: set the store''s natura_zero_vat setting.');
    end if;
    return settings ->> 'natura_zero_vat';
  end if;
  return pg_catalog.rtrim(pg_catalog.rtrim(v_rate::text, '0'), '.');
end;
$$;

comment on function sincro_private.store_vat_code(numeric, jsonb, text) is
  E'The iva code of a line: its VAT rate in percent, or for 0 % the store''s natura_zero_vat (SY173 when it has none).';

/* The Italian fiscal fields of a customer, checked with the hub's fiscal checks (sql/common/fiscal.sql). */
create or replace function sincro_private.store_check_fiscal(customer jsonb)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_problem text;
  v_cf text := customer ->> 'codice_fiscale';
begin
  if customer ->> 'partita_iva' is not null then
    v_problem := sincro.partita_iva_problem(customer ->> 'partita_iva');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer partita IVA %s: %s', sincro_private.shown(customer ->> 'partita_iva'), v_problem));
    end if;
  end if;
  if v_cf is not null then
    -- a company's codice fiscale is its 11-digit partita IVA number
    v_problem := case when v_cf ~ '^[0-9]{11}$' then sincro.partita_iva_problem(v_cf) else sincro.codice_fiscale_problem(v_cf) end;
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer codice fiscale %s: %s', sincro_private.shown(v_cf), v_problem));
    end if;
  end if;
  if customer ->> 'sdi' is not null then
    v_problem := sincro.sdi_code_problem(customer ->> 'sdi');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer SDI code %s: %s', sincro_private.shown(customer ->> 'sdi'), v_problem));
    end if;
  end if;
  if customer ->> 'pec' is not null then
    v_problem := sincro.pec_problem(customer ->> 'pec');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer PEC %s: %s', sincro_private.shown(customer ->> 'pec'), v_problem));
    end if;
  end if;
end;
$$;

comment on function sincro_private.store_check_fiscal(jsonb) is
  E'SY173 when a customer''s partita IVA, codice fiscale (16 characters, or 11 digits for a company), SDI code or PEC fails the hub''s fiscal checks.';

/* An address object of either platform, as the order's destination fields. */
create or replace function sincro_private.store_address(address jsonb, platform text)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (case when pg_catalog.jsonb_typeof(address) = 'object' then pg_catalog.jsonb_build_object(
    'ragione_sociale', coalesce(sincro_private.store_blank_null(address ->> 'company'),
                                sincro_private.store_blank_null(pg_catalog.concat_ws(' ', sincro_private.store_blank_null(address ->> 'first_name'),
                                                                                     sincro_private.store_blank_null(address ->> 'last_name')))),
    'indirizzo', sincro_private.store_blank_null(pg_catalog.concat_ws(' ',
                   sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'address_1' else 'address1' end),
                   sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'address_2' else 'address2' end))),
    'cap', sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'postcode' else 'zip' end),
    'citta', sincro_private.store_blank_null(address ->> 'city'),
    'provincia', sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'state' else 'province_code' end),
    'nazione', sincro_private.store_blank_null(pg_catalog.upper(address ->> case platform when 'woocommerce' then 'country' else 'country_code' end)),
    'telefono', sincro_private.store_blank_null(address ->> 'phone'))
  end);
end;
$$;

comment on function sincro_private.store_address(jsonb, text) is
  E'A WooCommerce (billing, shipping) or Shopify (billing_address, shipping_address) address as ragione_sociale (company, else first and last name), indirizzo, cap, citta, provincia, nazione, telefono.';

/*
 * WooCommerce REST v3 order. Line amounts in the API are net of tax
 * (subtotal before discounts, total after); with prices_include_tax the
 * unit price is given gross, as the shop shows it.
 */
create or replace function sincro_private.store_map_woocommerce(payload jsonb, settings jsonb)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_gross constant boolean := coalesce((payload ->> 'prices_include_tax')::boolean, false);
  v_keys constant jsonb := settings -> 'fiscal_keys';
  v_item record;
  v_lines jsonb := '[]';
  v_what text;
  v_qty numeric;
  v_subtotal numeric;
  v_subtotal_tax numeric;
  v_total numeric;
  v_total_tax numeric;
  v_billing jsonb := sincro_private.store_address(payload -> 'billing', 'woocommerce');
  v_shipping jsonb := sincro_private.store_address(payload -> 'shipping', 'woocommerce');
  v_customer jsonb;
  v_coupons text;
  v_number text := coalesce(sincro_private.store_blank_null(payload ->> 'number'), payload ->> 'id');
  v_date text := payload ->> 'date_created';
begin
  -- products
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'line_items', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('line_items[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'name'));
    if sincro_private.store_blank_null(v_item.value ->> 'sku') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has no SKU', v_what), 'Each product needs a SKU: it is the ERP''s article code.');
    end if;
    v_qty := sincro_private.store_number(v_item.value -> 'quantity', v_what || ' quantity');
    if v_qty <= 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s quantity must be positive (got %s)', v_what, v_qty));
    end if;
    v_subtotal := sincro_private.store_number(v_item.value -> 'subtotal', v_what || ' subtotal');
    v_subtotal_tax := sincro_private.store_number(v_item.value -> 'subtotal_tax', v_what || ' subtotal_tax', 0);
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    if v_subtotal < 0 or v_total < 0 or v_total > v_subtotal then
      perform sincro_private.store_refuse(pg_catalog.format('%s amounts do not add up (subtotal %s, total %s)', v_what, v_subtotal, v_total));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', pg_catalog.btrim(v_item.value ->> 'sku'),
      'descrizione', sincro_private.store_blank_null(v_item.value ->> 'name'),
      'quantita', v_qty,
      'prezzo', pg_catalog.round(case when v_gross then v_subtotal + v_subtotal_tax else v_subtotal end / v_qty, 4),
      'sconto', case when v_subtotal > 0 then pg_catalog.round((v_subtotal - v_total) / v_subtotal * 100, 2) else 0 end,
      'iva', sincro_private.store_vat_code(case when v_subtotal > 0 then v_subtotal_tax / v_subtotal * 100 else 0 end, settings, v_what));
  end loop;
  if pg_catalog.jsonb_array_length(v_lines) = 0 then
    perform sincro_private.store_refuse('the order has no line_items');
  end if;

  -- shipping and fees, as lines of their configured articles
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'shipping_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('shipping_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'method_title'));
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    continue when v_total = 0;
    if v_total < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s total is negative (%s)', v_what, v_total));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'shipping_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'method_title'),
      'quantita', 1, 'prezzo', case when v_gross then v_total + v_total_tax else v_total end, 'sconto', 0,
      'iva', sincro_private.store_vat_code(v_total_tax / v_total * 100, settings, v_what));
  end loop;
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'fee_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('fee_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'name'));
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    continue when v_total = 0;
    if v_total < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s is a negative fee (%s): a discount the ERP cannot take as a line', v_what, v_total),
        'Give discounts as coupons, which WooCommerce spreads over the lines.');
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'fee_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'name'),
      'quantita', 1, 'prezzo', case when v_gross then v_total + v_total_tax else v_total end, 'sconto', 0,
      'iva', sincro_private.store_vat_code(v_total_tax / v_total * 100, settings, v_what));
  end loop;

  -- coupons: already spread over the lines' totals; their codes go in the note
  select pg_catalog.string_agg(c.value ->> 'code', ', ' order by c.n) into v_coupons
  from pg_catalog.jsonb_array_elements(coalesce(payload -> 'coupon_lines', '[]')) with ordinality c(value, n);

  -- the customer
  v_customer := v_billing || pg_catalog.jsonb_build_object(
    'platform_id', nullif(nullif(payload ->> 'customer_id', '0'), ''),
    'email', sincro_private.store_blank_null(pg_catalog.lower(payload -> 'billing' ->> 'email')),
    'codice_fiscale', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'codice_fiscale', 'key')),
    'partita_iva', sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'partita_iva', 'key'),
    'pec', sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'pec', 'key'),
    'sdi', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'sdi', 'key')));

  if v_date is null or v_date !~ '^\d{4}-\d{2}-\d{2}' then
    perform sincro_private.store_refuse(pg_catalog.format('date_created is missing or not a date (got %s)', sincro_private.shown(v_date)));
  end if;
  if coalesce(pg_catalog.upper(payload ->> 'currency'), '') !~ '^[A-Z]{3}$' then
    perform sincro_private.store_refuse(pg_catalog.format('currency is missing or not an ISO 4217 code (got %s)', sincro_private.shown(payload ->> 'currency')));
  end if;

  return pg_catalog.jsonb_build_object(
    'order_id', payload ->> 'id',
    'number', v_number,
    'data_ordine', pg_catalog.substr(v_date, 1, 10),
    'currency', pg_catalog.upper(payload ->> 'currency'),
    'note', sincro_private.store_blank_null(payload ->> 'customer_note'),
    'coupons', v_coupons,
    'payment', sincro_private.store_blank_null(payload ->> 'payment_method'),
    'payment_title', sincro_private.store_blank_null(payload ->> 'payment_method_title'),
    'totale_documento', sincro_private.store_number(payload -> 'total', 'total'),
    'totale_iva', sincro_private.store_number(payload -> 'total_tax', 'total_tax', 0),
    'customer', v_customer,
    'dest', case when v_shipping ->> 'indirizzo' is not null then v_shipping end,
    'lines', v_lines);
end;
$$;

comment on function sincro_private.store_map_woocommerce(jsonb, jsonb) is
  E'A WooCommerce REST v3 order as the neutral order store_inbox_apply writes (docs/stores.md, field by field); SY173 when it cannot be mapped faithfully.';

/*
 * Shopify REST Admin order. Line prices are unit prices as the shop shows
 * them: gross when taxes_included, else net; discounts come as allocations
 * per line.
 */
create or replace function sincro_private.store_map_shopify(payload jsonb, settings jsonb)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_keys constant jsonb := settings -> 'fiscal_keys';
  v_item record;
  v_lines jsonb := '[]';
  v_what text;
  v_qty numeric;
  v_price numeric;
  v_discount numeric;
  v_rate numeric;
  v_billing jsonb := coalesce(sincro_private.store_address(payload -> 'billing_address', 'shopify'),
                              sincro_private.store_address(payload -> 'customer' -> 'default_address', 'shopify'), '{}');
  v_shipping jsonb := sincro_private.store_address(payload -> 'shipping_address', 'shopify');
  v_customer jsonb;
  v_coupons text;
  v_date text := payload ->> 'created_at';
begin
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'line_items', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('line_items[%s] (%s)', v_item.n - 1, sincro_private.shown(coalesce(v_item.value ->> 'name', v_item.value ->> 'title')));
    if sincro_private.store_blank_null(v_item.value ->> 'sku') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has no SKU', v_what), 'Each product needs a SKU: it is the ERP''s article code.');
    end if;
    v_qty := sincro_private.store_number(v_item.value -> 'quantity', v_what || ' quantity');
    if v_qty <= 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s quantity must be positive (got %s)', v_what, v_qty));
    end if;
    v_price := sincro_private.store_number(v_item.value -> 'price', v_what || ' price');
    select coalesce(sum(sincro_private.store_number(d.value -> 'amount', v_what || ' discount_allocations amount')), 0) into v_discount
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'discount_allocations', '[]')) d(value);
    if v_discount = 0 then
      v_discount := sincro_private.store_number(v_item.value -> 'total_discount', v_what || ' total_discount', 0);
    end if;
    select coalesce(sum(sincro_private.store_number(t.value -> 'rate', v_what || ' tax_lines rate')), 0) * 100 into v_rate
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'tax_lines', '[]')) t(value);
    if v_price < 0 or v_discount < 0 or v_discount > v_price * v_qty then
      perform sincro_private.store_refuse(pg_catalog.format('%s amounts do not add up (price %s, discount %s)', v_what, v_price, v_discount));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', pg_catalog.btrim(v_item.value ->> 'sku'),
      'descrizione', sincro_private.store_blank_null(coalesce(v_item.value ->> 'name', v_item.value ->> 'title')),
      'quantita', v_qty,
      'prezzo', v_price,
      'sconto', case when v_price > 0 then pg_catalog.round(v_discount / (v_price * v_qty) * 100, 2) else 0 end,
      'iva', sincro_private.store_vat_code(v_rate, settings, v_what));
  end loop;
  if pg_catalog.jsonb_array_length(v_lines) = 0 then
    perform sincro_private.store_refuse('the order has no line_items');
  end if;

  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'shipping_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('shipping_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'title'));
    v_price := sincro_private.store_number(coalesce(v_item.value -> 'discounted_price', v_item.value -> 'price'), v_what || ' price');
    continue when v_price = 0;
    if v_price < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s price is negative (%s)', v_what, v_price));
    end if;
    select coalesce(sum(sincro_private.store_number(t.value -> 'rate', v_what || ' tax_lines rate')), 0) * 100 into v_rate
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'tax_lines', '[]')) t(value);
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'shipping_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'title'),
      'quantita', 1, 'prezzo', v_price, 'sconto', 0, 'iva', sincro_private.store_vat_code(v_rate, settings, v_what));
  end loop;

  select pg_catalog.string_agg(c.value ->> 'code', ', ' order by c.n) into v_coupons
  from pg_catalog.jsonb_array_elements(coalesce(payload -> 'discount_codes', '[]')) with ordinality c(value, n);

  v_customer := v_billing || pg_catalog.jsonb_build_object(
    'platform_id', payload -> 'customer' ->> 'id',
    'email', sincro_private.store_blank_null(pg_catalog.lower(coalesce(payload ->> 'email', payload -> 'customer' ->> 'email'))),
    'telefono', coalesce(v_billing ->> 'telefono', sincro_private.store_blank_null(payload ->> 'phone')),
    'codice_fiscale', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'codice_fiscale', 'name')),
    'partita_iva', sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'partita_iva', 'name'),
    'pec', sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'pec', 'name'),
    'sdi', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'sdi', 'name')));

  if v_date is null or v_date !~ '^\d{4}-\d{2}-\d{2}' then
    perform sincro_private.store_refuse(pg_catalog.format('created_at is missing or not a date (got %s)', sincro_private.shown(v_date)));
  end if;
  if coalesce(pg_catalog.upper(payload ->> 'currency'), '') !~ '^[A-Z]{3}$' then
    perform sincro_private.store_refuse(pg_catalog.format('currency is missing or not an ISO 4217 code (got %s)', sincro_private.shown(payload ->> 'currency')));
  end if;

  return pg_catalog.jsonb_build_object(
    'order_id', payload ->> 'id',
    'number', coalesce(sincro_private.store_blank_null(payload ->> 'name'), payload ->> 'order_number', payload ->> 'id'),
    'data_ordine', pg_catalog.substr(v_date, 1, 10),
    'currency', pg_catalog.upper(payload ->> 'currency'),
    'note', sincro_private.store_blank_null(payload ->> 'note'),
    'coupons', v_coupons,
    'payment', sincro_private.store_blank_null(payload -> 'payment_gateway_names' ->> 0),
    'payment_title', sincro_private.store_blank_null(payload -> 'payment_gateway_names' ->> 0),
    'totale_documento', sincro_private.store_number(payload -> 'total_price', 'total_price'),
    'totale_iva', sincro_private.store_number(payload -> 'total_tax', 'total_tax', 0),
    'customer', v_customer,
    'dest', case when v_shipping ->> 'indirizzo' is not null then v_shipping end,
    'lines', v_lines);
end;
$$;

comment on function sincro_private.store_map_shopify(jsonb, jsonb) is
  E'A Shopify REST Admin order as the neutral order store_inbox_apply writes (docs/stores.md, field by field); SY173 when it cannot be mapped faithfully.';

/*
 * The shop's status of an order, all that a later version of an order the hub
 * has may change: its status, whether it is accepted as an order (WooCommerce:
 * a status in accept_statuses; Shopify: not cancelled), cancelled (WooCommerce
 * cancelled, trash, failed; Shopify cancelled_at), refunded (WooCommerce
 * refunded or any refund; Shopify financial_status refunded or
 * partially_refunded). Never refuses: a payload without them is simply not
 * accepted.
 */
create or replace function sincro_private.store_order_status(platform text, payload jsonb, settings jsonb)
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (case platform
    when 'woocommerce' then pg_catalog.jsonb_build_object(
      'status', payload ->> 'status',
      'accept', coalesce(settings -> 'accept_statuses' ? (payload ->> 'status'), false),
      'cancelled', coalesce(payload ->> 'status' in ('cancelled', 'trash', 'failed'), false),
      'refunded', coalesce(payload ->> 'status' = 'refunded', false)
                  or coalesce(pg_catalog.jsonb_typeof(payload -> 'refunds') = 'array' and pg_catalog.jsonb_array_length(payload -> 'refunds') > 0, false))
    else pg_catalog.jsonb_build_object(
      'status', coalesce(payload ->> 'financial_status', 'unknown'),
      'accept', payload ->> 'cancelled_at' is null,
      'cancelled', payload ->> 'cancelled_at' is not null,
      'refunded', coalesce(payload ->> 'financial_status' in ('refunded', 'partially_refunded'), false))
  end);
end;
$$;

comment on function sincro_private.store_order_status(text, jsonb, jsonb) is
  E'The shop''s status of an order payload: status, accept (it makes an order), cancelled, refunded (docs/stores.md, Updates).';

-- who may use it
revoke all on function sincro_private.store_refuse(text, text) from public;
revoke all on function sincro_private.store_number(jsonb, text, numeric) from public;
revoke all on function sincro_private.store_blank_null(text) from public;
revoke all on function sincro_private.store_pair_value(jsonb, jsonb, text) from public;
revoke all on function sincro_private.store_vat_code(numeric, jsonb, text) from public;
revoke all on function sincro_private.store_check_fiscal(jsonb) from public;
revoke all on function sincro_private.store_address(jsonb, text) from public;
revoke all on function sincro_private.store_map_woocommerce(jsonb, jsonb) from public;
revoke all on function sincro_private.store_map_shopify(jsonb, jsonb) from public;
revoke all on function sincro_private.store_order_status(text, jsonb, jsonb) from public;
