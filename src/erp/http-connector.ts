/*
 * The connector for an ERP exposed on the internet (docs/erp-api.md): JSON
 * over HTTP(S), a bearer token, a timeout per call. Classification of an order
 * creation:
 *   2xx with a valid body            → the answer
 *   422 / other 4xx (but 401, 403)   → ErpRejectedError: the ERP says the order is invalid; permanent
 *   401 / 403                        → ErpUnavailableError: our token is wrong; retried until an operator fixes it
 *   5xx, timeout, network error,
 *   a 2xx body we cannot read        → ErpUnavailableError: retry later
 * Reading the ERP's data (pullChanges, openSnapshot) fails with
 * ErpUnavailableError whatever the cause, naming the status and the ERP's
 * message: the sync run fails and nothing is rejected. A snapshot's timeout
 * covers the wait for the response headers, then each wait for the next chunk
 * of the body (a million rows take longer than one call's timeout).
 */
import { z } from "zod";
import {
  ERP_ENTITIES,
  ErpRejectedError,
  ErpUnavailableError,
  type CallOptions,
  type ErpChangeBatch,
  type ErpConnector,
  type ErpEntity,
  type ErpHealth,
  type ErpOrderCreated,
  type ErpOrderRequest,
  type ErpOrderResult,
  type ErpSnapshot,
  type ErpSnapshotRow,
} from "./connector";
import { readSnapshotBatches, readSnapshotLineBatches, type SnapshotReading } from "./ndjson-snapshot";

export interface HttpConnectorOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** Per call, default 10 s. */
  readonly timeoutMs?: number;
}

const createdSchema = z.object({ tor_chia: z.string().min(1), cliente_cod: z.string().nullable(), created: z.boolean() });
const batchResultsSchema = z.object({
  results: z.array(
    z.union([
      z.object({ web_id: z.number().int(), outcome: z.enum(["created", "existing"]), tor_chia: z.string().min(1), cliente_cod: z.string().nullable() }),
      z.object({ web_id: z.number().int(), outcome: z.literal("rejected"), message: z.string() }),
    ]),
  ),
});
const healthSchema = z.object({ order_batch_max: z.number().int().min(1).optional() }).passthrough();
/** How long the ERP's batch limit (from GET /v1/health) is trusted before it is asked again. */
const BATCH_LIMIT_TTL_MS = 60_000;
const errorSchema = z.object({ message: z.string() }).passthrough();
const changeBatchSchema = z.object({
  changes: z.array(
    z.union([
      z.object({
        seq: z.string().min(1),
        entity: z.enum(ERP_ENTITIES),
        op: z.literal("upsert"),
        key: z.record(z.string(), z.string()),
        data: z.record(z.string(), z.unknown()),
      }),
      z.object({
        seq: z.string().min(1),
        entity: z.enum(ERP_ENTITIES),
        op: z.literal("delete"),
        key: z.record(z.string(), z.string()),
        data: z.null(),
      }),
    ]),
  ),
  next_cursor: z.string(),
  more: z.boolean(),
}) satisfies z.ZodType<ErpChangeBatch>;

const DEFAULT_SNAPSHOT_BATCH_SIZE = 1000;

/** x-erp-cursor (required; may be empty: "from the beginning", an ERP whose change log is empty) and x-erp-row-count (optional: checked when sent) of a snapshot answer. */
function snapshotHeaders(response: Response): { cursor: string; expectedRows: number | undefined } | { problem: string } {
  const cursor = response.headers.get("x-erp-cursor");
  if (cursor === null) return { problem: "the answer has no x-erp-cursor header" };
  const rowCount = response.headers.get("x-erp-row-count");
  if (rowCount !== null && !/^\d+$/.test(rowCount)) return { problem: `x-erp-row-count is not a number (${rowCount})` };
  if (response.body === null) return { problem: "the answer has no body" };
  return { cursor, expectedRows: rowCount === null ? undefined : Number(rowCount) };
}

function signalFor(timeoutMs: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    return errorSchema.parse(JSON.parse(text)).message;
  } catch {
    return text.slice(0, 500) || response.statusText;
  }
}

export function createHttpConnector(options: HttpConnectorOptions): ErpConnector {
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;

  /** Why a request got no answer, in words: fetch's own error says only "fetch failed", its cause says why. */
  function reasonOf(error: unknown): string {
    if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    if (message === "bad port") {
      // the Fetch standard's blocked ports (1, 7, 9, 22, 25, 6000…): fetch refuses them without trying
      const port = new URL(base).port || "(default)";
      return `fetch never connects to port ${port} (a "bad port" of the Fetch standard, like 1, 9, 22 or 6000): give the ERP another port in SINCRO_ERP_URL`;
    }
    return message;
  }

  function unreachable(method: string, path: string, error: unknown): ErpUnavailableError {
    return new ErpUnavailableError(`ERP ${method} ${path}: ${reasonOf(error)}`, { cause: error });
  }

  async function call(method: string, path: string, body: unknown, callOptions: CallOptions | undefined): Promise<Response> {
    try {
      return await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: signalFor(timeoutMs, callOptions?.signal),
      });
    } catch (error) {
      throw unreachable(method, path, error);
    }
  }

  /** Any answer but a 2xx, as the error of a data read. */
  async function refused(path: string, response: Response): Promise<ErpUnavailableError> {
    const hint = response.status === 401 || response.status === 403 ? " (check SINCRO_ERP_TOKEN)" : "";
    return new ErpUnavailableError(`ERP GET ${path}: ${response.status} ${await errorMessage(response)}${hint}`);
  }

  let batchLimit: { value: number; until: number } | undefined;

  return {
    async orderBatchLimit(callOptions?: CallOptions): Promise<number> {
      if (batchLimit !== undefined && batchLimit.until > Date.now()) return batchLimit.value;
      let value = 1;
      try {
        const response = await call("GET", "/v1/health", undefined, callOptions);
        if (response.ok) value = healthSchema.safeParse(await response.json().catch(() => undefined)).data?.order_batch_max ?? 1;
      } catch {
        // unreachable: single creates (the next push finds out why); asked again later
      }
      batchLimit = { value, until: Date.now() + BATCH_LIMIT_TTL_MS };
      return value;
    },

    async createOrders(azi: string, orders: readonly ErpOrderRequest[], callOptions?: CallOptions): Promise<readonly ErpOrderResult[]> {
      const path = `/v1/companies/${encodeURIComponent(azi)}/order-batches`;
      const response = await call("POST", path, { orders }, callOptions);
      if (response.ok) {
        const parsed = batchResultsSchema.safeParse(await response.json().catch(() => undefined));
        if (!parsed.success) throw new ErpUnavailableError(`ERP POST ${path}: unreadable answer (${parsed.error.message})`);
        return parsed.data.results;
      }
      const message = await errorMessage(response);
      if (response.status === 404) {
        // the ERP no longer offers batches (an older version came back): single creates from now on
        batchLimit = { value: 1, until: Date.now() + BATCH_LIMIT_TTL_MS };
      }
      // a refusal of the whole request is never an order's rejection: every order is retried
      const hint = response.status === 401 || response.status === 403 ? " (check SINCRO_ERP_TOKEN)" : "";
      throw new ErpUnavailableError(`ERP POST ${path}: ${response.status} ${message}${hint}`);
    },

    async createOrder(order: ErpOrderRequest, callOptions?: CallOptions): Promise<ErpOrderCreated> {
      const path = `/v1/companies/${encodeURIComponent(order.azi)}/orders`;
      const response = await call("POST", path, order, callOptions);
      if (response.ok) {
        const parsed = createdSchema.safeParse(await response.json().catch(() => undefined));
        if (!parsed.success) throw new ErpUnavailableError(`ERP POST ${path}: unreadable answer (${parsed.error.message})`);
        return parsed.data;
      }
      const message = await errorMessage(response);
      if (response.status === 401 || response.status === 403) {
        throw new ErpUnavailableError(`ERP POST ${path}: ${response.status} ${message} (check SINCRO_ERP_TOKEN)`);
      }
      if (response.status >= 400 && response.status < 500) {
        throw new ErpRejectedError(`ERP rejected order ${order.web_id} of ${order.azi}: ${message}`, message, response.status);
      }
      throw new ErpUnavailableError(`ERP POST ${path}: ${response.status} ${message}`);
    },

    async health(callOptions?: CallOptions): Promise<ErpHealth> {
      try {
        const response = await call("GET", "/v1/health", undefined, callOptions);
        return { ok: response.ok, detail: response.ok ? "ok" : `${response.status} ${await errorMessage(response)}` };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },

    async pullChanges(azi: string, after: string, limit: number, callOptions?: CallOptions): Promise<ErpChangeBatch> {
      const query = new URLSearchParams({ after, limit: String(limit) });
      const path = `/v1/companies/${encodeURIComponent(azi)}/changes?${query.toString()}`;
      const response = await call("GET", path, undefined, callOptions);
      if (!response.ok) throw await refused(path, response);
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        throw unreachable("GET", path, error);
      }
      const parsed = changeBatchSchema.safeParse(body);
      if (!parsed.success) throw new ErpUnavailableError(`ERP GET ${path}: unreadable answer (${parsed.error.message})`);
      return parsed.data;
    },

    async openSnapshot(
      azi: string,
      entity: ErpEntity,
      callOptions?: CallOptions & { readonly batchSize?: number },
    ): Promise<ErpSnapshot> {
      const path = `/v1/companies/${encodeURIComponent(azi)}/snapshot/${encodeURIComponent(entity)}`;
      const what = `ERP GET ${path}`;
      const batchSize = callOptions?.batchSize ?? DEFAULT_SNAPSHOT_BATCH_SIZE;
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`openSnapshot: batchSize must be a positive integer (got ${batchSize})`);

      // one controller for the whole exchange: the caller's signal, the headers' timeout, then each chunk's idle timeout
      const controller = new AbortController();
      const callerSignal = callOptions?.signal;
      const forwardAbort = () => controller.abort(callerSignal?.reason);
      callerSignal?.addEventListener("abort", forwardAbort, { once: true });
      const stopForwarding = () => callerSignal?.removeEventListener("abort", forwardAbort);
      if (callerSignal?.aborted) forwardAbort();
      const headersTimer = setTimeout(
        () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")),
        timeoutMs,
      );

      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          headers: { authorization: `Bearer ${options.token}`, accept: "application/x-ndjson" },
          signal: controller.signal,
        });
      } catch (error) {
        stopForwarding();
        throw unreachable("GET", path, error);
      } finally {
        clearTimeout(headersTimer);
      }
      if (!response.ok) {
        stopForwarding();
        throw await refused(path, response);
      }
      const headers = snapshotHeaders(response);
      if ("problem" in headers) {
        stopForwarding();
        await response.body?.cancel().catch(() => undefined);
        throw new ErpUnavailableError(`${what}: ${headers.problem}`);
      }
      const { cursor, expectedRows } = headers;

      let opened = false;
      /** Reads the body once, through `reading` (rows or raw lines). */
      function read<T>(reader: (body: ReadableStream<Uint8Array>, reading: SnapshotReading) => AsyncGenerator<T[]>): AsyncIterable<readonly T[]> {
        if (opened) throw new Error(`${what}: the snapshot can be read once`);
        opened = true;
        // read the body through `response`, kept alive by this closure: undici cancels the body
        // of a Response that is garbage-collected, and the stream would just look empty
        const body = response.body;
        if (body === null) throw new ErpUnavailableError(`${what}: the answer has no body`);
        const items = reader(body, {
          what,
          batchSize,
          idleTimeoutMs: timeoutMs,
          abort: (reason) => controller.abort(reason),
          expectedRows,
        });
        return (async function* () {
          try {
            yield* items;
          } finally {
            stopForwarding();
          }
        })();
      }
      return {
        cursor,
        rowCount: expectedRows,
        batches: (): AsyncIterable<readonly ErpSnapshotRow[]> => read(readSnapshotBatches),
        rawBatches: (): AsyncIterable<readonly string[]> => read(readSnapshotLineBatches),
      };
    },
  };
}
