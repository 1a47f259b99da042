/*
 * The two REST calls the connector makes to a shop (docs/stores.md):
 *
 *   - reconciliation: the orders modified since a time, page by page
 *     WooCommerce  GET /wp-json/wc/v3/orders?modified_after=…&dates_are_gmt=true&orderby=id&order=asc&per_page=100&page=n
 *                  (Basic auth with the consumer key and secret; pages until X-WP-TotalPages)
 *     Shopify      GET /admin/api/2024-10/orders.json?updated_at_min=…&status=any&limit=250
 *                  (X-Shopify-Access-Token; next page from the Link header's rel="next")
 *   - status back: telling the shop the ERP acquired an order, idempotently
 *     WooCommerce  an order note (unless one of ours is there) and, if set, a status
 *     Shopify      a tag (unless the order has it)
 *
 * Every answer other than 2xx, a timeout or a connection error is a
 * StoreApiError: the caller's job fails and is retried.
 */
export type StorePlatform = "woocommerce" | "shopify";

export const SHOPIFY_API_VERSION = "2024-10";

export interface StoreAccess {
  readonly platform: StorePlatform;
  /** The shop's base URL (https://shop.example.com). */
  readonly apiUrl: string;
  /** WooCommerce consumer key. */
  readonly apiKey: string | null;
  /** WooCommerce consumer secret, or Shopify Admin API access token. */
  readonly apiSecret: string;
}

export interface AcquiredOrder {
  readonly platformOrderId: string;
  readonly idPub: number;
  readonly torChia: string | null;
}

export interface StatusBackSettings {
  /** WooCommerce: the status to set (null: a note only). */
  readonly woocommerceStatus: string | null;
  /** Shopify: the tag to add. */
  readonly shopifyTag: string;
}

export class StoreApiError extends Error {
  override readonly name = "StoreApiError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface StoreApi {
  /** The orders modified at or after `since`, a page at a time, each as its JSON text. */
  modifiedOrders(since: Date, signal?: AbortSignal): AsyncGenerator<string[]>;
  /** Tells the shop; "already" when it had been told (our note or tag is there). */
  acknowledge(order: AcquiredOrder, settings: StatusBackSettings, signal?: AbortSignal): Promise<"done" | "already">;
}

/** The marker of our WooCommerce notes: a note that carries it for an order is that order's acknowledgement. */
export function noteMarker(idPub: number): string {
  return `[sincro:${idPub}]`;
}

export function createStoreApi(access: StoreAccess, options: { timeoutMs?: number } = {}): StoreApi {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const base = access.apiUrl.replace(/\/+$/, "");
  const auth: Record<string, string> =
    access.platform === "woocommerce"
      ? { authorization: `Basic ${Buffer.from(`${access.apiKey ?? ""}:${access.apiSecret}`).toString("base64")}` }
      : { "x-shopify-access-token": access.apiSecret };

  async function call(url: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<Response> {
    const signals = [AbortSignal.timeout(timeoutMs), ...(init.signal ? [init.signal] : [])];
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method ?? "GET",
        headers: { accept: "application/json", ...auth, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.any(signals),
        redirect: "error",
      });
    } catch (error) {
      throw new StoreApiError(`${init.method ?? "GET"} ${url.replace(base, "")}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => "")).slice(0, 200);
      throw new StoreApiError(`${init.method ?? "GET"} ${url.replace(base, "")}: HTTP ${response.status} ${text}`, response.status);
    }
    return response;
  }

  async function jsonOf<T>(response: Response, what: string): Promise<T> {
    try {
      return (await response.json()) as T;
    } catch {
      throw new StoreApiError(`${what}: the shop answered something that is not JSON`);
    }
  }

  if (access.platform === "woocommerce") {
    return {
      async *modifiedOrders(since, signal) {
        for (let page = 1; ; page++) {
          const query = new URLSearchParams({
            modified_after: since.toISOString().replace(/\.\d{3}Z$/, ""), dates_are_gmt: "true",
            orderby: "id", order: "asc", per_page: "100", page: String(page),
          });
          const response = await call(`${base}/wp-json/wc/v3/orders?${query}`, { signal });
          const orders = await jsonOf<unknown[]>(response, "orders");
          if (!Array.isArray(orders)) throw new StoreApiError("orders: the shop did not answer a list");
          if (orders.length > 0) yield orders.map((order) => JSON.stringify(order));
          const totalPages = Number(response.headers.get("x-wp-totalpages") ?? "0");
          if (orders.length === 0 || page >= totalPages) return;
        }
      },
      async acknowledge(order, settings, signal) {
        const path = `${base}/wp-json/wc/v3/orders/${encodeURIComponent(order.platformOrderId)}`;
        const notes = await jsonOf<{ note?: string }[]>(await call(`${path}/notes?type=internal`, { signal }), "notes");
        const told = Array.isArray(notes) && notes.some((note) => typeof note.note === "string" && note.note.includes(noteMarker(order.idPub)));
        if (!told) {
          const note = `Order acquired by the ERP${order.torChia ? ` as ${order.torChia}` : ""} (hub order ${order.idPub}). ${noteMarker(order.idPub)}`;
          await call(`${path}/notes`, { method: "POST", body: { note, customer_note: false }, signal });
        }
        if (settings.woocommerceStatus !== null) await call(path, { method: "PUT", body: { status: settings.woocommerceStatus }, signal });
        return told ? "already" : "done";
      },
    };
  }

  const admin = `${base}/admin/api/${SHOPIFY_API_VERSION}`;
  return {
    async *modifiedOrders(since, signal) {
      let url: string | null = `${admin}/orders.json?${new URLSearchParams({ updated_at_min: since.toISOString(), status: "any", limit: "250" })}`;
      while (url !== null) {
        const response = await call(url, { signal });
        const body = await jsonOf<{ orders?: unknown[] }>(response, "orders");
        if (!Array.isArray(body.orders)) throw new StoreApiError("orders: the shop did not answer {orders: [...]}");
        if (body.orders.length > 0) yield body.orders.map((order) => JSON.stringify(order));
        url = nextLink(response.headers.get("link"));
      }
    },
    async acknowledge(order, settings, signal) {
      const path = `${admin}/orders/${encodeURIComponent(order.platformOrderId)}.json`;
      const current = await jsonOf<{ order?: { tags?: string } }>(await call(`${path}?fields=id,tags`, { signal }), "order");
      const tags = (current.order?.tags ?? "").split(",").map((tag) => tag.trim()).filter((tag) => tag !== "");
      if (tags.includes(settings.shopifyTag)) return "already";
      await call(path, { method: "PUT", body: { order: { id: Number(order.platformOrderId), tags: [...tags, settings.shopifyTag].join(", ") } }, signal });
      return "done";
    },
  };
}

/** The rel="next" URL of a Link header (RFC 8288, as Shopify sends it), or null. */
export function nextLink(header: string | null): string | null {
  if (header === null) return null;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match?.[1]) return match[1];
  }
  return null;
}
