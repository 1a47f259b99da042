/*
 * The settings sincro reads from the environment, validated once where they
 * enter. Blank values count as unset.
 */
import path from "node:path";
import type { LevelWithSilent } from "pino";
import { z } from "zod";
import { PROJECT_ROOT } from "../project-root";
import { UsageError } from "./errors";

export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, ".sincro");

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const satisfies readonly LevelWithSilent[];

function blankAsUnset<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema);
}

function isPostgresUrl(value: string): boolean {
  try {
    return ["postgres:", "postgresql:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const EnvironmentSchema = z.object({
  DATABASE_URL: blankAsUnset(
    z.string().refine(isPostgresUrl, { message: "must be a postgres:// or postgresql:// connection URL" }).optional(),
  ),
  SINCRO_DATA_DIR: blankAsUnset(z.string().optional()),
  SINCRO_POSTGRES_PORT: blankAsUnset(z.coerce.number().int().min(1).max(65535).optional()),
  SINCRO_LOG_LEVEL: blankAsUnset(z.enum(LOG_LEVELS).default("info")),
});

export interface Settings {
  /** The database to serve; unset means "run the embedded PostgreSQL". */
  readonly databaseUrl: string | undefined;
  /** Folder of the embedded PostgreSQL (absolute). */
  readonly dataDir: string;
  /** Port for the embedded PostgreSQL; unset means "54329, else any free port". */
  readonly postgresPort: number | undefined;
  readonly logLevel: LevelWithSilent;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const parsed = EnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new UsageError(`invalid environment: ${problems.join("; ")}`);
  }
  const values = parsed.data;
  return {
    databaseUrl: values.DATABASE_URL,
    dataDir: values.SINCRO_DATA_DIR === undefined ? DEFAULT_DATA_DIR : path.resolve(values.SINCRO_DATA_DIR),
    postgresPort: values.SINCRO_POSTGRES_PORT,
    logLevel: values.SINCRO_LOG_LEVEL,
  };
}

/** The log level before the rest is validated (the logger reports invalid settings): info if unusable. */
export function logLevelFrom(env: NodeJS.ProcessEnv): LevelWithSilent {
  const parsed = EnvironmentSchema.shape.SINCRO_LOG_LEVEL.safeParse(env.SINCRO_LOG_LEVEL);
  return parsed.success ? parsed.data : "info";
}

/** The URL with its password masked, for logs. */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "****";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
