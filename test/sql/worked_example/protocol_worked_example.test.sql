-- The worked example of docs/protocol.md (corrected), scenarios A to D,
-- one company, step by step; every column of the protocol table at every step.
-- Steps A1, A3, A5 (and B/C's ERP-internal halves) happen inside the ERP: the
-- hub row is unchanged by them, which the next hub step's row shows.
begin;
select plan(28);

select sincro_tests.setup_company('C00001') as azi \gset

-- A2: the store saves order 150 (a new web customer, code 0) in the hub
insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale)
  values ('C00001', 'S', 'web-42', 'Mario Rossi') returning customer_id as customer \gset
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id)
  values ('C00001', 'S', '150', 'C', '0', :customer) returning id_pub as a_id \gset
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo)
  values ('C00001', :a_id, 1, 'ART1', 2, 10), ('C00001', :a_id, 2, 'ART2', 1, 5);
select sincro_tests.commit_point();

-- TEST: A2 row
select is(sincro_tests.protocol_row('C00001', :a_id),
          row(1, null, null, '150', 1, 0, 0, 'S', null, 'C', '0', 0)::sincro_tests.protocol_row,
          'A2: id_pub 1, ack 1/0/0, S, C 0, id_sincro 0');
-- TEST: A2 records the push in the same transaction; the worker's dispatcher takes it (issue 15: no job, no NOTIFY per insert)
select is((select state from sincro.order_push where azi = 'C00001' and id_pub = :a_id), 'pending',
          'A2: the push is recorded (pending) in the same transaction');
select is((select requests -> 0 ->> 'web_id' from sincro.push_take(50)), '1',
          'A2: the worker''s dispatcher takes it for the ERP, web ID 1');

-- A4: the ERP's answer (key, ack, customer code 123) in one step
select sincro.erp_write_order('C00001',
  '{"id_pub": 1, "tor_chia": "C201700001230", "autore_cod": "123", "cliente_cod": "123"}') as written \gset
select sincro_tests.commit_point();
select id_sincro as n1 from sincro.arportes where azi = 'C00001' and id_pub = 1 \gset

-- TEST: A4 returns the public ID
select is(:written::bigint, 1::bigint, 'A4: erp_write_order returns id_pub 1');
-- TEST: A4 n1 > 0
select cmp_ok(:n1::bigint, '>', 0::bigint, 'A4: n1 > 0');
-- TEST: A4 row
select is(sincro_tests.protocol_row('C00001', 1),
          row(1, 'C201700001230', null, '150', 1, 1, 0, 'S', null, 'C', '123', :n1)::sincro_tests.protocol_row,
          'A4: tor_chia set, ack 1/1/0, C 123, id_sincro n1');
-- TEST: A4 the new customer gets its ERP code
select is((select cod_cli from sincro.new_customers where azi = 'C00001' and customer_id = :customer), '123',
          'A4: the new customer record holds code 123');

-- A6: the operator confirmed ABCD in the ERP (A5); the ERP re-exports the order
select sincro.erp_write_order('C00001', '{"id_pub": 1, "conferma": "ABCD"}') as written \gset
select sincro_tests.commit_point();
select id_sincro as n2 from sincro.arportes where azi = 'C00001' and id_pub = 1 \gset

-- TEST: A6 n2 > n1
select cmp_ok(:n2::bigint, '>', :n1::bigint, 'A6: n2 > n1');
-- TEST: A6 row
select is(sincro_tests.protocol_row('C00001', 1),
          row(1, 'C201700001230', 'ABCD', '150', 1, 1, 0, 'S', null, 'C', '123', :n2)::sincro_tests.protocol_row,
          'A6: conferma ABCD, id_sincro n2');

-- B2: app on device 50, local ID 150, agent 15
select sincro_tests.app_order('C00001', '50', '150', '15') as b_id \gset
select sincro_tests.commit_point();

-- TEST: B2 row
select is(sincro_tests.protocol_row('C00001', :b_id),
          row(2, null, null, '150', 0, 0, 1, 'A', '50', 'T', '15', 0)::sincro_tests.protocol_row,
          'B2: id_pub 2, ack 0/0/1, A 50, T 15, id_sincro 0');

-- B3-B4: the ERP acquires it; tor_chia and ack_gest are set in this step
select sincro.erp_write_order('C00001', '{"id_pub": 2, "tor_chia": "C201700001760"}') as written \gset
select sincro_tests.commit_point();
select id_sincro as n3 from sincro.arportes where azi = 'C00001' and id_pub = 2 \gset

-- TEST: B4 n3 > n2
select cmp_ok(:n3::bigint, '>', :n2::bigint, 'B4: n3 > n2');
-- TEST: B4 row
select is(sincro_tests.protocol_row('C00001', 2),
          row(2, 'C201700001760', null, '150', 0, 1, 1, 'A', '50', 'T', '15', :n3)::sincro_tests.protocol_row,
          'B4: tor_chia C201700001760, ack 0/1/1, id_sincro n3');

-- B5-B6: confirmation CDEF, re-export
select sincro.erp_write_order('C00001', '{"id_pub": 2, "conferma": "CDEF"}') as written \gset
select sincro_tests.commit_point();
select id_sincro as n4 from sincro.arportes where azi = 'C00001' and id_pub = 2 \gset

-- TEST: B6 n4 > n3
select cmp_ok(:n4::bigint, '>', :n3::bigint, 'B6: n4 > n3');
-- TEST: B6 row
select is(sincro_tests.protocol_row('C00001', 2),
          row(2, 'C201700001760', 'CDEF', '150', 0, 1, 1, 'A', '50', 'T', '15', :n4)::sincro_tests.protocol_row,
          'B6: conferma CDEF, id_sincro n4');

-- C2: app on device 51, the same local ID 150, agent 21: a different order
select sincro_tests.app_order('C00001', '51', '150', '21') as c_id \gset
select sincro_tests.commit_point();

-- TEST: C2 row
select is(sincro_tests.protocol_row('C00001', :c_id),
          row(3, null, null, '150', 0, 0, 1, 'A', '51', 'T', '21', 0)::sincro_tests.protocol_row,
          'C2: id_pub 3, a different order from B');
-- TEST: B untouched by C2
select is(sincro_tests.protocol_row('C00001', 2),
          row(2, 'C201700001760', 'CDEF', '150', 0, 1, 1, 'A', '50', 'T', '15', :n4)::sincro_tests.protocol_row,
          'C2: order B is unchanged');

-- C3-C4: acquired with its own key C201700001810
select sincro.erp_write_order('C00001', '{"id_pub": 3, "tor_chia": "C201700001810"}') as written \gset
select sincro_tests.commit_point();
select id_sincro as n5 from sincro.arportes where azi = 'C00001' and id_pub = 3 \gset

-- TEST: C4 n5 > n4
select cmp_ok(:n5::bigint, '>', :n4::bigint, 'C4: n5 > n4');
-- TEST: C4 row
select is(sincro_tests.protocol_row('C00001', 3),
          row(3, 'C201700001810', null, '150', 0, 1, 1, 'A', '51', 'T', '21', :n5)::sincro_tests.protocol_row,
          'C4: tor_chia C201700001810 (not B''s), id_sincro n5');

-- C5-C6: confirmation XYZ
select sincro.erp_write_order('C00001', '{"id_pub": 3, "conferma": "XYZ"}') as written \gset
select sincro_tests.commit_point();
select id_sincro as n6 from sincro.arportes where azi = 'C00001' and id_pub = 3 \gset

-- TEST: C6 n6 > n5
select cmp_ok(:n6::bigint, '>', :n5::bigint, 'C6: n6 > n5');
-- TEST: C6 row
select is(sincro_tests.protocol_row('C00001', 3),
          row(3, 'C201700001810', 'XYZ', '150', 0, 1, 1, 'A', '51', 'T', '21', :n6)::sincro_tests.protocol_row,
          'C6: conferma XYZ (not CDEF), id_sincro n6');

-- D2: operator 75 entered C201700002150 / CK3 in the ERP; the ERP exports it
select sincro.erp_write_order('C00001',
  '{"tor_chia": "C201700002150", "conferma": "CK3", "autore_tipo": "O", "autore_cod": "75",
    "lines": [{"articolo": "ART9", "quantita": 4, "prezzo": 7.5}]}') as d_id \gset
select sincro_tests.commit_point();
select id_sincro as n7 from sincro.arportes where azi = 'C00001' and id_pub = :d_id \gset

-- TEST: D2 gets a new public ID 4
select is(:d_id::bigint, 4::bigint, 'D2: a new public ID, 4');
-- TEST: D2 n7 > n6
select cmp_ok(:n7::bigint, '>', :n6::bigint, 'D2: n7 > n6');
-- TEST: D2 row
select is(sincro_tests.protocol_row('C00001', 4),
          row(4, 'C201700002150', 'CK3', null, 0, 1, 0, 'G', null, 'O', '75', :n7)::sincro_tests.protocol_row,
          'D2: ack 0/1/0, G, O 75, id_sincro n7');
-- TEST: D2 has no push job (the ERP made it)
select is((select count(*)::int from graphile_worker.jobs where key = 'push_order:C00001:4'), 0,
          'D2: an ERP-made order is not pushed back to the ERP');

-- D3: the store sees id_sincro above its cursor (n6), imports it as its order 213, acks
-- TEST: D3 the store's cursor read finds order 4
select results_eq(
  $$ select id_pub from sincro.changes_since('C00001', $$ || :n6 || $$) $$,
  $$ values (4::bigint) $$,
  'D3: changes_since(n6) returns order 4 only');
update sincro.arportes set ack_store = 1 where azi = 'C00001' and id_pub = 4;
select sincro_tests.commit_point();

-- TEST: D3 row
select is(sincro_tests.protocol_row('C00001', 4),
          row(4, 'C201700002150', 'CK3', null, 1, 1, 0, 'G', null, 'O', '75', :n7)::sincro_tests.protocol_row,
          'D3: ack 1/1/0, id_sincro still n7 (acks do not bump it)');
-- TEST: the counters after the example
select results_eq(
  $$ select last_id_pub, last_id_sincro from sincro.apstatosyn where azi = 'C00001' $$,
  $$ values (4::bigint, $$ || :n7 || $$::bigint) $$,
  'apstatosyn: last_id_pub 4, last_id_sincro n7');
-- TEST: the history prints the example for order 1
select results_eq(
  $$ select operation, party, tor_chia, conferma, ack_store, ack_gest, ack_app, autore_cod, id_sincro
     from sincro.arportes_history where azi = 'C00001' and id_pub = 1 order by history_id $$,
  $$ values ('INSERT', 'S', null::text, null::text, 1::smallint, 0::smallint, 0::smallint, '0', 0::bigint),
            ('UPDATE', 'G', 'C201700001230', null, 1::smallint, 1::smallint, 0::smallint, '123', $$ || :n1 || $$::bigint),
            ('UPDATE', 'G', 'C201700001230', 'ABCD', 1::smallint, 1::smallint, 0::smallint, '123', $$ || :n2 || $$::bigint) $$,
  'history of order 1: A2, A4, A6');

select * from finish();
rollback;
