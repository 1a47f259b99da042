-- sincro_private.current_period_start: periods are counted from the contract's first day (month ends clamp).
begin;
select plan(1);

-- TEST: a monthly contract from January 31st is in the period that starts on February 28th, on March 30th
select results_eq($$ select sincro_private.current_period_start(date '2026-01-31', '1 month', date '2026-03-30') $$,
                  $$ values (date '2026-02-28') $$, 'period start: months counted from the contract''s first day');

select * from finish();
rollback;
