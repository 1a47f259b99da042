/*
 * The push service of `sincro start`: the graphile-worker runner pushing
 * orders to the ERP. With SINCRO_ERP_URL set it talks to that ERP; without,
 * it first starts the reference ERP (src/reference-erp) for demos, with its
 * own database `<hub database>_reference_erp` on the same server (or, if that
 * cannot be created, its own schema in the hub's database), at the URL and
 * with the token of the previous start (local-reference-erp.ts).
 */
import { Client } from "pg";
import { withDatabase } from "../db/connection";
import { createHttpConnector } from "../erp/http-connector";
import { readErpSettings } from "../erp/settings";
import type { ReferenceErp } from "../reference-erp/server";
import { startWorker } from "../worker/run-worker";
import { readSettings } from "./environment";
import { startLocalReferenceErp } from "./local-reference-erp";
import type { Logger } from "./logger";
import type { RunningService, Service, ServiceContext } from "./services";

/** The name of the reference ERP's database beside a hub database. */
export function referenceErpDatabaseName(hubUrl: string): string {
  return `${decodeURIComponent(new URL(hubUrl).pathname.slice(1)) || "sincro"}_reference_erp`;
}

/** The reference ERP's database: its own on the hub's server if we may create it, else the hub's. */
async function referenceErpDatabase(hubUrl: string, logger: Logger): Promise<string> {
  const name = referenceErpDatabaseName(hubUrl);
  const client = new Client({ connectionString: withDatabase(hubUrl, "postgres") });
  try {
    await client.connect();
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '""')}"`);
    return withDatabase(hubUrl, name);
  } catch (error) {
    logger.warn(
      { event: "reference_erp_shared_database", reason: error instanceof Error ? error.message : String(error) },
      "cannot create a database for the reference ERP; it uses its own schema erp_ref in the hub's database",
    );
    return hubUrl;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const pushService: Service = {
  name: "push",
  async start(context: ServiceContext): Promise<RunningService> {
    const { logger } = context;
    const settings = readErpSettings(process.env);
    let referenceErp: ReferenceErp | undefined;
    let erpUrl = settings.url;
    let token = settings.token ?? "";
    if (erpUrl === undefined) {
      const local = await startLocalReferenceErp({
        dataDir: readSettings(process.env).dataDir,
        databaseUrl: await referenceErpDatabase(context.databaseUrl, logger),
        token: settings.token,
        port: process.env.SINCRO_REFERENCE_ERP_PORT,
        logger,
      });
      referenceErp = local.erp;
      token = local.token;
      erpUrl = referenceErp.url;
      logger.info(
        { event: "reference_erp", url: erpUrl },
        `no SINCRO_ERP_URL: reference ERP at ${erpUrl} (token ${token}); try: curl -H "Authorization: Bearer ${token}" "${erpUrl}/orders?azi=C00001"`,
      );
    }
    const erp = createHttpConnector({ baseUrl: erpUrl, token, timeoutMs: settings.timeoutMs });
    const runner = await startWorker({
      connectionString: context.databaseUrl,
      erp,
      logger,
      concurrency: settings.workerConcurrency,
    });
    logger.info({ event: "worker_ready", erp: erpUrl }, `worker pushing new orders to ${erpUrl}`);
    return {
      environment: referenceErp === undefined ? {} : { SINCRO_ERP_URL: erpUrl, SINCRO_ERP_TOKEN: token },
      ended: runner.promise,
      stop: async () => {
        await runner.stop();
        await referenceErp?.close();
      },
    };
  },
};
