-- The helpers the change feeds call with the caller's rights answer only about the caller's own company:
-- tombstones_purged_through told any client whether a company existed and how far it had purged.
begin;
select plan(5);

select sincro_tests.hostile_setup();

set local session authorization hx_store1;
-- TEST: a store asks about another company and about none: the same answer
select is(sincro_private.tombstones_purged_through('C00002'), null, 'store: C00002''s purge position is not told');
select is(sincro_private.tombstones_purged_through('C99999'), null, 'store: nor a missing company''s');
select is(sincro_private.tombstones_purged_through('C00001'), 0::bigint, 'store: its own is');
reset session authorization;
-- TEST: an ERP login does not read the feed of all entities, so it has no use for it
select is(has_function_privilege('hx_erp1', 'sincro_private.tombstones_purged_through(text)', 'execute'), false, 'ERP: no EXECUTE');
-- TEST: may_see_company answers the same for another company and for none
set local session authorization hx_app1_31;
select is(array[sincro_private.may_see_company('C00002'), sincro_private.may_see_company('C99999')], array[false, false],
          'app: may_see_company false for another company and for a missing one');
reset session authorization;

select * from finish();
rollback;
