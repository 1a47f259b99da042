-- Views pending_gest, pending_store, pending_app: what each party has not acquired.
begin;
select plan(6);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 's1') as s1 \gset
select sincro_tests.app_order('C00001', '50', 'a1', '15') as a1 \gset
select sincro.erp_write_order('C00001', '{"tor_chia": "K9", "autore_tipo": "O", "autore_cod": "75", "lines": [{"articolo": "A", "quantita": 1}]}') as g1 \gset
select sincro_tests.commit_point();

-- TEST: the ERP has not acquired the store and app orders
select results_eq($$ select id_pub from sincro.pending_gest order by id_pub $$, $$ values (1::bigint), (2::bigint) $$,
                  'pending_gest: store and app orders');
-- TEST: store and app see the published ERP-made order
select results_eq($$ select id_pub from sincro.pending_store order by id_pub $$, $$ values (3::bigint) $$, 'pending_store: the ERP order');
select results_eq($$ select id_pub from sincro.pending_app order by id_pub $$, $$ values (3::bigint) $$, 'pending_app: the ERP order');
-- TEST: after the ERP acquires the app order, the store sees it too (published), the app does not (acquired)
select sincro.erp_write_order('C00001', '{"id_pub": 2, "tor_chia": "K2"}') as w \gset
select sincro_tests.commit_point();
select results_eq($$ select id_pub from sincro.pending_gest $$, $$ values (1::bigint) $$, 'pending_gest: only the store order left');
select results_eq($$ select id_pub from sincro.pending_store order by id_pub $$, $$ values (2::bigint), (3::bigint) $$,
                  'pending_store: the acquired app order and the ERP order');
-- TEST: acks take orders out of the views
update sincro.arportes set ack_store = 1 where id_pub in (2, 3);
update sincro.arportes set ack_app = 1 where id_pub = 3;
select results_eq($$ select (select count(*) from sincro.pending_store)::int, (select count(*) from sincro.pending_app)::int $$,
                  $$ values (0, 0) $$, 'after the acks nothing is pending for store and app');

select * from finish();
rollback;
