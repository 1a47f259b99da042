/*
 * How a WooCommerce or Shopify shop delivers a webhook: the order's JSON as the
 * body, signed with the webhook secret (base64 HMAC-SHA256 of the raw body),
 * and the platform's headers. Used by the fake store, the tests and the bench.
 */
import { createHmac, randomUUID } from "node:crypto";

export type Platform = "woocommerce" | "shopify";

export interface Delivery {
  readonly status: number;
  readonly body: string;
  /** The hub's Server-Timing header (its time in the SQL call and in the handler), where it sends one. */
  readonly serverTiming: string | null;
}

export function sign(secret: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

/** The headers each platform sends with an order webhook (signature over body). */
export function webhookHeaders(platform: Platform, secret: string, body: Buffer | string, topic: string, shop = "shop.example.com"): Record<string, string> {
  if (platform === "woocommerce") {
    return {
      "content-type": "application/json",
      "user-agent": "WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)",
      "x-wc-webhook-source": `https://${shop}/`,
      "x-wc-webhook-topic": topic,
      "x-wc-webhook-resource": topic.split(".")[0] ?? "order",
      "x-wc-webhook-event": topic.split(".")[1] ?? "created",
      "x-wc-webhook-signature": sign(secret, body),
      "x-wc-webhook-id": "17",
      "x-wc-webhook-delivery-id": randomUUID().replace(/-/g, ""),
    };
  }
  return {
    "content-type": "application/json",
    "x-shopify-topic": topic,
    "x-shopify-hmac-sha256": sign(secret, body),
    "x-shopify-shop-domain": shop,
    "x-shopify-api-version": "2024-10",
    "x-shopify-webhook-id": randomUUID(),
    "x-shopify-event-id": randomUUID(),
    "x-shopify-triggered-at": new Date().toISOString(),
  };
}

/** The default order topic of each platform. */
export function createdTopic(platform: Platform): string {
  return platform === "woocommerce" ? "order.created" : "orders/create";
}

/** POSTs one webhook to the hub (hubUrl: http://host:port/). */
export async function deliverWebhook(
  hubUrl: string,
  platform: Platform,
  storeId: string,
  secret: string,
  body: Buffer | string,
  options: { topic?: string; headers?: Record<string, string> } = {},
): Promise<Delivery> {
  const headers = { ...webhookHeaders(platform, secret, body, options.topic ?? createdTopic(platform)), ...options.headers };
  const response = await fetch(new URL(`stores/${platform}/${storeId}/webhook`, hubUrl), { method: "POST", headers, body, redirect: "manual" });
  return { status: response.status, body: await response.text(), serverTiming: response.headers.get("server-timing") };
}
