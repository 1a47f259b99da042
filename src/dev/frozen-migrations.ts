/*
 * Committed migrations are frozen: a deployed hub holds their hashes, so an
 * edited, renamed or removed one breaks every upgrade. Two witnesses:
 * - migrations/frozen.sha256 (append-only, sha256sum format): works on any
 *   copy of the tree, git or not;
 * - git history, when the checkout has it: each file must equal the version
 *   that first added it, and every file ever added must still be there (this
 *   catches an edit that also rewrote frozen.sha256).
 * `npm test` runs this first (npm run migrations:check).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../project-root";

export const MIGRATIONS_FOLDER = path.join(PROJECT_ROOT, "migrations");
export const COMMITTED_FOLDER = path.join(MIGRATIONS_FOLDER, "committed");
export const FROZEN_FILE = path.join(MIGRATIONS_FOLDER, "frozen.sha256");

export interface FrozenEntry {
  readonly sha256: string;
  /** Relative to migrations/, e.g. committed/000001-core-hub.sql. */
  readonly file: string;
  /** The `# release X` section it was listed under, if any. */
  readonly release: string | null;
}

const WHAT_TO_DO =
  "Committed migrations are never edited, renamed or removed: a deployed hub holds their hashes. " +
  "Restore the file, then put the change in a new migration: functions, triggers, views, policies and grants " +
  "in sql/, table changes in migrations/next.sql, then `npm run migration:commit -- \"message\"` " +
  "(README, How it is built).";

export function readFrozen(frozenFile: string = FROZEN_FILE): FrozenEntry[] {
  const entries: FrozenEntry[] = [];
  let release: string | null = null;
  for (const raw of fs.readFileSync(frozenFile, "utf8").split("\n")) {
    const line = raw.trim();
    const heading = /^# release (\S+)/.exec(line);
    if (heading) release = heading[1] ?? null;
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!match) throw new Error(`${path.basename(frozenFile)}: cannot read line "${line}"`);
    entries.push({ sha256: match[1]!, file: match[2]!, release });
  }
  return entries;
}

/** The commit of the first release noted in frozen.sha256: where freezing began. */
function readFreezePoint(frozenFile: string): string | null {
  return /^# release \S+ \(([0-9a-f]{7,40})\)/m.exec(fs.readFileSync(frozenFile, "utf8"))?.[1] ?? null;
}

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "buffer", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 }).toString("latin1");
  } catch {
    return null;
  }
}

/** Problems found, one sentence each (empty: all frozen migrations intact). */
export function checkFrozenMigrations(migrationsFolder: string = MIGRATIONS_FOLDER): string[] {
  const problems: string[] = [];
  const frozenFile = path.join(migrationsFolder, "frozen.sha256");
  const committed = path.join(migrationsFolder, "committed");
  const entries = readFrozen(frozenFile);
  const listed = new Set(entries.map((entry) => entry.file));
  for (const entry of entries) {
    const full = path.join(migrationsFolder, entry.file);
    if (!fs.existsSync(full)) problems.push(`migrations/${entry.file} was removed or renamed.`);
    else if (sha256(full) !== entry.sha256) problems.push(`migrations/${entry.file} differs from the version frozen in migrations/frozen.sha256.`);
  }
  for (const file of fs.readdirSync(committed).filter((f) => f.endsWith(".sql")).sort()) {
    if (!listed.has(`committed/${file}`)) {
      problems.push(`migrations/committed/${file} is not in migrations/frozen.sha256 (make migrations with npm run migration:commit, which lists them).`);
    }
  }

  // git history, when there is one (a shallow clone lacks it: the hashes above still hold).
  // Freezing began with the first release noted in frozen.sha256 ("# release 0.1.0 (867cec8)"):
  // a file of that release must equal it there; a later file, the commit that first added it.
  const root = git(migrationsFolder, ["rev-parse", "--show-toplevel"])?.trim();
  const shallow = git(migrationsFolder, ["rev-parse", "--is-shallow-repository"])?.trim();
  const freeze = readFreezePoint(frozenFile);
  if (root && shallow === "false" && freeze && git(root, ["cat-file", "-e", `${freeze}^{commit}`]) !== null) {
    const relCommitted = path.relative(root, committed);
    const baseline = new Map<string, string>();
    for (const file of (git(root, ["ls-tree", "--name-only", freeze, `${relCommitted}/`]) ?? "").split("\n").filter(Boolean)) {
      baseline.set(file, freeze);
    }
    const added = git(root, ["log", "--diff-filter=A", "--format=%H", "--name-only", "--reverse", `${freeze}..HEAD`, "--", relCommitted]) ?? "";
    let commit = "";
    for (const line of added.split("\n").map((l) => l.trim()).filter(Boolean)) {
      if (/^[0-9a-f]{40}$/.test(line)) commit = line;
      else if (!baseline.has(line)) baseline.set(line, commit);
    }
    for (const [file, sha] of baseline) {
      const full = path.join(root, file);
      if (!fs.existsSync(full)) {
        problems.push(`${file} (committed in ${sha.slice(0, 7)}) was removed or renamed.`);
        continue;
      }
      const original = git(root, ["show", `${sha}:${file}`]);
      if (original !== null && Buffer.compare(Buffer.from(original, "latin1"), fs.readFileSync(full)) !== 0) {
        problems.push(`${file} differs from its first committed version (${sha.slice(0, 7)}; restore it: git checkout ${sha.slice(0, 7)} -- ${file}).`);
      }
    }
  }
  return [...new Set(problems)].map((problem) => `${problem} ${WHAT_TO_DO}`);
}

if (require.main === module) {
  const problems = checkFrozenMigrations();
  if (problems.length > 0) {
    for (const problem of problems) console.error(`✗ ${problem}`);
    process.exit(1);
  }
  console.log(`committed migrations intact (${readFrozen().length} frozen)`);
}
