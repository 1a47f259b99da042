/*
 * The push service of `sincro start` reads its settings from the context it is
 * given (not process.env) and never logs a secret: not the reference ERP's
 * token, whether chosen (SINCRO_ERP_TOKEN) or random, and not the token or a
 * password in SINCRO_ERP_URL of a real ERP.
 */
import pino from "pino";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushService, referenceErpDatabaseName } from "../../src/cli/push-service";
import { serverUrlFromEnvironment, withDatabase } from "../../src/db/connection";
import { createTestDatabase, type TestDatabase } from "../support/database";

interface Started {
  /** Everything the service logged while starting and stopping. */
  readonly log: string;
  /** The reference ERP's URL, if the service started one. */
  readonly referenceErpUrl: string | undefined;
}

/** Starts the service with this environment, checks the bearer tokens `probe` gives while it runs, stops it. */
async function startAndStop(hub: TestDatabase, env: NodeJS.ProcessEnv, probe: (referenceErpUrl: string | undefined, log: string) => Promise<void> = async () => undefined): Promise<Started> {
  const lines: string[] = [];
  const logger = pino({ level: "trace" }, { write: (line: string) => void lines.push(line) });
  const running = await pushService.start({ env, databaseUrl: hub.url, logger });
  const referenceErp = lines.map((line) => JSON.parse(line) as { event?: string; url?: string }).find((line) => line.event === "reference_erp");
  try {
    await probe(referenceErp?.url, lines.join(""));
  } finally {
    await running.stop();
  }
  return { log: lines.join(""), referenceErpUrl: referenceErp?.url };
}

async function healthStatus(erpUrl: string, token: string): Promise<number> {
  return (await fetch(`${erpUrl}/v1/health`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe("the push service of sincro start", () => {
  let hub: TestDatabase;

  beforeAll(async () => {
    hub = await createTestDatabase("push_service");
  });

  afterAll(async () => {
    await hub?.drop();
    const admin = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), "postgres") });
    await admin.connect();
    await admin.query(`drop database if exists "${referenceErpDatabaseName(hub.url)}" with (force)`);
    await admin.end();
  });

  it("takes SINCRO_ERP_TOKEN from its context for the reference ERP, and never logs it", async () => {
    const token = "context-token-7f3a9c2e5b8d1406";
    const started = await startAndStop(hub, { SINCRO_ERP_TOKEN: token }, async (url) => {
      // TEST: the context's token, not process.env's (which has none), opens the reference ERP
      expect(url).toBeDefined();
      expect(await healthStatus(url!, token)).toBe(200);
    });
    // TEST: the token is nowhere in the log
    expect(started.log).toContain("reference_erp");
    expect(started.log).not.toContain(token);
  });

  it("without SINCRO_ERP_TOKEN: no word of its log opens the reference ERP (the random token is not logged)", async () => {
    await startAndStop(hub, {}, async (url, log) => {
      expect(url).toBeDefined();
      const words = [...new Set(log.split(/[^A-Za-z0-9_~+/=.-]+/).filter((word) => word.length >= 16))];
      expect(words.length).toBeGreaterThan(0);
      const opening: string[] = [];
      for (const word of words) if ((await healthStatus(url!, word)) === 200) opening.push(word);
      // TEST: nothing logged is a token the reference ERP accepts
      expect(opening).toEqual([]);
    });
  });

  it("with a real ERP configured: neither its token nor a password in SINCRO_ERP_URL is logged", async () => {
    const started = await startAndStop(hub, { SINCRO_ERP_URL: "http://erp-user:erp-secret-pw@127.0.0.1:9", SINCRO_ERP_TOKEN: "real-erp-token-51c0e4d2" });
    expect(started.referenceErpUrl).toBeUndefined();
    expect(started.log).toContain("worker_ready");
    // TEST: no token, no password
    expect(started.log).not.toContain("real-erp-token-51c0e4d2");
    expect(started.log).not.toContain("erp-secret-pw");
  });
});
