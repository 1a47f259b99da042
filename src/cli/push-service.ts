/*
 * The push service of `sincro start`: the graphile-worker runner pushing
 * orders to the ERP. With SINCRO_ERP_URL set it talks to that ERP; without,
 * it first starts the reference ERP (src/reference-erp) for demos, with its
 * own database `<hub database>_reference_erp` on the same server (or, if that
 * cannot be created, its own schema in the hub's database), at the URL and
 * with the token of the previous start (local-reference-erp.ts); SINCRO_ERP_TOKEN
 * overrides the token. Settings come from the service context's environment.
 * No token or password is logged: the local reference ERP's address and demo
 * token reach the operator only through the `export` line `sincro start` prints.
 */
import { Client } from "pg";
import { withDatabase } from "../db/connection";
import { configuredErp, connectErp, readErpSettings, type ErpEndpoint, type ErpSettings } from "../erp/settings";
import type { ReferenceErp } from "../reference-erp/server";
import { startWorker } from "../worker/run-worker";
import { readSettings, redactPassword } from "./environment";
import { startLocalReferenceErp } from "./local-reference-erp";
import type { Logger } from "./logger";
import type { RunningService, Service, ServiceContext } from "./service";

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

/** The reference ERP, for demos: at the address and with the token of the previous start (SINCRO_ERP_TOKEN overrides). */
async function startDemoErp(context: ServiceContext, settings: ErpSettings): Promise<{ erp: ReferenceErp; endpoint: ErpEndpoint }> {
  const { logger } = context;
  const local = await startLocalReferenceErp({
    dataDir: readSettings(context.env).dataDir,
    databaseUrl: await referenceErpDatabase(context.databaseUrl, logger),
    token: settings.token,
    port: context.env.SINCRO_REFERENCE_ERP_PORT,
    logger,
  });
  // never the token itself in the log: `sincro start` prints the export line for the operator
  logger.info({ event: "reference_erp", url: local.erp.url }, `no SINCRO_ERP_URL: reference ERP at ${local.erp.url}`);
  return { erp: local.erp, endpoint: { url: local.erp.url, token: local.token } };
}

export const pushService: Service = {
  name: "push",
  async start(context: ServiceContext): Promise<RunningService> {
    const { logger } = context;
    const settings = readErpSettings(context.env);
    let demo: ReferenceErp | undefined;
    let endpoint = configuredErp(settings);
    if (endpoint === undefined) ({ erp: demo, endpoint } = await startDemoErp(context, settings));
    const runner = await startWorker({
      connectionString: context.databaseUrl,
      erp: connectErp(endpoint, settings),
      logger,
      concurrency: settings.workerConcurrency,
      pushBatch: settings.pushBatch,
      dispatchIntervalMs: settings.pushPollMs,
    });
    const shownUrl = redactPassword(endpoint.url);
    logger.info({ event: "worker_ready", erp: shownUrl }, `worker pushing new orders to ${shownUrl}`);
    return {
      environment: demo === undefined ? {} : { SINCRO_ERP_URL: endpoint.url, SINCRO_ERP_TOKEN: endpoint.token },
      ended: runner.promise,
      stop: async () => {
        await runner.stop();
        await demo?.close();
      },
    };
  },
};
