/*
 * What the operator commands (sync, quota, status) open: a small pool on the
 * hub named by DATABASE_URL, the ERP connector named by SINCRO_ERP_URL, and
 * the companies to work on (one, or every registered one).
 */
import { Pool } from "pg";
import type { ErpConnector } from "../erp/connector";
import { createHttpConnector } from "../erp/http-connector";
import { readErpSettings } from "../erp/settings";
import type { CliContext } from "./context";
import { readSettings } from "./environment";
import { UsageError } from "./errors";

export function openHub(context: CliContext, command: string): Pool {
  const { databaseUrl } = readSettings(context.env);
  if (databaseUrl === undefined) throw new UsageError(`\`sincro ${command}\` needs DATABASE_URL (the hub's database)`);
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  // an idle client dropped by the server is reported by the next query, not here
  pool.on("error", () => undefined);
  return pool;
}

export function openErp(context: CliContext, command: string): ErpConnector {
  const settings = readErpSettings(context.env);
  if (settings.url === undefined) {
    throw new UsageError(`\`sincro ${command}\` needs SINCRO_ERP_URL (the ERP's API; SINCRO_ERP_TOKEN its bearer token)`);
  }
  return createHttpConnector({ baseUrl: settings.url, token: settings.token ?? "", timeoutMs: settings.timeoutMs });
}

/** The company named by --azi (checked to exist), or every registered company. */
export async function companiesFor(pool: Pool, azi: string | undefined): Promise<string[]> {
  const result = await pool.query<{ azi: string }>("select azi from sincro.apstatosyn where $1::text is null or azi = $1 order by azi", [azi ?? null]);
  if (azi !== undefined && result.rows.length === 0) throw new UsageError(`no company ${azi} is registered in the hub (sincro.apstatosyn)`);
  return result.rows.map((row) => row.azi);
}
