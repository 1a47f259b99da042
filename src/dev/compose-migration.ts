/*
 * npm run sql:compose — writes migrations/current.sql: the next migration,
 * made of
 *   1. migrations/parts/drop-replaceable.sql (drops every function, trigger,
 *      view and policy of ours and revokes our grants: tables stay),
 *   2. migrations/next.sql (hand-written table changes: ALTER, CREATE TABLE,
 *      data moves — empty when only functions change),
 *   3. every file of sql/, in the order of sql/index.txt.
 * So a change to a function is one edit in sql/, and a table change is one
 * ALTER in next.sql. `npm run migration:commit -- "message"` freezes the result
 * into migrations/committed/ (src/dev/commit-migration.ts). graphile-migrate
 * 1.4 cannot include files (2.0 rc can): this generator is why it need not.
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../project-root";

export const SQL_ROOT = path.join(PROJECT_ROOT, "sql");
export const SQL_INDEX = path.join(SQL_ROOT, "index.txt");
export const DROP_REPLACEABLE = path.join(PROJECT_ROOT, "migrations", "parts", "drop-replaceable.sql");
export const NEXT_MIGRATION = path.join(PROJECT_ROOT, "migrations", "next.sql");
export const CURRENT_MIGRATION = path.join(PROJECT_ROOT, "migrations", "current.sql");

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.name.endsWith(".sql") ? [full] : [];
  });
}

/** The files of sql/ in the order of sql/index.txt; throws when the index and the folder disagree. */
export function listSqlFiles(): string[] {
  const listed = fs
    .readFileSync(SQL_INDEX, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const onDisk = new Set(walk(SQL_ROOT).map((file) => path.relative(SQL_ROOT, file)));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of listed) {
    if (seen.has(entry)) problems.push(`${entry} is listed twice`);
    seen.add(entry);
    if (!onDisk.has(entry)) problems.push(`${entry} is listed but does not exist`);
  }
  for (const file of onDisk) if (!seen.has(file)) problems.push(`${file} is not listed`);
  if (problems.length > 0) {
    throw new Error(`sql/index.txt and sql/ disagree:\n  ${problems.join("\n  ")}\nEvery .sql file under sql/ is listed once, after what it needs.`);
  }
  return listed.map((entry) => path.join(SQL_ROOT, entry));
}

function section(file: string): string {
  return `-- >>> ${path.relative(PROJECT_ROOT, file)}\n${fs.readFileSync(file, "utf8").trimEnd()}\n`;
}

/** Only what sql/ defines: the replaceable objects, with their grants (no drops, no table changes). */
export function composeSources(files: readonly string[] = listSqlFiles()): string {
  return files.map(section).join("\n");
}

/** The whole next migration: drop what is replaceable, the table changes, then sql/ again. */
export function composeMigration(): string {
  return [section(DROP_REPLACEABLE), section(NEXT_MIGRATION), composeSources()].join("\n");
}

function main(): void {
  fs.writeFileSync(CURRENT_MIGRATION, composeMigration());
  console.log(`wrote ${path.relative(PROJECT_ROOT, CURRENT_MIGRATION)} (drop-replaceable + next.sql + ${listSqlFiles().length} files of sql/)`);
}

if (require.main === module) main();
