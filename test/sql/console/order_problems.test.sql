-- sincro.order_problems, the console's Problems inbox: rejected (with the ERP's message),
-- failing (last error, next try) and stuck (in flight over 5 minutes) orders, filtered by
-- company, kind and age, paged with a total; an operator sees its company's only.
begin;
select plan(9);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_tests.store_order('C00001', 'o' || g) from generate_series(1, 5) g;
select sincro_tests.store_order('C00002', 'theirs');
select count(*) from (select sincro_private.enqueue_push_order(azi, id_pub) from sincro.order_push) rung;  -- their jobs (as retries would have)
select sincro.push_claim('C00001', 1);
select sincro.push_rejected('C00001', 1, 'customer UNKNOWN does not exist in the ERP');
select sincro.push_claim('C00001', 2);
select sincro.push_failed('C00001', 2, 'connect ECONNREFUSED');
select sincro.push_claim('C00001', 3);
select sincro.push_claim('C00001', 4);
select sincro.push_acquired('C00001', 4, 'C202600000004');
select sincro.push_claim('C00002', 1);
select sincro.push_rejected('C00002', 1, 'bad');
-- order 3 has been in flight for 10 minutes; order 1 was queued a day ago
update sincro.order_push set last_attempt_at = now() - interval '10 minutes' where azi = 'C00001' and id_pub = 3;
update sincro.order_push set created_at = now() - interval '1 day' where azi = 'C00001' and id_pub = 1;
select sincro_tests.commit_point();
select sincro.create_login('t_op_c1', 'operator', 'C00001');

-- TEST: every kind, oldest first, with what the operator needs to see
select results_eq(
  $$ select azi, id_pub, kind, state, erp_message, last_error, total from sincro.order_problems() $$,
  $$ values ('C00001', 1::bigint, 'rejected', 'rejected', 'customer UNKNOWN does not exist in the ERP', null::text, 4::bigint),
            ('C00001', 2, 'failing', 'pending', null, 'connect ECONNREFUSED', 4),
            ('C00001', 3, 'stuck', 'in_flight', null, null, 4),
            ('C00002', 1, 'rejected', 'rejected', 'bad', null, 4) $$,
  'rejected, failing and stuck orders of every company (admin view); pending and acquired ones are no problem');
-- TEST: a failing order shows when its next try is due (its job's run_at)
select isnt((select next_try_at from sincro.order_problems('C00001', 'failing')), null, 'failing: next try known');
-- TEST: filters
select results_eq($$ select id_pub from sincro.order_problems(only_azi => 'C00001', kind => 'rejected') $$, $$ values (1::bigint) $$, 'by company and kind');
select results_eq($$ select id_pub from sincro.order_problems(older_than => interval '1 hour') $$, $$ values (1::bigint) $$, 'by age');
-- TEST: paging keeps the total
select results_eq($$ select azi, id_pub, total from sincro.order_problems(page_size => 2, page_offset => 2) $$,
                  $$ values ('C00001', 3::bigint, 4::bigint), ('C00002', 1::bigint, 4::bigint) $$, 'page 2 of 2, total 4');
-- TEST: a resolved or retried order leaves the inbox
select sincro.push_resolve('C00001', 3, 'the ERP has it: checked by phone');
select results_eq($$ select id_pub from sincro.order_problems('C00001') $$, $$ values (1::bigint), (2::bigint) $$, 'resolved: gone');
select sincro.push_retry('C00001', 1);
select results_eq($$ select id_pub from sincro.order_problems('C00001') $$, $$ values (2::bigint) $$, 'retried: gone until it fails again');

set local session authorization t_op_c1;
-- TEST: an operator sees its company's problems only, also when it asks for another
select results_eq($$ select azi, id_pub from sincro.order_problems() $$, $$ values ('C00001', 2::bigint) $$, 'its company only');
select is_empty($$ select * from sincro.order_problems('C00002') $$, 'another company: nothing');
reset session authorization;

select * from finish();
rollback;
