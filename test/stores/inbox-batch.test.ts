/*
 * The store_inbox_apply task with the dispatcher's payload ({inbox_ids}):
 * the rows are applied in one transaction; when that fails for a reason that
 * is no row's own, they are applied one by one, so one row cannot hold the
 * others back, and the job fails (to be retried) only for a row that fails
 * alone too. Against a real database; only the failures are injected, in the
 * job's query helper.
 */
import type { JobHelpers } from "graphile-worker";
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "../../src/fake-store/webhook";
import { storeInboxApplyTask } from "../../src/worker/tasks/store_inbox_apply";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { fixture } from "./fixtures";

const SECRET = "woo-secret-1234";

describe("store_inbox_apply with several rows", () => {
  let hub: TestDatabase;
  let pool: Pool;
  let nextOrder = 5000;

  beforeAll(async () => {
    hub = await createTestDatabase("store_inbox_batch");
    pool = new Pool({ connectionString: hub.url, max: 2 });
    await pool.query("insert into sincro.apstatosyn (azi) values ('B1')");
    await pool.query("select sincro.store_add(store_id => 'woo1', azi => 'B1', platform => 'woocommerce', secret => $1)", [SECRET]);
  });

  afterAll(async () => {
    await pool?.end();
    await hub?.drop();
  });

  /** Three deliveries of new orders, received and not applied; their inbox IDs. */
  const receive = async (): Promise<number[]> => {
    const template = JSON.parse(fixture("woocommerce-registered-company").toString("utf8")) as Record<string, unknown>;
    const ids: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      nextOrder += 1;
      const body = Buffer.from(JSON.stringify({ ...template, id: nextOrder, number: String(nextOrder) }));
      const received = await pool.query<{ status: number; inbox_id: string }>(
        "select status, inbox_id from sincro.store_webhook_receive('woocommerce', 'woo1', $1, $2)",
        [body, { "x-wc-webhook-topic": "order.created", "x-wc-webhook-signature": sign(SECRET, body) }]);
      expect(received.rows[0]?.status).toBe(200);
      ids.push(Number(received.rows[0]?.inbox_id));
    }
    return ids;
  };

  /** A job's helpers on the real pool; `fail` decides which statements fail instead. */
  const helpers = (fail: (text: string, values: readonly unknown[]) => boolean, logged: string[]): JobHelpers =>
    ({
      query: async (text: string, values: unknown[] = []) => {
        if (fail(text, values)) throw new Error("connection lost (injected)");
        return pool.query(text, values);
      },
      logger: { info: (message: string) => logged.push(message), warn: (message: string) => logged.push(message) },
    }) as unknown as JobHelpers;

  /** The rows' states, and how many transactions wrote their orders. */
  const outcome = async (ids: readonly number[]) => {
    const states = await pool.query<{ state: string }>("select state from sincro_private.store_inbox where inbox_id = any ($1::bigint[]) order by inbox_id", [ids]);
    // processed_at is now(), the time its transaction began: one value per transaction (an order's xmin would not do:
    // each row is applied in a subtransaction of its own)
    const writers = await pool.query<{ n: number }>(
      "select count(distinct processed_at)::int as n from sincro_private.store_inbox where inbox_id = any ($1::bigint[])", [ids]);
    return { states: states.rows.map((row) => row.state), transactions: writers.rows[0]?.n };
  };

  it("applies the rows of one job in one transaction", async () => {
    const ids = await receive();
    const logged: string[] = [];
    await storeInboxApplyTask({ inbox_ids: ids }, helpers(() => false, logged));
    expect(await outcome(ids)).toEqual({ states: ["created", "created", "created"], transactions: 1 });
    expect(logged).toHaveLength(3);
  });

  it("applies them one by one when applying them together fails", async () => {
    const ids = await receive();
    const logged: string[] = [];
    await storeInboxApplyTask({ inbox_ids: ids }, helpers((text) => text.includes("store_inbox_apply_many"), logged));
    expect(await outcome(ids)).toEqual({ states: ["created", "created", "created"], transactions: 3 });
    expect(logged[0]).toMatch(/applying them together failed/);
  });

  it("fails the job for a row that fails alone too, after applying the others; the retry applies it", async () => {
    const ids = await receive();
    const stuck = ids[1];
    const failing = (text: string, values: readonly unknown[]) => text.includes("store_inbox_apply_many") || values[0] === stuck;
    await expect(storeInboxApplyTask({ inbox_ids: ids }, helpers(failing, []))).rejects.toThrow(new RegExp(`not applied.*${stuck}: `));
    expect((await outcome(ids)).states).toEqual(["created", "received", "created"]);
    // the retry (graphile-worker's), the database answering again
    await storeInboxApplyTask({ inbox_ids: ids }, helpers(() => false, []));
    expect((await outcome(ids)).states).toEqual(["created", "created", "created"]);
    expect(Number((await pool.query<{ n: string }>("select count(*) as n from sincro.arportes")).rows[0]?.n)).toBe(9);
  });

  it("still takes the one-row payload of the sweep and of jobs queued before", async () => {
    const [id] = await receive();
    await storeInboxApplyTask({ inbox_id: id }, helpers(() => false, []));
    expect((await outcome([id!])).states).toEqual(["created"]);
  });
});
