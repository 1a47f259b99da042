-- all_changes_since, advance_consumer_cursor, consumer_lag, company_status, purge_tombstones.
begin;
select plan(17);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as o1 \gset
select sincro_tests.commit_point();
select sincro_private.upsert_erp_rows('article', 'C00001', '[{"key": {"cod_art": "A"}, "data": {"descrizione": "a"}}]');  -- 1
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "K1"}') as w \gset
select sincro_tests.commit_point();                                                                                         -- order 2
select sincro_private.upsert_erp_rows('customer', 'C00001', '[{"key": {"cod_cli": "9"}, "data": {"ragione_sociale": "nove"}}]');  -- 3
select sincro_private.upsert_documents('C00001', '[{"key": {"tipo_doc": "preventivo", "numero": "P1"}, "data": {"lines": [{"articolo": "A", "quantita": 4}]}}]'); -- 4
select sincro_private.tombstone_erp_rows('article', 'C00001', '[{"cod_art": "A"}]');                                      -- 5

-- TEST: one cursor, one feed over every table, in change-number order
select results_eq($$ select entity, id_sincro, deleted, key from sincro.all_changes_since('C00001', 0) $$,
  $$ values ('order', 2::bigint, false, '{"id_pub": 1}'::jsonb), ('customer', 3, false, '{"cod_cli": "9"}'),
            ('document', 4, false, '{"numero": "P1", "tipo_doc": "preventivo"}'), ('article', 5, true, '{"cod_art": "A"}') $$,
  'order 2, customer 3, quote 4, article 5 (deleted)');
select is((select data -> 'lines' -> 0 ->> 'quantita' from sincro.all_changes_since('C00001', 3) where entity = 'document'), '4.000', 'a document carries its lines');
select is((select data ->> 'tor_chia' from sincro.all_changes_since('C00001', 0) where entity = 'order'), 'K1', 'an order carries its columns');
select results_eq($$ select id_sincro from sincro.all_changes_since('C00001', 2, 2) $$, $$ values (3::bigint), (4::bigint) $$, 'from 2, at most 2');
select throws_ok($$ select * from sincro.all_changes_since('NOPE', 0) $$, 'SY100', null, 'unknown company: SY100');
select throws_ok($$ select * from sincro.all_changes_since('C00001', -1) $$, 'SY101', null, 'negative cursor: SY101');
-- TEST: consumers record their cursor; the lag follows
select sincro.advance_consumer_cursor('C00001', 'store', 3);
select sincro.advance_consumer_cursor('C00001', 'app:50', 5);
select results_eq($$ select consumer, "cursor", last_change, lag from sincro.consumer_lag order by consumer $$,
                  $$ values ('app:50', 5::bigint, 5::bigint, 0::bigint), ('store', 3, 5, 2) $$, 'store 2 behind, app:50 up to date');
select throws_ok($$ select sincro.advance_consumer_cursor('C00001', 'store', 6) $$, 'SY101', null, 'a cursor beyond the last change: SY101');
select throws_ok($$ select sincro.advance_consumer_cursor('C00001', 'bad name!', 1) $$, 'SY201', null, 'a bad consumer name: SY201');
-- TEST: a store login may move only the store's cursor
select sincro.create_login('t_store_cc', 'store', 'C00001');
set local session authorization t_store_cc;
select lives_ok($$ select sincro.advance_consumer_cursor('C00001', 'store', 4) $$, 'the store moves its own cursor');
select throws_ok($$ select sincro.advance_consumer_cursor('C00001', 'app:50', 1) $$, 'SY107', null, 'the store cannot move an app''s cursor');
select results_eq($$ select count(*)::int from sincro.articoli $$, $$ values (1) $$, 'the store reads its company''s articles');
reset session authorization;
-- TEST: company_status sums it up
select results_eq($$ select pending_gest, last_change, sync_quota from sincro.company_status where azi = 'C00001' $$,
                  $$ values (0::bigint, 5::bigint, 0) $$, 'status: nothing pending for the ERP, last change 5, no contract');
-- TEST: tombstones past the retention are purged; older cursors must rebuild (SY130)
select is(sincro.purge_tombstones('C00001'), 0::bigint, 'a fresh tombstone is kept');
update sincro.articoli set updated_at = now() - interval '91 days' where cod_art = 'A';
select is(sincro.purge_tombstones('C00001'), 1::bigint, 'past 90 days it is purged');
select throws_ok($$ select * from sincro.all_changes_since('C00001', 3) $$, 'SY130', null, 'a cursor older than the purge: SY130, rebuild your copy');
select lives_ok($$ select * from sincro.all_changes_since('C00001', 0) $$, 'from 0 (a rebuild of the copy) is fine');

select * from finish();
rollback;
