/*
 * A hub database, a reference ERP (its own database, real HTTP on loopback) and
 * the HTTP connector between them: what the push tests start, and stop.
 */
import { randomBytes } from "node:crypto";
import { Client, Pool } from "pg";
import { createHttpConnector } from "../../src/erp/http-connector";
import type { ErpConnector, ErpOrderRequest } from "../../src/erp/connector";
import { startReferenceErp, type Faults, type OrderRequestWatcher } from "../../src/reference-erp/server";
import { createTestDatabase, type TestDatabase } from "../support/database";

export interface PushHarness {
  readonly hub: TestDatabase;
  readonly erpDatabase: TestDatabase;
  readonly pool: Pool;
  readonly erp: ErpConnector;
  readonly erpUrl: string;
  readonly erpToken: string;
  setFaults(faults: Partial<Faults>): void;
  erpOrders(azi: string): Promise<ErpListedOrder[]>;
  stop(): Promise<void>;
}

export interface ErpListedOrder {
  readonly tor_chia: string;
  readonly web_id: number | null;
  readonly conferma: string | null;
}

export interface PushHarnessOptions {
  readonly timeoutMs?: number;
  /** Sees every order-creation request the reference ERP receives, before it is handled (see ReferenceErpOptions). */
  readonly onOrderRequest?: OrderRequestWatcher;
  readonly offersOrderBatches?: boolean;
}

export async function startPushHarness(label: string, options: PushHarnessOptions = {}): Promise<PushHarness> {
  const hub = await createTestDatabase(`${label}_hub`);
  const erpDatabase = await createTestDatabase(`${label}_erp`, { migrate: false });
  const erpToken = randomBytes(12).toString("hex");
  const server = await startReferenceErp({ databaseUrl: erpDatabase.url, port: 0, token: erpToken, onOrderRequest: options.onOrderRequest, offersOrderBatches: options.offersOrderBatches ?? true });
  const erp = createHttpConnector({ baseUrl: server.url, token: erpToken, timeoutMs: options.timeoutMs ?? 2000 });
  const pool = new Pool({ connectionString: hub.url, max: 8 });
  return {
    hub,
    erpDatabase,
    pool,
    erp,
    erpUrl: server.url,
    erpToken,
    setFaults: (faults) => server.setFaults(faults),
    erpOrders: async (azi) => {
      const response = await fetch(`${server.url}/orders?azi=${encodeURIComponent(azi)}`, {
        headers: { authorization: `Bearer ${erpToken}` },
      });
      if (!response.ok) throw new Error(`GET /orders: ${response.status}`);
      const body = (await response.json()) as { orders: ErpListedOrder[] };
      return body.orders;
    },
    stop: async () => {
      await pool.end();
      await server.close();
      await hub.drop();
      await erpDatabase.drop();
    },
  };
}

/** A store order (header + 2 lines, optionally with a new customer) in one transaction; returns id_pub. */
export async function insertStoreOrder(
  pool: Pool,
  azi: string,
  idInt: string,
  options: { newCustomer?: string; clienteCod?: string } = {},
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    let customerId: number | null = null;
    if (options.newCustomer) {
      const customer = await client.query<{ customer_id: string }>(
        "insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ($1, 'S', $2, $3) returning customer_id",
        [azi, `cust-${idInt}`, options.newCustomer],
      );
      customerId = Number(customer.rows[0]?.customer_id);
    }
    const header = await client.query<{ id_pub: string }>(
      `insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id, cliente_cod)
       values ($1, 'S', $2, 'C', $3, $4, $5) returning id_pub`,
      [azi, idInt, options.clienteCod ?? "0", customerId, options.clienteCod ?? null],
    );
    const idPub = Number(header.rows[0]?.id_pub);
    await client.query(
      "insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ($1, $2, 1, 'ART1', 2, 10.5), ($1, $2, 2, 'ART2', 1, 3)",
      [azi, idPub],
    );
    await client.query("commit");
    return idPub;
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

export async function registerCompany(pool: Pool, azi: string, pushMode: "auto" | "manual" = "auto"): Promise<void> {
  await pool.query("insert into sincro.apstatosyn (azi, push_mode) values ($1, $2)", [azi, pushMode]);
}

/** Polls until check() is true or the deadline passes; returns the last value checked. */
export async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

export async function pushStates(pool: Pool, azi: string): Promise<Record<string, number>> {
  const result = await pool.query<{ state: string; n: string }>(
    "select state, count(*) as n from sincro.order_push where azi = $1 group by state",
    [azi],
  );
  return Object.fromEntries(result.rows.map((row) => [row.state, Number(row.n)]));
}

export { Client };
