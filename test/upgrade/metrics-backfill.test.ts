/*
 * Upgrade of a hub that already served /metrics before its figures were kept
 * as they happen (migrations up to 000005 counted them over the tables at
 * each scrape): the migration that adds the counters backfills them from the
 * data held, so after the upgrade every figure, and in particular every
 * counter, carries on from the value it had — it does not restart from 0 —
 * and the triggers continue from there.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { insertStoreOrder, registerCompany } from "../push/harness";
import { MIGRATIONS_DIR } from "./release-0.1";

/** The last committed migration whose /metrics counted over the tables. */
const LAST_WITHOUT_COUNTERS = 5;

/** A new database migrated with committed migrations 1 … LAST_WITHOUT_COUNTERS only. */
async function createHubBeforeCounters(): Promise<TestDatabase> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sincro-migrations-before-counters-"));
  fs.mkdirSync(path.join(folder, "committed"));
  try {
    const committed = fs.readdirSync(path.join(MIGRATIONS_DIR, "committed")).filter((file) => {
      const number = Number(/^(\d{6})-/.exec(file)?.[1]);
      return number >= 1 && number <= LAST_WITHOUT_COUNTERS;
    });
    expect(committed).toHaveLength(LAST_WITHOUT_COUNTERS);
    for (const file of committed) fs.copyFileSync(path.join(MIGRATIONS_DIR, "committed", file), path.join(folder, "committed", file));
    const hub = await createTestDatabase("metrics_backfill", { migrate: false });
    try {
      await migrateDatabase(hub.url, { migrationsFolder: folder });
    } catch (error) {
      await hub.drop();
      throw error;
    }
    return hub;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

type Figures = Record<string, number>;

/** Every sample of sincro.metric_samples() but the ages (they follow the clock). */
async function figures(pool: Pool): Promise<Figures> {
  const result = await pool.query<{ metric: string; labels: Record<string, string>; value: number }>(
    "select metric, labels, value from sincro.metric_samples() where metric <> 'sincro_oldest_pending_seconds'",
  );
  return Object.fromEntries(
    result.rows.map((row) => [
      `${row.metric}{${Object.keys(row.labels).sort().map((k) => `${k}=${row.labels[k]}`).join(",")}}`,
      row.metric.endsWith("_sum") ? Math.round(row.value * 1e6) / 1e6 : row.value, // the old sum added floats
    ]),
  );
}

describe("upgrade to the kept /metrics counters", () => {
  let hub: TestDatabase;
  let pool: Pool;
  let before: Figures;

  beforeAll(async () => {
    hub = await createHubBeforeCounters();
    pool = new Pool({ connectionString: hub.url, max: 2 });
    // two companies: acquired pushes of various durations, a rejection, failed attempts, one still pending,
    // an order the ERP made (pending for the store and the apps)
    for (const azi of ["BF1", "BF2"]) {
      await registerCompany(pool, azi, "manual");
      for (let i = 1; i <= 6; i++) await insertStoreOrder(pool, azi, `o${i}`);
      await pool.query("update sincro.order_push set created_at = now() - (id_pub * interval '7 seconds') where azi = $1", [azi]);
      for (let idPub = 1; idPub <= 4; idPub++) {
        await pool.query("select sincro.push_claim($1, $2)", [azi, idPub]);
        if (idPub === 2) await pool.query("select sincro.push_failed($1, $2, 'timeout')", [azi, idPub]);
        if (idPub === 2) await pool.query("select sincro.push_claim($1, $2)", [azi, idPub]);
        await pool.query("select sincro.push_acquired($1, $2, $3)", [azi, idPub, `K${azi}${idPub}`]);
      }
      await pool.query("select sincro.push_claim($1, 5)", [azi]);
      await pool.query("select sincro.push_rejected($1, 5, 'unknown customer')", [azi]);
      await pool.query("select sincro.erp_write_order($1, $2)", [azi, JSON.stringify({ tor_chia: `G${azi}`, autore_tipo: "O", autore_cod: "75", cliente_cod: "C1", lines: [{ articolo: "ART1", quantita: 2, prezzo: 5 }] })]);
    }
    before = await figures(pool);
    await migrateDatabase(hub.url);
  });

  afterAll(async () => {
    await pool?.end();
    await hub?.drop();
  });

  it("reports after the upgrade exactly what it reported before", async () => {
    // TEST: the counters did not restart: what was counted over the tables is in the backfilled rollup
    expect(before["sincro_push_total{azi=BF1,outcome=acquired}"]).toBe(4);
    expect(before["sincro_push_total{azi=BF1,outcome=rejected}"]).toBe(1);
    expect(before["sincro_push_total{azi=BF1,outcome=failed}"]).toBe(1);
    expect(before["sincro_orders_pending{azi=BF1,party=store}"]).toBeGreaterThan(0);
    expect((await pool.query("select count(*)::int as n from sincro_private.metric_rollup")).rows[0]?.n).toBeGreaterThan(0);
    // TEST: every sample equal
    expect(await figures(pool)).toEqual(before);
  });

  it("counts on from the backfilled values", async () => {
    await pool.query("select sincro.push_claim('BF1', 6)");
    await pool.query("select sincro.push_acquired('BF1', 6, 'KBF16')");
    const after = await figures(pool);
    // TEST: one more acquired on top of the four from before the upgrade, one fewer pending for the ERP
    expect(after["sincro_push_total{azi=BF1,outcome=acquired}"]).toBe(5);
    expect(after["sincro_push_duration_seconds_count{azi=BF1}"]).toBe(5);
    expect(after["sincro_orders_pending{azi=BF1,party=erp}"]).toBe((before["sincro_orders_pending{azi=BF1,party=erp}"] ?? NaN) - 1);
    await pool.query("select sincro.metric_compact()");
    // TEST: compaction changes nothing
    expect(await figures(pool)).toEqual(after);
  });
});
