-- A webhook delivery: the signature on the raw body first (bad: 401, nothing stored), an unknown store 404,
-- malformed JSON 400 and kept as an error, WooCommerce's ping 200 with nothing stored, an order kept whole
-- without a job (the HTTP server applies it; the worker's dispatcher rings for it after a grace).
begin;
select plan(21);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_store('woo1', 'C00001', 'woocommerce');
select sincro_tests.setup_store('shop1', 'C00001', 'shopify');

-- TEST: a signature computed by Node's crypto (not by our HMAC) is accepted
select sincro.store_add('woo2', 'C00001', 'woocommerce', 'woo-secret-123', id_int_prefix => 'W2-');
select is((sincro.store_webhook_receive('woocommerce', 'woo2', convert_to('{"id":1,"status":"processing"}', 'UTF8'),
           '{"x-wc-webhook-topic": "order.created", "x-wc-webhook-signature": "hLAbClPm9s+RyORLx/6rsBBvXvbP/OtWi6X4GICz7Jo="}')).status,
          200, 'Node''s createHmac(sha256, secret).digest(base64) of the raw body is what the hub checks');

-- TEST: a good delivery: 200, kept whole, one job
select * from sincro_tests.deliver('woo1', sincro_tests.woo_order(501)) \gset d_
select is(:d_status, 200, 'a signed order: 200');
select results_eq(format($$ select state, platform_order_id, modified_at, convert_from(body, 'UTF8') = sincro_tests.woo_order(501), headers ->> 'x-wc-webhook-topic'
                            from sincro_private.store_inbox where inbox_id = %s $$, :d_inbox_id),
                  $$ values ('received', '501', '2026-11-30T09:00:01Z'::timestamptz, true, 'order.created') $$,
                  'the inbox keeps the raw body and headers, with the order''s id and modification time');
select results_eq(format($$ select count(*)::int from graphile_worker.jobs where task_identifier = 'store_inbox_apply' and key = 'store_inbox:%s' $$, :d_inbox_id),
                  $$ values (0) $$, 'no job (no NOTIFY): the worker''s dispatcher rings for it');
-- TEST: the worker's dispatcher rings for it only after the grace, once
select is(sincro.store_inbox_dispatch(500, interval '1 hour'), 0, 'within the grace: not yet');
select is(sincro.store_inbox_dispatch(500, interval '0'), 2, 'after it: the deliveries received so far (this one and woo2''s)');
select results_eq(format($$ select count(*)::int, (array_agg(j.key))[1], (array_agg(j.payload::jsonb))[1] = jsonb_build_object('inbox_ids', array[%s - 1, %s])
                            from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
                            where t.identifier = 'store_inbox_apply' $$, :d_inbox_id, :d_inbox_id),
                  format($$ values (1, 'store_inbox:%s+2', true) $$, :d_inbox_id - 1),
                  'one apply job for both (one company), keyed store_inbox:<first id>+<rows>');
select is(sincro.store_inbox_dispatch(500, interval '0'), 0, 'rung: not again');
select throws_ok($$ select sincro.store_inbox_dispatch(500, interval '-1 second') $$, 'SY101', null, 'a negative grace: SY101');

-- TEST: a bad signature, a missing one, a signature of another body, another store's secret: 401, nothing stored
select count(*) as before from sincro_private.store_inbox \gset
select is((sincro_tests.deliver('woo1', sincro_tests.woo_order(502), signature => 'AAAA')).status, 401, 'a wrong signature: 401');
select is((sincro.store_webhook_receive('woocommerce', 'woo1', convert_to(sincro_tests.woo_order(502), 'UTF8'), '{"x-wc-webhook-topic": "order.created"}')).status,
          401, 'no signature: 401');
select is((sincro_tests.deliver('woo1', sincro_tests.woo_order(502), signature => sincro_tests.signature('woo1', sincro_tests.woo_order(503)))).status,
          401, 'the signature of another body: 401');
select is((sincro_tests.deliver('woo1', sincro_tests.woo_order(502), signature => sincro_tests.signature('shop1', sincro_tests.woo_order(502)))).status,
          401, 'signed with another store''s secret: 401');
select is((select count(*) from sincro_private.store_inbox), :before::bigint, 'nothing stored for any of them');

-- TEST: unknown store, or a store on the other platform's URL: 404
select is((sincro.store_webhook_receive('woocommerce', 'nope', '\x7b7d', '{}')).status, 404, 'unknown store: 404');
select is((sincro.store_webhook_receive('shopify', 'woo1', '\x7b7d', '{}')).status, 404, 'a WooCommerce store on the Shopify URL: 404');

-- TEST: malformed JSON, signed: 400, kept as an error
select * from sincro_tests.deliver('shop1', '{"id": 1, "line_items": [') \gset m_
select results_eq(format($$ select %s, state, error like 'the body is not JSON%%', convert_from(body, 'UTF8') = '{"id": 1, "line_items": [' from sincro_private.store_inbox where inbox_id = %s $$,
                         :m_status, :m_inbox_id),
                  $$ values (400, 'error', true, true) $$, 'malformed JSON: 400, stored as an error with the raw body');

-- TEST: WooCommerce's ping when a webhook is saved: 200, nothing stored
select count(*) as before from sincro_private.store_inbox \gset
select results_eq($$ select status, reason from sincro.store_webhook_receive('woocommerce', 'woo1', convert_to('webhook_id=17', 'UTF8'), '{}') $$,
                  $$ values (200, 'ping') $$, 'the ping answers 200');
select is((select count(*) from sincro_private.store_inbox), :before::bigint, 'and stores nothing');

-- TEST: a webhooks-only store's delivery is committed durably; a reconciled store's asynchronously
select is(current_setting('synchronous_commit'), 'on', 'after deliveries to stores without API URL: durable commit');
select sincro.store_add('woo3', 'C00001', 'woocommerce', 'secret-of-woo3', api_url => 'https://shop.example.com', api_key => 'ck', api_secret => 'cs', id_int_prefix => 'W3-');
select sincro_tests.deliver('woo3', sincro_tests.woo_order(901));
select is(current_setting('synchronous_commit'), 'off', 'a reconciled store''s delivery: asynchronous commit (reconciliation covers a crash)');

select * from finish();
rollback;
