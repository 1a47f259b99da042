/*
 * The schema in one file (docs/schema.sql): pg_dump --schema-only of the
 * sincro schemas after migrations, with owners, privileges, policies and
 * comments, plus what sincro grants on graphile-worker's schema. Reviewers
 * read it; test/schema.test.ts fails when it is stale or when sql/ holds
 * something no committed migration does (a changed grant included).
 *
 * One normalisation: the role that ran the migrations (the owner of every
 * object, whoever runs the tests) is written `CURRENT_USER`, so the file does
 * not depend on the tester's login name; any other owner shows by name.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../project-root";

export const SCHEMA_FILE = path.join(PROJECT_ROOT, "docs", "schema.sql");

function psql(url: string, sql: string): string {
  return execFileSync("psql", ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], { encoding: "utf8" });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/* Privileges sincro grants on graphile_worker's objects, one line each, sorted. */
const GRAPHILE_WORKER_GRANTS = `
  select format('-- %s %s: %s', kind, name, string_agg(grantee || ' ' || privilege, ', ' order by grantee, privilege))
  from (
    select 'schema' as kind, n.nspname as name, a.grantee::regrole::text as grantee, a.privilege_type as privilege
    from pg_namespace n, aclexplode(n.nspacl) a where n.nspname = 'graphile_worker'
    union all
    select case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end, c.oid::regclass::text,
           a.grantee::regrole::text, a.privilege_type
    from pg_class c, aclexplode(c.relacl) a where c.relnamespace = 'graphile_worker'::regnamespace
    union all
    select 'function', p.oid::regprocedure::text, case a.grantee when 0 then 'PUBLIC' else a.grantee::regrole::text end, a.privilege_type
    from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where p.pronamespace = 'graphile_worker'::regnamespace
  ) g
  where grantee like 'sincro%' or grantee = 'PUBLIC'
  group by kind, name order by kind, name`;

/** pg_dump of schemas sincro and sincro_private (owners, privileges, policies, comments), without lines that vary between runs. */
export function dumpSchema(url: string): string {
  const owner = psql(url, "select current_user").trim();
  const raw = execFileSync("pg_dump", ["--schema-only", "--schema=sincro", "--schema=sincro_private", url], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ownerPattern = escapeRegExp(owner);
  const body = raw
    .split("\n")
    .filter((line) => !/^-- Dumped (from|by)/.test(line) && !/^\\(un)?restrict /.test(line))
    .map((line) =>
      line
        .replace(new RegExp(`OWNER TO ${ownerPattern};$`), "OWNER TO CURRENT_USER;")
        .replace(new RegExp(`; Owner: ${ownerPattern}$`), "; Owner: CURRENT_USER")
        .replace(new RegExp(` (TO|FROM) ${ownerPattern};$`), " $1 CURRENT_USER;"),
    )
    .join("\n");
  const workerGrants = psql(url, GRAPHILE_WORKER_GRANTS).trimEnd();
  return `${body}\n--\n-- What sincro grants on graphile-worker's schema (sql/security/graphile_worker.sql)\n--\n${workerGrants}\n`;
}
