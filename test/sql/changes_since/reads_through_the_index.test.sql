-- sincro.changes_since reads through idx_arportes__id_sincro in change-number order: a batch of n rows reads n index
-- entries, however many changes lie above the cursor. Observed on the real function, through the transaction's own
-- statistics counters for the index (pg_stat_get_xact_*), which count every scan the function's plan makes.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.setup_company('C00002') as b \gset
select sincro_tests.store_order('C00001', 'o' || g) from generate_series(1, 20) g;
select sincro_tests.store_order('C00002', 'x' || g) from generate_series(1, 5) g;
-- the ERP acquires every order: C00001's get change numbers 1 to 20, C00002's 1 to 5
select sincro.erp_write_order(azi, jsonb_build_object('id_pub', id_pub, 'tor_chia', 'K' || azi || '-' || id_pub))
  from sincro.arportes order by azi, id_pub;
select sincro_tests.commit_point();

-- A test table holds a few rows, where the planner may rightly prefer reading the whole table; with sequential
-- scans discouraged it still reads the whole table if no index fits the function's query.
set local enable_seqscan = off;
select 'sincro.idx_arportes__id_sincro'::regclass::oid as idx \gset
select pg_stat_get_xact_numscans(:idx) as scans_before, pg_stat_get_xact_tuples_returned(:idx) as read_before \gset
select count(*) as returned from sincro.changes_since('C00001', 0, 3) \gset

-- TEST: the call scanned idx_arportes__id_sincro
select is(pg_stat_get_xact_numscans(:idx) - :scans_before, 1::bigint, 'changes_since scanned idx_arportes__id_sincro once');
-- TEST: it read as many index entries as it returned rows: an ordered walk that stops at max_rows, not a sort of all 20
select is(pg_stat_get_xact_tuples_returned(:idx) - :read_before, :returned::bigint, '3 rows returned of 20 above the cursor: 3 index entries read');

select * from finish();
rollback;
