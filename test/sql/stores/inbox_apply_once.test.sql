-- Inbox rows into orders, once per (store, platform order ID): the same delivery twice is one order; a later
-- version changes nothing the ERP owns and records the shop's status; an older one is a duplicate; an order the
-- shop has not accepted is ignored until it is; an order that cannot be mapped is an error with nothing written.
begin;
select plan(21);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_store('woo1', 'C00001', 'woocommerce');

-- TEST: a delivery becomes an order of the store party, with its lines and a new customer
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(501))).inbox_id as first \gset
select results_eq(format($$ select state, id_pub, error from sincro.store_inbox_apply(%s) $$, :first),
                  $$ values ('created', 1::bigint, null::text) $$, 'created as id_pub 1');
select sincro_tests.commit_point();
select results_eq($$ select prov_tipo, prov_id, id_int, autore_tipo, autore_cod, ack_store, ack_gest, (select count(*)::int from sincro.arporrig) from sincro.arportes $$,
                  $$ values ('S', null::text, '501', 'C', '0', 1::smallint, 0::smallint, 1) $$,
                  'a store order (prov_tipo S, id_int = the platform order ID, as customer 0), its line, acked by the store');
select results_eq($$ select ragione_sociale, id_int, email, citta from sincro.new_customers $$,
                  $$ values ('Ada Neri', '501', 'ada@example.it', 'Torino') $$, 'with the guest as a new customer');
select results_eq($$ select state from sincro.order_push where azi = 'C00001' and id_pub = 1 $$, $$ values ('pending') $$, 'pushed to the ERP like any store order');

-- TEST: the same delivery again (a retry), and the job run twice: one order
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(501))).inbox_id as second \gset
select results_eq(format($$ select state, id_pub from sincro.store_inbox_apply(%s) $$, :second), $$ values ('duplicate', 1::bigint) $$,
                  'a second delivery of the same version: duplicate of id_pub 1');
select results_eq(format($$ select state, id_pub from sincro.store_inbox_apply(%s) $$, :first), $$ values ('created', 1::bigint) $$,
                  'applying a handled row again changes nothing and says what it became');
select is((select count(*) from sincro.arportes), 1::bigint, 'still one order');

-- TEST: a later version (cancelled on the shop): recorded, the order itself unchanged
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(501, 'cancelled', '2026-11-30T09:30:00'), 'order.updated')).inbox_id as third \gset
select results_eq(format($$ select state, id_pub, error from sincro.store_inbox_apply(%s) $$, :third),
                  $$ values ('updated', 1::bigint, 'cancelled on the shop') $$, 'a newer version: updated');
select results_eq($$ select platform_status, cancelled_at is not null, modified_at from sincro.store_orders $$,
                  $$ values ('cancelled', true, '2026-11-30T09:30:00Z'::timestamptz) $$, 'the shop''s status is recorded for the operator');
select results_eq($$ select count(*)::int, max(updated_at) = min(created_at) from sincro.arportes_history $$, $$ values (1, true) $$,
                  'the hub order has no new version');

-- TEST: a later version the hub could not take as a new order (a line lost its SKU) still only records the status
select results_eq(format($$ select state, error from sincro.store_inbox_apply(%s) $$,
                         (sincro_tests.deliver('woo1', sincro_tests.woo_order(501, 'refunded', '2026-11-30T09:40:00', skus => array['']), 'order.updated')).inbox_id),
                  $$ values ('updated', 'refunded on the shop') $$, 'an edited order the hub has: updated, not an error');

-- TEST: an older version arriving late is a duplicate
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(501, 'processing', '2026-11-30T09:10:00'), 'order.updated')).inbox_id as late \gset
select results_eq(format($$ select state from sincro.store_inbox_apply(%s) $$, :late), $$ values ('duplicate') $$, 'an older version: duplicate');

-- TEST: pending payment: ignored; once processing, created
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(502, 'pending'))).inbox_id as pending \gset
select results_eq(format($$ select state, id_pub, error from sincro.store_inbox_apply(%s) $$, :pending),
                  $$ values ('ignored', null::bigint, 'status pending does not make an order yet') $$, 'a pending order is not an order yet');
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(502, 'processing', '2026-11-30T09:05:00'), 'order.updated')).inbox_id as paid \gset
select results_eq(format($$ select state, id_pub from sincro.store_inbox_apply(%s) $$, :paid), $$ values ('created', 2::bigint) $$,
                  'paid: created as id_pub 2');

-- TEST: a line without SKU: error, nothing written, no public ID used
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(503, skus => array['A1', ' ']))).inbox_id as nosku \gset
select results_eq(format($$ select state, id_pub, error like 'SY173 line_items[1] (''Articolo 2'') has no SKU%%' from sincro.store_inbox_apply(%s) $$, :nosku),
                  $$ values ('error', null::bigint, true) $$, 'no SKU: an error naming the line');
select results_eq($$ select (select count(*)::int from sincro.arportes), (select count(*)::int from sincro.new_customers),
                            (select count(*)::int from sincro_private.store_order) $$,
                  $$ values (2, 2, 2) $$, 'no order, customer or store order row left behind');
select results_eq(format($$ select state, id_pub from sincro.store_inbox_apply(%s) $$,
                         (sincro_tests.deliver('woo1', sincro_tests.woo_order(504))).inbox_id),
                  $$ values ('created', 3::bigint) $$, 'the next order gets the next public ID: none was burned');

-- TEST: a payload with nothing but what an order needs (no refunds list, no meta_data) is taken
select results_eq($$ select state from sincro.store_inbox_apply((sincro_tests.deliver('woo1', '{"id": 506, "status": "processing", "currency": "EUR", "date_created": "2026-11-30T10:00:00",
  "date_modified_gmt": "2026-11-30T09:00:00", "total": "12.20", "total_tax": "2.20", "billing": {"first_name": "Ada", "last_name": "Neri", "country": "IT"},
  "line_items": [{"name": "Tazzina", "sku": "TAZ", "quantity": 1, "subtotal": "10.00", "subtotal_tax": "2.20", "total": "10.00", "total_tax": "2.20"}]}')).inbox_id) $$,
                  $$ values ('created') $$, 'a minimal order: created');

select results_eq($$ select state, error like 'SY173 currency is missing%' from sincro.store_inbox_apply((sincro_tests.deliver('woo1', sincro_tests.woo_order(507, extra => '{"currency": null}'))).inbox_id) $$,
                  $$ values ('error', true) $$, 'no currency: an error saying so');

-- TEST: a change within the same second (same modification time, another status) is not taken for a duplicate
select sincro.store_inbox_apply((sincro_tests.deliver('woo1', sincro_tests.woo_order(508, 'processing', '2026-11-30T09:50:00'))).inbox_id);
select results_eq(format($$ select state, error from sincro.store_inbox_apply(%s) $$,
                         (sincro_tests.deliver('woo1', sincro_tests.woo_order(508, 'cancelled', '2026-11-30T09:50:00'), 'order.updated')).inbox_id),
                  $$ values ('updated', 'cancelled on the shop') $$, 'same second, cancelled: updated');

-- TEST: a removed store's waiting rows are ignored
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(505))).inbox_id as orphan \gset
select sincro.store_remove('woo1');
select results_eq(format($$ select state, error from sincro.store_inbox_apply(%s) $$, :orphan), $$ values ('ignored', 'the store was removed') $$,
                  'a removed store''s rows: ignored');

select * from finish();
rollback;
