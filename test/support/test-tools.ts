/*
 * What the pgTAP suite needs from the machine, checked before it starts: the
 * test PostgreSQL server reachable, pgTAP available on it, pg_prove on PATH.
 * Each thing missing is one line saying what and how to install it (as
 * .ci/run does on Debian), instead of a driver's error object.
 */
import { spawnSync } from "node:child_process";
import { Client } from "pg";
import { withDatabase } from "../../src/db/connection";
import { redactPassword } from "../../src/cli/environment";

export interface ToolNames {
  /** The extension the suite creates (default pgtap). */
  readonly extension?: string;
  /** The TAP runner (default pg_prove). */
  readonly command?: string;
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") return error.errors.map(errorText).join("; ");
  return error instanceof Error ? error.message : String(error);
}

/** One line per missing tool; empty when the suite can run. */
export async function missingTestTools(serverUrl: string, names: ToolNames = {}): Promise<string[]> {
  const extension = names.extension ?? "pgtap";
  const command = names.command ?? "pg_prove";
  const missing: string[] = [];

  const prove = spawnSync(command, ["--version"], { stdio: "ignore" });
  if (prove.error) {
    missing.push(`${command} is not installed (it runs the pgTAP files): on Debian, apt-get install libtap-parser-sourcehandler-pgtap-perl (.ci/run does)`);
  }

  const client = new Client({ connectionString: withDatabase(serverUrl, "postgres") });
  try {
    await client.connect();
  } catch (error) {
    missing.push(
      `cannot reach the test PostgreSQL at ${redactPassword(withDatabase(serverUrl, "postgres"))} (${errorText(error)}): ` +
        "start one on 127.0.0.1:5432 or set DATABASE_URL to a server where tests may create databases",
    );
    return missing;
  }
  try {
    const available = await client.query("select 1 from pg_catalog.pg_available_extensions where name = $1", [extension]);
    if (available.rowCount === 0) {
      const version = await client.query<{ major: string }>("select (current_setting('server_version_num')::int / 10000)::text as major");
      const major = version.rows[0]?.major ?? "<major>";
      missing.push(
        `${extension} is not installed on the test PostgreSQL ${major} server (CREATE EXTENSION ${extension} needs it): ` +
          `on Debian, apt-get install postgresql-${major}-pgtap (.ci/run does)`,
      );
    }
  } finally {
    await client.end();
  }
  return missing;
}
