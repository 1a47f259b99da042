-- The order timeline (sincro.order_timeline) of the protocol's worked example, orders A to D:
-- each order's versions are the rows of its table in docs/protocol.md (the hub's
-- steps; A1, A3, A5 and the other ERP-internal halves leave the hub row unchanged), in order,
-- with the acting party, every protocol column, and what changed.
begin;
select plan(7);

select sincro_tests.setup_company('C00001') as azi \gset

-- A2
insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale)
  values ('C00001', 'S', 'web-42', 'Mario Rossi') returning customer_id as customer \gset
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id)
  values ('C00001', 'S', '150', 'C', '0', :customer);
insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo)
  values ('C00001', 1, 1, 'ART1', 2, 10), ('C00001', 1, 2, 'ART2', 1, 5);
select sincro_tests.commit_point();
-- A4
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "C201700001230", "autore_cod": "123", "cliente_cod": "123"}');
select sincro_tests.commit_point();
select id_sincro as n1 from sincro.arportes where azi = 'C00001' and id_pub = 1 \gset
-- A6
select sincro.erp_write_order('C00001', '{"id_pub": 1, "conferma": "ABCD"}');
select sincro_tests.commit_point();
select id_sincro as n2 from sincro.arportes where azi = 'C00001' and id_pub = 1 \gset
-- B2, B4, B6
select sincro_tests.app_order('C00001', '50', '150', '15');
select sincro_tests.commit_point();
select sincro.erp_write_order('C00001', '{"id_pub": 2, "tor_chia": "C201700001760"}');
select sincro_tests.commit_point();
select id_sincro as n3 from sincro.arportes where azi = 'C00001' and id_pub = 2 \gset
select sincro.erp_write_order('C00001', '{"id_pub": 2, "conferma": "CDEF"}');
select sincro_tests.commit_point();
select id_sincro as n4 from sincro.arportes where azi = 'C00001' and id_pub = 2 \gset
-- C2, C4, C6
select sincro_tests.app_order('C00001', '51', '150', '21');
select sincro_tests.commit_point();
select sincro.erp_write_order('C00001', '{"id_pub": 3, "tor_chia": "C201700001810"}');
select sincro_tests.commit_point();
select id_sincro as n5 from sincro.arportes where azi = 'C00001' and id_pub = 3 \gset
select sincro.erp_write_order('C00001', '{"id_pub": 3, "conferma": "XYZ"}');
select sincro_tests.commit_point();
select id_sincro as n6 from sincro.arportes where azi = 'C00001' and id_pub = 3 \gset
-- D2, D3
select sincro.erp_write_order('C00001',
  '{"tor_chia": "C201700002150", "conferma": "CK3", "autore_tipo": "O", "autore_cod": "75",
    "lines": [{"articolo": "ART9", "quantita": 4, "prezzo": 7.5}]}');
select sincro_tests.commit_point();
select id_sincro as n7 from sincro.arportes where azi = 'C00001' and id_pub = 4 \gset
update sincro.arportes set ack_store = 1 where azi = 'C00001' and id_pub = 4;
select sincro_tests.commit_point();

-- TEST: A's timeline is the protocol's table A (A2, A4, A6)
select results_eq(
  $$ select what, party, id_pub, tor_chia, conferma, id_int, ack_store::int, ack_gest::int, ack_app::int, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro
     from sincro.order_timeline('C00001', 1) order by step $$,
  $$ values ('INSERT', 'S', 1::bigint, null::text, null::text, '150', 1, 0, 0, 'S', null::text, 'C', '0', 0::bigint),
            ('UPDATE', 'G', 1, 'C201700001230', null, '150', 1, 1, 0, 'S', null, 'C', '123', $$ || :n1 || $$),
            ('UPDATE', 'G', 1, 'C201700001230', 'ABCD', '150', 1, 1, 0, 'S', null, 'C', '123', $$ || :n2 || $$) $$,
  'order A: A2, A4, A6');
-- TEST: B's timeline is table B (B2, B3-B4, B5-B6)
select results_eq(
  $$ select what, party, id_pub, tor_chia, conferma, id_int, ack_store::int, ack_gest::int, ack_app::int, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro
     from sincro.order_timeline('C00001', 2) order by step $$,
  $$ values ('INSERT', 'A', 2::bigint, null::text, null::text, '150', 0, 0, 1, 'A', '50', 'T', '15', 0::bigint),
            ('UPDATE', 'G', 2, 'C201700001760', null, '150', 0, 1, 1, 'A', '50', 'T', '15', $$ || :n3 || $$),
            ('UPDATE', 'G', 2, 'C201700001760', 'CDEF', '150', 0, 1, 1, 'A', '50', 'T', '15', $$ || :n4 || $$) $$,
  'order B: B2, B4, B6');
-- TEST: C's timeline is table C (C2, C3-C4, C5-C6), with its own key and confirmation
select results_eq(
  $$ select what, party, id_pub, tor_chia, conferma, id_int, ack_store::int, ack_gest::int, ack_app::int, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro
     from sincro.order_timeline('C00001', 3) order by step $$,
  $$ values ('INSERT', 'A', 3::bigint, null::text, null::text, '150', 0, 0, 1, 'A', '51', 'T', '21', 0::bigint),
            ('UPDATE', 'G', 3, 'C201700001810', null, '150', 0, 1, 1, 'A', '51', 'T', '21', $$ || :n5 || $$),
            ('UPDATE', 'G', 3, 'C201700001810', 'XYZ', '150', 0, 1, 1, 'A', '51', 'T', '21', $$ || :n6 || $$) $$,
  'order C: C2, C4, C6');
-- TEST: D's timeline is table D (D2, D3: the store's ack does not bump id_sincro)
select results_eq(
  $$ select what, party, id_pub, tor_chia, conferma, id_int, ack_store::int, ack_gest::int, ack_app::int, prov_tipo, prov_id, autore_tipo, autore_cod, id_sincro
     from sincro.order_timeline('C00001', 4) order by step $$,
  $$ values ('INSERT', 'G', 4::bigint, 'C201700002150', 'CK3', null::text, 0, 1, 0, 'G', null::text, 'O', '75', $$ || :n7 || $$::bigint),
            ('UPDATE', 'S', 4, 'C201700002150', 'CK3', null, 1, 1, 0, 'G', null, 'O', '75', $$ || :n7 || $$) $$,
  'order D: D2, D3');
-- TEST: the changes column says what each step changed, before → after
select results_eq(
  $$ select changes from sincro.order_timeline('C00001', 1) order by step $$,
  $$ values (null::text),
            ('ack_gest: 0 → 1; autore_cod: 0 → 123; cliente_cod: ∅ → 123; id_sincro: 0 → $$ || :n1 || $$; tor_chia: ∅ → C201700001230'),
            ('conferma: ∅ → ABCD; id_sincro: $$ || :n1 || $$ → $$ || :n2 || $$') $$,
  'order A: A4 sets key, ack, customer code and change number; A6 the confirmation and a new change number');
-- TEST: every version names the login that made it
select is((select count(*)::int from sincro.order_timeline('C00001', 4) where db_user is null), 0, 'each row names its login');
-- TEST: the lookups of the console and `sincro timeline` find the example's orders by each key
select results_eq(
  $$ select sincro.locate_order('C00001', id_pub => 3), sincro.locate_order('C00001', tor_chia => 'C201700001760'),
            sincro.locate_order('C00001', store_order => '150'), sincro.locate_order('C00001', device => '51', device_order => '150'),
            sincro.locate_order('C00001', id_pub => 99) $$,
  $$ values (3::bigint, 2::bigint, 1::bigint, 3::bigint, null::bigint) $$,
  'by public ID, ERP key, store order, device and device order; NULL when unknown');

select * from finish();
rollback;
