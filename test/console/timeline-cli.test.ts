/*
 * `sincro timeline` in a real process: the same sincro.locate_order and
 * sincro.order_timeline as the console, printed as tables; each way to name
 * the order; an unknown order is a usage error saying "not found".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSincro } from "../support/cli";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { Client } from "pg";

describe("sincro timeline", () => {
  let hub: TestDatabase;
  const target = () => ({ hubUrl: hub.url, erpUrl: "http://127.0.0.1:9", erpToken: "unused" });
  const run = async (args: string[]) => startSincro(target(), ["timeline", ...args]).finished;

  beforeAll(async () => {
    hub = await createTestDatabase("timeline_cli");
    const client = new Client({ connectionString: hub.url });
    await client.connect();
    try {
      await client.query("insert into sincro.apstatosyn (azi) values ('T1')");
      await client.query("begin");
      await client.query("insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('T1', 'A', '50', '150', 'T', '15')");
      await client.query("insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('T1', 1, 1, 'ART1', 2, 10)");
      await client.query("commit");
      await client.query(`select sincro.erp_write_order('T1', '{"id_pub": 1, "tor_chia": "C201700001760"}')`);
      await client.query(`select sincro.erp_write_order('T1', '{"id_pub": 1, "conferma": "CDEF"}')`);
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await hub?.drop();
  });

  it("prints the order's versions in time order, found by public ID, ERP key or device order", async () => {
    const byId = await run(["--azi", "T1", "--id-pub", "1"]);
    // TEST: exit 0; the header, the line and the three versions with what changed
    expect(byId.code, byId.output).toBe(0);
    expect(byId.output).toContain("== order 1 of T1 ==");
    expect(byId.output).toContain("ART1");
    const versions = byId.output.split("\n").filter((line) => /^\s*\d+\s+\d{4}-\d\d-\d\d/.test(line));
    expect(versions.map((line) => line.split(/\s{2,}/)[2])).toEqual(["INSERT", "UPDATE", "UPDATE"]);
    expect(byId.output).toContain("tor_chia: ∅ → C201700001760");
    expect(byId.output).toContain("conferma: ∅ → CDEF");
    // TEST: the same output by ERP key and by device order
    const byKey = await run(["--azi", "T1", "--tor-chia", "C201700001760"]);
    const byDevice = await run(["--azi", "T1", "--device", "50", "--device-order", "150"]);
    expect(byKey.output).toBe(byId.output);
    expect(byDevice.output).toBe(byId.output);
  });

  it("an unknown order: not found, exit 2; no way to name it: exit 2", async () => {
    const unknown = await run(["--azi", "T1", "--id-pub", "99"]);
    // TEST: a clear not found
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain("not found");
    const unnamed = await run(["--azi", "T1"]);
    expect(unnamed.code).toBe(2);
  });
});
