/*
 * Generated migrations start here (npm run sql:compose): everything sql/
 * defines is dropped, then the migration's table changes run, then sql/ is
 * created again whole. So an upgraded hub ends with exactly the functions,
 * triggers, views, policies and grants of sql/ — nothing stale survives a
 * rename or a removal — and a fresh hub and an upgraded one are the same.
 * Tables and their data are never touched here. Nothing is dropped with
 * CASCADE: an object of someone else's (a DBA's view on ours) makes the
 * migration stop with PostgreSQL's own message instead of vanishing.
 */
do $drop_replaceable$
declare
  v_schemas constant regnamespace[] := array['sincro'::regnamespace, 'sincro_private'::regnamespace];
  -- every group role of ours that exists yet (sincro_operator arrives with a later migration)
  v_roles constant text := (
    select 'public' || coalesce(', ' || pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ', ' order by r.rolname), '')
    from pg_catalog.pg_roles r
    where r.rolname in ('sincro_store', 'sincro_app', 'sincro_erp', 'sincro_worker', 'sincro_admin', 'sincro_operator'));
  v_row record;
  v_dropped integer;
begin
  -- triggers (ours only: not the internal ones behind foreign keys)
  for v_row in
    select t.tgname, t.tgrelid::regclass as rel
    from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid
    where c.relnamespace = any (v_schemas) and not t.tgisinternal
  loop
    execute pg_catalog.format('drop trigger %I on %s', v_row.tgname, v_row.rel);
  end loop;

  -- row-level security policies (whether RLS is enabled is the table's, and stays)
  for v_row in
    select p.polname, p.polrelid::regclass as rel
    from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid
    where c.relnamespace = any (v_schemas)
  loop
    execute pg_catalog.format('drop policy %I on %s', v_row.polname, v_row.rel);
  end loop;

  -- views, those no other view uses first
  loop
    v_dropped := 0;
    for v_row in
      select c.oid::regclass as rel
      from pg_catalog.pg_class c
      where c.relnamespace = any (v_schemas) and c.relkind in ('v', 'm')
        and not exists (
          select 1 from pg_catalog.pg_depend d join pg_catalog.pg_rewrite r on r.oid = d.objid
          where d.refobjid = c.oid and d.classid = 'pg_catalog.pg_rewrite'::regclass and r.ev_class <> c.oid
            and (select v.relnamespace from pg_catalog.pg_class v where v.oid = r.ev_class) = any (v_schemas))
    loop
      execute pg_catalog.format('drop view %s', v_row.rel);
      v_dropped := v_dropped + 1;
    end loop;
    exit when v_dropped = 0;
  end loop;

  -- functions and procedures
  for v_row in
    select p.oid::regprocedure as fn, p.prokind
    from pg_catalog.pg_proc p
    where p.pronamespace = any (v_schemas)
      and not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
  loop
    execute pg_catalog.format('drop %s %s', case v_row.prokind when 'p' then 'procedure' else 'function' end, v_row.fn);
  end loop;

  -- privileges on what stays (tables, sequences, schemas): sql/ grants them again
  execute pg_catalog.format('revoke all on all tables in schema sincro, sincro_private from %s', v_roles);
  execute pg_catalog.format('revoke all on all sequences in schema sincro, sincro_private from %s', v_roles);
  execute pg_catalog.format('revoke all on schema sincro, sincro_private from %s', v_roles);
  for v_row in
    select c.oid::regclass as rel, a.attname
    from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
    where c.relnamespace = any (v_schemas) and a.attacl is not null and a.attnum > 0
  loop
    execute pg_catalog.format('revoke all (%I) on %s from %s', v_row.attname, v_row.rel, v_roles);
  end loop;
  execute pg_catalog.format('revoke all on all tables in schema graphile_worker from %s', v_roles);
  execute pg_catalog.format('revoke all on all sequences in schema graphile_worker from %s', v_roles);
  execute pg_catalog.format('revoke all on all functions in schema graphile_worker from %s', v_roles);
  execute pg_catalog.format('revoke all on schema graphile_worker from %s', v_roles);
end;
$drop_replaceable$;
