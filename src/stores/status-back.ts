/*
 * Telling a shop that the ERP acquired its order (docs/stores.md): claim what
 * to tell (sincro.store_status_back_claim; nothing when it was told already),
 * tell it through the shop's REST API — which checks for our note or tag
 * first, so telling twice after a crash adds nothing — and record the outcome.
 * A shop that is down fails the job, which is retried with backoff like a push.
 */
import type { Queryable } from "../db/queryable";
import { createStoreApi, type StorePlatform } from "./store-api";

interface Claim {
  readonly store_id: string;
  readonly platform: StorePlatform;
  readonly api_url: string;
  readonly api_key: string | null;
  readonly api_secret: string;
  readonly platform_order_id: string;
  readonly id_pub: number;
  readonly tor_chia: string | null;
  readonly woocommerce_status: string | null;
  readonly shopify_tag: string;
}

export type StatusBackOutcome = "done" | "already" | "nothing_to_tell";

export async function sendStatusBack(db: Queryable, azi: string, idPub: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<StatusBackOutcome> {
  const claimed = await db.query<{ claim: Claim | null }>("select sincro.store_status_back_claim(azi => $1, id_pub => $2) as claim", [azi, idPub]);
  const claim = claimed.rows[0]?.claim;
  if (claim === null || claim === undefined) return "nothing_to_tell";
  const api = createStoreApi({ platform: claim.platform, apiUrl: claim.api_url, apiKey: claim.api_key, apiSecret: claim.api_secret }, { timeoutMs: options.timeoutMs });
  try {
    const outcome = await api.acknowledge(
      { platformOrderId: claim.platform_order_id, idPub: claim.id_pub, torChia: claim.tor_chia },
      { woocommerceStatus: claim.woocommerce_status, shopifyTag: claim.shopify_tag },
      options.signal,
    );
    await db.query("select sincro.store_status_back_done(azi => $1, id_pub => $2)", [azi, idPub]);
    return outcome;
  } catch (error) {
    await db.query("select sincro.store_status_back_done(azi => $1, id_pub => $2, error => $3)", [azi, idPub, error instanceof Error ? error.message : String(error)]);
    throw error;
  }
}
