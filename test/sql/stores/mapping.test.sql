-- The mapping of platform orders, field by field (docs/stores.md): WooCommerce unit prices net, or gross with
-- prices_include_tax; line discounts as sconto; shipping and fees as lines of the configured articles; 0 % VAT
-- needs a natura code; a known customer by platform ID or e-mail; Italian fiscal fields from meta_data / note
-- attributes, checked (valid, omocodia, invalid: an error with the reason, nothing written).
begin;
select plan(16);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_store('woo1', 'C00001', 'woocommerce', '{"shipping_article": "TRASP", "fee_article": "VARIE"}');
select sincro_tests.setup_store('shop1', 'C00001', 'shopify');

create function pg_temp.apply(store_id text, body text) returns table (state text, id_pub bigint, error text)
language sql as $$ select a.state, a.id_pub, a.error from sincro.store_inbox_apply((sincro_tests.deliver(store_id, body)).inbox_id) a $$;

-- TEST: WooCommerce, net prices, a 10 % coupon spread on the line, shipping and a fee as lines
select results_eq($$ select state from pg_temp.apply('woo1', sincro_tests.woo_order(701, extra => '{
  "line_items": [{"id": 1, "name": "Caffè", "sku": "CAF", "quantity": 3, "subtotal": "30.00", "subtotal_tax": "6.60", "total": "27.00", "total_tax": "5.94"}],
  "shipping_lines": [{"id": 2, "method_title": "Corriere", "total": "5.00", "total_tax": "1.10"}],
  "fee_lines": [{"id": 3, "name": "Imballo", "total": "2.00", "total_tax": "0.44"}],
  "coupon_lines": [{"id": 4, "code": "sconto10", "discount": "3.00", "discount_tax": "0.66"}],
  "total": "41.48", "total_tax": "7.48"}')) $$, $$ values ('created') $$, 'created');
select results_eq($$ select riga, articolo, descrizione, quantita, prezzo, sconto, iva from sincro.arporrig where id_pub = 1 order by riga $$,
  $$ values (1, 'CAF', 'Caffè', 3.000, 10.0000, 10.00, '22'), (2, 'TRASP', 'Corriere', 1.000, 5.0000, 0.00, '22'), (3, 'VARIE', 'Imballo', 1.000, 2.0000, 0.00, '22') $$,
  'unit price net, the coupon as a 10 % line discount, shipping and fee as lines of their articles');
select results_eq($$ select totale_imponibile, totale_iva, totale_documento, valuta, note from sincro.arportes where id_pub = 1 $$,
  $$ values (34.00, 7.48, 41.48, 'EUR', E'WooCommerce order 701\nCoupons: sconto10\nPayment: Bonifico') $$, 'totals, and the order number, coupons and payment in the note');

-- TEST: prices_include_tax: the unit price is gross, as the shop shows it
select results_eq($$ select state from pg_temp.apply('woo1', sincro_tests.woo_order(702, extra => '{"prices_include_tax": true}')) $$, $$ values ('created') $$, 'created');
select results_eq($$ select prezzo, iva from sincro.arporrig where id_pub = 2 $$, $$ values (12.2000, '22') $$, 'gross unit price 12.20 (10.00 + 22 %)');

-- TEST: 0 % VAT without a natura code: an error naming the line
select results_eq($$ select state, error like 'SY173 line_items[0] (''Articolo 1'') has 0 %% VAT and the store has no natura code%%' from pg_temp.apply('woo1', sincro_tests.woo_order(703, extra => '{
  "line_items": [{"id": 1, "name": "Articolo 1", "sku": "A1", "quantity": 1, "subtotal": "10.00", "subtotal_tax": "0.00", "total": "10.00", "total_tax": "0.00"}]}')) $$,
  $$ values ('error', true) $$, '0 % VAT without natura_zero_vat: error');

-- TEST: once the store has its natura code, the operator takes the same delivery again: created
select inbox_id as zero_vat from sincro_private.store_inbox where platform_order_id = '703' \gset
update sincro_private.store set settings = settings || '{"natura_zero_vat": "N2.2"}' where store_id = 'woo1';
select lives_ok(format('select sincro.store_inbox_retry(%s)', :zero_vat), 'an error row is taken again');
select sincro.store_inbox_apply(:zero_vat);
select results_eq(format($$ select i.state, r.iva from sincro.store_inbox i join sincro.arporrig r on r.azi = i.azi and r.id_pub = i.id_pub where i.inbox_id = %s $$, :zero_vat),
                  $$ values ('created', 'N2.2') $$, 'and becomes the order, its line with the natura code');
select throws_ok(format('select sincro.store_inbox_retry(%s)', :zero_vat), 'SY175', null, 'a row that became an order is not taken again: SY175');

-- TEST: a customer the ERP knows (by e-mail) carries its code, no new customer
select sincro.store_customer_map('woo1', 'email', 'ADA@example.it', 'CLI042');
select results_eq($$ select state from pg_temp.apply('woo1', sincro_tests.woo_order(704)) $$, $$ values ('created') $$, 'created');
select results_eq($$ select cliente_cod, autore_cod, new_customer_id from sincro.arportes where id_int = '704' $$,
                  $$ values ('CLI042', 'CLI042', null::bigint) $$, 'the ERP customer''s code as cliente_cod and author');
delete from sincro_private.store_customer;

-- TEST: fiscal fields: a valid codice fiscale and PEC from meta_data reach the new customer and the note
select results_eq($$ select state from pg_temp.apply('woo1', sincro_tests.woo_order(705, meta => '[{"id": 1, "key": "billing_cf", "value": "rssmra85t10a562s"}, {"id": 2, "key": "_billing_pec", "value": "ada@pec.it"}, {"id": 3, "key": "billing_sdi", "value": "0000000"}]')) $$,
                  $$ values ('created') $$, 'a valid codice fiscale: created');
select results_eq($$ select c.codice_fiscale, a.note like '%PEC: ada@pec.it%SDI: 0000000%' from sincro.arportes a join sincro.new_customers c on c.azi = a.azi and c.customer_id = a.new_customer_id where a.id_int = '705' $$,
                  $$ values ('RSSMRA85T10A562S', true) $$, 'the customer''s codice fiscale (upper case); PEC and SDI in the note');

-- TEST: an invalid partita IVA, an invalid codice fiscale (Shopify note attribute): errors with the reason, nothing written
select results_eq($$ select state, error like 'SY173 customer partita IVA ''01234567890'':%' from pg_temp.apply('woo1', sincro_tests.woo_order(706, meta => '[{"id": 1, "key": "billing_piva", "value": "01234567890"}]')) $$,
                  $$ values ('error', true) $$, 'a wrong partita IVA check digit: error');
select results_eq($$ select state, error like 'SY173 customer codice fiscale%' from pg_temp.apply('shop1', '{"id": 9001, "name": "#9001", "created_at": "2026-11-30T10:00:00+01:00", "updated_at": "2026-11-30T10:00:05+01:00",
  "currency": "EUR", "taxes_included": true, "total_price": "12.20", "total_tax": "2.20", "financial_status": "paid", "cancelled_at": null, "email": "b@example.it",
  "billing_address": {"first_name": "Bea", "last_name": "Riva", "address1": "Via Po 3", "city": "Torino", "zip": "10100", "province_code": "TO", "country_code": "IT"},
  "note_attributes": [{"name": "codice_fiscale", "value": "RSSMRA85T10A562X"}],
  "line_items": [{"id": 1, "title": "Tazzina", "sku": "TAZ", "quantity": 1, "price": "12.20", "tax_lines": [{"price": "2.20", "rate": 0.22, "title": "IVA"}], "discount_allocations": []}]}') $$,
                  $$ values ('error', true) $$, 'a wrong codice fiscale check character: error');
select results_eq($$ select count(*)::int from sincro.arportes where id_int in ('706', 'shop1:9001') $$, $$ values (0) $$, 'no order for either');

select * from finish();
rollback;
