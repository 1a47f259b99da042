/*
 * The reference ERP's operator screens for its own data (demos and tests, not
 * part of the contract): customers by code, and articles, particolarità,
 * accessory tables, documents, agents, open items and credit data by key
 * object; and the agent-app screens: reassign a customer to another agent,
 * block it (its credit data), add an open item. Every edit lands in the change
 * log. Bodies are checked against record-shapes.ts; a bad one is a 422 naming
 * the field.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Pool } from "pg";
import { z } from "zod";
import { deleteCustomer, deleteRecord, mergeRecord, putCustomer, putRecord, reassignCustomer } from "./operator-edits";
import { customerFieldsSchema, RECORD_ENTITIES, recordShapes, type RecordEntity } from "./record-shapes";
import { describeIssues } from "./validation-message";

function isRecordEntity(value: string): value is RecordEntity {
  return (RECORD_ENTITIES as readonly string[]).includes(value);
}

function unknownEntity(reply: FastifyReply, entity: string): FastifyReply {
  return reply.code(404).send({ error: "unknown_entity", message: `no records "${entity}"; records: ${RECORD_ENTITIES.join(", ")}` });
}

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply.code(422).send({ error: "invalid_record", message: describeIssues(error) });
}

const reassignBody = z.strictObject({ cod_agente: z.string().min(1).nullable() });
const blockBody = z.strictObject({ bloccato: z.boolean().default(true), motivo_blocco: z.string().nullable().optional() });
const openItemBody = recordShapes.open_item.data.extend({ id_partita: z.string().min(1) });

export function registerOperatorDataRoutes(app: FastifyInstance, pool: Pool): void {
  app.post<{ Params: { azi: string; code: string } }>("/operator/companies/:azi/customers/:code/reassign", async (request, reply) => {
    const body = reassignBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    await reassignCustomer(pool, request.params.azi, request.params.code, body.data.cod_agente);
    return { cod_cli: request.params.code, cod_agente: body.data.cod_agente };
  });

  app.post<{ Params: { azi: string; code: string } }>("/operator/companies/:azi/customers/:code/block", async (request, reply) => {
    const body = blockBody.safeParse(request.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const blank = recordShapes.customer_credit.data.parse({});
    const fields = body.data.motivo_blocco === undefined ? { bloccato: body.data.bloccato } : body.data;
    const key = { cod_cli: request.params.code };
    const { created } = await mergeRecord(pool, request.params.azi, "customer_credit", key, blank, fields);
    return reply.code(created ? 201 : 200).send({ key, bloccato: body.data.bloccato, created });
  });

  app.post<{ Params: { azi: string; code: string } }>("/operator/companies/:azi/customers/:code/open-items", async (request, reply) => {
    const body = openItemBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const { id_partita, ...data } = body.data;
    const key = { cod_cli: request.params.code, id_partita };
    const { created } = await putRecord(pool, request.params.azi, "open_item", key, data);
    return reply.code(created ? 201 : 200).send({ key, created });
  });

  app.put<{ Params: { azi: string; code: string } }>("/operator/companies/:azi/customers/:code", async (request, reply) => {
    const fields = customerFieldsSchema.safeParse(request.body);
    if (!fields.success) return invalid(reply, fields.error);
    const { created } = await putCustomer(pool, request.params.azi, request.params.code, fields.data);
    return reply.code(created ? 201 : 200).send({ cod_cli: request.params.code, created });
  });

  app.delete<{ Params: { azi: string; code: string } }>("/operator/companies/:azi/customers/:code", async (request) => {
    await deleteCustomer(pool, request.params.azi, request.params.code);
    return { cod_cli: request.params.code, deleted: true };
  });

  app.put<{ Params: { azi: string; entity: string } }>("/operator/companies/:azi/records/:entity", async (request, reply) => {
    const { azi, entity } = request.params;
    if (!isRecordEntity(entity)) return unknownEntity(reply, entity);
    const shape = recordShapes[entity];
    const body = z.strictObject({ key: shape.key, data: shape.data }).safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const { created } = await putRecord(pool, azi, entity, body.data.key, body.data.data);
    return reply.code(created ? 201 : 200).send({ key: body.data.key, created });
  });

  app.delete<{ Params: { azi: string; entity: string } }>("/operator/companies/:azi/records/:entity", async (request, reply) => {
    const { azi, entity } = request.params;
    if (!isRecordEntity(entity)) return unknownEntity(reply, entity);
    const body = z.strictObject({ key: recordShapes[entity].key }).safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    await deleteRecord(pool, azi, entity, body.data.key);
    return { key: body.data.key, deleted: true };
  });
}
