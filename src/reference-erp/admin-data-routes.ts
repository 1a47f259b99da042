/*
 * Demo and benchmark data (seed.ts) through the admin routes, which stay up
 * whatever the injected faults.
 */
import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import { z } from "zod";
import { describeIssues } from "./validation-message";
import { seedCompany, touchRows } from "./seed";

const MAX_SEEDED_ROWS = 10_000_000;

const seedBody = z.strictObject({
  articles: z.number().int().min(0).max(MAX_SEEDED_ROWS).optional(),
  customers: z.number().int().min(0).max(MAX_SEEDED_ROWS).optional(),
  particolarita: z.number().int().min(0).max(MAX_SEEDED_ROWS).optional(),
  agents: z.number().int().min(0).max(999).optional(),
  log: z.boolean().optional(),
});

const touchBody = z.strictObject({
  entity: z.enum(["article", "customer"]),
  count: z.number().int().min(1).max(MAX_SEEDED_ROWS),
});

export function registerAdminDataRoutes(app: FastifyInstance, pool: Pool): void {
  app.post<{ Params: { azi: string } }>("/_admin/companies/:azi/seed", async (request, reply) => {
    const body = seedBody.safeParse(request.body ?? {});
    if (!body.success) return reply.code(422).send({ error: "invalid_seed", message: describeIssues(body.error) });
    return seedCompany(pool, request.params.azi, body.data);
  });

  app.post<{ Params: { azi: string } }>("/_admin/companies/:azi/touch", async (request, reply) => {
    const body = touchBody.safeParse(request.body);
    if (!body.success) return reply.code(422).send({ error: "invalid_touch", message: describeIssues(body.error) });
    return { entity: body.data.entity, touched: await touchRows(pool, request.params.azi, body.data.entity, body.data.count) };
  });
}
