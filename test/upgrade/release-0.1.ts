/*
 * A hub as release 0.1.0 left it, rebuilt from this tree: the committed
 * migrations listed under "# release 0.1.0" in migrations/frozen.sha256 are
 * checked against their hashes there (so they are 0.1's, byte for byte),
 * copied alone into a scratch migrations folder and applied the way
 * `npm run migrate` applies migrations (graphile-worker's schema first).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT, migrateDatabase } from "../../src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../support/database";

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "migrations");

export interface FrozenMigration {
  /** Relative to migrations/, e.g. committed/000001-core-hub.sql. */
  readonly file: string;
  readonly sha256: string;
}

/** The files frozen.sha256 lists under `# release <version>` (up to the next release line). */
export function releaseMigrations(version: string, listText: string): FrozenMigration[] {
  const header = new RegExp(`^# release ${version.replace(/\./g, "\\.")}(\\s|$)`);
  const lines = listText.split("\n");
  const start = lines.findIndex((line) => header.test(line));
  if (start < 0) throw new Error(`migrations/frozen.sha256 has no "# release ${version}" section`);
  const files: FrozenMigration[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^# release /.test(line)) break;
    if (line.trim() === "" || line.startsWith("#")) continue;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match?.[1] || !match[2]) throw new Error(`migrations/frozen.sha256: not a sha256sum line: ${JSON.stringify(line)}`);
    files.push({ sha256: match[1], file: match[2] });
  }
  if (files.length === 0) throw new Error(`migrations/frozen.sha256 lists no file under "# release ${version}"`);
  return files;
}

/**
 * A scratch migrations folder holding exactly the release's committed files, each checked
 * against its frozen hash. The caller removes it (fs.rmSync(folder, { recursive: true })).
 * `migrationsDir` (default: this tree's migrations/) holds frozen.sha256 and the files.
 */
export function releaseMigrationsFolder(version: string, migrationsDir = MIGRATIONS_DIR): string {
  const frozen = releaseMigrations(version, fs.readFileSync(path.join(migrationsDir, "frozen.sha256"), "utf8"));
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `sincro-migrations-${version}-`));
  fs.mkdirSync(path.join(folder, "committed"));
  try {
    for (const { file, sha256 } of frozen) {
      if (path.dirname(file) !== "committed") {
        throw new Error(`migrations/frozen.sha256: ${file} is not in committed/`);
      }
      const source = path.join(migrationsDir, file);
      if (!fs.existsSync(source)) {
        throw new Error(`migrations/${file} (frozen in release ${version}) is missing: committed migrations are never removed`);
      }
      const content = fs.readFileSync(source);
      const actual = createHash("sha256").update(content).digest("hex");
      if (actual !== sha256) {
        throw new Error(
          `migrations/${file} is not the file of release ${version}: sha256 ${actual}, frozen.sha256 says ${sha256}. ` +
            "Committed migrations are frozen: restore the file and put the change in a new migration.",
        );
      }
      fs.writeFileSync(path.join(folder, file), content);
    }
  } catch (error) {
    fs.rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return folder;
}

/** A new database migrated to release `version` only (what a hub deployed at that release holds). */
export async function createReleaseHub(label: string, version: string): Promise<TestDatabase> {
  const folder = releaseMigrationsFolder(version);
  try {
    const hub = await createTestDatabase(label, { migrate: false });
    try {
      await migrateDatabase(hub.url, { migrationsFolder: folder });
    } catch (error) {
      await hub.drop();
      throw error;
    }
    return hub;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
