/*
 * What the operator commands (worker, sync, quota, status) open: the hub named
 * by DATABASE_URL (a small pool, or just its connection string), the ERP
 * connector named by SINCRO_ERP_URL, and the companies to work on (one, or
 * every registered one). A setting that is missing is a UsageError naming it.
 */
import { Pool } from "pg";
import type { ErpConnector } from "../erp/connector";
import { configuredErp, connectErp, readErpSettings, type ErpSettings } from "../erp/settings";
import type { CliContext } from "./context";
import { readSettings } from "./environment";
import { UsageError } from "./errors";

/** DATABASE_URL, which `sincro <command>` needs. */
export function hubUrl(context: CliContext, command: string): string {
  const { databaseUrl } = readSettings(context.env);
  if (databaseUrl === undefined) throw new UsageError(`\`sincro ${command}\` needs DATABASE_URL (the hub's database)`);
  return databaseUrl;
}

export function openHub(context: CliContext, command: string): Pool {
  const pool = new Pool({ connectionString: hubUrl(context, command), max: 2 });
  // an idle client dropped by the server is reported by the next query, not here
  pool.on("error", () => undefined);
  return pool;
}

export interface OpenedErp {
  readonly connector: ErpConnector;
  /** SINCRO_ERP_URL. */
  readonly url: string;
  readonly settings: ErpSettings;
}

/** The ERP at SINCRO_ERP_URL, which `sincro <command>` needs; `hint` is added to the message when it is missing. */
export function openErp(context: CliContext, command: string, hint = ""): OpenedErp {
  const settings = readErpSettings(context.env);
  const endpoint = configuredErp(settings);
  if (endpoint === undefined) {
    throw new UsageError(`\`sincro ${command}\` needs SINCRO_ERP_URL (the ERP's API; SINCRO_ERP_TOKEN its bearer token)${hint}`);
  }
  return { connector: connectErp(endpoint, settings), url: endpoint.url, settings };
}

/** The company named by --azi (checked to exist), or every registered company. */
export async function companiesFor(pool: Pool, azi: string | undefined): Promise<string[]> {
  const result = await pool.query<{ azi: string }>("select azi from sincro.apstatosyn where $1::text is null or azi = $1 order by azi", [azi ?? null]);
  if (azi !== undefined && result.rows.length === 0) throw new UsageError(`no company ${azi} is registered in the hub (sincro.apstatosyn)`);
  return result.rows.map((row) => row.azi);
}
