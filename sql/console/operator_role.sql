/*
 * The console's operators: people who watch and act on one company's orders
 * and syncs from the browser (issue 12). Like the party groups, the role
 * belongs to the cluster and is created only if missing; what it may do is
 * granted per database in console/operator.access.sql. Its logins are bound to
 * one company (sincro_private.login, kind operator); an admin login serves
 * every company in the console.
 */
do $$
begin
  create role sincro_operator nologin;
exception when duplicate_object or unique_violation then
  null;  -- already there (another database of the cluster made it)
end;
$$;

comment on role sincro_operator is E'Group of console operator logins: read one company''s orders, problems, runs and quota; retry and resolve its problem orders; start its partial syncs.';
