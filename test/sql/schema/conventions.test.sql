-- Schema conventions: comments on everything, primary keys starting with azi,
-- history columns matching arportes.
begin;
select plan(6);

-- TEST: every table, view and column in sincro and sincro_private has a comment
select is_empty($$
  select c.relname || coalesce('.' || a.attname, '')
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  where n.nspname in ('sincro', 'sincro_private') and c.relkind in ('r', 'v', 'p')
    and (obj_description(c.oid, 'pg_class') is null
         or (a.attname is not null and col_description(c.oid, a.attnum) is null)) $$,
  'every table, view and column has a COMMENT');
-- TEST: every function has a comment
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('sincro', 'sincro_private') and obj_description(p.oid, 'pg_proc') is null $$,
  'every function has a COMMENT');
-- TEST: every table's primary key starts with azi (except the one-row secret, the entity registry and the one-row metric compaction lock, which are not per company)
select is_empty($$
  select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  join pg_constraint k on k.conrelid = c.oid and k.contype = 'p'
  join pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
  where n.nspname in ('sincro', 'sincro_private') and c.relkind = 'r' and a.attname <> 'azi'
    and c.relname not in ('party_secret', 'erp_entity', 'metric_compaction') and c.relpersistence <> 'u' $$,
  'every primary key starts with azi');
-- TEST: every table has a primary key (but unlogged scratch tables: rebuild_seen, see its file)
select is_empty($$
  select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname in ('sincro', 'sincro_private') and c.relkind = 'r' and c.relpersistence <> 'u'
    and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p') $$,
  'every table has a primary key');
-- TEST: the history holds every arportes column, same names, types and order
select results_eq(
  $$ select attname::text, format_type(atttypid, atttypmod) from pg_attribute
     where attrelid = 'sincro.arportes_history'::regclass and attnum > 5 and not attisdropped order by attnum $$,
  $$ select attname::text, format_type(atttypid, atttypmod) from pg_attribute
     where attrelid = 'sincro.arportes'::regclass and attnum > 0 and not attisdropped order by attnum $$,
  'arportes_history columns 6.. equal arportes columns');

-- TEST: no function of ours is executable by PUBLIC (each grant names a party's group)
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('sincro', 'sincro_private')
    and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                where a.grantee = 0 and a.privilege_type = 'EXECUTE') $$,
  'no sincro function is executable by PUBLIC');

select * from finish();
rollback;
