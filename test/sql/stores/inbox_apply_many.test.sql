-- Inbox rows applied several in one transaction (the dispatcher's jobs): each row as store_inbox_apply alone
-- would (its own failure is its error row and leaves the others be), the dispatcher's jobs grouped by company.
begin;
select plan(9);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_tests.setup_store('woo1', 'C00001', 'woocommerce');
select sincro_tests.setup_store('woo2', 'C00002', 'woocommerce');

-- TEST: the dispatcher's jobs: up to per_job rows of one company each, oldest first, one per company
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(601))).inbox_id as a1 \gset
select (sincro_tests.deliver('woo2', sincro_tests.woo_order(701))).inbox_id as b1 \gset
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(602, meta => '[{"key": "billing_piva", "value": "12345678901"}]'))).inbox_id as a2 \gset
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(603))).inbox_id as a3 \gset
select (sincro_tests.deliver('woo1', sincro_tests.woo_order(601))).inbox_id as a4 \gset
select is(sincro.store_inbox_dispatch(500, interval '0', 3), 4, 'four rows rung (C00001''s fourth waits for its first job: inbox_chain.test.sql)');
select results_eq($$ select j.payload::jsonb -> 'inbox_ids' from graphile_worker._private_jobs j order by j.id $$,
                  format($$ values ('[%s, %s, %s]'::jsonb), ('[%s]') $$, :a1, :a2, :a3, :b1),
                  'two jobs, by their first row: C00001''s first three rows, C00002''s one');

-- TEST: applied together: each row's outcome, the bad one an error with nothing written, the others orders
select results_eq(format($$ select inbox_id, state, error is not null from sincro.store_inbox_apply_many(array[%s, %s, %s, %s]) $$, :a1, :a2, :a3, :a4),
                  format($$ values (%s::bigint, 'created', false), (%s, 'error', true), (%s, 'created', false), (%s, 'duplicate', false) $$, :a1, :a2, :a3, :a4),
                  'created, error (a bad partita IVA), created, duplicate (the first delivery again)');
select sincro_tests.commit_point();
select results_eq($$ select id_int from sincro.arportes where azi = 'C00001' order by id_pub $$, $$ values ('601'), ('603') $$,
                  'two orders, nothing of the refused one');
select results_eq(format($$ select state from sincro_private.store_inbox where inbox_id in (%s, %s, %s, %s) order by inbox_id $$, :a1, :a2, :a3, :a4),
                  $$ values ('created'), ('error'), ('created'), ('duplicate') $$, 'each inbox row says what it became');

-- TEST: a row already handled is left as it is; a row of another company in the same call is applied as its own
select results_eq(format($$ select inbox_id, state from sincro.store_inbox_apply_many(array[%s, %s]) $$, :a1, :b1),
                  format($$ values (%s::bigint, 'created'), (%s, 'created') $$, :a1, :b1), 'handled: unchanged; the other company''s: created');
select is((select count(*) from sincro.arportes), 3::bigint, 'three orders in all');

-- TEST: bad arguments: SY101
select throws_ok($$ select * from sincro.store_inbox_apply_many('{}') $$, 'SY101', null, 'no rows: SY101');
select throws_ok($$ select * from sincro.store_inbox_apply_many(array[1, null]) $$, 'SY101', null, 'a NULL ID: SY101');

select * from finish();
rollback;
