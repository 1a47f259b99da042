/*
 * One push of one order to the ERP: claim it in the hub, create it in the ERP
 * (idempotent on the web ID), write the answer back. Each SQL step is its own
 * short transaction, so no lock is held while the ERP is called. Every rule —
 * what to send, what an answer means — is in the SQL functions; this carries
 * the order there and the answer back.
 *
 * If the process dies between the ERP's reply and the write-back, the order
 * stays in flight; the next attempt (a retry, the sweep or a partial sync)
 * calls the ERP again and gets the same key back (created = false).
 */
import type { Queryable } from "../db/queryable";
import { ErpRejectedError, type ErpConnector, type ErpOrderRequest } from "../erp/connector";
import { parseErpOrderRequest } from "../erp/order-request";

export type PushOutcome = "acquired" | "rejected" | "nothing_to_push";

export interface OrderRef {
  readonly azi: string;
  readonly idPub: number;
}

export class PushFailedError extends Error {
  override readonly name = "PushFailedError";
  constructor(
    readonly order: OrderRef,
    cause: unknown,
  ) {
    super(`order ${order.idPub} of company ${order.azi} did not reach the ERP: ${messageOf(cause)}`, { cause });
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function pushOrder(
  db: Queryable,
  erp: ErpConnector,
  order: OrderRef,
  options: { signal?: AbortSignal } = {},
): Promise<PushOutcome> {
  const claimed = await db.query<{ request: unknown }>("select sincro.push_claim(azi => $1, id_pub => $2) as request", [
    order.azi,
    order.idPub,
  ]);
  const raw = claimed.rows[0]?.request;
  if (raw === null || raw === undefined) return "nothing_to_push";

  try {
    const request = parseErpOrderRequest(raw);
    const created = await erp.createOrder(request, options);
    await db.query("select sincro.push_acquired(azi => $1, id_pub => $2, tor_chia => $3, cliente_cod => $4)", [
      order.azi,
      order.idPub,
      created.tor_chia,
      created.cliente_cod,
    ]);
    return "acquired";
  } catch (error) {
    if (error instanceof ErpRejectedError) {
      await db.query("select sincro.push_rejected(azi => $1, id_pub => $2, erp_message => $3)", [
        order.azi,
        order.idPub,
        error.erpMessage,
      ]);
      return "rejected";
    }
    await db.query("select sincro.push_failed(azi => $1, id_pub => $2, error => $3)", [
      order.azi,
      order.idPub,
      messageOf(error),
    ]);
    throw new PushFailedError(order, error);
  }
}

/**
 * One push_order job with batches on: claims the job's own order and up to maxOrders - 1 other
 * new orders of its company (sincro.push_claim_batch), sends them in one request
 * (ErpConnector.createOrders) and writes every answer back in one transaction (sincro.push_answers).
 * With maxOrders 1, or a connector to an ERP without batches, it is pushOrder. An ERP that does not
 * answer fails every order of the batch (pending again: retried, swept, or pushed by a partial sync);
 * an order the ERP's answer leaves out fails alone.
 */
export async function pushOrderBatch(
  db: Queryable,
  erp: ErpConnector,
  order: OrderRef,
  maxOrders: number,
  options: { signal?: AbortSignal } = {},
): Promise<{ readonly outcome: PushOutcome; readonly batch: number }> {
  const limit = maxOrders <= 1 || erp.createOrders === undefined ? 1 : Math.min(maxOrders, (await erp.orderBatchLimit?.(options)) ?? 1);
  if (limit <= 1 || erp.createOrders === undefined) return { outcome: await pushOrder(db, erp, order, options), batch: 1 };

  const claimed = await db.query<{ requests: unknown[] }>(
    "select sincro.push_claim_batch(azi => $1, id_pub => $2, max_orders => $3) as requests",
    [order.azi, order.idPub, limit],
  );
  const requests = (claimed.rows[0]?.requests ?? []).map(parseErpOrderRequest);
  if (requests.length === 0) return { outcome: "nothing_to_push", batch: 0 };

  const { answers, failure } = await sendClaimed(db, erp, order.azi, requests, options);
  if (failure !== undefined) throw new PushFailedError(order, failure);
  // what happened to the job's own order; left out of the ERP's answer, it is retried like a failed push
  const own = answers.find((answer) => answer.web_id === order.idPub);
  if (own?.outcome === "failed") throw new PushFailedError(order, new Error(own.message));
  return { outcome: own === undefined ? "nothing_to_push" : own.outcome, batch: requests.length };
}

export interface PushAnswer {
  readonly web_id: number;
  readonly outcome: "acquired" | "rejected" | "failed";
  readonly tor_chia?: string;
  readonly cliente_cod?: string | null;
  readonly message?: string;
}

/**
 * Sends orders already claimed (push_claim_batch, push_take) of one company to the ERP — one batch
 * request when there are several and the ERP offers batches, else one create each — and writes every
 * answer back in one transaction (sincro.push_answers). An ERP that does not answer a batch fails every
 * order of it (`failure` is why); an order the ERP's answer leaves out fails alone.
 */
export async function sendClaimed(
  db: Queryable,
  erp: ErpConnector,
  azi: string,
  requests: readonly ErpOrderRequest[],
  options: { signal?: AbortSignal } = {},
): Promise<{ readonly answers: readonly PushAnswer[]; readonly failure?: unknown }> {
  let answers: PushAnswer[];
  let failure: unknown;
  if (requests.length > 1 && erp.createOrders !== undefined) {
    try {
      const results = await erp.createOrders(azi, requests, options);
      const byWebId = new Map(results.map((result) => [result.web_id, result]));
      answers = requests.map((request): PushAnswer => {
        const result = byWebId.get(request.web_id);
        if (result === undefined) return { web_id: request.web_id, outcome: "failed", message: "the ERP's batch answer left this order out" };
        if (result.outcome === "rejected") return { web_id: request.web_id, outcome: "rejected", message: result.message };
        return { web_id: request.web_id, outcome: "acquired", tor_chia: result.tor_chia, cliente_cod: result.cliente_cod };
      });
    } catch (error) {
      failure = error;
      answers = requests.map((request) => ({ web_id: request.web_id, outcome: "failed", message: messageOf(error) }));
    }
  } else {
    answers = [];
    for (const request of requests) {
      try {
        const created = await erp.createOrder(request, options);
        answers.push({ web_id: request.web_id, outcome: "acquired", tor_chia: created.tor_chia, cliente_cod: created.cliente_cod });
      } catch (error) {
        if (error instanceof ErpRejectedError) {
          answers.push({ web_id: request.web_id, outcome: "rejected", message: error.erpMessage });
        } else {
          failure ??= error;
          answers.push({ web_id: request.web_id, outcome: "failed", message: messageOf(error) });
        }
      }
    }
  }
  await db.query("select sincro.push_answers(azi => $1, answers => $2::jsonb)", [azi, JSON.stringify(answers)]);
  return failure === undefined ? { answers } : { answers, failure };
}
