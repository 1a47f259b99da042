/*
 * The reference ERP on its own: `ts-node src/reference-erp/main.ts`.
 * ERP_DATABASE_URL (required), ERP_PORT (default 0: any free port), ERP_TOKEN
 * (required), ERP_FAULTS (JSON, e.g. {"latencyMs": 50}). Prints one line,
 * `listening <url>`, once it serves; stops on SIGINT/SIGTERM.
 */
import { z } from "zod";
import { faultsSchema, startReferenceErp } from "./server";

const environment = z.object({
  ERP_DATABASE_URL: z.string().min(1),
  ERP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  ERP_TOKEN: z.string().min(1),
  ERP_FAULTS: z.string().default("{}"),
});

async function main(): Promise<void> {
  const env = environment.parse(process.env);
  const erp = await startReferenceErp({
    databaseUrl: env.ERP_DATABASE_URL,
    port: env.ERP_PORT,
    token: env.ERP_TOKEN,
    faults: faultsSchema.parse(JSON.parse(env.ERP_FAULTS)),
  });
  console.log(`listening ${erp.url}`);
  const stop = () => void erp.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
