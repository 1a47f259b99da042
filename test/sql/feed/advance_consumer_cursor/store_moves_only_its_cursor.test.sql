-- sincro.advance_consumer_cursor: a store login may move the store's cursor, not an app's.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {}}, {"key": {"cod_art": "B"}, "data": {}}, {"key": {"cod_art": "C"}, "data": {}},
    {"key": {"cod_art": "D"}, "data": {}}, {"key": {"cod_art": "E"}, "data": {}}]');  -- changes 1 to 5
select sincro.advance_consumer_cursor('C00001', 'app:50', 5);
select sincro.create_login('t_store_cc', 'store', 'C00001');
set local session authorization t_store_cc;

-- TEST: the store moves its own cursor
select lives_ok($$ select sincro.advance_consumer_cursor('C00001', 'store', 4) $$, 'the store moves its own cursor');
-- TEST: the store cannot move an app's cursor
select throws_ok($$ select sincro.advance_consumer_cursor('C00001', 'app:50', 1) $$, 'SY107', null, 'the store cannot move an app''s cursor');

reset session authorization;
select * from finish();
rollback;
