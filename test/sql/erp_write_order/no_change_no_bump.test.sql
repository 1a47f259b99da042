-- erp_write_order: a call that changes nothing bumps nothing.
begin;
select plan(5);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as id \gset
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "C201700001230", "conferma": "ABCD"}') as w \gset
select sincro_tests.commit_point();
select count(*) as versions from sincro.arportes_history \gset

-- TEST: the same answer again changes nothing
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "C201700001230", "conferma": "ABCD"}') as w \gset
select sincro_tests.commit_point();
select is((select id_sincro from sincro.arportes where id_pub = 1), 1::bigint, 'id_sincro still 1');
select is((select last_id_sincro from sincro.apstatosyn), 1::bigint, 'the counter did not move');
select is((select count(*) from sincro.arportes_history), :versions::bigint, 'no new history version');
-- TEST: the same lines again change nothing
select sincro.erp_write_order('C00001', '{"id_pub": 1, "lines": [{"riga": 1, "articolo": "ART1", "quantita": 1, "prezzo": 10},
                                                                {"riga": 2, "articolo": "ART2", "quantita": 2, "prezzo": 20}]}') as w \gset
select sincro_tests.commit_point();
select is((select id_sincro from sincro.arportes where id_pub = 1), 1::bigint, 'identical lines: id_sincro still 1');
-- TEST: an acquisition that carries no data is an ack, without a change number
select sincro_tests.store_order('C00001', 'o2') as id2 \gset
select sincro.erp_write_order('C00001', '{"id_pub": 2}') as w \gset
select sincro_tests.commit_point();
select results_eq($$ select ack_gest, id_sincro from sincro.arportes where id_pub = 2 $$, $$ values (1::smallint, 0::bigint) $$,
                  'ack_gest 1, id_sincro 0');

select * from finish();
rollback;
