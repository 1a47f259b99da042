/*
 * The reference device client against a real hub: a first download paged at
 * 100 rows while 8 ERP-side writers change the slice ends, after the last
 * pull, with exactly the slice (every row and its data, nothing more); the
 * same for a supervisor's device; incremental pulls carry removals when a
 * customer is reassigned; orders written offline are uploaded once; the
 * device acks the ERP-made orders it holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceClient } from "../../src/device/client";
import { AZI, deviceKeys, runWriter, sliceKeysFromTables, sliceOf, startDeviceWorld, upsert, type DeviceWorld } from "./world";

const WRITERS = 8;
const CUSTOMERS_PER_WRITER = 8;

describe("the reference device client", () => {
  let world: DeviceWorld;

  beforeAll(async () => {
    world = await startDeviceWorld("device_client", { writers: WRITERS, customersPerWriter: CUSTOMERS_PER_WRITER });
    // an app login may hold 2 connections: one login per device, and others of the same agents to check the slices
    for (const [device, agent] of [["a1", "A1"], ["a1b", "A1"], ["s1", "S1"], ["a3", "A3"], ["a1check", "A1"], ["s1check", "S1"], ["a3check", "A3"]] as const) {
      await world.addDevice(device, agent);
    }
  }, 120_000);

  afterAll(async () => {
    await world?.drop();
  });

  it("a first download paged at 100 rows while 8 writers change the slice ends with exactly the slice", async () => {
    // A1's device downloads slowly (a pause before each page: the writers overtake it), a second A1 device and S1's at full speed
    const pause = { beforeApply: () => new Promise<void>((resolve) => setTimeout(resolve, 20)) };
    const agent = await DeviceClient.open({ file: ":memory:", connectionString: world.url("a1"), hooks: pause });
    const second = await DeviceClient.open({ file: ":memory:", connectionString: world.url("a1b") });
    const supervisor = await DeviceClient.open({ file: ":memory:", connectionString: world.url("s1") });
    const stop = { stopped: false };
    const writers = Array.from({ length: WRITERS }, (_, w) => runWriter(world.pool, w, CUSTOMERS_PER_WRITER, stop));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const progress: number[] = [];
      const [first, firstSecond, firstSupervisor] = await Promise.all([
        agent.sync({ pageSize: 100, onProgress: (p) => progress.push(p.applied) }),
        second.sync({ pageSize: 100 }),
        supervisor.sync({ pageSize: 100 }),
      ]);
      stop.stopped = true;
      const committed = (await Promise.all(writers)).reduce((sum, n) => sum + n, 0);

      // TEST: the downloads really were paged and raced the writers
      expect([first.firstDownload, firstSecond.firstDownload, firstSupervisor.firstDownload]).toEqual([true, true, true]);
      expect(Math.min(first.pages, firstSecond.pages, firstSupervisor.pages)).toBeGreaterThan(5);
      expect(committed).toBeGreaterThan(WRITERS * 5);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));

      // the last pulls, after the writers stopped
      for (const device of [agent, second, supervisor]) await device.sync({ pageSize: 100 });

      // TEST: each device's SQLite equals the slice: every row with its data, no extra, no missing
      const agentSlice = await sliceOf(world.url("a1check"));
      expect(agent.store.allRows()).toEqual(agentSlice);
      expect(second.store.allRows()).toEqual(agentSlice);
      expect(supervisor.store.allRows()).toEqual(await sliceOf(world.url("s1check")));
      // TEST: and the slice is what row-level security shows the login in the tables themselves
      expect(deviceKeys(agent)).toEqual(await sliceKeysFromTables(world.url("a1check")));
      expect(deviceKeys(supervisor)).toEqual(await sliceKeysFromTables(world.url("s1check")));
      // TEST: the writers did move rows in and out of A1's slice without changing them
      const logged = await world.pool.query<{ n: number }>("select count(*)::int as n from sincro.device_slice_log where azi = $1 and cod_agente = 'A1'", [AZI]);
      expect(logged.rows[0]?.n).toBeGreaterThan(0);
    } finally {
      stop.stopped = true;
      await Promise.allSettled(writers);
      await agent.close();
      await second.close();
      await supervisor.close();
    }
  }, 180_000);

  it("follows a reassignment: removals on the old agent's device, everything on the new one's", async () => {
    const a1 = await DeviceClient.open({ file: ":memory:", connectionString: world.url("a1") });
    const a3 = await DeviceClient.open({ file: ":memory:", connectionString: world.url("a3") });
    try {
      await a1.sync();
      await a3.sync();
      const code = a1.store.rows("customer")[0]?.key.cod_cli as string;
      const ofCustomer = (device: DeviceClient) =>
        device.store.allRows().filter((row) => row.key.includes(`"cod_cli":"${code}"`) || row.data.includes(`"cliente_cod":"${code}"`)).length;
      const held = ofCustomer(a1);
      expect(held).toBeGreaterThan(3);
      expect(ofCustomer(a3)).toBe(0);

      await upsert(world.pool, "customer", [{ key: { cod_cli: code }, data: { ragione_sociale: `Cliente ${code}`, cod_agente: "A3" } }]);
      const pulledA1 = await a1.sync();
      await a3.sync();
      // TEST: A1's device removed the customer and all its rows; A3's device has them all
      expect(ofCustomer(a1)).toBe(0);
      expect(pulledA1.removals).toBeGreaterThanOrEqual(held);
      expect(ofCustomer(a3)).toBe(held);
      expect(a1.store.allRows()).toEqual(await sliceOf(world.url("a1check")));
      expect(a3.store.allRows()).toEqual(await sliceOf(world.url("a3check")));
    } finally {
      await a1.close();
      await a3.close();
    }
  });

  it("uploads orders written offline once, warns on blocked customers, acks the ERP-made orders it holds", async () => {
    const a1 = await DeviceClient.open({ file: ":memory:", connectionString: world.url("a1") });
    try {
      await a1.sync();
      const customers = a1.store.rows("customer").map((row) => row.key.cod_cli as string);
      const blocked = a1.store.rows("customer_credit").find((row) => row.data.bloccato === true)?.key.cod_cli as string | undefined;
      // TEST: the client warns before an order for a blocked customer; the hub takes it anyway
      if (blocked !== undefined) expect(a1.creditWarning(blocked, 10)).toMatch(/blocked/);
      const first = a1.writeOrder({ cliente_cod: blocked ?? customers[0] ?? null, data_ordine: new Date().toISOString().slice(0, 10), lines: [{ articolo: "ART1", quantita: 2, prezzo: "10.50" }] });
      const second = a1.writeOrder({ cliente_cod: customers[1] ?? null, data_ordine: new Date().toISOString().slice(0, 10), lines: [{ articolo: "ART2", quantita: 1 }] });
      const uploaded = await a1.upload();
      expect(uploaded.map((u) => [u.id_int, u.inserted])).toEqual([[first, true], [second, true]]);
      // TEST: uploading again sends nothing: both have their public IDs
      expect(await a1.upload()).toEqual([]);
      const inHub = await world.pool.query<{ id_int: string; id_pub: string; lines: number }>(
        "select a.id_int, a.id_pub::text, (select count(*)::int from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub) as lines from sincro.arportes a where a.azi = $1 and a.prov_id = 'tab-a1' order by a.id_pub",
        [AZI],
      );
      expect(inHub.rows).toEqual(uploaded.map((u) => ({ id_int: u.id_int, id_pub: String(u.id_pub), lines: 1 })));

      // an operator's order for one of A1's agent orders: made in the ERP for agent A1
      const operatorOrder = await world.pool.query<{ id_pub: string }>("select sincro.erp_write_order($1, $2::jsonb)::text as id_pub", [
        AZI,
        JSON.stringify({ tor_chia: "OPA1", autore_tipo: "O", autore_cod: "OP1", cod_agente: "A1", cliente_cod: customers[0], lines: [{ articolo: "ART1", quantita: 1 }] }),
      ]);
      await a1.sync();
      // TEST: the device acks the ERP-made order once it holds it
      expect(await a1.ackErpOrders()).toBe(1);
      const acked = await world.pool.query<{ ack_app: number }>("select ack_app from sincro.arportes where azi = $1 and id_pub = $2", [AZI, operatorOrder.rows[0]?.id_pub]);
      expect(acked.rows[0]?.ack_app).toBe(1);
      expect(await a1.ackErpOrders()).toBe(0);
    } finally {
      await a1.close();
    }
  });
});
