-- The dispatcher polls for new deliveries every 10 ms; while a company's backlog drains, its gate is held and
-- each poll (and each ring of its chain) must look at a few rows, not at the whole backlog. The inbox's
-- statistics say what it held when last analyzed: on a hub that state is "nearly no row received" (rows are
-- applied within milliseconds), and a backlog comes suddenly (a burst of webhooks, a reconciliation). With
-- those statistics the planner took an index in received_at order and sorted the company's whole backlog
-- to find its first row: 3,000 rows fetched a poll (docs/performance.md, stores).
begin;
select plan(4);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_store('woo1', 'C00001', 'woocommerce');
select count(*) from (select sincro_tests.deliver('woo1', sincro_tests.woo_order(n)) from generate_series(1, 2000) n) d;
update sincro_private.store_inbox set state = 'created', doorbell_rung = true where azi = 'C00001';
analyze sincro_private.store_inbox;  -- the statistics of a hub keeping up: 2,000 orders applied, none waiting
select count(*) from (select sincro_tests.deliver('woo1', sincro_tests.woo_order(10000 + n)) from generate_series(1, 2000) n) d;

create temp table fetched (at text primary key, n bigint);
create function pg_temp.fetched_since(at text) returns bigint language sql as $$
  select s.idx_tup_fetch + s.seq_tup_read - f.n from pg_stat_xact_user_tables s, fetched f
  where s.relid = 'sincro_private.store_inbox'::regclass and f.at = fetched_since.at
$$;
create function pg_temp.mark(at text) returns void language sql as $$
  insert into fetched select at, s.idx_tup_fetch + s.seq_tup_read from pg_stat_xact_user_tables s
  where s.relid = 'sincro_private.store_inbox'::regclass
$$;

-- TEST: the first poll rings the company's oldest ten rows and takes its gate, reading about those
select pg_temp.mark('first');
select is(sincro.store_inbox_dispatch(500, interval '0', 10), 10, 'the first poll rings ten rows of the backlog of 2,000');
select cmp_ok(pg_temp.fetched_since('first'), '<=', 100::bigint, 'and reads at most 100 inbox rows to do it');

-- TEST: with the gate held (the chain under way), a poll finds nothing to ring and reads a few rows
select pg_temp.mark('held');
select is(sincro.store_inbox_dispatch(500, interval '0', 10), 0, 'a poll while the company''s chain is under way rings nothing');
select cmp_ok(pg_temp.fetched_since('held'), '<=', 100::bigint, 'and reads at most 100 inbox rows');

select * from finish();
rollback;
