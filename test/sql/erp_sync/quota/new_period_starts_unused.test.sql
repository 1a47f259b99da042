-- sincro.quota and roll_sync_period: a new period starts with nothing used.
begin;
select plan(3);

select sincro_tests.setup_company('C00001') as a \gset
select date_trunc('month', current_date)::date as month_start \gset
select sincro.set_sync_contract('C00001', 2, '1 month', (:'month_start'::date - interval '2 months')::date);
-- the company's row still holds the period that began two months ago, used up
update sincro_private.company set sync_used = 2 where azi = 'C00001';

-- TEST: quota() shows the current period, with nothing used
select results_eq($$ select sync_used, period_start from sincro.quota('C00001') $$, $$ values (0, date_trunc('month', current_date)::date) $$,
                  'quota() shows the current period');
-- TEST: roll_sync_period moves the company to it
select is(sincro_private.roll_sync_period('C00001'), :'month_start'::date, 'roll_sync_period moves the company to it');
-- TEST: and resets the usage
select results_eq($$ select sync_used, sync_period_start from sincro_private.company where azi = 'C00001' $$,
                  $$ values (0, date_trunc('month', current_date)::date) $$, 'usage reset');

select * from finish();
rollback;
