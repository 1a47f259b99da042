-- Update guard: a store or app may only set acks from 0 to 1; acks never bump id_sincro.
begin;
select plan(8);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.app_order('C00001', '50', '150', '15') as id \gset
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "C201700001760"}') as w \gset
select sincro_tests.commit_point();
select id_sincro as n from sincro.arportes where id_pub = 1 \gset

-- TEST: the store acks with a plain update
select lives_ok($$ update sincro.arportes set ack_store = 1 where azi = 'C00001' and id_pub = 1 $$, 'ack_store = 1 by plain update');
select sincro_tests.commit_point();
-- TEST: the ack does not bump id_sincro
select is((select id_sincro from sincro.arportes where id_pub = 1), :n::bigint, 'id_sincro unchanged by the ack');
-- TEST: the ack is recorded as the store's version in history
select is((select party from sincro.arportes_history where id_pub = 1 order by history_id desc limit 1), 'S', 'history: the ack is the store''s');
-- TEST: an ack cannot go back
select throws_ok($$ update sincro.arportes set ack_store = 0 where id_pub = 1 $$, 'SY107', null, 'ack 1 -> 0: SY107');
-- TEST: ERP-side columns cannot be changed directly
select throws_ok($$ update sincro.arportes set conferma = 'FAKE' where id_pub = 1 $$, 'SY107', null, 'conferma by plain update: SY107');
select throws_ok($$ update sincro.arportes set id_sincro = 999 where id_pub = 1 $$, 'SY107', null, 'id_sincro by plain update: SY107');
-- TEST: order data cannot be changed directly after insert
select throws_ok($$ update sincro.arportes set note = 'changed' where id_pub = 1 $$, 'SY107', null, 'note by plain update: SY107');
-- TEST: the setting sincro.party claims nothing for a client login
select sincro.create_login('t_spoofing_store', 'store', 'C00001');
set local session authorization t_spoofing_store;
set local sincro.party = 'G';
select throws_ok($$ update sincro.arportes set conferma = 'FAKE' where id_pub = 1 $$, 'SY107', null,
                 'a store login that sets sincro.party = G is still a store');
reset session authorization;

select * from finish();
rollback;
