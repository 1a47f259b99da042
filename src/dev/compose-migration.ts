/*
 * Writes migrations/current.sql from the files in sql/.
 *
 * sql/ is the source of truth for every object; graphile-migrate 1.4 cannot
 * include files, so this generator concatenates the chosen files (all of them
 * by default, in path order) into current.sql. Then `npx graphile-migrate commit`
 * freezes the result into migrations/committed/. A later migration names only
 * the files it changes, plus any hand-written ALTER for tables:
 *
 *   npm run sql:compose -- sql/20_functions/erp_write_order.sql
 */
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../db/migrate";

const SQL_ROOT = path.join(PROJECT_ROOT, "sql");

export function listSqlFiles(dir: string = SQL_ROOT): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listSqlFiles(full);
      return entry.name.endsWith(".sql") ? [full] : [];
    })
    .sort();
}

export function composeMigration(files: readonly string[]): string {
  return files
    .map((file) => {
      const relative = path.relative(PROJECT_ROOT, file);
      return `-- >>> ${relative}\n${fs.readFileSync(file, "utf8").trimEnd()}\n`;
    })
    .join("\n");
}

function main(): void {
  const chosen = process.argv.slice(2);
  const files = chosen.length > 0 ? chosen.map((f) => path.resolve(f)) : listSqlFiles();
  const target = path.join(PROJECT_ROOT, "migrations", "current.sql");
  fs.writeFileSync(target, composeMigration(files));
  console.log(`wrote ${path.relative(PROJECT_ROOT, target)} from ${files.length} file(s)`);
}

if (require.main === module) main();
