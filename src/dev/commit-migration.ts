/*
 * npm run migration:commit -- "message" — freezes the next migration:
 *   1. composes it (drop-replaceable + migrations/next.sql + sql/, see
 *      compose-migration.ts) and refuses when it would change nothing;
 *   2. writes migrations/committed/NNNNNN-<message>.sql with graphile-migrate's
 *      headers (Previous / Hash / Message: the chain a deployed hub checks);
 *   3. applies every committed migration to a scratch database to prove it runs;
 *   4. appends the file's sha256 to migrations/frozen.sha256 (from then on it
 *      is never edited: test/migrations/frozen.test.ts) and empties next.sql.
 * Scratch databases live on DATABASE_URL's server (else the local one) and are dropped.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { calculateHash } from "graphile-migrate/dist/hash";
import { serializeMigration } from "graphile-migrate/dist/migration";
import { sluggify } from "graphile-migrate/dist/sluggify";
import { migrateDatabase } from "../db/migrate";
import { serverUrlFromEnvironment, withDatabase } from "../db/connection";
import { composeMigration, CURRENT_MIGRATION, NEXT_MIGRATION } from "./compose-migration";
import { dumpSchema } from "./schema-dump";
import { COMMITTED_FOLDER, FROZEN_FILE } from "./frozen-migrations";
import { PROJECT_ROOT } from "../project-root";

const NEXT_TEMPLATE = `-- Table changes for the next migration (npm run sql:compose puts them after the
-- drops and before sql/): ALTER TABLE, CREATE TABLE with its comments, indexes,
-- constraints, data moves. Empty this file's statements when the migration is
-- committed (npm run migration:commit does it).
`;

async function onServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withScratchDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const serverUrl = serverUrlFromEnvironment();
  const name = `sincro_commit_${randomBytes(4).toString("hex")}`;
  await onServer(serverUrl, (client) => client.query(`create database "${name}"`));
  try {
    return await work(withDatabase(serverUrl, name));
  } finally {
    await onServer(serverUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
  }
}

async function runSql(url: string, sql: string): Promise<void> {
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

function lastCommitted(): { file: string; hash: string } | null {
  const files = fs.readdirSync(COMMITTED_FOLDER).filter((f) => /^\d{6}.*\.sql$/.test(f)).sort();
  const file = files[files.length - 1];
  if (!file) return null;
  const hash = /^--! Hash: (\S+)$/m.exec(fs.readFileSync(path.join(COMMITTED_FOLDER, file), "utf8"))?.[1];
  if (!hash) throw new Error(`${file} has no "--! Hash:" header`);
  return { file, hash };
}

async function main(): Promise<void> {
  const message = process.argv.slice(2).join(" ").trim();
  if (message === "" || /[\r\n]/.test(message)) {
    throw new Error('usage: npm run migration:commit -- "what the migration does" (one line)');
  }
  const body = composeMigration();
  fs.writeFileSync(CURRENT_MIGRATION, body);

  // 1. would it change anything?
  const unchanged = await withScratchDatabase(async (url) => {
    await migrateDatabase(url);
    const before = dumpSchema(url);
    await runSql(url, body);
    return dumpSchema(url) === before;
  });
  if (unchanged) throw new Error("the next migration would change nothing: sql/ and next.sql match the committed migrations");

  // 2. write it with graphile-migrate's headers
  const previous = lastCommitted();
  const number = previous ? Number.parseInt(previous.file, 10) + 1 : 1;
  const file = `${String(number).padStart(6, "0")}-${sluggify(message)}.sql`;
  const target = path.join(COMMITTED_FOLDER, file);
  const text = serializeMigration(body, {
    Previous: previous ? previous.hash : "-",
    Hash: calculateHash(body, previous ? previous.hash : null),
    Message: message,
  });
  fs.writeFileSync(target, text);

  // 3. prove the chain applies from scratch
  try {
    await withScratchDatabase((url) => migrateDatabase(url));
  } catch (error) {
    fs.unlinkSync(target);
    throw error;
  }

  // 4. freeze it; start the next one empty
  const sha = createHash("sha256").update(fs.readFileSync(target)).digest("hex");
  fs.appendFileSync(FROZEN_FILE, `${sha}  committed/${file}\n`);
  fs.writeFileSync(NEXT_MIGRATION, NEXT_TEMPLATE);
  fs.writeFileSync(CURRENT_MIGRATION, "-- Enter migration here\n");
  console.log(`wrote ${path.relative(PROJECT_ROOT, target)}; frozen in migrations/frozen.sha256. Now: npm run schema:dump, commit both.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
