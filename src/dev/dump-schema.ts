/*
 * npm run schema:dump — refreshes docs/schema.sql from the committed
 * migrations, applied to a scratch database on DATABASE_URL's server (else
 * the local one), which is dropped afterwards.
 */
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { migrateDatabase } from "../db/migrate";
import { serverUrlFromEnvironment, withDatabase } from "../db/connection";
import { SCHEMA_FILE, dumpSchema } from "./schema-dump";

async function withMaintenance(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const serverUrl = serverUrlFromEnvironment();
  const name = `sincro_schema_dump_${randomBytes(4).toString("hex")}`;
  await withMaintenance(serverUrl, `create database "${name}"`);
  try {
    const url = withDatabase(serverUrl, name);
    await migrateDatabase(url);
    fs.writeFileSync(SCHEMA_FILE, dumpSchema(url));
    console.log(`wrote ${SCHEMA_FILE}`);
  } finally {
    await withMaintenance(serverUrl, `drop database if exists "${name}" with (force)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
