/*
 * `npm test` fails fast when package-lock.json and package.json disagree
 * (src/dev/check-lockfile.ts, the `pretest` script). Each case runs the check
 * as `npm test` does, on a copy of the project's two files in a temporary
 * folder: the committed pair agrees; a package.json asking for another version
 * and a lockfile missing packages (what npm ci rejected on 0.1) do not.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root";

const CHECK = path.join(PROJECT_ROOT, "src", "dev", "check-lockfile.ts");
const TS_NODE = path.join(PROJECT_ROOT, "node_modules", "ts-node", "dist", "bin.js");

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

interface Copy {
  readonly folder: string;
  readonly packageJson: Record<string, Record<string, string>>;
  readonly lockfile: { packages: Record<string, unknown> };
}

function copyOfProject(): Copy {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sincro-lockfile-"));
  folders.push(folder);
  return {
    folder,
    packageJson: JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")),
    lockfile: JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")),
  };
}

function check(copy: Copy): { code: number | null; output: string } {
  fs.writeFileSync(path.join(copy.folder, "package.json"), JSON.stringify(copy.packageJson, null, 2));
  fs.writeFileSync(path.join(copy.folder, "package-lock.json"), JSON.stringify(copy.lockfile, null, 2));
  const run = spawnSync(process.execPath, [TS_NODE, "--transpile-only", CHECK, copy.folder], { encoding: "utf8" });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("the lockfile check npm test runs first", () => {
  it("passes on the committed package.json and package-lock.json", () => {
    const result = check(copyOfProject());
    expect(result.code, result.output).toBe(0);
  });

  it("fails when package.json asks for a version the lockfile does not hold", () => {
    const copy = copyOfProject();
    copy.packageJson.dependencies!.commander = "^13.0.0";
    const result = check(copy);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain("package-lock.json and package.json disagree");
  });

  it("fails when the lockfile lacks packages (other platforms' optional ones, as on 0.1)", () => {
    const copy = copyOfProject();
    const dropped = Object.keys(copy.lockfile.packages).filter((key) => key.startsWith("node_modules/@rollup/rollup-android"));
    expect(dropped.length).toBeGreaterThan(0);
    for (const key of dropped) delete copy.lockfile.packages[key];
    const result = check(copy);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toMatch(/Missing: @rollup\/rollup-android/);
  });
});

describe("npm test", () => {
  it("runs the lockfile check before anything else (the pretest script)", () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.pretest).toContain("src/dev/check-lockfile.ts");
  });
});
