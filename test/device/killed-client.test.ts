/*
 * The reference client killed (SIGKILL) while downloading and while
 * uploading converges when it runs again: its SQLite copy equals the slice,
 * and every order written offline is in the hub exactly once, with the
 * public ID the device recorded.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceClient } from "../../src/device/client";
import { AZI, sliceOf, startDeviceWorld, type DeviceWorld } from "./world";

const SCRIPT = path.join(__dirname, "kill-client.ts");

function runKilled(env: Record<string, string>): { signal: NodeJS.Signals | null; status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", SCRIPT], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { signal: run.signal, status: run.status, stderr: run.stderr };
}

describe("a device client killed mid-way", () => {
  let world: DeviceWorld;
  let dir: string;

  beforeAll(async () => {
    world = await startDeviceWorld("device_killed", { writers: 4, customersPerWriter: 6 });
    await world.addDevice("k1", "A1");
    await world.addDevice("k1check", "A1");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sincro-device-"));
  }, 120_000);

  afterAll(async () => {
    await world?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("killed while applying a page of the download, it resumes from the last page it kept", async () => {
    const file = path.join(dir, "download.sqlite");
    const killed = runKilled({ DEVICE_URL: world.url("k1"), DEVICE_FILE: file, KILL_AT: "download:3", PAGE_SIZE: "50" });
    // TEST: the process really died inside page 3's local transaction
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    const device = await DeviceClient.open({ file, connectionString: world.url("k1") });
    try {
      // pages 1 and 2 were kept, page 3 not at all
      expect(device.store.allRows()).toHaveLength(100);
      const resumed = await device.sync({ pageSize: 50 });
      expect(resumed.firstDownload).toBe(false);
      // TEST: it converges on the slice
      expect(device.store.allRows()).toEqual(await sliceOf(world.url("k1check")));
    } finally {
      await device.close();
    }
  }, 120_000);

  it("killed after the hub committed an upload and before it recorded the ID, it uploads again: same public ID, nothing doubled", async () => {
    const file = path.join(dir, "upload.sqlite");
    const killed = runKilled({ DEVICE_URL: world.url("k1"), DEVICE_FILE: file, KILL_AT: "upload:2", ORDERS: "3", CUSTOMER: "K0-0" });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    const device = await DeviceClient.open({ file, connectionString: world.url("k1") });
    try {
      const before = device.outbox();
      // the first order has its ID; the second was committed in the hub but the device never heard; the third was never sent
      expect(before.map((entry) => entry.id_pub !== null)).toEqual([true, false, false]);
      const retried = await device.upload();
      // TEST: the second comes back with the ID its lost upload got (inserted: false); the third is new
      expect(retried.map((result) => [result.id_int, result.inserted])).toEqual([
        [before[1]?.id_int, false],
        [before[2]?.id_int, true],
      ]);
      const inHub = await world.pool.query<{ id_int: string; id_pub: string; lines: number }>(
        `select a.id_int, a.id_pub::text as id_pub, (select count(*)::int from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub) as lines
         from sincro.arportes a where a.azi = $1 and a.prov_id = 'tab-k1' order by a.id_pub`,
        [AZI],
      );
      // TEST: exactly three orders, each once, with its lines, under the IDs the device holds
      expect(inHub.rows).toEqual(device.outbox().map((entry) => ({ id_int: entry.id_int, id_pub: String(entry.id_pub), lines: 1 })));
    } finally {
      await device.close();
    }
  }, 120_000);
});
