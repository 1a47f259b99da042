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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * graphile-migrate keeps its pool open ~200 ms after migrating, and its pool
 * error handler exits the process: dropping WITH (FORCE) at once would kill
 * the test run. Wait for clients to leave; force only as a last resort.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await onMaintenanceDatabase(serverUrl, async (client) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await client.query(`drop database if exists "${name}"`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006") throw error; // 55006: still in use
        await sleep(100);
      }
    }
    await client.query(`drop database if exists "${name}" with (force)`);
  });
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
    drop: () => dropDatabase(serverUrl, name),
  };
  try {
    if (options.migrate !== false) await migrateDatabase(url);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}
