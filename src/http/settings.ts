/*
 * Settings of the hub's HTTP server (console and /metrics), from the
 * environment, validated once where they enter. Blank values count as unset.
 */
import { z } from "zod";


const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const flag = z.preprocess(blank, z.enum(["on", "off", "true", "false", "1", "0"]).optional());

const HttpEnvironmentSchema = z.object({
  SINCRO_HTTP_HOST: z.preprocess(blank, z.string().default("127.0.0.1")),
  SINCRO_HTTP_PORT: z.preprocess(blank, z.coerce.number().int().min(0).max(65535).default(8787)),
  SINCRO_METRICS: flag,
  SINCRO_CONSOLE: flag,
  SINCRO_CONSOLE_SESSION_MINUTES: z.preprocess(blank, z.coerce.number().int().min(1).max(24 * 60).default(30)),
  SINCRO_CONSOLE_SIGNIN_PER_MINUTE: z.preprocess(blank, z.coerce.number().int().min(1).max(10_000).default(10)),
});

export interface HttpSettings {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** GET /metrics served (SINCRO_METRICS=off turns it off). */
  readonly metrics: boolean;
  /** The operator console served (SINCRO_CONSOLE=off turns it off). */
  readonly console: boolean;
  /** A console session ends after this long without a request. */
  readonly sessionIdleMinutes: number;
  /** Sign-in attempts allowed per client address and minute. */
  readonly signInPerMinute: number;
}

const isOn = (value: string | undefined) => value === undefined || ["on", "true", "1"].includes(value);

export function readHttpSettings(env: NodeJS.ProcessEnv): HttpSettings {
  const parsed = HttpEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid environment: ${parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`);
  }
  const values = parsed.data;
  return {
    host: values.SINCRO_HTTP_HOST,
    port: values.SINCRO_HTTP_PORT,
    metrics: isOn(values.SINCRO_METRICS),
    console: isOn(values.SINCRO_CONSOLE),
    sessionIdleMinutes: values.SINCRO_CONSOLE_SESSION_MINUTES,
    signInPerMinute: values.SINCRO_CONSOLE_SIGNIN_PER_MINUTE,
  };
}
