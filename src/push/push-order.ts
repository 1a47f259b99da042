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
import { ErpRejectedError, type ErpConnector } from "../erp/connector";
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
