-- CREATE anywhere: no login made by create_login can create a schema, an object in any schema (ours,
-- graphile_worker's, public) or even a temporary object, so it cannot plant types, tables, functions or
-- triggers for the hub's code to trip over.
begin;
select plan(40);

select sincro_tests.hostile_logins();

create temp table logins (login name);
insert into logins values ('hx_store1'), ('hx_app1_31'), ('hx_erp1'), ('hx_worker'), ('hx_admin');
grant select on logins to public;

-- TEST: for each kind of login, every CREATE is refused with 42501
select is(sincro_tests.refusal(format('set local session authorization %I; %s', l.login, s.sql)), '42501', format('%s: %s refused (42501)', l.login, s.what))
from logins l
cross join (values
  ('create schema hx_planted', 'create schema'),
  ('create table public.hx_planted (x int)', 'create table in public'),
  ('create table sincro.hx_planted (x int)', 'create table in sincro'),
  ('create table sincro_private.hx_planted (x int)', 'create table in sincro_private'),
  ('create function sincro.hx_planted() returns int language sql as $f$ select 1 $f$', 'create function in sincro'),
  ('create table graphile_worker.hx_planted (x int)', 'create table in graphile_worker'),
  ('create temp table hx_planted (x int)', 'create a temporary table'),
  ('create domain pg_temp.text as pg_catalog.text', 'create a temporary type')
) s(sql, what)
order by l.login, s.what;
reset session authorization;

select * from finish();
rollback;
