/*
 * `npm test` starts here (the `pretest` script): does package-lock.json still
 * describe package.json? A lockfile that `npm ci` rejects breaks every fresh
 * clone, and `npm install` then rewrites it, so every clone is dirty.
 *
 * The judge is npm's own check, the one `npm ci` runs before installing:
 * `npm ci --dry-run --offline` changes nothing on disk and needs no network
 * when the lockfile is complete (about a second). A lockfile that lacks a
 * package, or pins a version package.json no longer accepts, fails it — offline
 * the latter may surface as "not cached" (npm tried to resolve the new range),
 * which is the same disagreement.
 *
 * `ts-node src/dev/check-lockfile.ts [folder]` (default: the project root):
 * exit 0 when they agree; otherwise one line saying what to do, then npm's own
 * lines naming the packages, exit 1.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../project-root";

export type LockfileCheck = { readonly agrees: true } | { readonly agrees: false; readonly details: readonly string[] };

/** npm's lines that say what disagrees (its usage text and log path left out). */
function disagreements(output: string): string[] {
  const lines = output
    .split("\n")
    .map((line) => line.replace(/^npm error\s?/, "").trim())
    .filter((line) => /^(Missing|Invalid):|ENOTCACHED|only-if-cached|in sync/.test(line));
  return lines.length > 0 ? lines : output.split("\n").filter((line) => line.startsWith("npm error")).slice(0, 5);
}

export function checkLockfile(folder: string = PROJECT_ROOT): LockfileCheck {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["ci", "--dry-run", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: folder,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (run.error) return { agrees: false, details: [`could not run npm: ${run.error.message}`] };
  if (run.status === 0) return { agrees: true };
  return { agrees: false, details: disagreements(`${run.stdout}\n${run.stderr}`) };
}

if (require.main === module) {
  const folder = path.resolve(process.argv[2] ?? PROJECT_ROOT);
  const check = checkLockfile(folder);
  if (!check.agrees) {
    console.error(`package-lock.json and package.json disagree in ${folder}: run \`npm install\` and commit package-lock.json`);
    for (const line of check.details) console.error(`  ${line}`);
    process.exit(1);
  }
}
