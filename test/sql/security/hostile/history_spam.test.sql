-- History spam: an ack that is already 1 writes nothing (no history version, no updated_at change).
begin;
select plan(6);

select sincro_tests.hostile_setup();
select count(*) as h0 from sincro.arportes_history where azi = 'C00001' \gset

set local session authorization hx_store1;
-- TEST: the first ack writes one version; repeating it a thousand times writes none
select lives_ok($$ update sincro.arportes set ack_store = 1 where azi = 'C00001' and id_pub = 2 $$, 'the store acks order 2');
select lives_ok($$ do $do$ begin for i in 1 .. 1000 loop update sincro.arportes set ack_store = 1 where azi = 'C00001' and id_pub = 2; end loop; end $do$ $$,
                'the same ack 1000 times');
reset session authorization;
select is((select count(*)::int from sincro.arportes_history where azi = 'C00001'), :h0 + 1, 'one history version, not 1001');

set local session authorization hx_app1_31;
select lives_ok($$ update sincro.arportes set ack_app = 1 where azi = 'C00001' and id_pub = 2 $$, 'the app''s ack of its own order (already 1)');
reset session authorization;
select is((select count(*)::int from sincro.arportes_history where azi = 'C00001'), :h0 + 1, 'still one');
-- TEST: an ack of every row at once (the store's whole company) adds one version per order that changed
set local session authorization hx_store1;
update sincro.arportes set ack_store = 1 where azi = 'C00001';
reset session authorization;
select is((select count(*)::int from sincro.arportes_history where azi = 'C00001'), :h0 + 1 + 2, 'orders 3 and 4 changed (1 and 2 were acked already)');

select * from finish();
rollback;
