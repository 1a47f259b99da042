-- The stores' part of the console's Problems page: an operator sees its company's inbox errors and
-- orders changed on the shop after the hub took them, never another company's; it may take its own
-- error rows again, and another company's row answers like a missing one (SY174).
begin;
select plan(7);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_tests.setup_store('woo1', 'C00001');
select sincro_tests.setup_store('woo2', 'C00002');
select sincro.store_inbox_apply((sincro_tests.deliver('woo1', sincro_tests.woo_order(1, skus => array['']))).inbox_id);      -- error: no SKU
select sincro.store_inbox_apply((sincro_tests.deliver('woo1', sincro_tests.woo_order(2))).inbox_id);                        -- created
select sincro.store_inbox_apply((sincro_tests.deliver('woo1', sincro_tests.woo_order(2, 'cancelled', '2026-11-30T10:00:00'), 'order.updated')).inbox_id);
select sincro.store_inbox_apply((sincro_tests.deliver('woo2', sincro_tests.woo_order(3, skus => array['']))).inbox_id);     -- C00002's error
select sincro.create_login('t_op_c1', 'operator', 'C00001');

set local session authorization t_op_c1;
-- TEST: its company's error and cancellation, newest first; nothing of C00002
select results_eq($$ select azi, store_id, platform_order_id, kind, reason like 'SY173%' or reason = 'cancelled on the shop', total::int from sincro.store_problems() $$,
                  $$ values ('C00001', 'woo1', '2', 'changed on the shop', true, 2), ('C00001', 'woo1', '1', 'error', true, 2) $$,
                  'the operator sees its company''s store problems only');
select is_empty($$ select * from sincro.store_problems('C00002') $$, 'asking for another company shows nothing');
-- TEST: it takes its own error row again; another company's is "no such row"
select lives_ok(format('select sincro.store_inbox_retry(%s)', (select min(inbox_id) from sincro.store_problems() where kind = 'error')), 'its own error row is taken again');
reset session authorization;
select inbox_id as theirs from sincro_private.store_inbox where store_id = 'woo2' \gset
set local session authorization t_op_c1;
select throws_ok(format('select sincro.store_inbox_retry(%s)', :theirs), 'SY174', null, 'another company''s row: SY174, as a missing one');
-- TEST: it still cannot read the inbox or a store's keys itself
select throws_ok('select * from sincro_private.store_inbox', '42501', null, 'no read of the inbox table');
select throws_ok('select * from sincro.store_inbox', '42501', null, 'no read of the admin''s inbox view');
reset session authorization;
select results_eq($$ select state from sincro_private.store_inbox where store_id = 'woo2' $$, $$ values ('error') $$, 'C00002''s row untouched');

select * from finish();
rollback;
