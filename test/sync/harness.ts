/*
 * What the sync tests share: the push harness (a hub database, the reference
 * ERP over real HTTP, the HTTP connector) plus the reference ERP's operator
 * and admin routes (an operator's edits, bulk seeding, bulk touching), a
 * company with a sync contract, and small readers of the hub.
 */
import type { Pool } from "pg";
import type { ErpChangeBatch, ErpConnector } from "../../src/erp/connector";
import { registerCompany, startPushHarness, type PushHarness } from "../push/harness";

export interface SyncHarness extends PushHarness {
  /** A call to the reference ERP's HTTP API (operator and admin routes included); throws unless 2xx. */
  erpCall<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function startSyncHarness(label: string, options: { timeoutMs?: number } = {}): Promise<SyncHarness> {
  const harness = await startPushHarness(label, options);
  const erpCall = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${harness.erpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${harness.erpToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`reference ERP ${method} ${path}: ${response.status} ${text}`);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  };
  return Object.assign(harness, { erpCall });
}

/** Registers a company (manual push mode: nothing is pushed behind the test's back) with a sync quota. */
export async function registerSyncCompany(pool: Pool, azi: string, syncQuota = 100): Promise<void> {
  await registerCompany(pool, azi, "manual");
  await setSyncQuota(pool, azi, syncQuota);
}

export async function setSyncQuota(pool: Pool, azi: string, syncQuota: number): Promise<void> {
  await pool.query("select sincro.set_sync_contract(azi => $1, sync_quota => $2)", [azi, syncQuota]);
}

export async function quotaOf(pool: Pool, azi: string): Promise<{ sync_quota: number; sync_used: number; sync_remaining: number }> {
  const result = await pool.query<{ sync_quota: number; sync_used: number; sync_remaining: number }>(
    "select sync_quota, sync_used, sync_remaining from sincro.quota($1)",
    [azi],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error(`no quota row for ${azi}`);
  return row;
}

export async function erpCursorOf(pool: Pool, azi: string): Promise<string> {
  return (await pool.query<{ cursor: string }>("select sincro.erp_cursor(azi => $1) as cursor", [azi])).rows[0]?.cursor ?? "";
}

export async function runsOf(pool: Pool, azi: string): Promise<{ run_id: number; kind: string; state: string; uses_quota: boolean; error: string | null }[]> {
  const result = await pool.query<{ run_id: string; kind: string; state: string; uses_quota: boolean; error: string | null }>(
    "select run_id, kind, state, uses_quota, error from sincro.sync_runs where azi = $1 order by run_id",
    [azi],
  );
  return result.rows.map((row) => ({ ...row, run_id: Number(row.run_id) }));
}

/** The company's last change number handed out (orders and ERP-owned tables share the counter): unchanged means nothing was bumped. */
export async function lastChangeNumber(pool: Pool, azi: string): Promise<number> {
  const result = await pool.query<{ n: string }>("select last_id_sincro as n from sincro.apstatosyn where azi = $1", [azi]);
  return Number(result.rows[0]?.n ?? 0);
}

/** A connector that passes every call through, except that pullChanges number `failAt` (1-based) and later ones throw. */
export function failingPullsFrom(erp: ErpConnector, failAt: number): ErpConnector & { pulls: number } {
  const wrapper = {
    pulls: 0,
    createOrder: erp.createOrder.bind(erp),
    health: erp.health.bind(erp),
    openSnapshot: erp.openSnapshot.bind(erp),
    async pullChanges(...args: Parameters<ErpConnector["pullChanges"]>): Promise<ErpChangeBatch> {
      wrapper.pulls++;
      if (wrapper.pulls >= failAt) throw new Error(`injected: pull ${wrapper.pulls} fails`);
      return erp.pullChanges(...args);
    },
  };
  return wrapper;
}

export type { PushHarness };
