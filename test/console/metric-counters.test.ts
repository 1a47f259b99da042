/*
 * The figures /metrics keeps as they happen (sql/console/metric_counts.sql):
 * triggers add delta rows in the transaction of each push outcome and each
 * pending change, sincro.metric_compact folds them into a rollup, and
 * sincro.metric_samples sums rollup + deltas. Checked with real concurrent
 * connections:
 * 1. Eight workers push one company's orders at once (acquired, rejected,
 *    failed then acquired) while two sessions compact in a loop and a third
 *    scrapes: every counter the scraper saw only grew, and at the end every
 *    figure equals the count over the tables themselves (what the scrape
 *    computed before the counters existed).
 * 2. The same workload against a naive compaction (sum the deltas, then
 *    delete them in a second statement) loses the deltas committed in
 *    between: the check of (1) fails on it.
 * 3. Deterministic interleavings: a compaction neither blocks on nor folds a
 *    delta of a transaction still open; a second compaction while one runs
 *    returns at once; a compaction changes no figure.
 */
import { Client, Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { insertStoreOrder, registerCompany } from "../push/harness";

type Figures = Map<string, number>;

function sampleKey(metric: string, labels: Readonly<Record<string, string>>): string {
  return `${metric}{${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",")}}`;
}

/** Every sample of metric_samples but the ages (they follow the clock), keyed by name and labels. */
async function scrape(client: Client | Pool): Promise<Figures> {
  const result = await client.query<{ metric: string; labels: Record<string, string>; value: number }>(
    "select metric, labels, value from sincro.metric_samples() where metric <> 'sincro_oldest_pending_seconds'",
  );
  return new Map(result.rows.map((row) => [sampleKey(row.metric, row.labels), row.value]));
}

/** The same figures counted over the tables (the formulas metric_samples used before the counters). */
async function countedOverTables(client: Client | Pool, azi: string): Promise<Record<string, number>> {
  const result = await client.query<{ name: string; value: string }>(
    `with acquired as (
       select extract(epoch from p.acquired_at - p.created_at) as seconds
       from sincro.order_push p where p.azi = $1 and p.state = 'acquired' and p.acquired_at is not null)
     select 'acquired' as name, count(*)::text as value from acquired
     union all select 'seconds', coalesce(sum(seconds), 0)::text from acquired
     union all select 'le_0.1', count(*)::text from acquired where seconds <= 0.1
     union all select 'le_3600', count(*)::text from acquired where seconds <= 3600
     union all select 'rejected', count(*)::text from sincro.order_events e where e.azi = $1 and e.event = 'push_rejected'
     union all select 'failed', count(*)::text from sincro.order_events e where e.azi = $1 and e.event = 'push_failed'
     union all select 'pending_erp', count(*)::text from sincro.arportes a where a.azi = $1 and a.ack_gest = 0
     union all select 'pending_store', count(*)::text from sincro.arportes a where a.azi = $1 and a.ack_store = 0 and a.id_sincro > 0
     union all select 'pending_app', count(*)::text from sincro.arportes a where a.azi = $1 and a.ack_app = 0 and a.id_sincro > 0`,
    [azi],
  );
  return Object.fromEntries(result.rows.map((row) => [row.name, Number(row.value)]));
}

function reported(figures: Figures, azi: string): Record<string, number> {
  const get = (metric: string, labels: Record<string, string>): number => {
    const value = figures.get(sampleKey(metric, labels));
    if (value === undefined) throw new Error(`no sample ${metric} ${JSON.stringify(labels)}`);
    return value;
  };
  return {
    acquired: get("sincro_push_total", { azi, outcome: "acquired" }),
    seconds: get("sincro_push_duration_seconds_sum", { azi }),
    "le_0.1": get("sincro_push_duration_seconds_bucket", { azi, le: "0.1" }),
    le_3600: get("sincro_push_duration_seconds_bucket", { azi, le: "3600" }),
    rejected: get("sincro_push_total", { azi, outcome: "rejected" }),
    failed: get("sincro_push_total", { azi, outcome: "failed" }),
    pending_erp: get("sincro_orders_pending", { azi, party: "erp" }),
    pending_store: get("sincro_orders_pending", { azi, party: "store" }),
    pending_app: get("sincro_orders_pending", { azi, party: "app" }),
  };
}

const COUNTERS = /^sincro_push_(total|duration_seconds_(bucket|sum|count))/;

/** Pushes each order the way the worker does: claim, then the ERP's answer (a failure is claimed and answered again). */
async function pushOrders(url: string, azi: string, orders: readonly number[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const idPub of orders) {
      await client.query("select sincro.push_claim($1, $2)", [azi, idPub]);
      if (idPub % 5 === 0) {
        await client.query("select sincro.push_rejected($1, $2, 'customer unknown')", [azi, idPub]);
        continue;
      }
      if (idPub % 5 === 1) {
        await client.query("select sincro.push_failed($1, $2, 'ECONNREFUSED')", [azi, idPub]);
        await client.query("select sincro.push_claim($1, $2)", [azi, idPub]);
      }
      await client.query("select sincro.push_acquired($1, $2, $3)", [azi, idPub, `K${azi}-${idPub}`]);
    }
  } finally {
    await client.end();
  }
}

/** A compaction in two statements (each its own snapshot): what the one-statement DELETE … RETURNING guards against. */
const NAIVE_COMPACT = `
  create or replace function sincro.metric_compact() returns bigint language plpgsql volatile set search_path = pg_catalog, pg_temp as $$
  begin
    insert into sincro_private.metric_rollup as r (azi, metric, bucket, n, seconds)
      select d.azi, d.metric, case when d.metric = 'push_acquired' then sincro_private.push_duration_bucket(d.seconds) else '' end,
             sum(d.n), sum(d.seconds)
      from sincro_private.metric_delta d group by 1, 2, 3
      on conflict (azi, metric, bucket) do update set n = r.n + excluded.n, seconds = r.seconds + excluded.seconds;
    perform pg_sleep(0.005);
    delete from sincro_private.metric_delta;
    return 0;
  end;
  $$;`;

interface Run {
  readonly decreases: string[];
  readonly scrapes: number;
  readonly compactions: number;
}

/** The workload of tests 1 and 2: concurrent pushes, two compactors and a scraper until the pushes end. */
async function pushWhileCompactingAndScraping(url: string, azi: string, orders: readonly number[]): Promise<Run> {
  let pushing = true;
  const decreases: string[] = [];
  let scrapes = 0;
  let compactions = 0;
  const compactor = async (): Promise<void> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      while (pushing) {
        await client.query("select sincro.metric_compact()");
        compactions++;
      }
    } finally {
      await client.end();
    }
  };
  const scraper = async (): Promise<void> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      let previous: Figures = new Map();
      while (pushing) {
        const current = await scrape(client);
        scrapes++;
        for (const [key, value] of current) {
          const before = previous.get(key);
          if (COUNTERS.test(key) && before !== undefined && value < before) decreases.push(`${key}: ${before} → ${value}`);
        }
        previous = current;
      }
    } finally {
      await client.end();
    }
  };
  const workers = 8;
  const slices = Array.from({ length: workers }, (_, w) => orders.filter((_, i) => i % workers === w));
  const background = [compactor(), compactor(), scraper()];
  try {
    await Promise.all(slices.map((slice) => pushOrders(url, azi, slice)));
  } finally {
    pushing = false;
    await Promise.all(background);
  }
  return { decreases, scrapes, compactions };
}

async function seedOrders(pool: Pool, azi: string, count: number): Promise<number[]> {
  await registerCompany(pool, azi, "manual");
  const orders: number[] = [];
  for (let i = 1; i <= count; i++) orders.push(await insertStoreOrder(pool, azi, `o${i}`));
  return orders;
}

describe("metric counters under concurrent pushes and compactions", () => {
  let hub: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    hub = await createTestDatabase("metric_counters");
    pool = new Pool({ connectionString: hub.url, max: 4 });
  });

  afterAll(async () => {
    await pool?.end();
    await hub?.drop();
  });

  it("exact after concurrent pushes and compactions, and no counter ever went down", async () => {
    const orders = await seedOrders(pool, "MC1", 200);
    const run = await pushWhileCompactingAndScraping(hub.url, "MC1", orders);
    // TEST: the scraper and the compactors really ran alongside the pushes
    expect(run.scrapes).toBeGreaterThan(3);
    expect(run.compactions).toBeGreaterThan(3);
    // TEST: monotonic: no counter sample was ever lower than the one before
    expect(run.decreases).toEqual([]);
    // TEST: exact, with deltas left and after a last compaction
    const truth = await countedOverTables(pool, "MC1");
    expect(truth.acquired).toBe(160);
    expect(truth.rejected).toBe(40);
    expect(truth.failed).toBe(40);
    expect(reported(await scrape(pool), "MC1")).toEqual(truth);
    await pool.query("select sincro.metric_compact()");
    expect((await pool.query("select count(*)::int as n from sincro_private.metric_delta")).rows[0]?.n).toBe(0);
    expect(reported(await scrape(pool), "MC1")).toEqual(truth);
  });

  it("the check above fails against a compaction that sums and deletes in two statements", async () => {
    const naive = await createTestDatabase("metric_counters_naive");
    const naivePool = new Pool({ connectionString: naive.url, max: 4 });
    try {
      await naivePool.query(NAIVE_COMPACT);
      const orders = await seedOrders(naivePool, "MC2", 200);
      await pushWhileCompactingAndScraping(naive.url, "MC2", orders);
      // TEST: deltas committed between the sum and the delete are lost: the figures fall short
      const truth = await countedOverTables(naivePool, "MC2");
      expect(reported(await scrape(naivePool), "MC2")).not.toEqual(truth);
    } finally {
      await naivePool.end();
      await naive.drop();
    }
  });

  it("a compaction skips what is not committed, does not wait for it, changes no figure; a second one returns at once", async () => {
    const [first] = await seedOrders(pool, "MC3", 1);
    const pusher = new Client({ connectionString: hub.url });
    const compactor = new Client({ connectionString: hub.url });
    await pusher.connect();
    await compactor.connect();
    try {
      await pool.query("select sincro.push_claim('MC3', $1)", [first]);
      await pool.query("select sincro.metric_compact()");
      const before = reported(await scrape(pool), "MC3");

      // an acquisition still open: its delta is neither visible nor folded, and the compaction does not wait for it
      await pusher.query("begin");
      await pusher.query("select sincro.push_acquired('MC3', $1, 'KMC3')", [first]);
      await compactor.query("select sincro.metric_compact()");
      // TEST: nothing changes while the push is open
      expect(reported(await scrape(pool), "MC3")).toEqual(before);
      await pusher.query("commit");
      const after = reported(await scrape(pool), "MC3");
      // TEST: the commit shows at once (from its delta)
      expect(after.acquired).toBe((before.acquired ?? NaN) + 1);
      expect(after.pending_erp).toBe((before.pending_erp ?? NaN) - 1);
      // TEST: a compaction folds it and changes no figure
      expect(Number((await compactor.query("select sincro.metric_compact() as n")).rows[0]?.n)).toBeGreaterThan(0);
      expect(reported(await scrape(pool), "MC3")).toEqual(after);
      expect(after).toEqual(await countedOverTables(pool, "MC3"));

      // TEST: while one compaction holds its lock, another returns 0 at once
      await compactor.query("begin");
      await compactor.query("select sincro.metric_compact()");
      const second = await pool.query("select sincro.metric_compact() as n");
      expect(Number(second.rows[0]?.n)).toBe(0);
      await compactor.query("commit");
    } finally {
      await pusher.end();
      await compactor.end();
    }
  });
});
