-- The helpers row-level security policies call are PL/pgSQL (their plans kept for the session, not re-planned at
-- every call as an SQL function's body is: docs/performance.md, device section) and answer as before.
begin;
select plan(11);

-- TEST: every helper a policy calls is PL/pgSQL, SECURITY DEFINER, with the pinned search_path
select results_eq(
  $$ select pg_catalog.format('%s %s %s %s', p.proname, l.lanname, p.prosecdef, p.proconfig) collate "default"
     from pg_proc p join pg_language l on l.oid = p.prolang join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'sincro_private'
       and p.proname in ('session_company', 'session_device', 'session_agent', 'session_agents', 'session_history_from', 'may_see_company')
     order by p.proname $$,
  $$ values ('may_see_company plpgsql t {"search_path=pg_catalog, pg_temp"}'),
            ('session_agent plpgsql t {"search_path=pg_catalog, pg_temp"}'),
            ('session_agents plpgsql t {"search_path=pg_catalog, pg_temp"}'),
            ('session_company plpgsql t {"search_path=pg_catalog, pg_temp"}'),
            ('session_device plpgsql t {"search_path=pg_catalog, pg_temp"}'),
            ('session_history_from plpgsql t {"search_path=pg_catalog, pg_temp"}') $$,
  'the policies'' helpers: PL/pgSQL, definer, search_path pinned');

select sincro_tests.setup_company('C00001') as c1 \gset
select sincro_tests.setup_company('C00002') as c2 \gset
select sincro.create_login('t_sh_app', 'app', 'C00001', 'tab-1', null, 'AG1');
select sincro.create_login('t_sh_store', 'store', 'C00002');
select sincro_tests.commit_point();

-- TEST: an app login: its company, device, agent, agents; a company it may see and one it may not
set local session authorization t_sh_app;
select is(sincro_private.session_company(), 'C00001', 'app: its company');
select is(sincro_private.session_device(), 'tab-1', 'app: its device');
select is(sincro_private.session_agent(), 'AG1', 'app: its agent');
select is(sincro_private.session_agents(), array['AG1'], 'app: its agents');
select ok(sincro_private.may_see_company('C00001') and not sincro_private.may_see_company('C00002'), 'app: its own company only');
reset session authorization;

-- TEST: a store login: its company, no agents; the admin: no company, every company
set local session authorization t_sh_store;
select is(sincro_private.session_company(), 'C00002', 'store: its company');
select is(sincro_private.session_agents(), null::text[], 'store: no agents (not an app login)');
reset session authorization;
select is(sincro_private.session_company(), null, 'the owner: no company');
select is(sincro_private.session_history_from(), null::date, 'the owner: no history window');
select ok(sincro_private.may_see_company('C00002'), 'the owner: every company');

select * from finish();
rollback;
