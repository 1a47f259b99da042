/*
 * The stores' webhooks on the hub's HTTP server:
 *   POST /stores/woocommerce/<store_id>/webhook
 *   POST /stores/shopify/<store_id>/webhook
 *
 * The body is taken raw (bytes, whatever the content type: the signature is
 * over those bytes), up to 1 MiB (413 beyond), and handed with its headers to
 * one SQL call, sincro.store_webhook_receive, which checks the signature and
 * stores the delivery in one short transaction, and answers the status
 * (docs/stores.md): 200 stored, 401 bad signature (nothing stored), 400 not
 * JSON (stored as an error), 404 unknown store. Never a redirect: WooCommerce
 * counts a 3xx as delivered. No job is added (its NOTIFY would serialise
 * the commits of concurrent deliveries): the worker's dispatcher finds the
 * new row within milliseconds (sincro.store_inbox_dispatch).
 *
 * These routes live in their own fastify scope: no form or JSON parsing, no
 * CSRF token (server.ts skips them), no cookies.
 */
import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import type { Logger } from "pino";

export const STORE_WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;
export const STORE_WEBHOOK_PREFIX = "/stores/";

const PLATFORMS = new Set(["woocommerce", "shopify"]);
const STORE_ID = /^[A-Za-z0-9_-]{1,40}$/;
/** Headers kept with a delivery: the platforms' own, and what says what the body is. */
const KEPT_HEADER = /^(x-wc-|x-shopify-|content-type$|user-agent$)/;

interface ReceiveRow {
  readonly status: number;
  readonly inbox_id: string | null;
  readonly reason: string;
}

export function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || !KEPT_HEADER.test(lower)) continue;
    kept[lower] = Array.isArray(value) ? value.join(", ") : value;
  }
  return kept;
}

export async function registerStoreWebhookRoutes(app: FastifyInstance, pool: Pool, log: Logger): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: STORE_WEBHOOK_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));

    scope.post<{ Params: { platform: string; storeId: string } }>(
      "/stores/:platform/:storeId/webhook",
      { bodyLimit: STORE_WEBHOOK_BODY_LIMIT_BYTES },
      async (request, reply) => {
        const handlerStart = performance.now();
        const { platform, storeId } = request.params;
        if (!PLATFORMS.has(platform) || !STORE_ID.test(storeId)) {
          return reply.code(404).type("application/json").send({ status: "unknown store" });
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const queryStart = performance.now();
        const result = await pool.query<ReceiveRow>(
          "select status, inbox_id, reason from sincro.store_webhook_receive(platform => $1, store_id => $2, body => $3, headers => $4)",
          [platform, storeId, body, JSON.stringify(keptHeaders(request.headers))],
        );
        const queryMs = performance.now() - queryStart;
        const row = result.rows[0];
        if (row === undefined) throw new Error("store_webhook_receive returned no row");
        const fields = { event: "store_webhook", platform, store_id: storeId, status: row.status, inbox_id: row.inbox_id, bytes: body.length };
        if (row.status >= 400) log.warn(fields, `webhook for ${platform} store ${storeId} refused: ${row.status} ${row.reason}`);
        else log.debug(fields, `webhook for ${platform} store ${storeId}: ${row.reason}`);
        // to a signed delivery only: how long it took in its handler, and in its SQL call (pool wait included); the
        // sender's own timing minus these is the network and the scheduling of this process (bench/stores.ts reads them)
        if (row.status < 300 && row.reason !== "ping") void reply.header("server-timing", `db;dur=${queryMs.toFixed(1)}, handler;dur=${(performance.now() - handlerStart).toFixed(1)}`);
        return reply.code(row.status).type("application/json").send({ status: row.reason, inbox_id: row.inbox_id === null ? null : Number(row.inbox_id) });
      },
    );
  });
}
