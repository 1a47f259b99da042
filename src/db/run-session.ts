/*
 * A sync run (partial, changes, rebuild) on one session of a pool: the hub
 * tells a crashed run (its session gone) from a live one by the session that
 * began it, so begin, every step and the end go through the same connection.
 */
import type { Pool, PoolClient } from "pg";

/** Runs `work` on one session of the pool; a session that failed is discarded rather than returned to the pool. */
export async function withRunSession<T>(pool: Pool, work: (session: PoolClient) => Promise<T>): Promise<T> {
  const session = await pool.connect();
  let failed = false;
  try {
    return await work(session);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    session.release(failed);
  }
}
