-- sincro.metric_samples: what GET /metrics reports, checked on hand-made figures: the
-- insert → acquired histogram (cumulative, le inclusive, +Inf; the sum exact), push
-- outcomes from the order events, pending per party.
begin;
select plan(5);

select sincro_tests.setup_company('C00001');
select sincro_tests.setup_company('C00002');
select sincro_tests.store_order('C00001', 'o' || g) from generate_series(1, 4) g;
select sincro.push_claim('C00001', g) from generate_series(1, 4) g;
-- durations insert → acquired (counted when the push is acquired, at now()): 0.1 s (on a
-- bound: le is inclusive), 0.3 s, 2 h (only +Inf)
update sincro.order_push set created_at = now() - interval '0.1 second' where azi = 'C00001' and id_pub = 1;
update sincro.order_push set created_at = now() - interval '0.3 second' where azi = 'C00001' and id_pub = 2;
update sincro.order_push set created_at = now() - interval '2 hours' where azi = 'C00001' and id_pub = 3;
select sincro.push_acquired('C00001', g, 'C20260000000' || g) from generate_series(1, 3) g;
select sincro.push_rejected('C00001', 4, 'bad');
select sincro_tests.commit_point();

-- TEST: the histogram's buckets, cumulative
select results_eq(
  $$ select labels->>'le', value from sincro.metric_samples()
     where metric = 'sincro_push_duration_seconds_bucket' and labels->>'azi' = 'C00001' order by value, (labels->>'le') = '+Inf', (labels->>'le')::float8 $$,
  $$ values ('0.1', 1::float8), ('0.25', 1), ('0.5', 2), ('1', 2), ('2.5', 2), ('5', 2), ('10', 2), ('30', 2), ('60', 2), ('300', 2), ('900', 2), ('3600', 2), ('+Inf', 3) $$,
  'le 0.1 holds the 0.1 s push; 0.5 to 3600 two; +Inf all three');
select results_eq(
  $$ select metric, value from sincro.metric_samples()
     where metric in ('sincro_push_duration_seconds_sum', 'sincro_push_duration_seconds_count') and labels->>'azi' = 'C00001' order by 1 $$,
  $$ values ('sincro_push_duration_seconds_count', 3::float8), ('sincro_push_duration_seconds_sum', 7200.4) $$,
  'count 3, sum 7200.4 s');
-- TEST: outcomes
select results_eq(
  $$ select labels->>'outcome', value from sincro.metric_samples() where metric = 'sincro_push_total' and labels->>'azi' = 'C00001' order by 1 $$,
  $$ values ('acquired', 3::float8), ('failed', 0), ('rejected', 1) $$,
  'three acquired, one rejection, no failure');
-- TEST: a company without orders has every series at 0
select results_eq(
  $$ select metric, labels->>'party', value from sincro.metric_samples() where metric = 'sincro_orders_pending' and labels->>'azi' = 'C00002' order by 2 $$,
  $$ values ('sincro_orders_pending', 'app', 0::float8), ('sincro_orders_pending', 'erp', 0), ('sincro_orders_pending', 'store', 0) $$,
  'C00002: nothing pending');
-- TEST: pending for the ERP: the rejected order
select results_eq(
  $$ select value from sincro.metric_samples() where metric = 'sincro_orders_pending' and labels = '{"azi": "C00001", "party": "erp"}' $$,
  $$ values (1::float8) $$,
  'C00001: one order the ERP has not acquired');

select * from finish();
rollback;
