/*
 * The reference ERP: a real HTTP server implementing docs/erp-api.md, for
 * demos and tests, with its own database and token, and fault injection:
 * down (503 to every API route), added latency, an error rate (500 before doing
 * anything) and "commit the order, then die before replying" (the socket is
 * destroyed after the commit). Operator routes confirm or change an order,
 * enter an operator's own order, add a customer, and edit customers and the
 * other ERP-owned data (operator-data-routes.ts); the sync routes serve the
 * change feed and snapshots (sync-routes.ts); admin routes seed demo data
 * (admin-data-routes.ts). Every write appends to the change log. A test can
 * watch every order-creation request as it arrives (onOrderRequest).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Pool } from "pg";
import { z } from "zod";
import type { ErpOrderRequest } from "../erp/connector";
import { erpOrderRequestSchema } from "../erp/order-request";
import { registerAdminDataRoutes } from "./admin-data-routes";
import { InvalidRecord } from "./operator-edits";
import { registerOperatorDataRoutes } from "./operator-data-routes";
import {
  addCustomer,
  changeOrder,
  confirmOrder,
  createOrder,
  createOrders,
  enterOrder,
  installSchema,
  listOrders,
  NotFound,
  OrderRejection,
} from "./store";
import { registerSyncRoutes } from "./sync-routes";

export interface Faults {
  /** Answer 503 to every route but the admin one. */
  readonly down: boolean;
  /** Added before handling each request. */
  readonly latencyMs: number;
  /** Share of requests (0..1) answered 500 before doing anything. */
  readonly errorRate: number;
  /** Share of order creations (0..1) committed, then left without a reply (socket destroyed). */
  readonly dieAfterCommitRate: number;
}

export const NO_FAULTS: Faults = { down: false, latencyMs: 0, errorRate: 0, dieAfterCommitRate: 0 };

export const faultsSchema = z
  .object({
    down: z.boolean(),
    latencyMs: z.number().int().min(0).max(600_000),
    errorRate: z.number().min(0).max(1),
    dieAfterCommitRate: z.number().min(0).max(1),
  })
  .partial();

/** How an order-creation request came: alone (POST …/orders) or in a batch (POST …/order-batches) of that many. */
export interface OrderRequestArrival {
  readonly via: "single" | "batch";
  readonly ordersInRequest: number;
}

/** For tests: sees every valid order-creation request before the ERP handles it; awaited; must not throw. */
export type OrderRequestWatcher = (request: ErpOrderRequest, arrival: OrderRequestArrival) => Promise<void>;

export interface ReferenceErpOptions {
  readonly databaseUrl: string;
  /** 0 (default): any free port. */
  readonly port?: number;
  readonly host?: string;
  readonly token: string;
  readonly faults?: { readonly [K in keyof Faults]?: Faults[K] | undefined };
  /**
   * For tests: called with every valid order-creation request, before the ERP
   * looks it up or creates it (so before the caller can hear back), and awaited.
   * It must not throw.
   */
  readonly onOrderRequest?: OrderRequestWatcher;
  /** false: an ERP that offers only the single create (no order_batch_max in /v1/health, 404 on order-batches). Default true. */
  readonly offersOrderBatches?: boolean;
}

export interface ReferenceErp {
  readonly url: string;
  setFaults(faults: Partial<Faults>): void;
  close(): Promise<void>;
}

const operatorOrderSchema = z.object({
  operatore_cod: z.string().min(1),
  cliente_cod: z.string().min(1).nullable().default(null),
  conferma: z.string().min(1).nullable().default(null),
  cod_agente: z.string().min(1).nullable().default(null),
  note: z.string().nullable().default(null),
  lines: z.array(z.object({ articolo: z.string().min(1), quantita: z.number().positive(), prezzo: z.number().min(0).optional() })).min(1),
});

/** The most orders one batch request may carry (announced in GET /v1/health as order_batch_max). */
export const ORDER_BATCH_MAX = 100;
const orderBatchSchema = z.object({ orders: z.array(z.unknown()).min(1).max(ORDER_BATCH_MAX) });

/** Why an order does not match the contract's schema, field by field (the answer's message). */
function issuesMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function buildServer(
  pool: Pool,
  token: string,
  faults: { current: Faults },
  onOrderRequest: OrderRequestWatcher | undefined,
  offersOrderBatches: boolean,
): FastifyInstance {
  const app = Fastify({ logger: false });

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers.authorization !== `Bearer ${token}`) {
      return reply.code(401).send({ error: "unauthorized", message: "missing or wrong bearer token" });
    }
    // inspection and fault control stay up whatever the faults, so tests can look while the ERP is "down"
    if (request.url.startsWith("/_admin/") || request.url.startsWith("/orders")) return;
    const { down, latencyMs, errorRate } = faults.current;
    if (down) return reply.code(503).send({ error: "unavailable", message: "the ERP is down (fault injection)" });
    if (latencyMs > 0) await sleep(latencyMs);
    if (errorRate > 0 && Math.random() < errorRate) {
      return reply.code(500).send({ error: "internal", message: "injected server error" });
    }
    return undefined;
  });

  app.get("/v1/health", async () => (offersOrderBatches ? { status: "ok", order_batch_max: ORDER_BATCH_MAX } : { status: "ok" }));

  // several orders of one company in one request: each created in its own transaction (one
  // rejection does not undo the others), a result per order in request order
  app.post<{ Params: { azi: string } }>("/v1/companies/:azi/order-batches", { bodyLimit: 64 * 1024 * 1024 }, async (request, reply) => {
    if (!offersOrderBatches) return reply.code(404).send({ error: "not_found", message: "this ERP creates orders one at a time" });
    const envelope = orderBatchSchema.safeParse(request.body);
    if (!envelope.success) {
      return reply.code(400).send({ error: "bad_request", message: `the body must be {"orders": [1..${ORDER_BATCH_MAX} orders]}` });
    }
    // the envelope's orders, each checked against the contract's schema: a malformed one is rejected alone
    const results: unknown[] = [];
    const valid: ErpOrderRequest[] = [];
    for (const [index, raw] of envelope.data.orders.entries()) {
      const parsed = erpOrderRequestSchema.safeParse(raw);
      const webId = typeof (raw as { web_id?: unknown })?.web_id === "number" ? (raw as { web_id: number }).web_id : null;
      if (parsed.success && parsed.data.azi === request.params.azi) {
        valid.push(parsed.data);
        continue;
      }
      if (webId === null) return reply.code(400).send({ error: "bad_request", message: `order ${index + 1} has no numeric web_id` });
      const message = parsed.success
        ? `azi ${parsed.data.azi} does not match the URL's ${request.params.azi}`
        : issuesMessage(parsed.error);
      results.push({ web_id: webId, outcome: "rejected", message });
    }
    // the valid ones in one transaction, each behind a savepoint (createOrders)
    let createdAny = false;
    const answers = await createOrders(pool, valid, (order) => onOrderRequest?.(order, { via: "batch", ordersInRequest: envelope.data.orders.length }) ?? Promise.resolve());
    for (const answer of answers) {
      if ("rejection" in answer) {
        results.push({ web_id: answer.order.web_id, outcome: "rejected", message: answer.rejection });
        continue;
      }
      createdAny ||= answer.created.created;
      results.push({
        web_id: answer.order.web_id,
        outcome: answer.created.created ? "created" : "existing",
        tor_chia: answer.created.tor_chia,
        cliente_cod: answer.created.cliente_cod,
      });
    }
    if (createdAny && faults.current.dieAfterCommitRate > 0 && Math.random() < faults.current.dieAfterCommitRate) {
      request.raw.socket.destroy(); // committed, and no reply: the caller must retry and get them back
      return reply.hijack();
    }
    return reply.code(200).send({ results });
  });

  app.post<{ Params: { azi: string } }>("/v1/companies/:azi/orders", async (request, reply) => {
    const parsed = erpOrderRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(422).send({ error: "invalid_order", message: issuesMessage(parsed.error) });
    }
    if (parsed.data.azi !== request.params.azi) {
      return reply.code(422).send({ error: "invalid_order", message: `azi ${parsed.data.azi} does not match the URL's ${request.params.azi}` });
    }
    await onOrderRequest?.(parsed.data, { via: "single", ordersInRequest: 1 });
    try {
      const created = await createOrder(pool, parsed.data);
      if (created.created && faults.current.dieAfterCommitRate > 0 && Math.random() < faults.current.dieAfterCommitRate) {
        request.raw.socket.destroy(); // committed, and no reply: the caller must retry and get it back
        return reply.hijack();
      }
      return reply.code(created.created ? 201 : 200).send(created);
    } catch (error) {
      if (error instanceof OrderRejection) return reply.code(422).send({ error: "invalid_order", message: error.message });
      throw error;
    }
  });

  app.get<{ Querystring: { azi?: string } }>("/orders", async (request, reply) => {
    if (!request.query.azi) return reply.code(400).send({ error: "bad_request", message: "azi is required" });
    return { orders: await listOrders(pool, request.query.azi) };
  });

  app.put("/_admin/faults", async (request, reply) => {
    const parsed = faultsSchema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: "bad_request", message: parsed.error.message });
    faults.current = { ...faults.current, ...stripUndefined(parsed.data) };
    return faults.current;
  });

  app.post<{ Params: { azi: string; tor_chia: string }; Body: unknown }>(
    "/operator/companies/:azi/orders/:tor_chia/confirm",
    async (request, reply) => {
      const body = z.object({ conferma: z.string().min(1) }).safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: "bad_request", message: "conferma is required" });
      await confirmOrder(pool, request.params.azi, request.params.tor_chia, body.data.conferma);
      return { tor_chia: request.params.tor_chia, conferma: body.data.conferma };
    },
  );

  app.patch<{ Params: { azi: string; tor_chia: string } }>("/operator/companies/:azi/orders/:tor_chia", async (request, reply) => {
    const body = z.record(z.string(), z.unknown()).safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: "bad_request", message: "a JSON object of changes is required" });
    await changeOrder(pool, request.params.azi, request.params.tor_chia, body.data);
    return { tor_chia: request.params.tor_chia };
  });

  app.post<{ Params: { azi: string } }>("/operator/companies/:azi/orders", async (request, reply) => {
    const body = operatorOrderSchema.safeParse(request.body);
    if (!body.success) return reply.code(422).send({ error: "invalid_order", message: body.error.message });
    const torChia = await enterOrder(pool, request.params.azi, body.data);
    return reply.code(201).send({ tor_chia: torChia });
  });

  app.post<{ Params: { azi: string } }>("/operator/companies/:azi/customers", async (request, reply) => {
    const body = z.object({ ragione_sociale: z.string().min(1) }).passthrough().safeParse(request.body);
    if (!body.success) return reply.code(422).send({ error: "invalid_customer", message: "ragione_sociale is required" });
    return reply.code(201).send({ code: await addCustomer(pool, request.params.azi, body.data) });
  });

  registerSyncRoutes(app, pool);
  registerOperatorDataRoutes(app, pool);
  registerAdminDataRoutes(app, pool);

  app.setErrorHandler((error: Error, _request, reply) => {
    if (error instanceof NotFound) return reply.code(404).send({ error: "not_found", message: error.message });
    if (error instanceof InvalidRecord) return reply.code(422).send({ error: "invalid_record", message: error.message });
    // Fastify's own refusals (a body that is not JSON, a wrong content type) keep their 4xx
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) return reply.code(status).send({ error: "bad_request", message: error.message });
    return reply.code(500).send({ error: "internal", message: error.message });
  });

  return app;
}

function stripUndefined<T extends object>(value: T): Partial<Faults> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<Faults>;
}

export async function startReferenceErp(options: ReferenceErpOptions): Promise<ReferenceErp> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: 8 });
  pool.on("error", () => undefined);
  await installSchema(pool);
  const faults = { current: { ...NO_FAULTS, ...stripUndefined(options.faults ?? {}) } };
  const app = buildServer(pool, options.token, faults, options.onOrderRequest, options.offersOrderBatches ?? true);
  const host = options.host ?? "127.0.0.1";
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (error) {
    // e.g. the port is taken: the caller may try another, so leave no pool behind
    await app.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    setFaults: (next) => {
      faults.current = { ...faults.current, ...stripUndefined(next) };
    },
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}
