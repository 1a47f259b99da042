-- H3: a cheap function of the caller's in a WHERE clause sees only the rows the view shows. A view that
-- filters rows for a client must be a security barrier (or run with the caller's rights over row-level
-- security); otherwise the planner runs the cheaper condition first, on every row. pg_temp.leak raises
-- XH003 when it is handed a row of another company (or another device).
begin;
select plan(16);

select sincro_tests.hostile_setup();
select sincro.advance_consumer_cursor('C00002', 'store', 0);
select sincro.advance_consumer_cursor('C00001', 'store', 0);
select sincro_tests.commit_point();

create function pg_temp.leak(azi text) returns boolean language plpgsql cost 0.0000001 as $$
begin
  if azi is distinct from pg_catalog.current_setting('hx.own_azi') then
    raise exception using errcode = 'XH003', message = pg_catalog.format('leak: %s saw a row of %s', session_user, azi);
  end if;
  return true;
end $$;
create function pg_temp.leak_device(prov_id text) returns boolean language plpgsql cost 0.0000001 as $$
begin
  if prov_id is distinct from '31' then
    raise exception using errcode = 'XH003', message = pg_catalog.format('leak: %s saw device %s', session_user, prov_id);
  end if;
  return true;
end $$;
grant execute on function pg_temp.leak(text), pg_temp.leak_device(text) to public;

-- TEST: a store login of C00001, on every view and table it may read
set local session authorization hx_store1;
set local hx.own_azi = 'C00001';
select lives_ok($$ select count(*) from sincro.apstatosyn where pg_temp.leak(azi) $$, 'store: apstatosyn hands the function its company only');
select lives_ok($$ select count(*) from sincro.consumer_lag where pg_temp.leak(azi) $$, 'store: consumer_lag, likewise');
select lives_ok($$ select count(*) from sincro.arportes where pg_temp.leak(azi) $$, 'store: arportes, likewise');
select lives_ok($$ select count(*) from sincro.arporrig where pg_temp.leak(azi) $$, 'store: arporrig, likewise');
select lives_ok($$ select count(*) from sincro.new_customers where pg_temp.leak(azi) $$, 'store: new_customers, likewise');
select lives_ok($$ select count(*) from sincro.arportes_history where pg_temp.leak(azi) $$, 'store: arportes_history, likewise');
select lives_ok($$ select count(*) from sincro.order_push where pg_temp.leak(azi) $$, 'store: order_push, likewise');
select lives_ok($$ select count(*) from sincro.pending_store where pg_temp.leak(azi) $$, 'store: pending_store, likewise');
select lives_ok($$ select count(*) from sincro.consumer_cursors where pg_temp.leak(azi) $$, 'store: consumer_cursors, likewise');
select throws_ok($$ select count(*) from sincro.company_status where pg_temp.leak(azi) $$, '42501', null, 'store: company_status is not granted');
reset session authorization;

-- TEST: an app login, device 31 of C00001: neither the other company nor device 32
set local session authorization hx_app1_31;
set local hx.own_azi = 'C00001';
select lives_ok($$ select count(*) from sincro.apstatosyn where pg_temp.leak(azi) $$, 'app: apstatosyn hands the function its company only');
select lives_ok($$ select count(*) from sincro.consumer_lag where pg_temp.leak(azi) $$, 'app: consumer_lag, likewise');
select lives_ok($$ select count(*) from sincro.arportes where prov_tipo = 'A' and pg_temp.leak_device(prov_id) $$, 'app: arportes hands it device 31 only');
select lives_ok($$ select count(*) from sincro.new_customers where pg_temp.leak_device(prov_id) $$, 'app: new_customers, likewise');
reset session authorization;

-- TEST: an ERP login of C00002
set local session authorization hx_erp2;
set local hx.own_azi = 'C00002';
select lives_ok($$ select count(*) from sincro.apstatosyn where pg_temp.leak(azi) $$, 'ERP: apstatosyn hands the function its company only');
select lives_ok($$ select count(*) from sincro.pending_gest where pg_temp.leak(azi) $$, 'ERP: pending_gest, likewise');
reset session authorization;

select * from finish();
rollback;
