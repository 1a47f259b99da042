/*
 * The freeze check itself (npm run migrations:check runs it first in npm test):
 * on a copy of migrations/ outside git, each way of breaking a frozen migration
 * is reported with what to do instead; the intact copy passes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkFrozenMigrations, MIGRATIONS_FOLDER, readFrozen } from "../../src/dev/frozen-migrations";

describe("frozen migrations check", () => {
  let copy: string;
  const first = () => readFrozen()[0]!.file;

  beforeEach(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), "sincro-frozen-"));
    fs.cpSync(MIGRATIONS_FOLDER, copy, { recursive: true });
  });
  afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

  it("this tree's committed migrations are intact (git history included)", () => {
    expect(checkFrozenMigrations()).toEqual([]);
  });

  it("passes on an intact copy", () => {
    expect(checkFrozenMigrations(copy)).toEqual([]);
  });

  it("an edited migration: names it and says to write a new migration", () => {
    fs.chmodSync(path.join(copy, first()), 0o644);
    fs.appendFileSync(path.join(copy, first()), "\n-- a harmless comment is an edit too\n");
    const problems = checkFrozenMigrations(copy);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`migrations/${first()} differs`);
    expect(problems[0]).toContain("npm run migration:commit");
  });

  it("a renamed migration: the old name is missing, the new one unlisted", () => {
    fs.renameSync(path.join(copy, first()), path.join(copy, "committed", "000001-renamed.sql"));
    const problems = checkFrozenMigrations(copy);
    expect(problems.some((p) => p.includes(`migrations/${first()} was removed or renamed`))).toBe(true);
    expect(problems.some((p) => p.includes("000001-renamed.sql is not in migrations/frozen.sha256"))).toBe(true);
  });

  it("a removed migration", () => {
    fs.rmSync(path.join(copy, first()));
    expect(checkFrozenMigrations(copy)).toEqual([expect.stringContaining(`migrations/${first()} was removed or renamed`)]);
  });
});
