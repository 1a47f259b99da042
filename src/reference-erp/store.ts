/*
 * The reference ERP's orders: keyed C + year + 8 digits, their web ID (the
 * hub's id_pub), confirmation numbers, the customers web orders bring, and an
 * entry in the change log for every write. Creation is idempotent and
 * race-safe on (azi, web_id): an advisory lock on the pair serializes
 * concurrent creates, and the unique constraint backs it. Every writing
 * transaction takes the company's change-log lock first (change-log.ts).
 */
import fs from "node:fs";
import path from "node:path";
import type { Pool, PoolClient } from "pg";
import type { ErpOrderCreated, ErpOrderRequest } from "../erp/connector";
import { appendChange, lockChangeLog } from "./change-log";
import { ensureCompany, inTransaction } from "./transaction";

export class OrderRejection extends Error {
  override readonly name = "OrderRejection";
}

export class NotFound extends Error {
  override readonly name = "NotFound";
}

const SCHEMA = fs.readFileSync(path.join(__dirname, "schema.sql"), "utf8");

export async function installSchema(pool: Pool): Promise<void> {
  await pool.query("select pg_advisory_lock(hashtext('erp_ref schema'))");
  try {
    await pool.query(SCHEMA);
  } finally {
    await pool.query("select pg_advisory_unlock(hashtext('erp_ref schema'))");
  }
}

/** The company's next order key (erp_ref.next_order_key in schema.sql, which erp_ref.create_orders uses too). */
async function nextOrderKey(client: PoolClient, azi: string): Promise<string> {
  const result = await client.query<{ key: string }>("select erp_ref.next_order_key($1) as key", [azi]);
  return result.rows[0]!.key;
}

/** The company's next free customer code (erp_ref.next_customer_code in schema.sql). */
async function nextCustomerCode(client: PoolClient, azi: string): Promise<string> {
  const result = await client.query<{ code: string }>("select erp_ref.next_customer_code($1) as code", [azi]);
  return result.rows[0]!.code;
}

/** Business checks beyond the shape (the HTTP layer checks the shape). */
function checkOrder(order: ErpOrderRequest): void {
  for (const line of order.lines) {
    if (!(Number(line.quantita) > 0)) throw new OrderRejection(`line ${line.riga}: quantity must be greater than 0`);
    if (Number(line.prezzo) < 0) throw new OrderRejection(`line ${line.riga}: price cannot be negative`);
  }
  // an Italian VAT number has 11 digits: a new customer with another one is refused (the console's "correct and resend")
  const vat = order.new_customer?.partita_iva;
  if (vat !== null && vat !== undefined && !/^\d{11}$/.test(vat)) throw new OrderRejection(`new customer: partita_iva ${vat} must be 11 digits`);
}

export async function createOrder(pool: Pool, order: ErpOrderRequest): Promise<ErpOrderCreated> {
  const [answer] = await createOrders(pool, [order]);
  if (answer === undefined) throw new Error("reference ERP: no answer for the order");
  if ("rejection" in answer) throw new OrderRejection(answer.rejection);
  return answer.created;
}

/** One order's answer from erp_ref.create_orders. */
type BatchAnswer = { readonly rejection: string } | { readonly tor_chia: string; readonly cliente_cod: string | null; readonly created: boolean };

/**
 * Several orders of one company in one transaction (one commit for the batch), each behind its own
 * subtransaction (erp_ref.create_orders): a rejected order is rolled back alone and answered as rejected; any other error fails
 * the whole batch (nothing of it is kept).
 */
export async function createOrders(
  pool: Pool,
  orders: readonly ErpOrderRequest[],
  beforeEach?: (order: ErpOrderRequest) => Promise<void>,
): Promise<({ readonly order: ErpOrderRequest } & ({ readonly created: ErpOrderCreated } | { readonly rejection: string }))[]> {
  return inTransaction(pool, async (client) => {
    const results: ({ readonly order: ErpOrderRequest } & ({ readonly created: ErpOrderCreated } | { readonly rejection: string }))[] = [];
    // every order's web-ID lock, then the company's change log, all before the first order and in web-ID
    // order: a batch taking them order by order would hold the change log while waiting for a web ID
    // another batch holds while waiting for the change log — a deadlock. Taken outside the orders'
    // subtransactions, so a rejected order's rollback keeps them. (A single create is a batch of one.)
    const companies = [...new Set(orders.map((order) => order.azi))].sort();
    for (const azi of companies) await ensureCompany(client, azi);
    const webIds = [...new Set(orders.map((order) => `order/${order.azi}/${order.web_id}`))].sort();
    for (const key of webIds) await client.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [key]);
    for (const azi of companies) await lockChangeLog(client, azi);
    // the business checks here, the writes in one call (erp_ref.create_orders in schema.sql, each order in its own
    // subtransaction), so that the company's lock is not held across a round trip per statement
    const rejections = new Map<ErpOrderRequest, string>();
    for (const order of orders) {
      await beforeEach?.(order);
      try {
        checkOrder(order);
      } catch (error) {
        if (!(error instanceof OrderRejection)) throw error;
        rejections.set(order, error.message);
      }
    }
    const toWrite = orders.filter((order) => !rejections.has(order));
    const written = toWrite.length === 0 ? [] : (await client.query<{ answers: BatchAnswer[] }>(
      "select erp_ref.create_orders($1::jsonb) as answers", [JSON.stringify(toWrite)])).rows[0]?.answers ?? [];
    if (written.length !== toWrite.length) throw new Error(`erp_ref.create_orders answered ${written.length} of ${toWrite.length} orders`);
    const answerOf = new Map(toWrite.map((order, index) => [order, written[index]!]));
    for (const order of orders) {
      const rejection = rejections.get(order);
      const answer = answerOf.get(order);
      if (rejection !== undefined) results.push({ order, rejection });
      else if (answer !== undefined && "rejection" in answer) results.push({ order, rejection: answer.rejection });
      else if (answer !== undefined) results.push({ order, created: { tor_chia: answer.tor_chia, cliente_cod: answer.cliente_cod, created: answer.created } });
    }
    return results;
  });
}

export interface ListedOrder {
  readonly tor_chia: string;
  readonly web_id: number | null;
  readonly conferma: string | null;
  readonly cliente_cod: string | null;
}

export async function listOrders(pool: Pool, azi: string): Promise<ListedOrder[]> {
  const result = await pool.query<{ tor_chia: string; web_id: string | null; conferma: string | null; cliente_cod: string | null }>(
    "select tor_chia, web_id, conferma, cliente_cod from erp_ref.orders where azi = $1 order by tor_chia",
    [azi],
  );
  return result.rows.map((row) => ({ ...row, web_id: row.web_id === null ? null : Number(row.web_id) }));
}

export async function confirmOrder(pool: Pool, azi: string, torChia: string, conferma: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const result = await client.query("update erp_ref.orders set conferma = $3, updated_at = now() where azi = $1 and tor_chia = $2", [
      azi,
      torChia,
      conferma,
    ]);
    if (result.rowCount === 0) throw new NotFound(`no order ${torChia} in company ${azi}`);
    await appendChange(client, azi, "order", { tor_chia: torChia }, "update");
  });
}

/**
 * An operator edits an order: the fields given replace those in its data (so
 * the exported order shows them); conferma and cliente_cod also move their
 * columns, which the export reads.
 */
export async function changeOrder(pool: Pool, azi: string, torChia: string, change: Record<string, unknown>): Promise<void> {
  await inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const result = await client.query(
      `update erp_ref.orders
       set data = data || $3::jsonb,
           conferma = case when $3::jsonb ? 'conferma' then $3::jsonb ->> 'conferma' else conferma end,
           cliente_cod = case when $3::jsonb ? 'cliente_cod' then $3::jsonb ->> 'cliente_cod' else cliente_cod end,
           updated_at = now()
       where azi = $1 and tor_chia = $2`,
      [azi, torChia, JSON.stringify(change)],
    );
    if (result.rowCount === 0) throw new NotFound(`no order ${torChia} in company ${azi}`);
    await appendChange(client, azi, "order", { tor_chia: torChia }, "update");
  });
}

export interface OperatorOrder {
  readonly operatore_cod: string;
  readonly cliente_cod: string | null;
  readonly conferma: string | null;
  readonly cod_agente: string | null;
  readonly note: string | null;
  readonly lines: readonly { articolo: string; quantita: number; prezzo?: number | undefined }[];
}

/** An order typed into the ERP by an operator (scenario D): a new key, no web ID. */
export async function enterOrder(pool: Pool, azi: string, order: OperatorOrder): Promise<string> {
  return inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const torChia = await nextOrderKey(client, azi);
    await client.query(
      "insert into erp_ref.orders (azi, tor_chia, conferma, cliente_cod, operatore_cod, data) values ($1, $2, $3, $4, $5, $6)",
      [azi, torChia, order.conferma, order.cliente_cod, order.operatore_cod, JSON.stringify(order)],
    );
    await appendChange(client, azi, "order", { tor_chia: torChia }, "insert");
    return torChia;
  });
}

export async function addCustomer(pool: Pool, azi: string, data: Record<string, unknown>): Promise<string> {
  return inTransaction(pool, async (client) => {
    await ensureCompany(client, azi);
    await lockChangeLog(client, azi);
    const code = await nextCustomerCode(client, azi);
    await client.query("insert into erp_ref.customer (azi, code, data) values ($1, $2, $3)", [azi, code, JSON.stringify(data)]);
    await appendChange(client, azi, "customer", { cod_cli: code }, "insert");
    return code;
  });
}
