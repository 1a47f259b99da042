/*
 * How the reference ERP writes: one transaction per operation on a pooled
 * connection, and the company row every write hangs off.
 */
import type { Pool, PoolClient } from "pg";

export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function ensureCompany(client: PoolClient, azi: string): Promise<void> {
  await client.query("insert into erp_ref.company (azi) values ($1) on conflict do nothing", [azi]);
}
