-- What a webhook's order goes through in the worker (store_inbox_apply_many, the store mapping and what they
-- call, transitively) calls no LANGUAGE sql function: with its SET clause an SQL function is not inlined, and
-- PostgreSQL parses and plans its body at every call, where PL/pgSQL keeps its plans for the session.
-- sincro_private.shown was SQL and named each line of every order: 50 µs a call, 4 µs as PL/pgSQL
-- (migration 000017, docs/performance.md). The order triggers have their own check
-- (arportes/insert_path_calls_no_sql_functions.test.sql).
begin;
select plan(2);

create temporary view inbox_path_sql_functions as
with recursive reached(oid) as (
  select 'sincro.store_inbox_apply_many(bigint[])'::regprocedure::oid
  union
  select p.oid
  from reached r
  join pg_catalog.pg_proc f on f.oid = r.oid
  join pg_catalog.pg_proc p
    on p.pronamespace in ('sincro'::regnamespace, 'sincro_private'::regnamespace)
   and f.prosrc ~ ('sincro(_private)?\.' || p.proname || '\(')
)
select p.oid::regprocedure::text as called
from reached r
join pg_catalog.pg_proc p on p.oid = r.oid
join pg_catalog.pg_language l on l.oid = p.prolang
where l.lanname = 'sql'
  -- called only to word an error about a field too long: once per refused order
  and p.proname <> 'longest_field';

-- TEST: none on the way
select is(array(select called from inbox_path_sql_functions order by 1), '{}'::text[],
          'no LANGUAGE sql function is reached from store_inbox_apply_many');

-- TEST: the walk reaches the mapping and what it calls (the check itself works)
select ok(exists (
  select 1 from pg_catalog.pg_proc f
  where f.oid = 'sincro_private.store_map_woocommerce(jsonb,jsonb)'::regprocedure and f.prosrc ~ 'sincro_private\.shown\('),
  'the WooCommerce mapping calls sincro_private.shown (the pattern finds calls)');

select * from finish();
rollback;
