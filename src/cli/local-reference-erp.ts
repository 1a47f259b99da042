/*
 * The reference ERP `sincro start` runs when no SINCRO_ERP_URL is set, at the
 * same URL and with the same token from one start to the next: the `export`
 * lines an operator copied (README) keep working after a restart.
 *
 *   SINCRO_DATA_DIR/reference-erp.json   {"port": 43123, "token": "…"} (mode 600),
 *                                        beside the embedded cluster's postgres.json
 *
 * Settings win over what is stored: SINCRO_REFERENCE_ERP_PORT for the port,
 * SINCRO_ERP_TOKEN for the token. A token from the environment is the user's
 * secret and is never written down; the stored one stays for the next start
 * without it. The port used is stored, whoever chose it. If the stored port
 * is taken by now, the ERP takes any free one and says that the URL changed;
 * if the folder cannot be written (a read-only container), it says so and runs.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { startReferenceErp, type ReferenceErp } from "../reference-erp/server";
import type { Logger } from "./logger";

export const REFERENCE_ERP_FILE = "reference-erp.json";

const StoredSchema = z.object({
  port: z.number().int().min(1).max(65535).optional(),
  token: z.string().min(1).optional(),
});
type Stored = z.infer<typeof StoredSchema>;

const PortSetting = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
  z.coerce.number().int().min(0).max(65535).optional(),
);

export interface LocalReferenceErpOptions {
  /** SINCRO_DATA_DIR (absolute): where the address is kept. */
  readonly dataDir: string;
  /** The reference ERP's own database. */
  readonly databaseUrl: string;
  /** SINCRO_ERP_TOKEN, if set. */
  readonly token: string | undefined;
  /** SINCRO_REFERENCE_ERP_PORT as given (validated here), if set. */
  readonly port: string | undefined;
  readonly logger: Logger;
}

export interface LocalReferenceErp {
  readonly erp: ReferenceErp;
  readonly token: string;
}

function readStored(file: string, logger: Logger): Stored {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") {
      logger.warn({ event: "reference_erp_state_unreadable", file, reason: (error as Error).message }, `cannot read ${file}: a new port and token are chosen`);
    }
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = StoredSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  logger.warn({ event: "reference_erp_state_unreadable", file }, `${file} is not a valid reference ERP state file: a new port and token are chosen`);
  return {};
}

function writeStored(file: string, stored: Stored): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";
}

export async function startLocalReferenceErp(options: LocalReferenceErpOptions): Promise<LocalReferenceErp> {
  const { logger } = options;
  const portSetting = PortSetting.safeParse(options.port);
  if (!portSetting.success) throw new Error(`invalid environment: SINCRO_REFERENCE_ERP_PORT must be a port number (got ${JSON.stringify(options.port)})`);
  const file = path.join(options.dataDir, REFERENCE_ERP_FILE);
  const stored = readStored(file, logger);
  const token = options.token ?? stored.token ?? randomBytes(16).toString("hex");
  const start = (port: number) => startReferenceErp({ databaseUrl: options.databaseUrl, port, token });

  let erp: ReferenceErp;
  if (portSetting.data !== undefined) {
    erp = await start(portSetting.data);
  } else {
    try {
      erp = await start(stored.port ?? 0);
    } catch (error) {
      if (stored.port === undefined || !isAddressInUse(error)) throw error;
      erp = await start(0);
      logger.warn(
        { event: "reference_erp_moved", was: stored.port, url: erp.url },
        `the reference ERP's port ${stored.port} is taken: it now listens at ${erp.url} (update SINCRO_ERP_URL where you exported it)`,
      );
    }
  }
  try {
    writeStored(file, { port: Number(new URL(erp.url).port), token: options.token === undefined ? token : stored.token });
  } catch (error) {
    // a read-only folder (a container's) costs the next start its address, not this start its ERP
    logger.warn(
      { event: "reference_erp_state_not_saved", file, reason: (error as Error).message },
      `cannot keep the reference ERP's port and token in ${file} (${(error as Error).message}): the next start chooses new ones`,
    );
  }
  return { erp, token };
}
