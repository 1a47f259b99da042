-- erp_write_order with id_pub: the ERP acquires or changes a store/app order.
begin;
select plan(8);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as id \gset
select sincro_tests.commit_point();

-- TEST: acquisition sets the key and ack_gest, leaves id_sincro pending until commit
select is(sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "C201700001230"}'), 1::bigint, 'returns id_pub');
select results_eq($$ select tor_chia, ack_gest, id_sincro from sincro.arportes where id_pub = 1 $$,
                  $$ values ('C201700001230', 1::smallint, null::bigint) $$, 'before commit: key and ack set, id_sincro pending');
select sincro_tests.commit_point();
-- TEST: at commit the row gets the company's next change number
select results_eq($$ select id_sincro from sincro.arportes where id_pub = 1 $$, $$ values (1::bigint) $$, 'at commit: id_sincro 1');
-- TEST: only what doc carries changes
select sincro.erp_write_order('C00001', '{"id_pub": 1, "note": "consegna al mattino", "totale_documento": 24.40}') as w \gset
select sincro_tests.commit_point();
select results_eq($$ select tor_chia, note, totale_documento, autore_cod, id_sincro from sincro.arportes where id_pub = 1 $$,
                  $$ values ('C201700001230', 'consegna al mattino', 24.40::numeric(14, 2), '0', 2::bigint) $$,
                  'note and total set, the rest kept, id_sincro 2');
-- TEST: a known tor_chia without id_pub updates that order
select is(sincro.erp_write_order('C00001', '{"tor_chia": "C201700001230", "conferma": "ABCD"}'), 1::bigint,
          'a known tor_chia finds order 1');
select sincro_tests.commit_point();
select results_eq($$ select conferma, id_sincro from sincro.arportes where id_pub = 1 $$, $$ values ('ABCD', 3::bigint) $$,
                  'conferma set, id_sincro 3');
-- TEST: no second order was made
select is((select count(*)::int from sincro.arportes), 1, 'still one order');
-- TEST: several orders in one transaction get distinct, increasing numbers at commit
select sincro_tests.store_order('C00001', 'o2') as id2 \gset
select sincro.erp_write_order('C00001', '{"id_pub": 2, "tor_chia": "C201700001231"}') as w \gset
select sincro.erp_write_order('C00001', '{"id_pub": 1, "conferma": "ABCE"}') as w \gset
select sincro_tests.commit_point();
select results_eq($$ select id_pub, id_sincro from sincro.arportes order by id_pub $$,
                  $$ values (1::bigint, 4::bigint), (2::bigint, 5::bigint) $$, 'two orders, one commit: 4 and 5');

select * from finish();
rollback;
