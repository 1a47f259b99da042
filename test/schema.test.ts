/*
 * Two guards on the schema's sources:
 * - docs/schema.sql (the schema in one file) equals a dump of the committed
 *   migrations, so reviewers never read a stale schema;
 * - sql/ (the source of truth, one object per file) applied from scratch gives
 *   the same schema as the committed migrations, so neither drifts from the other.
 */
import fs from "node:fs";
import { Client } from "pg";
import { Logger, runMigrations } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeMigration, listSqlFiles } from "../src/dev/compose-migration";
import { SCHEMA_FILE, dumpSchema } from "../src/dev/schema-dump";
import { createTestDatabase, type TestDatabase } from "./support/database";

describe("schema sources", () => {
  let migrated: TestDatabase;
  let fromSources: TestDatabase;

  beforeAll(async () => {
    migrated = await createTestDatabase("schema_migrated");
    fromSources = await createTestDatabase("schema_sources", { migrate: false });
    await runMigrations({ connectionString: fromSources.url, logger: new Logger(() => () => undefined) });
    const client = new Client({ connectionString: fromSources.url });
    await client.connect();
    try {
      await client.query(composeMigration(listSqlFiles()));
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await migrated?.drop();
    await fromSources?.drop();
  });

  it("docs/schema.sql is the dump of the committed migrations (refresh: npm run schema:dump)", () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(dumpSchema(migrated.url));
  });

  it("sql/ applied from scratch gives the schema of the committed migrations", () => {
    expect(dumpSchema(fromSources.url)).toBe(dumpSchema(migrated.url));
  });
});
