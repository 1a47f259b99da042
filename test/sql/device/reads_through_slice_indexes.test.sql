-- device_changes_since reads an agent's rows through the (azi, agent, id_sincro) indexes: a page of n rows reads
-- about n entries of the agent's range twice (where the page ends, then the page), whatever the other agents hold,
-- and never the other agents' entries.
-- Observed on the real function, through the transaction's statistics counters for each index.
begin;
select plan(3);

select sincro_tests.setup_company('C00001');
select sincro_private.upsert_erp_rows('customer', 'C00001', $$[{"key": {"cod_cli": "K1"}, "data": {"cod_agente": "A1"}},
                                                               {"key": {"cod_cli": "K2"}, "data": {"cod_agente": "A2"}}]$$);
-- A1 has 50 particolarità, A2 500
select sincro_private.upsert_erp_rows('particolarita', 'C00001',
  (select jsonb_agg(jsonb_build_object('key', jsonb_build_object('cod_cli', case when g <= 50 then 'K1' else 'K2' end, 'cod_art', 'ART' || g,
                                                                 'valido_dal', '2026-01-01'), 'data', '{}'::jsonb)) from generate_series(1, 550) g));
select sincro.create_login('t_dev_a1', 'app', 'C00001', 'dev-a1', null, 'A1');
select sincro_tests.commit_point();

set local enable_seqscan = off;
select 'sincro.idx_particolarita__slice'::regclass::oid as idx \gset
select 'sincro.idx_particolarita__id_sincro'::regclass::oid as idx_all \gset
select pg_stat_get_xact_tuples_returned(:idx) as read_before, pg_stat_get_xact_tuples_returned(:idx_all) as all_before \gset
set local session authorization t_dev_a1;
select count(*) as returned from sincro.device_changes_since(0, 5) \gset
reset session authorization;

-- TEST: a page of 5 read at most 5 entries of the slice index in each of its two steps (of A1's 50, A2's 500)
select cmp_ok(pg_stat_get_xact_tuples_returned(:idx) - :read_before, '<=', 10::bigint, 'a page of 5: at most 2 x 5 entries of idx_particolarita__slice');
select is(:returned::int, 5, 'five rows returned');
-- TEST: the company-wide id_sincro index of particolarità is not walked
select is(pg_stat_get_xact_tuples_returned(:idx_all) - :all_before, 0::bigint, 'idx_particolarita__id_sincro: not read');

select * from finish();
rollback;
