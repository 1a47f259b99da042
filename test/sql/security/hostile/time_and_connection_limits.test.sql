-- Time and connection limits: every login create_login makes gets, by kind, a statement timeout, a lock
-- timeout, an idle-in-transaction timeout and a connection limit (docs/security.md says how to change
-- them). A login can lower them for itself but not escape the hub's sweep of overdue sessions, tested
-- with real connections in test/security/hostile-sessions.test.ts.
begin;
select plan(10);

select sincro_tests.hostile_logins();

create temp table expected (login name, connection_limit int, statement_timeout text, lock_timeout text, idle_in_transaction text);
insert into expected values
  ('hx_store1', 20, '30s', '10s', '10s'),
  ('hx_app1_31', 2, '30s', '10s', '10s'),
  ('hx_erp1', 10, '5min', '30s', '1min'),
  ('hx_worker', 40, '15min', '1min', '5min'),
  ('hx_admin', 10, '0', '1min', '10min');

-- TEST: each kind's limits
select is((select r.rolconnlimit from pg_roles r where r.rolname = e.login), e.connection_limit, format('%s: connection limit %s', e.login, e.connection_limit))
from expected e order by e.login;
select is((select array_agg(c order by c) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) c
           where r.rolname = e.login and s.setdatabase = 0),
          array[format('idle_in_transaction_session_timeout=%s', e.idle_in_transaction), format('lock_timeout=%s', e.lock_timeout),
                format('statement_timeout=%s', e.statement_timeout)],
          format('%s: statement %s, lock %s, idle in transaction %s', e.login, e.statement_timeout, e.lock_timeout, e.idle_in_transaction))
from expected e order by e.login;

select * from finish();
rollback;
