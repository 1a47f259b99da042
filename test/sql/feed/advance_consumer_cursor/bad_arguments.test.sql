-- sincro.advance_consumer_cursor: a cursor beyond the last change or a malformed consumer name is refused.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {}}, {"key": {"cod_art": "B"}, "data": {}}, {"key": {"cod_art": "C"}, "data": {}},
    {"key": {"cod_art": "D"}, "data": {}}, {"key": {"cod_art": "E"}, "data": {}}]');  -- changes 1 to 5

-- TEST: a cursor beyond the last change
select throws_ok($$ select sincro.advance_consumer_cursor('C00001', 'store', 6) $$, 'SY101', null, 'a cursor beyond the last change: SY101');
-- TEST: a consumer name that is not store or app:<device>
select throws_ok($$ select sincro.advance_consumer_cursor('C00001', 'bad name!', 1) $$, 'SY201', null, 'a bad consumer name: SY201');

select * from finish();
rollback;
