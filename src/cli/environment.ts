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

/**
 * Every setting sincro reads, for `sincro --help` (README's settings table says
 * the same at more length; test/cli-help.test.ts keeps the two in step).
 */
export const ENVIRONMENT_HELP: readonly (readonly [name: string, meaning: string])[] = [
  ["DATABASE_URL", "the hub's database (postgres://…); unset: start runs an embedded PostgreSQL"],
  ["SINCRO_DATA_DIR", "folder of the embedded PostgreSQL and of the reference ERP's port and token (default .sincro/)"],
  ["SINCRO_POSTGRES_PORT", "port of the embedded PostgreSQL (default 54329, else any free port)"],
  ["SINCRO_LOG_LEVEL", "fatal, error, warn, info (default), debug, trace or silent"],
  ["SINCRO_ERP_URL", "the ERP's HTTP API (docs/erp-api.md); unset: start runs the reference ERP"],
  ["SINCRO_ERP_TOKEN", "the ERP's bearer token"],
  ["SINCRO_ERP_TIMEOUT_MS", "timeout of each ERP call (default 10000)"],
  ["SINCRO_WORKER_CONCURRENCY", "orders pushed at once by the worker (default 8)"],
  ["SINCRO_PUSH_POLL_MS", "longest pause, in ms, of the worker's dispatcher between looks for new orders and webhook deliveries (default 20): a dozing dispatcher is rung by the inserts themselves"],
  ["SINCRO_PUSH_BATCH", "most orders of one company sent in one ERP request, where the ERP offers batches (default 50; 1: one request per order)"],
  ["SINCRO_REFERENCE_ERP_PORT", "port of the reference ERP start runs (default: the one it used last, else any free port)"],
];

/** The help's closing section: the environment variables, one a line. */
export function environmentHelp(): string {
  const width = Math.max(...ENVIRONMENT_HELP.map(([name]) => name.length));
  return `\nEnvironment variables:\n${ENVIRONMENT_HELP.map(([name, meaning]) => `  ${name.padEnd(width)}  ${meaning}`).join("\n")}\n`;
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
