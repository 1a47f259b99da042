/*
 * A fake WooCommerce or Shopify shop for tests and the bench: the REST
 * endpoints the connector calls (docs/stores.md), over real HTTP on loopback,
 * with the platforms' paging and authentication, and faults to inject
 * (slowness, errors, down). It also sends the shop's webhooks to a hub,
 * signed as the platform does, and can "lose" one (never sent), as
 * WooCommerce does after a failed delivery.
 *
 *   WooCommerce  GET  /wp-json/wc/v3/orders?modified_after&dates_are_gmt&orderby=id&order=asc&per_page&page
 *                     (X-WP-Total, X-WP-TotalPages; Basic auth consumer key:secret)
 *                GET  /wp-json/wc/v3/orders/<id>/notes     POST the same (a note)
 *                PUT  /wp-json/wc/v3/orders/<id>           ({status})
 *   Shopify      GET  /admin/api/<v>/orders.json?updated_at_min&status=any&limit   (Link: <…page_info=…>; rel="next")
 *                GET  /admin/api/<v>/orders/<id>.json?fields=id,tags
 *                PUT  /admin/api/<v>/orders/<id>.json      ({order: {id, tags}})
 *                (X-Shopify-Access-Token)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createdTopic, deliverWebhook, type Delivery, type Platform } from "./webhook";

export interface FakeStoreFaults {
  /** Every API answer waits this long first. */
  delayMs: number;
  /** The next n API requests answer 500. */
  failNext: number;
  /** Every API request answers 503. */
  down: boolean;
}

export interface FakeStoreOptions {
  readonly platform: Platform;
  /** WooCommerce consumer key (ck_…). */
  readonly apiKey?: string;
  /** WooCommerce consumer secret, or Shopify access token. */
  readonly apiSecret: string;
  /** The webhook secret its deliveries are signed with. */
  readonly webhookSecret: string;
  readonly port?: number;
  /** Largest page the shop gives, whatever is asked (WooCommerce 100, Shopify 250 by default). */
  readonly maxPageSize?: number;
}

export interface FakeOrderNote {
  readonly id: number;
  readonly note: string;
}

export interface FakeStore {
  readonly url: string;
  readonly platform: Platform;
  /** Adds or replaces an order (its id decides); its modification time is now unless it carries one. */
  putOrder(order: Record<string, unknown>, options?: { touch?: boolean }): Record<string, unknown>;
  order(id: string | number): Record<string, unknown> | undefined;
  notes(id: string | number): readonly FakeOrderNote[];
  setFaults(faults: Partial<FakeStoreFaults>): void;
  /** API requests received, in order ("GET /wp-json/wc/v3/orders?…"). */
  readonly requests: string[];
  /** Sends the order's webhook to a hub's store URL (http://host:port/, store ID), signed. */
  deliver(hubUrl: string, storeId: string, id: string | number, topic?: string): Promise<Delivery>;
  close(): Promise<void>;
}

const WOO = /^\/wp-json\/wc\/v3\/orders(?:\/(\d+)(\/notes)?)?$/;
const SHOPIFY = /^\/admin\/api\/[0-9]{4}-[0-9]{2}\/orders(?:\/(\d+))?\.json$/;

function wooTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "");
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

export async function startFakeStore(options: FakeStoreOptions): Promise<FakeStore> {
  const { platform } = options;
  const orders = new Map<string, Record<string, unknown>>();
  const notes = new Map<string, FakeOrderNote[]>();
  const faults: FakeStoreFaults = { delayMs: 0, failNext: 0, down: false };
  const requests: string[] = [];
  const maxPage = options.maxPageSize ?? (platform === "woocommerce" ? 100 : 250);
  let noteId = 1;

  const modifiedOf = (order: Record<string, unknown>): number =>
    platform === "woocommerce" ? Date.parse(`${String(order.date_modified_gmt)}Z`) : Date.parse(String(order.updated_at));

  function touch(order: Record<string, unknown>): void {
    const now = new Date();
    if (platform === "woocommerce") {
      order.date_modified_gmt = wooTime(now);
      order.date_modified = wooTime(now);
    } else {
      order.updated_at = now.toISOString();
    }
  }

  function authorized(request: IncomingMessage): boolean {
    if (platform === "shopify") return request.headers["x-shopify-access-token"] === options.apiSecret;
    const expected = `Basic ${Buffer.from(`${options.apiKey ?? ""}:${options.apiSecret}`).toString("base64")}`;
    return request.headers.authorization === expected;
  }

  function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  }

  function sortedSince(since: number): Record<string, unknown>[] {
    return [...orders.values()].filter((order) => modifiedOf(order) >= since).sort((a, b) => Number(a.id) - Number(b.id));
  }

  async function woo(request: IncomingMessage, response: ServerResponse, url: URL, match: RegExpExecArray): Promise<void> {
    const [, id, notesPath] = match;
    if (id === undefined) {
      const since = url.searchParams.has("modified_after") ? Date.parse(`${url.searchParams.get("modified_after")}Z`) : 0;
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? "10"), maxPage);
      const page = Number(url.searchParams.get("page") ?? "1");
      const all = sortedSince(since);
      const totalPages = Math.ceil(all.length / perPage);
      return send(response, 200, all.slice((page - 1) * perPage, page * perPage), { "x-wp-total": String(all.length), "x-wp-totalpages": String(totalPages) });
    }
    const order = orders.get(id);
    if (order === undefined) return send(response, 404, { code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID." });
    if (notesPath !== undefined) {
      if (request.method === "POST") {
        const body = (await readBody(request)) as { note?: string };
        const note = { id: noteId++, note: String(body.note ?? "") };
        notes.set(id, [...(notes.get(id) ?? []), note]);
        return send(response, 201, note);
      }
      return send(response, 200, notes.get(id) ?? []);
    }
    if (request.method === "PUT") {
      const body = (await readBody(request)) as { status?: string };
      if (body.status !== undefined) order.status = body.status;
      touch(order);
    }
    return send(response, 200, order);
  }

  async function shopify(request: IncomingMessage, response: ServerResponse, url: URL, match: RegExpExecArray): Promise<void> {
    const [, id] = match;
    if (id === undefined) {
      const limit = Math.min(Number(url.searchParams.get("limit") ?? "50"), maxPage);
      const pageInfo = url.searchParams.get("page_info");
      // the cursor carries the filter, as Shopify's page_info does: later pages take only limit and page_info
      const cursor = pageInfo === null
        ? { since: url.searchParams.has("updated_at_min") ? Date.parse(String(url.searchParams.get("updated_at_min"))) : 0, offset: 0 }
        : (JSON.parse(Buffer.from(pageInfo, "base64url").toString("utf8")) as { since: number; offset: number });
      const all = sortedSince(cursor.since);
      const page = all.slice(cursor.offset, cursor.offset + limit);
      const headers: Record<string, string> = {};
      if (cursor.offset + limit < all.length) {
        const next = Buffer.from(JSON.stringify({ since: cursor.since, offset: cursor.offset + limit })).toString("base64url");
        headers.link = `<${fake.url}${url.pathname}?limit=${limit}&page_info=${next}>; rel="next"`;
      }
      return send(response, 200, { orders: page }, headers);
    }
    const order = orders.get(id);
    if (order === undefined) return send(response, 404, { errors: "Not Found" });
    if (request.method === "PUT") {
      const body = (await readBody(request)) as { order?: { tags?: string } };
      if (body.order?.tags !== undefined) order.tags = body.order.tags;
      touch(order);
    }
    return send(response, 200, { order });
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    void (async () => {
      if (faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
      if (faults.down) return send(response, 503, { message: "down" });
      if (faults.failNext > 0) {
        faults.failNext -= 1;
        return send(response, 500, { message: "injected failure" });
      }
      if (!authorized(request)) return send(response, 401, { message: "unauthorized" });
      const woo_ = platform === "woocommerce" ? WOO.exec(url.pathname) : null;
      const shop_ = platform === "shopify" ? SHOPIFY.exec(url.pathname) : null;
      if (woo_) return woo(request, response, url, woo_);
      if (shop_) return shopify(request, response, url, shop_);
      return send(response, 404, { message: "no such route" });
    })().catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeStore = {
    url: `http://127.0.0.1:${port}`,
    platform,
    requests,
    putOrder(order, putOptions = {}) {
      const copy = structuredClone(order);
      if (putOptions.touch !== false) touch(copy);
      orders.set(String(copy.id), copy);
      return copy;
    },
    order: (id) => orders.get(String(id)),
    notes: (id) => notes.get(String(id)) ?? [],
    setFaults(next) {
      Object.assign(faults, next);
    },
    deliver(hubUrl, storeId, id, topic) {
      const order = orders.get(String(id));
      if (order === undefined) throw new Error(`fake store: no order ${id}`);
      return deliverWebhook(hubUrl, platform, storeId, options.webhookSecret, JSON.stringify(order), { topic: topic ?? createdTopic(platform) });
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  return fake;
}
