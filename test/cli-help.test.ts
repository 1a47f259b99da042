/*
 * `sincro --help` lists the environment variables sincro reads, every one the
 * README's settings table documents (0.1's help named none).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root";

/** The variables named in the first column of README.md's settings table. */
function readmeSettings(): string[] {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("| setting | meaning |"));
  const rows = table.split("\n").slice(2);
  const names: string[] = [];
  for (const row of rows) {
    if (!row.startsWith("|")) break;
    const firstCell = row.split("|")[1] ?? "";
    names.push(...[...firstCell.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!));
  }
  return names;
}

describe("sincro --help", () => {
  it("lists every environment variable of the README's settings table", () => {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin", "sincro"), "--help"], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const help = run.stdout;
    expect(help).toContain("Environment variables:");
    const settings = readmeSettings();
    expect(settings.length).toBeGreaterThanOrEqual(9);
    for (const name of settings) expect(help, `--help does not list ${name}`).toMatch(new RegExp(`^  ${name} `, "m"));
  });
});
