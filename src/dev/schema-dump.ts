/*
 * The schema in one file (docs/schema.sql): pg_dump --schema-only of the
 * sincro schemas after migrations. Reviewers read it; test/schema.test.ts fails
 * when it is stale or when sql/ and the committed migrations disagree.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../db/migrate";

export const SCHEMA_FILE = path.join(PROJECT_ROOT, "docs", "schema.sql");

/** pg_dump of schemas sincro and sincro_private, without lines that vary between runs. */
export function dumpSchema(url: string): string {
  const raw = execFileSync(
    "pg_dump",
    ["--schema-only", "--no-owner", "--no-privileges", "--schema=sincro", "--schema=sincro_private", url],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  return raw
    .split("\n")
    .filter((line) => !/^-- Dumped (from|by)/.test(line) && !/^\\(un)?restrict /.test(line))
    .join("\n");
}
