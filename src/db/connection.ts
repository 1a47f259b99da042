/*
 * Where sincro finds PostgreSQL when it is not told: the local server of a
 * development machine. Tests and tools derive their own databases from it.
 */
export const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** DATABASE_URL if set, else the local server's maintenance database. */
export function serverUrlFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL && env.DATABASE_URL.trim() !== "" ? env.DATABASE_URL : LOCAL_SERVER_URL;
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
