-- The functions an order's triggers call on their way (not only when refusing) are not LANGUAGE sql:
-- PostgreSQL parses and plans an SQL function's body at every call from a trigger, where PL/pgSQL keeps
-- its plans for the session. current_party and session_login were SQL: 742 → 1096 orders/s when they
-- became PL/pgSQL (docs/performance.md, "Ingest").
begin;
select plan(2);

create temporary view insert_path_sql_functions as
with trigger_functions as (
  select distinct f.oid, f.prosrc
  from pg_catalog.pg_trigger t
  join pg_catalog.pg_proc f on f.oid = t.tgfoid
  where not t.tgisinternal
    and t.tgrelid in ('sincro.arportes'::regclass, 'sincro.arporrig'::regclass, 'sincro.order_push'::regclass,
                      'sincro.new_customers'::regclass, 'sincro.arportes_history'::regclass)
)
select distinct p.oid::regprocedure::text as called
from trigger_functions tf
join pg_catalog.pg_proc p
  on p.pronamespace in ('sincro'::regnamespace, 'sincro_private'::regnamespace)
 and tf.prosrc ~ ('sincro(_private)?\.' || p.proname || '\(')
join pg_catalog.pg_language l on l.oid = p.prolang
where l.lanname = 'sql'
  -- called only to word an error: once per refused statement, never on an order's way in
  and p.proname <> 'longest_field';

-- TEST: the triggers of orders, lines, pushes and new customers call no SQL-language function on their way
select is(array(select called from insert_path_sql_functions order by 1), '{}'::text[],
          'no LANGUAGE sql function is called by the insert path''s triggers');

-- TEST: the view would see one (the check itself works): current_party is called by every order's triggers
select ok(exists (
  select 1 from pg_catalog.pg_trigger t join pg_catalog.pg_proc f on f.oid = t.tgfoid
  where t.tgrelid = 'sincro.arportes'::regclass and f.prosrc ~ 'sincro_private\.current_party\('),
  'the insert triggers call sincro_private.current_party (the view''s pattern finds calls)');

select * from finish();
rollback;
