-- Insert trigger: public IDs per company from the counter, creator's ack, id_sincro 0.
begin;
select plan(7);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.setup_company('C00002') as b \gset

-- TEST: public IDs run 1, 2, 3 per company, independently
select results_eq(
  $$ select sincro_tests.store_order('C00001', 'o1'), sincro_tests.store_order('C00001', 'o2'),
            sincro_tests.store_order('C00002', 'o1'), sincro_tests.app_order('C00001', '7', 'o1', '15') $$,
  $$ values (1::bigint, 2::bigint, 1::bigint, 3::bigint) $$,
  'id_pub is 1, 2, 3 for one company and 1 for another');
-- TEST: the counter holds the last public ID
select is((select last_id_pub from sincro.apstatosyn where azi = 'C00001'), 3::bigint, 'last_id_pub = 3');
-- TEST: a store order acks the store only
select results_eq($$ select ack_store, ack_gest, ack_app, id_sincro from sincro.arportes where azi = 'C00001' and id_pub = 1 $$,
                  $$ values (1::smallint, 0::smallint, 0::smallint, 0::bigint) $$, 'store order: acks 1/0/0, id_sincro 0');
-- TEST: an app order acks the app only
select results_eq($$ select ack_store, ack_gest, ack_app, id_sincro from sincro.arportes where azi = 'C00001' and id_pub = 3 $$,
                  $$ values (0::smallint, 0::smallint, 1::smallint, 0::bigint) $$, 'app order: acks 0/0/1, id_sincro 0');
-- TEST: the order date defaults to today
select is((select data_ordine from sincro.arportes where azi = 'C00001' and id_pub = 1), current_date, 'data_ordine defaults to today');
-- TEST: a rolled-back insert gives its number back (gap-free)
savepoint before_failure;
select sincro_tests.store_order('C00001', 'o3');
rollback to savepoint before_failure;
select is(sincro_tests.store_order('C00001', 'o4'), 4::bigint, 'after a rolled-back insert the next order still gets 4');
-- TEST: the creator's own ack may be given explicitly
select lives_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, ack_store)
                   values ('C00001', 'S', 'o5', 'C', '0', 1) $$, 'a store order may state ack_store = 1');

select * from finish();
rollback;
