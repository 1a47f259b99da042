/*
 * The two routes a sync reads the ERP through (docs/erp-api.md, "Reading the
 * ERP's data"): the change feed and the per-entity snapshot. Both sit behind
 * the bearer token and the fault injection like every /v1 route.
 */
import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import { z } from "zod";
import { ERP_ENTITIES, type ErpEntity } from "../erp/connector";
import { DEFAULT_CHANGES_LIMIT, MAX_CHANGES_LIMIT, readChanges } from "./change-feed";
import { describeIssues } from "./validation-message";
import { openSnapshotStream } from "./snapshot-stream";

const changesQuery = z.object({
  after: z.string().regex(/^\d{0,18}$/, "must be a cursor this feed returned, or empty").default(""),
  // above the maximum is read as the maximum: the answer says `more`
  limit: z.coerce.number().int().min(1).default(DEFAULT_CHANGES_LIMIT).transform((limit) => Math.min(limit, MAX_CHANGES_LIMIT)),
});

function isEntity(value: string): value is ErpEntity {
  return (ERP_ENTITIES as readonly string[]).includes(value);
}

export function registerSyncRoutes(app: FastifyInstance, pool: Pool): void {
  app.get<{ Params: { azi: string } }>("/v1/companies/:azi/changes", async (request, reply) => {
    const query = changesQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ error: "bad_request", message: describeIssues(query.error) });
    return readChanges(pool, request.params.azi, query.data.after, query.data.limit);
  });

  app.get<{ Params: { azi: string; entity: string } }>("/v1/companies/:azi/snapshot/:entity", async (request, reply) => {
    const { azi, entity } = request.params;
    if (!isEntity(entity)) {
      return reply.code(404).send({ error: "unknown_entity", message: `unknown entity "${entity}"; entities: ${ERP_ENTITIES.join(", ")}` });
    }
    const snapshot = await openSnapshotStream(pool, azi, entity);
    return reply
      .header("content-type", "application/x-ndjson")
      .header("x-erp-cursor", snapshot.cursor)
      .header("x-erp-row-count", snapshot.rowCount)
      .send(snapshot.lines);
  });
}
