/*
 * The 0.1 hub of the upgrade test is built from this tree's committed files, so
 * it is 0.1's only if they are byte for byte the frozen ones: the hashes in
 * migrations/frozen.sha256 are checked, and an edited or missing file stops
 * the test with a message naming it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, releaseMigrations, releaseMigrationsFolder } from "./release-0.1";

const LIST = fs.readFileSync(path.join(MIGRATIONS_DIR, "frozen.sha256"), "utf8");

describe("release 0.1.0's migrations, from migrations/frozen.sha256", () => {
  const scratch: string[] = [];
  afterEach(() => {
    for (const folder of scratch.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
  });

  /** A copy of migrations/ (frozen.sha256 and the release's files) to damage. */
  function copyOfMigrations(): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sincro-frozen-copy-"));
    scratch.push(folder);
    fs.mkdirSync(path.join(folder, "committed"));
    fs.copyFileSync(path.join(MIGRATIONS_DIR, "frozen.sha256"), path.join(folder, "frozen.sha256"));
    for (const { file } of releaseMigrations("0.1.0", LIST)) {
      fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(folder, file));
    }
    return folder;
  }

  it("lists the committed files of 0.1.0, and this tree holds them unchanged", () => {
    const files = releaseMigrations("0.1.0", LIST);
    expect(files.length).toBeGreaterThan(0);
    const folder = releaseMigrationsFolder("0.1.0");
    scratch.push(folder);
    expect(fs.readdirSync(path.join(folder, "committed")).sort()).toEqual(files.map((f) => path.basename(f.file)).sort());
  });

  it("refuses a file edited since the release, naming it", () => {
    const copy = copyOfMigrations();
    const [first] = releaseMigrations("0.1.0", LIST);
    if (!first) throw new Error("no 0.1.0 file");
    fs.appendFileSync(path.join(copy, first.file), "\n-- an edit\n");
    expect(() => releaseMigrationsFolder("0.1.0", copy)).toThrow(`migrations/${first.file} is not the file of release 0.1.0`);
  });

  it("refuses a file removed since the release, naming it", () => {
    const copy = copyOfMigrations();
    const files = releaseMigrations("0.1.0", LIST);
    const last = files[files.length - 1];
    if (!last) throw new Error("no 0.1.0 file");
    fs.rmSync(path.join(copy, last.file));
    expect(() => releaseMigrationsFolder("0.1.0", copy)).toThrow(`migrations/${last.file} (frozen in release 0.1.0) is missing`);
  });

  it("reads only the release's own section", () => {
    const list = "# release 0.1.0 (abc)\n" + "a".repeat(64) + "  committed/000001-x.sql\n# release 0.2.0\n" + "b".repeat(64) + "  committed/000002-y.sql\n";
    expect(releaseMigrations("0.1.0", list)).toEqual([{ sha256: "a".repeat(64), file: "committed/000001-x.sql" }]);
    expect(() => releaseMigrations("0.3.0", list)).toThrow('no "# release 0.3.0" section');
  });
});
