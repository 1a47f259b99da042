/*
 * The hub's one HTTP server (fastify): the operator console, GET /metrics and
 * the stores' webhooks (store-webhooks.ts), at SINCRO_HTTP_HOST:SINCRO_HTTP_PORT
 * (127.0.0.1:8787 unless told). Bodies are capped (64 KiB, 1 MiB for a
 * webhook: a bigger post gets 413), sign-in is rate-limited per address, and
 * every console POST needs its CSRF token (@fastify/csrf-protection, secret in
 * a signed httpOnly cookie); a webhook is authenticated by its signature.
 */
import { randomBytes } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFormbody from "@fastify/formbody";
import fastifyRateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import { Pool } from "pg";
import type { Logger } from "pino";
import { registerConsoleRoutes } from "./console-routes";
import { html, layout } from "./html";
import { registerMetricsRoute } from "./metrics";
import { registerStoreWebhookRoutes, STORE_WEBHOOK_PREFIX } from "./store-webhooks";
import { SessionStore } from "./sessions";
import type { HttpSettings } from "./settings";

export const BODY_LIMIT_BYTES = 64 * 1024;

export interface HubHttpServer {
  readonly app: FastifyInstance;
  /** http://host:port/ it listens on. */
  readonly url: string;
  close(): Promise<void>;
}

export interface HubHttpOptions {
  /** The hub's database, as the owner or an admin login (metrics); console sessions connect as their own login to the same server and database. */
  readonly databaseUrl: string;
  readonly settings: HttpSettings;
  readonly logger: Logger;
}

function errorPage(status: number, text: string): string {
  return layout(status === 413 ? "Too large" : status === 429 ? "Slow down" : "Refused", undefined, html`<p><a href="/">Back</a></p>`, { ok: false, text });
}

export async function startHubHttpServer(options: HubHttpOptions): Promise<HubHttpServer> {
  const { settings } = options;
  // no request log (fastify's own logger off); the console logs its events, and failures, itself
  const log = options.logger.child({ component: "http" });
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  // for /metrics; jit off as for the console's sessions (sessions.ts). Its connection outlives the
  // usual scrape interval (15-60 s): a fresh backend spends more loading the catalog than the scrape's query takes
  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: 2,
    idleTimeoutMillis: 5 * 60_000,
    application_name: "sincro metrics",
    options: "-c jit=off",
  });
  pool.on("error", () => undefined);
  // for the stores' webhooks: one short call each, many shops at once. Idle connections are kept 10 minutes (pg's
  // default: 10 s): a burst after a quiet spell would otherwise wait for new backends, each loading the catalog and
  // compiling the receiving function before its first answer (measured: the first 40 deliveries of a burst at
  // 200/s answered in 90-195 ms instead of 2-3)
  const webhookPool = new Pool({ connectionString: options.databaseUrl, max: 8, idleTimeoutMillis: 10 * 60_000, application_name: "sincro webhooks" });
  webhookPool.on("error", () => undefined);
  const sessions = new SessionStore(options.databaseUrl, settings.sessionIdleMinutes);

  await app.register(fastifyCookie, { secret: randomBytes(32).toString("hex") });
  await app.register(fastifyFormbody, { bodyLimit: BODY_LIMIT_BYTES });
  await app.register(fastifyCsrf, { cookieOpts: { signed: true, httpOnly: true, sameSite: "strict", path: "/" } });
  await app.register(fastifyRateLimit, { global: false });

  app.addHook("onSend", async (_request, reply, payload) => {
    void reply.header("x-content-type-options", "nosniff");
    void reply.header("x-frame-options", "DENY");
    void reply.header("referrer-policy", "same-origin");
    void reply.header("content-security-policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    return payload;
  });
  // every POST: its CSRF token (from the form's _csrf field), checked once the body is parsed
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method !== "POST" || request.url.startsWith(STORE_WEBHOOK_PREFIX)) return done();
    app.csrfProtection(request, reply, done);
  });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) log.error({ event: "http_error", err: error, url: request.url }, "request failed");
    const text =
      status === 413 ? "That request is too large." :
      status === 429 ? "Too many attempts; wait a minute and try again." :
      error.code?.startsWith("FST_CSRF") ? "This form has expired or did not come from the console; reload the page and try again." :
      status >= 500 ? "The hub could not do that (see the server's log)." : "Bad request.";
    return reply.code(status).type("text/html; charset=utf-8").send(errorPage(status, text));
  });

  if (settings.metrics) registerMetricsRoute(app, pool);
  if (settings.console) registerConsoleRoutes(app, sessions, settings.signInPerMinute, log);
  await registerStoreWebhookRoutes(app, webhookPool, log);

  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : settings.port;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  return {
    app,
    url: `http://${host}:${port}/`,
    close: async () => {
      await app.close();
      await sessions.close();
      await pool.end();
      await webhookPool.end();
    },
  };
}
