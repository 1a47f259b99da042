-- sincro.set_sync_contract: the contracted syncs per period, from a first day.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset
select date_trunc('month', current_date)::date as month_start \gset

-- TEST: 2 per month from the first of this month: the period is this calendar month
select sincro.set_sync_contract('C00001', 2, '1 month', :'month_start');
select results_eq($$ select sync_quota, sync_used, sync_remaining, period_start, period_end from sincro.quota('C00001') $$,
                  $$ values (2, 0, 2, date_trunc('month', current_date)::date, (date_trunc('month', current_date) + interval '1 month - 1 day')::date) $$,
                  '2 per month from the first of this month');

select * from finish();
rollback;
