/*
 * Runs test/upgrade/fill-0.1.sql on a 0.1 hub with psql, with login names
 * unique to this run (roles are cluster-wide), and drops those roles again.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Client } from "pg";
import { serverUrlFromEnvironment, withDatabase } from "../../src/db/connection";

export const FILL_0_1 = path.join(__dirname, "fill-0.1.sql");

/** The party logins the fill creates, by psql variable name. */
export const LOGIN_VARIABLES = ["admin", "worker", "store1", "app50", "app51", "erp1", "store2", "erp2"] as const;
export type PartyLogins = Readonly<Record<(typeof LOGIN_VARIABLES)[number], string>>;

export function uniqueLogins(): PartyLogins {
  const prefix = `upg_${randomBytes(4).toString("hex")}`;
  return Object.fromEntries(LOGIN_VARIABLES.map((name) => [name, `${prefix}_${name}`])) as PartyLogins;
}

export function runSqlFile(url: string, file: string, variables: Readonly<Record<string, string>>): void {
  const args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", file];
  for (const [name, value] of Object.entries(variables)) args.push("-v", `${name}=${value}`);
  const run = spawnSync("psql", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (run.error) throw new Error(`psql could not run: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`psql -f ${path.basename(file)} failed (exit ${run.status}):\n${run.stderr}`);
}

/** Drops the run's login roles (after their databases are gone, so nothing of theirs is left anywhere). */
export async function dropLogins(logins: PartyLogins): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), "postgres") });
  await client.connect();
  try {
    for (const login of Object.values(logins)) {
      await client.query(`drop role if exists "${login}"`);
    }
  } finally {
    await client.end();
  }
}
