-- erp_write_order without id_pub and an unknown tor_chia: an order made in the ERP.
begin;
select plan(6);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as id \gset

-- TEST: a new public ID, provenance G, ack_gest 1
select is(sincro.erp_write_order('C00001',
  '{"tor_chia": "C201700002150", "conferma": "CK3", "autore_tipo": "O", "autore_cod": "75", "cliente_cod": "C0042",
    "lines": [{"articolo": "ART1", "quantita": 2, "prezzo": 5}, {"articolo": "ART2", "quantita": 1}]}'),
  2::bigint, 'the ERP-made order gets id_pub 2');
select sincro_tests.commit_point();
select results_eq($$ select prov_tipo, prov_id, id_int, ack_store, ack_gest, ack_app, autore_tipo, autore_cod, cliente_cod, id_sincro
                     from sincro.arportes where id_pub = 2 $$,
                  $$ values ('G', null::text, null::text, 0::smallint, 1::smallint, 0::smallint, 'O', '75', 'C0042', 1::bigint) $$,
                  'G order: acks 0/1/0, O 75, id_sincro 1');
-- TEST: its lines, numbered by position
select results_eq($$ select riga, articolo, quantita, prezzo from sincro.arporrig where id_pub = 2 order by riga $$,
                  $$ values (1, 'ART1', 2.000, 5.0000), (2, 'ART2', 1.000, 0.0000) $$, 'lines numbered 1, 2');
-- TEST: never a lookup of an existing order by other data
select is(sincro.erp_write_order('C00001',
  '{"tor_chia": "C201700002151", "autore_tipo": "O", "autore_cod": "75", "lines": [{"articolo": "ART1", "quantita": 2, "prezzo": 5}]}'),
  3::bigint, 'an identical order with another key is another order');
-- TEST: its history version is the ERP's
select is((select party from sincro.arportes_history where id_pub = 2 and operation = 'INSERT'), 'G', 'history: inserted by G');
-- TEST: it is published, so it is pending for store and app, not for the ERP
select sincro_tests.commit_point();
select results_eq($$ select (select count(*) from sincro.pending_store where id_pub = 2)::int,
                            (select count(*) from sincro.pending_app where id_pub = 2)::int,
                            (select count(*) from sincro.pending_gest where id_pub = 2)::int $$,
                  $$ values (1, 1, 0) $$, 'pending for store and app only');

select * from finish();
rollback;
