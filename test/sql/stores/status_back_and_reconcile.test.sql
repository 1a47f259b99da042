-- Status back: the ERP's acquisition of a store connector's order makes its status back pending with a job, the
-- worker claims what to tell the shop and records the outcome. Reconciliation: a polled order the hub has (this
-- version or newer) or already holds in its inbox is known; another is queued like a webhook; the watermark
-- moves only after a pass that succeeded. The sweep rings again for what lost its job.
begin;
select plan(15);

select sincro_tests.setup_company('C00001');
select sincro.store_add('woo1', 'C00001', 'woocommerce', 'secret-of-woo1', api_url => 'https://shop.example.com',
                        api_key => 'ck_1', api_secret => 'cs_1', settings => '{"woocommerce_status": "completed"}');
select sincro.store_inbox_apply((sincro_tests.deliver('woo1', sincro_tests.woo_order(501))).inbox_id);
select sincro_tests.commit_point();

-- TEST: waiting until the ERP acquires it
select results_eq($$ select status_back from sincro.store_orders $$, $$ values ('waiting') $$, 'waiting while the ERP has not acquired it');
select is(sincro.store_status_back_claim('C00001', 1), null, 'nothing to tell the shop yet');

-- TEST: the ERP acquires it: pending, with a job
select sincro.push_claim('C00001', 1);
select sincro.push_acquired('C00001', 1, 'K-77', null);
select results_eq($$ select status_back from sincro.store_orders $$, $$ values ('pending') $$, 'acquired: the status back is pending');
select results_eq($$ select count(*)::int from graphile_worker.jobs where task_identifier = 'store_status_back' and key = 'store_status_back:C00001:1' $$,
                  $$ values (1) $$, 'and the worker is rung');
select results_eq($$ select c ->> 'platform', c ->> 'api_url', c ->> 'platform_order_id', c ->> 'tor_chia', c ->> 'woocommerce_status'
                     from sincro.store_status_back_claim('C00001', 1) c $$,
                  $$ values ('woocommerce', 'https://shop.example.com', '501', 'K-77', 'completed') $$, 'the claim says what to tell whom');

-- TEST: a failed attempt keeps it pending with the reason; a successful one marks it sent
select sincro.store_status_back_done('C00001', 1, 'shop down');
select results_eq($$ select status_back, status_back_error from sincro.store_orders $$, $$ values ('pending', 'shop down') $$, 'failed: still pending, with why');
select sincro.store_status_back_done('C00001', 1);
select results_eq($$ select status_back, status_back_error from sincro.store_orders $$, $$ values ('sent', null::text) $$, 'told: sent');
select is(sincro.store_status_back_claim('C00001', 1), null, 'nothing more to tell');

-- TEST: reconciliation offers: known versions skipped, a new one queued with its job
select is(sincro.store_reconcile_offer('woo1', convert_to(sincro_tests.woo_order(501), 'UTF8')), 'known', 'the version the hub has: known');
select is(sincro.store_reconcile_offer('woo1', convert_to(sincro_tests.woo_order(601), 'UTF8')), 'queued', 'an order the hub never heard of: queued');
select is(sincro.store_reconcile_offer('woo1', convert_to(sincro_tests.woo_order(601), 'UTF8')), 'known', 'offered again while it waits: known');
select is(sincro.store_reconcile_offer('woo1', convert_to('{"id": 602}', 'UTF8')), 'unreadable', 'an entry without modification time: unreadable, and the pass goes on');
select results_eq($$ select source, state, platform_order_id from sincro_private.store_inbox where platform_order_id = '601' $$,
                  $$ values ('reconcile', 'received', '601') $$, 'queued in the inbox, to be applied like a webhook');

-- TEST: the watermark moves after a successful pass only
update sincro_private.store set watermark = '2026-11-01' where store_id = 'woo1';
select sincro.store_reconcile_end('woo1', '2026-11-30 12:00', 'HTTP 500 from the shop');
select sincro.store_reconcile_end('woo1', '2026-11-30 12:10');
select results_eq($$ select watermark, last_reconcile_error from sincro_private.store where store_id = 'woo1' $$,
                  $$ values ('2026-11-30 12:05'::timestamptz, null::text) $$, 'a failed pass leaves it; a good one moves it to its start minus 5 minutes');

-- TEST: the sweep rings again for an inbox row whose job is gone
delete from graphile_worker._private_jobs;
update sincro_private.store_inbox set received_at = now() - interval '10 minutes' where platform_order_id = '601';
select results_eq($$ select inbox_rows from sincro.store_sweep() $$, $$ values (1) $$, 'the lost doorbell is rung again');

select * from finish();
rollback;
