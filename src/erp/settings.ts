/*
 * Which ERP the worker talks to, from the environment, and the connector to
 * it. With no SINCRO_ERP_URL, `sincro start` runs the reference ERP and points
 * the worker at it; `sincro worker` and `sincro sync` need a real one.
 */
import { z } from "zod";
import type { ErpConnector } from "./connector";
import { createHttpConnector } from "./http-connector";

function blankAsUnset<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema);
}

const ErpEnvironment = z.object({
  SINCRO_ERP_URL: blankAsUnset(z.url({ protocol: /^https?$/ }).optional()),
  SINCRO_ERP_TOKEN: blankAsUnset(z.string().optional()),
  SINCRO_ERP_TIMEOUT_MS: blankAsUnset(z.coerce.number().int().min(100).max(600_000).default(10_000)),
  SINCRO_WORKER_CONCURRENCY: blankAsUnset(z.coerce.number().int().min(1).max(256).default(8)),
  SINCRO_PUSH_BATCH: blankAsUnset(z.coerce.number().int().min(1).max(1000).default(50)),
  SINCRO_PUSH_POLL_MS: blankAsUnset(z.coerce.number().int().min(1).max(10_000).default(20)),
  SINCRO_REFERENCE_ERP_PORT: blankAsUnset(z.coerce.number().int().min(0).max(65535).default(0)),
});

export interface ErpSettings {
  /** Base URL of the ERP's HTTP API; undefined: none configured. */
  readonly url: string | undefined;
  readonly token: string | undefined;
  readonly timeoutMs: number;
  readonly workerConcurrency: number;
  /** Most orders in one create request to the ERP (1: one request per order; batches only where the ERP offers them). */
  readonly pushBatch: number;
  /** How often the worker's idle dispatcher looks for new orders to push, in ms (10 times as often within a second of a find; new orders send no NOTIFY). */
  readonly pushPollMs: number;
  /** Port of the reference ERP `sincro start` runs when no ERP is configured; 0: any free port. */
  readonly referenceErpPort: number;
}

export function readErpSettings(env: NodeJS.ProcessEnv): ErpSettings {
  const parsed = ErpEnvironment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new Error(`invalid environment: ${problems.join("; ")}`);
  }
  return {
    url: parsed.data.SINCRO_ERP_URL,
    token: parsed.data.SINCRO_ERP_TOKEN,
    timeoutMs: parsed.data.SINCRO_ERP_TIMEOUT_MS,
    workerConcurrency: parsed.data.SINCRO_WORKER_CONCURRENCY,
    pushBatch: parsed.data.SINCRO_PUSH_BATCH,
    pushPollMs: parsed.data.SINCRO_PUSH_POLL_MS,
    referenceErpPort: parsed.data.SINCRO_REFERENCE_ERP_PORT,
  };
}

/** An ERP's HTTP API and its bearer token. */
export interface ErpEndpoint {
  readonly url: string;
  readonly token: string;
}

/** The configured ERP (SINCRO_ERP_URL, SINCRO_ERP_TOKEN), if any. */
export function configuredErp(settings: ErpSettings): ErpEndpoint | undefined {
  return settings.url === undefined ? undefined : { url: settings.url, token: settings.token ?? "" };
}

/** The connector to an ERP, with the configured timeout: the one place sincro builds it. */
export function connectErp(endpoint: ErpEndpoint, settings: ErpSettings): ErpConnector {
  return createHttpConnector({ baseUrl: endpoint.url, token: endpoint.token, timeoutMs: settings.timeoutMs });
}
