/*
 * The push service of `sincro start`: the graphile-worker runner pushing
 * orders to the ERP. With SINCRO_ERP_URL set it talks to that ERP; without,
 * it first starts the reference ERP (src/reference-erp) for demos, with its
 * own database `<hub database>_reference_erp` on the same server (or, if that
 * cannot be created, its own schema in the hub's database) and SINCRO_ERP_TOKEN
 * as its token, else a fresh random one. Settings come from the service
 * context's environment; no token or password is ever logged.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { withDatabase } from "../db/connection";
import { configuredErp, connectErp, readErpSettings, type ErpEndpoint, type ErpSettings } from "../erp/settings";
import { startReferenceErp, type ReferenceErp } from "../reference-erp/server";
import { startWorker } from "../worker/run-worker";
import { redactPassword } from "./environment";
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

/** The reference ERP, for demos: SINCRO_ERP_TOKEN as its token if set, else a random one that only the worker knows. */
async function startDemoErp(context: ServiceContext, settings: ErpSettings): Promise<{ erp: ReferenceErp; endpoint: ErpEndpoint }> {
  const { logger } = context;
  const token = settings.token ?? randomBytes(16).toString("hex");
  const erp = await startReferenceErp({
    databaseUrl: await referenceErpDatabase(context.databaseUrl, logger),
    port: settings.referenceErpPort,
    token,
  });
  // never the token itself: logs are read by more people than the ERP's operators
  const access =
    settings.token === undefined
      ? "with a random token only the worker knows (set SINCRO_ERP_TOKEN before starting to call it yourself)"
      : `with SINCRO_ERP_TOKEN as its token; try: curl -H "Authorization: Bearer $SINCRO_ERP_TOKEN" "${erp.url}/orders?azi=C00001"`;
  logger.info({ event: "reference_erp", url: erp.url }, `no SINCRO_ERP_URL: reference ERP at ${erp.url} ${access}`);
  return { erp, endpoint: { url: erp.url, token } };
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
    });
    const shownUrl = redactPassword(endpoint.url);
    logger.info({ event: "worker_ready", erp: shownUrl }, `worker pushing new orders to ${shownUrl}`);
    return {
      ended: runner.promise,
      stop: async () => {
        await runner.stop();
        await demo?.close();
      },
    };
  },
};
