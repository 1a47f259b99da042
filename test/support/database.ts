/*
 * Each test run makes its own databases on the server named by DATABASE_URL
 * (else the local one) and drops them afterwards: it never touches the user's
 * own database, only uses its server.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { migrateDatabase } from "../../src/db/migrate";
import { serverUrlFromEnvironment, withDatabase } from "../../src/db/connection";

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function onMaintenanceDatabase<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server, with sincro's migrations applied unless `migrate` is false. */
export async function createTestDatabase(label: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = serverUrlFromEnvironment();
  const name = `sincro_test_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  await onMaintenanceDatabase(serverUrl, (client) => client.query(`create database "${name}"`));
  const url = withDatabase(serverUrl, name);
  const database: TestDatabase = {
    name,
    url,
    drop: () =>
      onMaintenanceDatabase(serverUrl, (client) => client.query(`drop database if exists "${name}" with (force)`)).then(
        () => undefined,
      ),
  };
  try {
    if (options.migrate !== false) await migrateDatabase(url);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}
