/*
 * The connector for an ERP exposed on the internet (docs/erp-api.md): JSON
 * over HTTP(S), a bearer token, a timeout per call. Classification:
 *   2xx with a valid body            → the answer
 *   422 / other 4xx (but 401, 403)   → ErpRejectedError: the ERP says the order is invalid; permanent
 *   401 / 403                        → ErpUnavailableError: our token is wrong; retried until an operator fixes it
 *   5xx, timeout, network error,
 *   a 2xx body we cannot read        → ErpUnavailableError: retry later
 */
import { z } from "zod";
import {
  ErpRejectedError,
  ErpUnavailableError,
  type CallOptions,
  type ErpConnector,
  type ErpHealth,
  type ErpOrderCreated,
  type ErpOrderRequest,
} from "./connector";

export interface HttpConnectorOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** Per call, default 10 s. */
  readonly timeoutMs?: number;
}

const createdSchema = z.object({ tor_chia: z.string().min(1), cliente_cod: z.string().nullable(), created: z.boolean() });
const errorSchema = z.object({ message: z.string() }).passthrough();

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
      const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : String(error instanceof Error ? (error.cause ?? error.message) : error);
      throw new ErpUnavailableError(`ERP ${method} ${path}: ${reason}`, { cause: error });
    }
  }

  return {
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
  };
}
