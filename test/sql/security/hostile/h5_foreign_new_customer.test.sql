-- H5: an order carries only a new customer its own creator wrote. Device 32 (or the store) naming device
-- 31's new customer would send that customer's data to the ERP with the wrong order and have the ERP's
-- code written back onto it. Another party's customer is refused exactly like one that does not exist
-- (SY101), and nothing is left behind.
begin;
select plan(9);

select sincro_tests.hostile_setup();
-- new customers: the store's and device 31's of C00001, device 31's of C00002 (identities: looked up)
select customer_id as store_c from sincro.new_customers where azi = 'C00001' and prov_tipo = 'S' \gset
select customer_id as dev31_c from sincro.new_customers where azi = 'C00001' and prov_id = '31' \gset
select customer_id as other_c from sincro.new_customers where azi = 'C00002' \gset

-- TEST: device 32 cannot attach device 31's customer
set local session authorization hx_app1_32;
select throws_ok($$
  insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, new_customer_id)
    values ('C00001', 'A', '32', 'h5-1', 'T', 'AG2', $$ || :dev31_c || $$) $$, 'SY101', null, 'device 32 naming device 31''s customer: SY101');
select throws_ok($$
  insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, new_customer_id)
    values ('C00001', 'A', '32', 'h5-2', 'T', 'AG2', $$ || :store_c || $$) $$, 'SY101', null, 'device 32 naming the store''s customer: SY101');
select throws_ok($$
  insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, new_customer_id)
    values ('C00001', 'A', '32', 'h5-3', 'T', 'AG2', 999999) $$, 'SY101', null, 'a customer that does not exist: SY101 as well');
reset session authorization;

-- TEST: the store cannot attach an app's customer, nor another company's
set local session authorization hx_store1;
select throws_ok($$
  insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id)
    values ('C00001', 'S', 'h5-4', 'C', '0', $$ || :dev31_c || $$) $$, 'SY101', null, 'the store naming device 31''s customer: SY101');
select throws_ok($$
  insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id)
    values ('C00001', 'S', 'h5-5', 'C', '0', $$ || :other_c || $$) $$, 'SY101', null, 'the store naming C00002''s customer: SY101');
reset session authorization;

-- TEST: its own customer is fine, in a later transaction too (a second order for the same new customer)
set local session authorization hx_app1_31;
select lives_ok($$
  insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, new_customer_id)
    values ('C00001', 'A', '31', 'h5-ok', 'T', 'AG1', $$ || :dev31_c || $$);
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita)
    select 'C00001', (select id_pub from sincro.arportes where id_int = 'h5-ok'), 1, 'A', 1 $$,
  'device 31 names its own customer');
reset session authorization;
select is((select new_customer_id from sincro.arportes where azi = 'C00001' and id_int = 'h5-ok'), :dev31_c::bigint, 'device 31''s order carries its customer');

-- TEST: the refusals left nothing behind (order 5 aside)
select is((select count(*)::int from sincro.arportes where azi = 'C00001' and id_int like 'h5-_'), 0, 'no refused order exists');
select is((select last_value from sincro_private.id_pub_counter where azi = 'C00001'), 5::bigint, 'one public ID used: device 31''s order');

select * from finish();
rollback;
