/*
 * `npm test` on a machine without pgTAP or pg_prove says, in one line each,
 * what is missing and how to install it (test/run-pgtap.ts, support/test-tools.ts),
 * rather than dumping a driver's error object.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { serverUrlFromEnvironment } from "../src/db/connection";
import { PROJECT_ROOT } from "../src/project-root";
import { missingTestTools } from "./support/test-tools";

const TS_NODE = path.join(PROJECT_ROOT, "node_modules", "ts-node", "dist", "bin.js");

describe("the pgTAP suite's preflight", () => {
  it("finds nothing missing on this machine", async () => {
    expect(await missingTestTools(serverUrlFromEnvironment())).toEqual([]);
  });

  it("names a missing extension and runner, each in one line with the package to install", async () => {
    const missing = await missingTestTools(serverUrlFromEnvironment(), { extension: "pgtap_not_here", command: "pg_prove_not_here" });
    expect(missing).toHaveLength(2);
    expect(missing[0]).toMatch(/^pg_prove_not_here is not installed.*apt-get install libtap-parser-sourcehandler-pgtap-perl/);
    expect(missing[1]).toMatch(/^pgtap_not_here is not installed on the test PostgreSQL \d+ server.*apt-get install postgresql-\d+-pgtap/);
    for (const line of missing) expect(line).not.toContain("\n");
  });

  it("npm run test:sql without pg_prove and without a server: one line each, exit 1, no error object", () => {
    const run = spawnSync(process.execPath, [TS_NODE, "--transpile-only", path.join(PROJECT_ROOT, "test", "run-pgtap.ts")], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      // no pg_prove on this PATH; nothing listens on port 1
      env: { ...process.env, PATH: path.join(PROJECT_ROOT, "no-such-folder"), DATABASE_URL: "postgres://postgres@127.0.0.1:1/postgres" },
    });
    expect(run.status, run.stderr).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^test:sql: pg_prove is not installed/);
    expect(lines[1]).toMatch(/^test:sql: cannot reach the test PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres \(.*ECONNREFUSED.*\)/);
  });
});
