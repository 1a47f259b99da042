/*
 * Runs the pgTAP suite (test/sql/**\/*.test.sql) with pg_prove against a
 * throwaway database: migrations applied, pgTAP and the sincro_tests helpers
 * installed, dropped afterwards. Fails when pg_prove fails or ran no test
 * (pg_prove exits 0 with "NOTESTS" when it finds no file to run). Checks
 * first that the machine has what it needs (support/test-tools.ts): a missing
 * pgTAP or pg_prove is one line saying how to install it.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { serverUrlFromEnvironment } from "../src/db/connection";
import { PROJECT_ROOT } from "../src/db/migrate";
import { createTestDatabase } from "./support/database";
import { missingTestTools } from "./support/test-tools";

const SUITE = path.join(PROJECT_ROOT, "test", "sql");
const HELPERS = ["sincro_tests.sql", "sincro_tests_hostile.sql"].map((file) => path.join(PROJECT_ROOT, "test", "fixtures", file));

async function installTestTools(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("create extension if not exists pgtap");
    for (const helpers of HELPERS) await client.query(fs.readFileSync(helpers, "utf8"));
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const pattern = process.argv[2];
  const missing = await missingTestTools(serverUrlFromEnvironment());
  if (missing.length > 0) {
    for (const line of missing) console.error(`test:sql: ${line}`);
    return 1;
  }
  const database = await createTestDatabase("pgtap");
  try {
    await installTestTools(database.url);
    const target = pattern ? path.resolve(pattern) : SUITE;
    const run = spawnSync("pg_prove", ["--ext", ".sql", "--recurse", process.env.PGTAP_VERBOSE ? "--verbose" : "--failures", "-d", database.url, target], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024, // a failing probe may echo a 1 MB value
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (run.error) {
      console.error(`pg_prove could not run (${run.error.message}); install libtap-parser-sourcehandler-pgtap-perl`);
      return 1;
    }
    process.stdout.write(run.stdout);
    const ranTests = /^Files=\d+, Tests=[1-9]\d*/m.test(run.stdout) && !/NOTESTS/.test(run.stdout);
    if (!ranTests) {
      console.error("pg_prove ran no test: check the suite path and the --ext option");
      return 1;
    }
    return run.status ?? 1;
  } finally {
    await database.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // one line, not the driver's error object (DEBUG=1 shows the stack)
    console.error(`test:sql: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.DEBUG) console.error(error);
    process.exit(1);
  },
);
