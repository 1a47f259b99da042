-- device_changes_since reads an agent's rows through the (azi, agent, id_sincro) indexes: a page of n rows reads
-- about n entries of each of the login's agents' ranges, once (one statement merges the ordered ranges and stops at
-- n; the merge reads one entry past the page in each range), whatever the other agents hold. Both ways a page runs:
-- the static statement of a one-agent login, the statement built for a supervisor.
-- Observed on the real function, through the transaction's statistics counters for each index.
begin;
select plan(6);

select sincro_tests.setup_company('C00001');
select sincro_private.upsert_erp_rows('customer', 'C00001', $$[{"key": {"cod_cli": "K1"}, "data": {"cod_agente": "A1"}},
                                                               {"key": {"cod_cli": "K2"}, "data": {"cod_agente": "A2"}}]$$);
-- A1 has 50 particolarità, A2 500
select sincro_private.upsert_erp_rows('particolarita', 'C00001',
  (select jsonb_agg(jsonb_build_object('key', jsonb_build_object('cod_cli', case when g <= 50 then 'K1' else 'K2' end, 'cod_art', 'ART' || g,
                                                                 'valido_dal', '2026-01-01'), 'data', '{}'::jsonb)) from generate_series(1, 550) g));
select sincro.create_login('t_dev_a1', 'app', 'C00001', 'dev-a1', null, 'A1');
-- S1 supervises A2 (500 particolarità)
select sincro_private.upsert_erp_rows('agent', 'C00001', $$[{"key": {"cod_agente": "S1"}, "data": {}},
                                                            {"key": {"cod_agente": "A2"}, "data": {"cod_supervisore": "S1"}}]$$);
select sincro.create_login('t_dev_s1', 'app', 'C00001', 'dev-s1', null, 'S1');
select sincro_tests.commit_point();

set local enable_seqscan = off;
select 'sincro.idx_particolarita__slice'::regclass::oid as idx \gset
select 'sincro.idx_particolarita__id_sincro'::regclass::oid as idx_all \gset
select pg_stat_get_xact_tuples_returned(:idx) as read_before, pg_stat_get_xact_tuples_returned(:idx_all) as all_before \gset
set local session authorization t_dev_a1;
select count(*) as returned from sincro.device_changes_since(0, 5) \gset
reset session authorization;

-- TEST: a page of 5 read at most 5 + 1 entries of the slice index (of A1's 50, A2's 500), once
select cmp_ok(pg_stat_get_xact_tuples_returned(:idx) - :read_before, '<=', 6::bigint, 'a page of 5: at most 5 + 1 entries of idx_particolarita__slice');
select is(:returned::int, 5, 'five rows returned');
-- TEST: the company-wide id_sincro index of particolarità is not walked
select is(pg_stat_get_xact_tuples_returned(:idx_all) - :all_before, 0::bigint, 'idx_particolarita__id_sincro: not read');


-- the supervisor: its own range (S1, empty) and A2's
select pg_stat_get_xact_tuples_returned(:idx) as read_before, pg_stat_get_xact_tuples_returned(:idx_all) as all_before \gset
set local session authorization t_dev_s1;
select count(*) as returned from sincro.device_changes_since(0, 5) \gset
reset session authorization;
-- TEST: the same for a supervisor's page, built with its agents: at most 5 + 1 entries of A2's 500
select cmp_ok(pg_stat_get_xact_tuples_returned(:idx) - :read_before, '<=', 6::bigint, 'a supervisor''s page of 5: at most 5 + 1 entries of idx_particolarita__slice');
select is(:returned::int, 5, 'five rows returned to the supervisor');
select is(pg_stat_get_xact_tuples_returned(:idx_all) - :all_before, 0::bigint, 'idx_particolarita__id_sincro: not read for the supervisor');

select * from finish();
rollback;
