-- sincro.consumer_lag: each consumer's recorded cursor and how far behind the last change it is.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_private.upsert_erp_rows('article', 'C00001',
  '[{"key": {"cod_art": "A"}, "data": {}}, {"key": {"cod_art": "B"}, "data": {}}, {"key": {"cod_art": "C"}, "data": {}},
    {"key": {"cod_art": "D"}, "data": {}}, {"key": {"cod_art": "E"}, "data": {}}]');  -- changes 1 to 5

-- TEST: consumers record their cursor; the lag follows
select sincro.advance_consumer_cursor('C00001', 'store', 3);
select sincro.advance_consumer_cursor('C00001', 'app:50', 5);
select results_eq($$ select consumer, "cursor", last_change, lag from sincro.consumer_lag order by consumer $$,
                  $$ values ('app:50', 5::bigint, 5::bigint, 0::bigint), ('store', 3, 5, 2) $$, 'store 2 behind, app:50 up to date');

select * from finish();
rollback;
