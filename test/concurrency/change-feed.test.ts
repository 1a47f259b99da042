/*
 * The change feed under real concurrency (docs/protocol.md, "The company's
 * counters": change numbers grow in commit order).
 *
 * Consumers read `sincro.changes_since(azi, cursor)` and keep the largest
 * id_sincro they saw as their next cursor. That never misses a change only if
 * change numbers grow in commit order; and the way the hub gets that order (a
 * counter row locked until commit) must not make ERP transactions deadlock.
 *
 * 1. Sixteen slow, overlapping ERP writers and a reader following the feed:
 *    the reader's copy must equal the table, with no deadlock and no error.
 *    The same workload is then run against the two naive designs of
 *    naive-designs.ts and is shown to catch each: with a plain sequence the
 *    reader misses changes; with the counter taken at the first row written,
 *    writers deadlock.
 * 2. The plain sequence's failure as a deterministic two-transaction
 *    interleaving (a late commit below the cursor), and the hub passing it.
 * 3. The counter-at-first-row deadlock as a deterministic interleaving
 *    (crossing writes), and the hub, which takes the counter last, at commit,
 *    passing it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { COUNTER_AT_FIRST_ROW_ID_SINCRO, installDesign, PLAIN_SEQUENCE_ID_SINCRO } from "./naive-designs";
import { counters, erpWriteOrder, registerCompany, seedStoreOrders } from "./orders";
import {
  closeSessions,
  openSession,
  outcomeOf,
  randomInt,
  seededRandom,
  settledOrWaitingOnLock,
  shuffled,
  sleep,
  sqlstateOf,
  toSafeInteger,
  withDeadline,
  type Outcome,
  type Session,
} from "./sessions";

/** One order as a consumer keeps it. */
interface FeedRow {
  readonly id_pub: number;
  readonly id_sincro: number;
  readonly conferma: string | null;
}

/**
 * A consumer following the feed the documented way: ask for rows above the
 * cursor, keep the latest version of each order, move the cursor to the
 * largest id_sincro read. It also notes any batch that breaks the feed's
 * contract (a row at or below the cursor, or out of order).
 */
class FeedReader {
  cursor = 0;
  readonly copy = new Map<number, FeedRow>();
  readonly contractViolations: string[] = [];

  constructor(
    private readonly session: Session,
    private readonly azi: string,
    private readonly batchSize = 50,
  ) {}

  /** Reads one batch; returns how many rows it held. */
  async readBatch(): Promise<number> {
    const result = await this.session.client.query<{ id_pub: string; id_sincro: string; conferma: string | null }>(
      "select id_pub, id_sincro, conferma from sincro.changes_since($1, $2, $3)",
      [this.azi, this.cursor, this.batchSize],
    );
    for (const raw of result.rows) {
      const row: FeedRow = {
        id_pub: toSafeInteger(raw.id_pub),
        id_sincro: toSafeInteger(raw.id_sincro),
        conferma: raw.conferma,
      };
      if (row.id_sincro <= this.cursor) {
        this.contractViolations.push(`order ${row.id_pub} came with id_sincro ${row.id_sincro} at cursor ${this.cursor}`);
      }
      this.copy.set(row.id_pub, row);
      this.cursor = Math.max(this.cursor, row.id_sincro);
    }
    return result.rows.length;
  }

  /** Reads until a batch comes back empty. */
  async drain(): Promise<void> {
    while ((await this.readBatch()) > 0) {
      /* keep reading */
    }
  }

  sortedCopy(): FeedRow[] {
    return [...this.copy.values()].sort((a, b) => a.id_pub - b.id_pub);
  }
}

/** What the table holds for consumers: every order the ERP side has published (id_sincro > 0). */
async function publishedRows(session: Session, azi: string): Promise<FeedRow[]> {
  const result = await session.client.query<{ id_pub: string; id_sincro: string; conferma: string | null }>(
    "select id_pub, id_sincro, conferma from sincro.arportes where azi = $1 and id_sincro > 0 order by id_pub",
    [azi],
  );
  return result.rows.map((raw) => ({
    id_pub: toSafeInteger(raw.id_pub),
    id_sincro: toSafeInteger(raw.id_sincro),
    conferma: raw.conferma,
  }));
}

// ---------------------------------------------------------------------------
// 1. Sixteen ERP writers and a cursor reader
// ---------------------------------------------------------------------------

const WRITERS = 16;
const OWN_ORDERS_PER_WRITER = 5;
const HOT_ORDERS = 4;
const UNTOUCHED_ORDERS = 6;

interface WriterError {
  readonly writer: number;
  readonly transaction: number;
  readonly code: string;
  readonly message: string;
}

interface WorkloadResult {
  readonly reader: FeedReader;
  readonly writerErrors: WriterError[];
  readonly plannedTransactions: number;
  readonly committedTransactions: number;
  readonly erpMadeOrders: number;
  readonly hotWrites: number;
  readonly multiOrderTransactions: number;
  /** Most transactions that had written and not yet ended, at one time. */
  readonly mostTransactionsOpenAtOnce: number;
  readonly batchesReadWhileWriting: number;
  /** Orders some committed transaction changed or created. */
  readonly touchedOrders: ReadonlySet<number>;
}

/*
 * Each writer is the ERP answering in slow transactions: BEGIN; sometimes
 * export one order made in the ERP (first, see below); then change 2-4 orders
 * in random order with a few ms between statements; COMMIT.
 *
 * Which orders a transaction touches is chosen so that row locks alone can
 * never form a cycle: each writer changes its own orders (no one else locks
 * them) plus at most ONE order from a small shared "hot" pool, at a random
 * position. A transaction therefore waits on at most one row held by another
 * transaction, and holds no row anyone else wants except that hot one: a
 * wait-for cycle through rows alone is impossible. Any deadlock here would
 * have to come from the change-number counter, which is what this guards.
 * (Two transactions locking two shared orders in opposite order deadlock in
 * every design; that is the ERP's business, not the hub's.)
 *
 * The order made in the ERP comes first because creating it takes the
 * company's public-ID counter lock, held to commit (gap-free public IDs need
 * that). Taken after a row lock, it can cycle with another writer that holds
 * the public-ID counter and wants that row: a deadlock of the public-ID
 * counter, not of the change feed, left out of this test on purpose.
 *
 * The hot position is random so that, with a counter taken at the first row
 * (COUNTER_AT_FIRST_ROW_ID_SINCRO), some transaction holds the counter while
 * waiting for a hot row another holds while waiting for the counter.
 */
async function runErpWorkload(url: string, azi: string, seed: number): Promise<WorkloadResult> {
  const setup = await openSession(url);
  const readerSession = await openSession(url);
  const writers: Session[] = [];
  try {
    await registerCompany(setup.client, azi);
    const seeded = await seedStoreOrders(
      setup.client,
      azi,
      HOT_ORDERS + WRITERS * OWN_ORDERS_PER_WRITER + UNTOUCHED_ORDERS,
    );
    const hot = seeded.slice(0, HOT_ORDERS);
    const ownBy = Array.from({ length: WRITERS }, (_, w) =>
      seeded.slice(HOT_ORDERS + w * OWN_ORDERS_PER_WRITER, HOT_ORDERS + (w + 1) * OWN_ORDERS_PER_WRITER),
    );
    // A short deadlock_timeout makes PostgreSQL look for cycles soon after a wait starts
    // (superuser setting; the test server's role is one).
    for (let w = 0; w < WRITERS; w++) writers.push(await openSession(url, { deadlock_timeout: "100ms" }));

    const reader = new FeedReader(readerSession, azi);
    const writerErrors: WriterError[] = [];
    let plannedTransactions = 0;
    let committedTransactions = 0;
    let erpMadeOrders = 0;
    let hotWrites = 0;
    let multiOrderTransactions = 0;
    let open = 0;
    let mostTransactionsOpenAtOnce = 0;
    let writing = true;
    let batchesReadWhileWriting = 0;
    const touchedOrders = new Set<number>();

    const writeLoop = async (w: number): Promise<void> => {
      const random = seededRandom(seed * 1000 + w);
      const client = (writers[w] as Session).client;
      const own = [...(ownBy[w] as number[])];
      const transactions = randomInt(random, 15, 25);
      plannedTransactions += transactions;
      for (let t = 0; t < transactions; t++) {
        const makeErpOrder = random() < 0.25;
        const size = randomInt(random, 2, 4);
        const withHot = random() < 0.6;
        const ownTargets = shuffled(random, own).slice(0, withHot ? size - 1 : size);
        const targets = shuffled(random, withHot ? [...ownTargets, hot[randomInt(random, 0, HOT_ORDERS - 1)] as number] : ownTargets);
        let created: number | null = null;
        // Counted from its first write (it holds row locks) to its end.
        let holdsLocks = false;
        const wrote = () => {
          if (holdsLocks) return;
          holdsLocks = true;
          open++;
          mostTransactionsOpenAtOnce = Math.max(mostTransactionsOpenAtOnce, open);
        };
        try {
          await client.query("begin");
          if (makeErpOrder) {
            created = await erpWriteOrder(client, azi, {
              tor_chia: `C2017${String(w * 1000 + t).padStart(8, "0")}`,
              conferma: `E${w}-${t}`,
              autore_tipo: "O",
              autore_cod: "75",
              lines: [{ articolo: "X", quantita: 1 }],
            });
            wrote();
          }
          for (const idPub of targets) {
            await sleep(randomInt(random, 1, 15));
            await erpWriteOrder(client, azi, {
              id_pub: idPub,
              conferma: `W${w}-T${t}-${randomInt(random, 0, 999_999)}`,
              note: `writer ${w}, transaction ${t}`,
            });
            wrote();
          }
          await sleep(randomInt(random, 1, 5));
          await client.query("commit");
          committedTransactions++;
          if (created !== null) {
            erpMadeOrders++;
            own.push(created);
            touchedOrders.add(created);
          }
          for (const idPub of targets) touchedOrders.add(idPub);
          if (withHot) hotWrites++;
          if (targets.length + (created === null ? 0 : 1) >= 3) multiOrderTransactions++;
        } catch (error) {
          writerErrors.push({
            writer: w,
            transaction: t,
            code: sqlstateOf(error),
            message: error instanceof Error ? error.message : String(error),
          });
          await client.query("rollback").catch(() => undefined);
        } finally {
          if (holdsLocks) open--;
        }
      }
    };

    const readLoop = async (): Promise<void> => {
      while (writing) {
        const rows = await reader.readBatch();
        if (rows > 0) batchesReadWhileWriting++;
        else await sleep(2);
      }
      await reader.drain();
    };

    // Settles, never rejects: if a writer loop breaks, the reader must not leave an unhandled error.
    const readerDone = outcomeOf(readLoop());
    try {
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writeLoop(w)));
    } finally {
      writing = false;
    }
    const read = await readerDone;
    if (!read.ok) throw new Error(`the feed reader failed: ${read.code} ${read.message}`);

    return {
      reader,
      writerErrors,
      plannedTransactions,
      committedTransactions,
      erpMadeOrders,
      hotWrites,
      multiOrderTransactions,
      mostTransactionsOpenAtOnce,
      batchesReadWhileWriting,
      touchedOrders,
    };
  } finally {
    await closeSessions([setup, readerSession, ...writers]);
  }
}

/** Orders whose latest committed version the reader does not hold. */
function staleInCopy(reader: FeedReader, table: readonly FeedRow[]): FeedRow[] {
  return table.filter((row) => {
    const copy = reader.copy.get(row.id_pub);
    return copy === undefined || copy.id_sincro !== row.id_sincro || copy.conferma !== row.conferma;
  });
}

// ---------------------------------------------------------------------------
// 2. A change committed late, below the reader's cursor
// ---------------------------------------------------------------------------

/*
 * T1 changes order A and stays open; T2 changes order B and commits; the
 * reader reads and moves its cursor past B; T1 commits; the reader reads
 * again. With a sequence, A's number was taken before B's, so it is below
 * the cursor when it becomes visible: the reader never sees it. With the
 * hub's counter, A gets its number at T1's commit, above B's.
 */
async function lateCommitInterleaving(url: string, azi: string) {
  const setup = await openSession(url);
  const t1 = await openSession(url);
  const t2 = await openSession(url);
  const readerSession = await openSession(url);
  try {
    await registerCompany(setup.client, azi);
    const [a, b] = await seedStoreOrders(setup.client, azi, 2);
    if (a === undefined || b === undefined) throw new Error("seed gave fewer than 2 orders");
    const reader = new FeedReader(readerSession, azi);

    await t1.client.query("begin");
    await erpWriteOrder(t1.client, azi, { id_pub: a, conferma: "T1-A" });
    await t2.client.query("begin");
    await erpWriteOrder(t2.client, azi, { id_pub: b, conferma: "T2-B" });
    await t2.client.query("commit");
    await reader.drain();
    const cursorAfterB = reader.cursor;
    await t1.client.query("commit");
    await reader.drain();

    return { a, b, cursorAfterB, reader, table: await publishedRows(setup, azi) };
  } finally {
    await closeSessions([setup, t1, t2, readerSession]);
  }
}

// ---------------------------------------------------------------------------
// 3. Two transactions writing two orders in crossing order
// ---------------------------------------------------------------------------

/*
 * T1 writes A; T2 writes B; T1 writes B (waits for T2's row lock); then each
 * commits (or rolls back if its statement failed). With the counter taken at
 * the first row, T1 holds the counter and waits for row B while T2 holds row B
 * and waits for the counter: PostgreSQL breaks the cycle with 40P01. With the
 * hub's design T2 never waits during its write (the counter is taken only at
 * commit), so T1 simply waits for T2 to commit.
 *
 * deadlock_timeout is short so the detector answers quickly; lock_timeout
 * turns an undetected hang into an error instead of a stuck test.
 */
async function crossingWritesInterleaving(url: string, azi: string) {
  const settings = { deadlock_timeout: "100ms", lock_timeout: "10s" };
  const setup = await openSession(url);
  const monitor = await openSession(url);
  const t1 = await openSession(url, settings);
  const t2 = await openSession(url, settings);
  try {
    await registerCompany(setup.client, azi);
    const [a, b] = await seedStoreOrders(setup.client, azi, 2);
    if (a === undefined || b === undefined) throw new Error("seed gave fewer than 2 orders");

    await t1.client.query("begin");
    await erpWriteOrder(t1.client, azi, { id_pub: a, conferma: "T1-A" });

    await t2.client.query("begin");
    const t2WritesB = outcomeOf(erpWriteOrder(t2.client, azi, { id_pub: b, conferma: "T2-B" }));
    const t2State = await settledOrWaitingOnLock(t2WritesB, t2, monitor.client);

    const t1WritesB = outcomeOf(erpWriteOrder(t1.client, azi, { id_pub: b, conferma: "T1-B" }));
    const t1State = await settledOrWaitingOnLock(t1WritesB, t1, monitor.client);

    const finish = async (session: Session, write: Promise<Outcome>): Promise<Outcome> => {
      const written = await write;
      if (!written.ok) {
        await session.client.query("rollback");
        return written;
      }
      return outcomeOf(session.client.query("commit"));
    };
    const [t1Outcome, t2Outcome] = await withDeadline(
      20_000,
      "crossing writes",
      Promise.all([finish(t1, t1WritesB), finish(t2, t2WritesB)]),
    );

    const rows = await publishedRows(setup, azi);
    return { a, b, t1State, t2State, t1Outcome, t2Outcome, rows, counters: await counters(setup.client, azi) };
  } finally {
    await closeSessions([setup, monitor, t1, t2]);
  }
}

// ---------------------------------------------------------------------------

describe("change feed: change numbers in commit order, without deadlocks", () => {
  let hub: TestDatabase;
  let plainSequence: TestDatabase;
  let counterAtFirstRow: TestDatabase;
  const seed = Number(process.env.SINCRO_TEST_SEED ?? Date.now() % 100_000);
  const context = `seed ${seed} (replay the writers' choices with SINCRO_TEST_SEED=${seed})`;

  beforeAll(async () => {
    // One after the other: migrations change the working directory while they run.
    hub = await createTestDatabase("feed_hub");
    plainSequence = await createTestDatabase("feed_naive_seq");
    counterAtFirstRow = await createTestDatabase("feed_naive_counter");
    const admins = [await openSession(plainSequence.url), await openSession(counterAtFirstRow.url)];
    try {
      await installDesign((admins[0] as Session).client, PLAIN_SEQUENCE_ID_SINCRO);
      await installDesign((admins[1] as Session).client, COUNTER_AT_FIRST_ROW_ID_SINCRO);
    } finally {
      await closeSessions(admins);
    }
  });

  afterAll(async () => {
    await Promise.all([hub?.drop(), plainSequence?.drop(), counterAtFirstRow?.drop()]);
  });

  it("16 ERP writers and a cursor reader agree", async () => {
    const azi = "C00001";
    const result = await withDeadline(40_000, "ERP workload", runErpWorkload(hub.url, azi, seed));

    // TEST: no writer hit a deadlock (40P01) or any other error: every transaction committed.
    expect(result.writerErrors, context).toEqual([]);
    expect(result.committedTransactions, context).toBe(result.plannedTransactions);

    // TEST: the workload really was concurrent and did what it claims.
    expect(result.mostTransactionsOpenAtOnce, context).toBeGreaterThanOrEqual(8);
    expect(result.hotWrites, context).toBeGreaterThan(50);
    expect(result.erpMadeOrders, context).toBeGreaterThan(10);
    expect(result.multiOrderTransactions, context).toBeGreaterThan(100);
    expect(result.batchesReadWhileWriting, context).toBeGreaterThan(0);

    // TEST: every batch the reader got was above its cursor, in order.
    expect(result.reader.contractViolations, context).toEqual([]);

    const check = await openSession(hub.url);
    try {
      const table = await publishedRows(check, azi);
      // TEST: the reader's copy equals the table: same orders, same change numbers, same data.
      expect(result.reader.sortedCopy(), context).toEqual(table);
      // TEST: the published orders are exactly those a committed transaction wrote.
      expect(table.map((row) => row.id_pub), context).toEqual([...result.touchedOrders].sort((x, y) => x - y));

      const numbers = await check.client.query<{
        rows: string;
        distinct_numbers: string;
        pending: string;
        max_number: string | null;
        history_numbers: string;
        history_pairs: string;
      }>(
        `select
           (select count(*) from sincro.arportes where azi = $1 and id_sincro > 0) as rows,
           (select count(distinct id_sincro) from sincro.arportes where azi = $1 and id_sincro > 0) as distinct_numbers,
           (select count(*) from sincro.arportes where azi = $1 and id_sincro is null) as pending,
           (select max(id_sincro) from sincro.arportes where azi = $1) as max_number,
           (select count(distinct id_sincro) from sincro.arportes_history where azi = $1 and id_sincro > 0) as history_numbers,
           (select count(distinct (id_pub, id_sincro)) from sincro.arportes_history where azi = $1 and id_sincro > 0) as history_pairs`,
        [azi],
      );
      const n = numbers.rows[0];
      if (n === undefined) throw new Error("the count query returned no row");
      const { lastIdSincro } = await counters(check.client, azi);
      // TEST: change numbers are unique per company and none is left NULL after commit.
      expect(toSafeInteger(n.distinct_numbers), context).toBe(toSafeInteger(n.rows));
      expect(toSafeInteger(n.pending), context).toBe(0);
      // TEST: the counter is the largest number, and every number it handed out went to
      // exactly one order version (in the history, numbers = (order, number) pairs = counter).
      expect(toSafeInteger(n.max_number), context).toBe(lastIdSincro);
      expect(toSafeInteger(n.history_numbers), context).toBe(lastIdSincro);
      expect(toSafeInteger(n.history_pairs), context).toBe(lastIdSincro);
    } finally {
      await closeSessions([check]);
    }
  });

  /*
   * The same workload and the same reader against the naive designs: the test
   * above is what catches them.
   */
  it("the same workload against a plain sequence: the reader misses changes", async () => {
    const azi = "C00001";
    const result = await withDeadline(40_000, "ERP workload", runErpWorkload(plainSequence.url, azi, seed));
    const check = await openSession(plainSequence.url);
    try {
      const table = await publishedRows(check, azi);
      const stale = staleInCopy(result.reader, table);
      // TEST (naive design, shown failing): no error, yet the reader's copy differs from the
      // table: versions committed with numbers below the cursor the reader had already passed.
      expect(result.writerErrors, context).toEqual([]);
      expect(result.reader.sortedCopy(), context).not.toEqual(table);
      expect(stale.length, context).toBeGreaterThan(0);
      expect(stale.filter((row) => row.id_sincro > result.reader.cursor), context).toEqual([]);
    } finally {
      await closeSessions([check]);
    }
  });

  it("the same workload with the counter taken at the first row: deadlocks", async () => {
    const azi = "C00001";
    const result = await withDeadline(40_000, "ERP workload", runErpWorkload(counterAtFirstRow.url, azi, seed));
    // TEST (naive design, shown failing): writers die with 40P01, and with nothing else.
    expect(result.writerErrors.length, context).toBeGreaterThan(0);
    expect([...new Set(result.writerErrors.map((e) => e.code))], context).toEqual(["40P01"]);
    // (Its numbers are still in commit order: the feed itself stays right, for the
    // transactions that survive.)
    const check = await openSession(counterAtFirstRow.url);
    try {
      expect(result.reader.sortedCopy(), context).toEqual(await publishedRows(check, azi));
    } finally {
      await closeSessions([check]);
    }
  });

  it("a late commit: a plain sequence hides it below the cursor, the commit-time counter does not", async () => {
    const naive = await lateCommitInterleaving(plainSequence.url, "C00002");
    const naiveA = naive.table.find((row) => row.id_pub === naive.a);
    // TEST (naive design, shown failing): A is published below the cursor the reader
    // already moved to, so the reader never gets it and its copy differs from the table.
    expect(naiveA).toBeDefined();
    expect(naiveA?.id_sincro).toBeLessThan(naive.cursorAfterB);
    expect(naive.reader.copy.has(naive.a)).toBe(false);
    expect(naive.reader.sortedCopy()).not.toEqual(naive.table);

    // The hub: same interleaving, another company in the real schema.
    const real = await lateCommitInterleaving(hub.url, "C00002");
    const realA = real.table.find((row) => row.id_pub === real.a);
    // TEST: A is numbered at its commit, above B; the reader sees both and agrees with the table.
    expect(realA?.id_sincro).toBeGreaterThan(real.cursorAfterB);
    expect(real.reader.copy.get(real.a)?.conferma).toBe("T1-A");
    expect(real.reader.copy.get(real.b)?.conferma).toBe("T2-B");
    expect(real.reader.sortedCopy()).toEqual(real.table);
  });

  it("crossing writes: the counter taken at the first row deadlocks, taken at commit it does not", async () => {
    const naive = await crossingWritesInterleaving(counterAtFirstRow.url, "C00003");
    // TEST (naive design, shown failing): T2's write of B queues behind T1's counter lock,
    // and T1's write of B then closes the cycle: exactly one of them dies with 40P01,
    // the other commits.
    expect(naive.t2State).toBe("waiting");
    const naiveOutcomes = [naive.t1Outcome, naive.t2Outcome];
    expect(naiveOutcomes.map((o) => (o.ok ? "ok" : o.code)).sort()).toEqual(["40P01", "ok"]);

    const real = await crossingWritesInterleaving(hub.url, "C00003");
    // TEST: in the hub T2's write does not wait at all; T1 waits only for T2's row lock.
    expect(real.t2State).toBe("settled");
    expect(real.t1State).toBe("waiting");
    // TEST: both commit, no error.
    expect(real.t1Outcome).toEqual({ ok: true });
    expect(real.t2Outcome).toEqual({ ok: true });
    // TEST: T1 wrote B last; numbers follow commit order: T2's B got 1, then T1's two rows 2 and 3.
    const byId = new Map(real.rows.map((row) => [row.id_pub, row]));
    expect(byId.get(real.a)?.conferma).toBe("T1-A");
    expect(byId.get(real.b)?.conferma).toBe("T1-B");
    expect(real.counters.lastIdSincro).toBe(3);
    expect(real.rows.map((row) => row.id_sincro).sort((x, y) => x - y)).toEqual([2, 3]);
  });
});
