/*
 * Guards on the schema's sources (README, How it is built):
 * - docs/schema.sql (the schema in one file, with owners, privileges,
 *   policies and comments) equals a dump of the committed migrations, so
 *   reviewers never read a stale schema;
 * - sql/ holds nothing the committed migrations do not: sql/ applied again on
 *   a migrated hub (as the next migration would) changes nothing. A function,
 *   grant, policy or comment edited in sql/ without `npm run migration:commit`
 *   makes this fail.
 */
import fs from "node:fs";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeMigration } from "../src/dev/compose-migration";
import { SCHEMA_FILE, dumpSchema } from "../src/dev/schema-dump";
import { createTestDatabase, type TestDatabase } from "./support/database";

async function runInTransaction(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("begin");
    await client.query(sql);
    await client.query("commit");
  } finally {
    await client.end();
  }
}

describe("schema sources", () => {
  let migrated: TestDatabase;
  let reapplied: TestDatabase;

  beforeAll(async () => {
    [migrated, reapplied] = await Promise.all([createTestDatabase("schema_migrated"), createTestDatabase("schema_reapplied")]);
    await runInTransaction(reapplied.url, composeMigration());
  });

  afterAll(async () => {
    await migrated?.drop();
    await reapplied?.drop();
  });

  it("docs/schema.sql is the dump of the committed migrations (refresh: npm run schema:dump)", () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(dumpSchema(migrated.url));
  });

  it("sql/ and migrations/next.sql hold nothing the committed migrations lack (else: npm run migration:commit)", () => {
    expect(dumpSchema(reapplied.url)).toBe(dumpSchema(migrated.url));
  });
});
