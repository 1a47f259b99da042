/*
 * A reference ERP on its own database with the HTTP connector pointed at it,
 * plus a way to call its operator and admin routes: what the ERP-side sync
 * tests start, and stop.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import type { ErpConnector } from "../../src/erp/connector";
import { createHttpConnector } from "../../src/erp/http-connector";
import { startReferenceErp, type ReferenceErp } from "../../src/reference-erp/server";
import { createTestDatabase, type TestDatabase } from "../support/database";

export interface ErpFixture {
  readonly database: TestDatabase;
  readonly server: ReferenceErp;
  readonly connector: ErpConnector;
  readonly token: string;
  /** Calls a route of the reference ERP with the token; returns the status and the JSON body. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** A direct connection to the ERP's database (the caller ends it). */
  connect(): Promise<Client>;
  stop(): Promise<void>;
}

export async function startErpFixture(label: string, options: { timeoutMs?: number } = {}): Promise<ErpFixture> {
  const database = await createTestDatabase(label, { migrate: false });
  const token = randomBytes(8).toString("hex");
  const server = await startReferenceErp({ databaseUrl: database.url, token });
  const connector = createHttpConnector({ baseUrl: server.url, token, timeoutMs: options.timeoutMs ?? 5000 });
  return {
    database,
    server,
    connector,
    token,
    request: async (method, path, body) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
    },
    connect: async () => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      return client;
    },
    stop: async () => {
      await server.close();
      await database.drop();
    },
  };
}
