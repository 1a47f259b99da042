/*
 * The reference ERP `start` runs keeps its address (src/cli/local-reference-erp.ts)
 * when things are not as they were: the stored port taken by another program
 * since, and a data folder that cannot be written (a read-only container).
 * The usual path (same URL and token after a restart, settings win) is a
 * process test in cli-start.test.ts.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_ERP_FILE, startLocalReferenceErp } from "../src/cli/local-reference-erp";
import { createTestDatabase, type TestDatabase } from "./support/database";

let database: TestDatabase;
const folders: string[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await createTestDatabase("local_reference_erp", { migrate: false });
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

afterAll(async () => {
  await database?.drop();
});

function recordingLogger(): { logger: pino.Logger; events: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
  return { logger, events: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function folder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sincro-reference-erp-"));
  folders.push(dir);
  return dir;
}

async function start(dataDir: string, logger: pino.Logger) {
  const local = await startLocalReferenceErp({ dataDir, databaseUrl: database.url, token: undefined, port: undefined, logger });
  closers.push(() => local.erp.close());
  return local;
}

describe("the reference ERP's remembered address", () => {
  it("takes another port when the stored one is taken, says so, and remembers the new one", async () => {
    const dataDir = folder();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen({ port: 0, host: "127.0.0.1" }, resolve));
    const takenPort = (blocker.address() as net.AddressInfo).port;
    fs.writeFileSync(path.join(dataDir, REFERENCE_ERP_FILE), JSON.stringify({ port: takenPort, token: "kept-token" }));
    try {
      const { logger, events } = recordingLogger();
      const local = await start(dataDir, logger);
      const port = Number(new URL(local.erp.url).port);
      expect(port).not.toBe(takenPort);
      expect(local.token).toBe("kept-token");
      expect(events().find((event) => event.event === "reference_erp_moved")).toMatchObject({ was: takenPort, url: local.erp.url });
      expect(JSON.parse(fs.readFileSync(path.join(dataDir, REFERENCE_ERP_FILE), "utf8"))).toEqual({ port, token: "kept-token" });
    } finally {
      blocker.close();
    }
  });

  it("runs when the data folder cannot be written, and says the address will not be kept", async () => {
    const parent = folder();
    const notAFolder = path.join(parent, "file");
    fs.writeFileSync(notAFolder, "");
    const { logger, events } = recordingLogger();
    const local = await start(path.join(notAFolder, "data"), logger);
    expect((await fetch(`${local.erp.url}/v1/health`, { headers: { authorization: `Bearer ${local.token}` } })).status).toBe(200);
    expect(events().some((event) => event.event === "reference_erp_state_not_saved")).toBe(true);
  });
});
