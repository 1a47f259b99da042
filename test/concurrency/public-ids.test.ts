/*
 * Public order IDs under concurrent inserts (docs/protocol.md, "The
 * company's counters"): per company they run 1..N with no gap and no duplicate, however
 * many parties insert at once, whatever rolls back, and however often a party
 * retries an order the hub already has.
 *
 * The guard is the company's public-ID counter row, updated by the insert
 * trigger and locked until commit. The naive design it replaces, a plain
 * sequence, is shown failing the same workload.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { installDesign, PLAIN_SEQUENCE_ID_PUB } from "./naive-designs";
import { counters, erpWriteOrder, insertOrder, publicIds, registerCompany, type NewOrder } from "./orders";
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
  type Session,
} from "./sessions";

const WRITERS = 16;
const COMMITTED_PER_WRITER = 25;
const ROLLBACKS_PER_WRITER = 3;
const RETRIES_PER_WRITER = 3;
/** Store writers 0..11 work in pairs that both send the same "shared" orders. */
const STORE_WRITERS = 12;
const SHARED_PER_PAIR = 3;
/** Writers 12..14 are app devices; writer 15 is the ERP exporting its own orders. */
const ERP_WRITER = 15;

type Action =
  | { readonly kind: "commit" }
  | { readonly kind: "rollback" }
  | { readonly kind: "no_lines" }
  | { readonly kind: "retry" }
  | { readonly kind: "shared"; readonly index: number };

interface WorkloadResult {
  /** Creator key -> public ID, for every order whose transaction committed with a row. */
  readonly committed: Map<string, number>;
  /** Creator keys of orders whose transaction rolled back or was refused at commit. */
  readonly notCommitted: Set<string>;
  /**
   * Retries of a committed order: the public ID the first insert got, what the
   * retried INSERT returned (null: skipped), and what find_order answers after it
   * (for the ERP, which has no INSERT: what erp_write_order answered).
   */
  readonly retries: { key: string; original: number; retried: number | null; found: number | null }[];
  /** Shared order key -> public IDs that the two writers' inserts returned (null: skipped). */
  readonly shared: Map<string, (number | null)[]>;
  readonly noLinesRefusals: string[];
  readonly errors: string[];
}

function creatorKey(order: NewOrder): string {
  return `${order.prov_tipo}/${order.prov_id ?? ""}/${order.id_int}`;
}

/*
 * Each writer runs its own schedule: 25 orders that commit, 3 that roll back
 * after header and lines, 1 header without lines (refused at commit, SY105),
 * 3 retries of one of its committed orders (the hub skips them: INSERT returns
 * no row), and for store pairs 3 "shared" orders both writers of the pair send
 * at the same point of their schedules (one stores it, the other is skipped).
 * The first and the last action commit, so every rollback is followed by a
 * commit of the same writer: with a sequence, that always leaves a gap.
 * Each header waits 0-3 ms before its lines, holding the counter lock, so
 * writers queue behind each other.
 */
function scheduleOf(writer: number, random: () => number): Action[] {
  const middle: Action[] = [
    ...Array.from({ length: COMMITTED_PER_WRITER - 2 }, (): Action => ({ kind: "commit" })),
    ...Array.from({ length: ROLLBACKS_PER_WRITER }, (): Action => ({ kind: "rollback" })),
    ...Array.from({ length: RETRIES_PER_WRITER }, (): Action => ({ kind: "retry" })),
    ...(writer === ERP_WRITER ? [] : [{ kind: "no_lines" } as const]),
  ];
  const schedule: Action[] = [{ kind: "commit" }, ...shuffled(random, middle), { kind: "commit" }];
  if (writer < STORE_WRITERS) {
    // The same positions for both writers of a pair, from the pair's own seed.
    const pairRandom = seededRandom(Math.floor(writer / 2) + 7919);
    for (let index = 0; index < SHARED_PER_PAIR; index++) {
      schedule.splice(randomInt(pairRandom, 1, schedule.length - 1), 0, { kind: "shared", index });
    }
  }
  return schedule;
}

async function runInsertWorkload(url: string, azi: string, seed: number): Promise<WorkloadResult> {
  const setup = await openSession(url);
  const writers: Session[] = [];
  try {
    await registerCompany(setup.client, azi);
    for (let w = 0; w < WRITERS; w++) writers.push(await openSession(url));

    const committed = new Map<string, number>();
    const notCommitted = new Set<string>();
    const retries: WorkloadResult["retries"] = [];
    const shared = new Map<string, (number | null)[]>();
    const noLinesRefusals: string[] = [];
    const errors: string[] = [];

    const writeLoop = async (w: number): Promise<void> => {
      const random = seededRandom(seed * 1000 + w);
      const client = (writers[w] as Session).client;
      const own: { key: string; order: NewOrder; id: number }[] = [];
      const exportedTorChia: string[] = [];
      const holdCounter = () => sleep(randomInt(random, 0, 3));
      let sequence = 0;
      const nextOrder = (): NewOrder =>
        w < STORE_WRITERS
          ? { prov_tipo: "S", id_int: `w${w}-${++sequence}` }
          : { prov_tipo: "A", prov_id: `D${w}`, id_int: `${++sequence}` };
      const nextErpKey = () => `C2017${String(w * 1000 + ++sequence).padStart(8, "0")}`;

      for (const action of scheduleOf(w, random)) {
        await sleep(randomInt(random, 0, 2));
        let key = "";
        try {
          await client.query("begin");
          if (w === ERP_WRITER) {
            // The ERP exports an order made in the ERP: a new public ID from the same counter.
            const torChia =
              action.kind === "retry" ? exportedTorChia[randomInt(random, 0, exportedTorChia.length - 1)] : nextErpKey();
            if (torChia === undefined) throw new Error("a retry before any commit (schedule starts with a commit)");
            key = `G/${torChia}`;
            const id = await erpWriteOrder(client, azi, {
              tor_chia: torChia,
              autore_tipo: "O",
              autore_cod: "75",
              lines: [{ articolo: "X", quantita: 1 }],
            });
            await holdCounter();
            if (action.kind === "rollback") {
              await client.query("rollback");
              notCommitted.add(key);
              continue;
            }
            await client.query("commit");
            if (action.kind === "retry") {
              // The ERP's retry is the same export again: it answers the order it already made.
              retries.push({ key, original: committed.get(key) ?? -1, retried: null, found: id });
            } else {
              committed.set(key, id);
              exportedTorChia.push(torChia);
            }
            continue;
          }

          if (action.kind === "retry") {
            const first = own[randomInt(random, 0, own.length - 1)];
            if (first === undefined) throw new Error("a retry before any commit (schedule starts with a commit)");
            const retried = await insertOrder(client, azi, first.order);
            await client.query("commit");
            const found = await client.query<{ id: string | null }>(
              "select sincro.find_order($1, $2, $3, $4) as id",
              [azi, first.order.prov_tipo, first.order.prov_id ?? null, first.order.id_int],
            );
            const foundId = found.rows[0]?.id;
            retries.push({ key: first.key, original: first.id, retried, found: foundId == null ? null : toSafeInteger(foundId) });
            continue;
          }

          const order: NewOrder =
            action.kind === "shared"
              ? { prov_tipo: "S", id_int: `shared-${Math.floor(w / 2)}-${action.index}` }
              : nextOrder();
          key = creatorKey(order);
          if (action.kind === "no_lines") {
            await client.query(
              `insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod)
               values ($1, $2, $3, $4, 'C', '0')`,
              [azi, order.prov_tipo, order.prov_id ?? null, order.id_int],
            );
            await holdCounter();
            const commit = await outcomeOf(client.query("commit"));
            if (commit.ok) errors.push(`writer ${w}: order ${key} without lines was committed`);
            else if (commit.code === "SY105") noLinesRefusals.push(key);
            else errors.push(`writer ${w}: order ${key} without lines: ${commit.code} ${commit.message}`);
            notCommitted.add(key);
            continue;
          }

          const id = await insertOrder(client, azi, order, { beforeLines: holdCounter });
          if (action.kind === "rollback") {
            await client.query("rollback");
            notCommitted.add(key);
            continue;
          }
          await client.query("commit");
          if (action.kind === "shared") {
            shared.set(key, [...(shared.get(key) ?? []), id]);
            if (id !== null) committed.set(key, id);
          } else if (id === null) {
            errors.push(`writer ${w}: new order ${key} was skipped as a retry`);
          } else {
            committed.set(key, id);
            own.push({ key, order, id });
          }
        } catch (error) {
          errors.push(`writer ${w}, ${action.kind} ${key}: ${sqlstateOf(error)} ${error instanceof Error ? error.message : String(error)}`);
          await client.query("rollback").catch(() => undefined);
        }
      }
    };

    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writeLoop(w)));
    return { committed, notCommitted, retries, shared, noLinesRefusals, errors };
  } finally {
    await closeSessions([setup, ...writers]);
  }
}

/** Creator key -> public ID of every order the company holds. */
async function storedOrders(session: Session, azi: string): Promise<Map<string, number>> {
  const result = await session.client.query<{ id_pub: string; prov_tipo: "S" | "A" | "G"; prov_id: string | null; id_int: string | null; tor_chia: string | null }>(
    "select id_pub, prov_tipo, prov_id, id_int, tor_chia from sincro.arportes where azi = $1",
    [azi],
  );
  return new Map(
    result.rows.map((row) => [
      row.prov_tipo === "G" ? `G/${row.tor_chia ?? ""}` : `${row.prov_tipo}/${row.prov_id ?? ""}/${row.id_int ?? ""}`,
      toSafeInteger(row.id_pub),
    ]),
  );
}

function oneTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function sortedEntries(map: ReadonlyMap<string, number>): [string, number][] {
  return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
}

describe("public IDs: 1..N per company, no gap, no duplicate", () => {
  let hub: TestDatabase;
  let plainSequence: TestDatabase;
  const seed = Number(process.env.SINCRO_TEST_SEED ?? Date.now() % 100_000);
  const context = `seed ${seed} (replay the writers' choices with SINCRO_TEST_SEED=${seed})`;

  beforeAll(async () => {
    // One after the other: migrations change the working directory while they run.
    hub = await createTestDatabase("ids_hub");
    plainSequence = await createTestDatabase("ids_naive_seq");
    const admin = await openSession(plainSequence.url);
    try {
      await installDesign(admin.client, PLAIN_SEQUENCE_ID_PUB);
    } finally {
      await closeSessions([admin]);
    }
  });

  afterAll(async () => {
    await Promise.all([hub?.drop(), plainSequence?.drop()]);
  });

  it("concurrent inserts for one company: public IDs 1..N, no gap, no duplicate", async () => {
    const azi = "C00001";
    const result = await withDeadline(40_000, "insert workload", runInsertWorkload(hub.url, azi, seed));
    const check = await openSession(hub.url);
    try {
      // TEST: no unexpected error; every header without lines was refused at commit (SY105).
      expect(result.errors, context).toEqual([]);
      expect(result.noLinesRefusals, context).toHaveLength(WRITERS - 1);

      // TEST: every order that committed got one row, and only those: the hub's orders are
      // exactly the committed ones, each with the public ID its INSERT returned.
      const expectedCount = WRITERS * COMMITTED_PER_WRITER + (STORE_WRITERS / 2) * SHARED_PER_PAIR;
      expect(result.committed.size, context).toBe(expectedCount);
      expect(sortedEntries(await storedOrders(check, azi)), context).toEqual(sortedEntries(result.committed));
      expect([...result.notCommitted].filter((key) => result.committed.has(key)), context).toEqual([]);

      // TEST: the public IDs are exactly 1..N, N = committed orders, and the counter says N.
      const n = result.committed.size;
      expect(await publicIds(check.client, azi), context).toEqual(oneTo(n));
      expect((await counters(check.client, azi)).lastIdPub, context).toBe(n);

      // TEST: every retry of an identical order was skipped (no row) and the order keeps its
      // first public ID (find_order; for the ERP, the same tor_chia answers the same id_pub).
      expect(result.retries.length, context).toBe(WRITERS * RETRIES_PER_WRITER);
      for (const retry of result.retries) {
        expect({ key: retry.key, retried: retry.retried, found: retry.found }, context).toEqual({
          key: retry.key,
          retried: null,
          found: retry.original,
        });
      }

      // TEST: each shared order, sent by two writers, was stored by exactly one of them.
      expect(result.shared.size, context).toBe((STORE_WRITERS / 2) * SHARED_PER_PAIR);
      for (const [key, ids] of result.shared) {
        expect({ key, attempts: ids.length, stored: ids.filter((id) => id !== null).length }, context).toEqual({
          key,
          attempts: 2,
          stored: 1,
        });
      }

      // TEST: every stored order has its lines.
      const withoutLines = await check.client.query(
        `select a.id_pub from sincro.arportes a
         where a.azi = $1 and not exists (select 1 from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)`,
        [azi],
      );
      expect(withoutLines.rows, context).toEqual([]);
    } finally {
      await closeSessions([check]);
    }
  });

  it("the same workload against a plain sequence leaves gaps", async () => {
    const azi = "C00001";
    const result = await withDeadline(40_000, "insert workload", runInsertWorkload(plainSequence.url, azi, seed));
    const check = await openSession(plainSequence.url);
    try {
      const ids = await publicIds(check.client, azi);
      // TEST (naive design, shown failing): the same orders are stored, but their IDs are not
      // 1..N: the numbers of rolled-back and refused inserts are lost for good.
      expect(result.errors, context).toEqual([]);
      expect(ids.length, context).toBe(result.committed.size);
      expect(ids, context).not.toEqual(oneTo(ids.length));
      expect(ids.at(-1), context).toBeGreaterThan(ids.length);
    } finally {
      await closeSessions([check]);
    }
  });

  it("two apps using the same id_int concurrently: both orders exist", async () => {
    const azi = "C00002";
    const setup = await openSession(hub.url);
    const monitor = await openSession(hub.url);
    const device50 = await openSession(hub.url);
    const device51 = await openSession(hub.url);
    try {
      await registerCompany(setup.client, azi);
      const app = (device: string, idInt: string): NewOrder => ({ prov_tipo: "A", prov_id: device, id_int: idInt });

      // Scripted: device 50's insert holds the counter; device 51's insert of its own order 150
      // queues behind it, then must be stored, not skipped as a retry of device 50's order.
      await device50.client.query("begin");
      const first = await insertOrder(device50.client, azi, app("50", "150"));
      await device51.client.query("begin");
      let second: number | null = null;
      const secondInsert = outcomeOf(
        insertOrder(device51.client, azi, app("51", "150")).then((id) => {
          second = id;
        }),
      );
      // TEST: device 51 really waits for device 50's counter lock.
      expect(await settledOrWaitingOnLock(secondInsert, device51, monitor.client)).toBe("waiting");
      await device50.client.query("commit");
      expect(await withDeadline(10_000, "device 51 insert", secondInsert)).toEqual({ ok: true });
      await device51.client.query("commit");
      // TEST: both orders exist, with consecutive public IDs.
      expect([first, second]).toEqual([1, 2]);

      // Free-running: 20 more id_ints sent by both devices at once.
      const rounds = Array.from({ length: 20 }, (_, i) => String(200 + i));
      const sendAll = async (session: Session, device: string): Promise<void> => {
        for (const idInt of rounds) {
          await session.client.query("begin");
          const id = await insertOrder(session.client, azi, app(device, idInt), { beforeLines: () => sleep(2) });
          if (id === null) throw new Error(`device ${device} order ${idInt} was skipped as a retry`);
          await session.client.query("commit");
        }
      };
      await withDeadline(20_000, "two devices", Promise.all([sendAll(device50, "50"), sendAll(device51, "51")]));

      const found = await setup.client.query<{ id_int: string; d50: string | null; d51: string | null }>(
        `select i.id_int,
                sincro.find_order($1, 'A', '50', i.id_int) as d50,
                sincro.find_order($1, 'A', '51', i.id_int) as d51
         from unnest($2::text[]) as i(id_int)`,
        [azi, ["150", ...rounds]],
      );
      // TEST: for every id_int both devices' orders exist, as two different orders.
      for (const row of found.rows) {
        expect({ id_int: row.id_int, both: row.d50 !== null && row.d51 !== null && row.d50 !== row.d51 }).toEqual({
          id_int: row.id_int,
          both: true,
        });
      }
      // TEST: and the company's IDs are still 1..N.
      expect(await publicIds(setup.client, azi)).toEqual(oneTo(2 * (rounds.length + 1)));
    } finally {
      await device50.client.query("rollback").catch(() => undefined);
      await device51.client.query("rollback").catch(() => undefined);
      await closeSessions([setup, monitor, device50, device51]);
    }
  });

  it("an identical order sent twice at once is stored once", async () => {
    const azi = "C00003";
    const setup = await openSession(hub.url);
    const monitor = await openSession(hub.url);
    const firstTry = await openSession(hub.url);
    const secondTry = await openSession(hub.url);
    try {
      await registerCompany(setup.client, azi);
      const order: NewOrder = { prov_tipo: "S", id_int: "150" };

      // The store sends order 150, then, without waiting for the answer, sends it again on
      // another connection: the second insert queues behind the first's counter lock.
      await firstTry.client.query("begin");
      const first = await insertOrder(firstTry.client, azi, order);
      await secondTry.client.query("begin");
      let second: number | null | undefined;
      const secondInsert = outcomeOf(
        insertOrder(secondTry.client, azi, order).then((id) => {
          second = id;
        }),
      );
      // TEST: the second insert really waits for the first.
      expect(await settledOrWaitingOnLock(secondInsert, secondTry, monitor.client)).toBe("waiting");
      await firstTry.client.query("commit");
      expect(await withDeadline(10_000, "second insert", secondInsert)).toEqual({ ok: true });
      await secondTry.client.query("commit");

      // TEST: the first got public ID 1, the second was skipped (no row), and the next order gets 2.
      expect(first).toBe(1);
      expect(second).toBeNull();
      await setup.client.query("begin");
      const next = await insertOrder(setup.client, azi, { prov_tipo: "S", id_int: "151" });
      await setup.client.query("commit");
      expect(next).toBe(2);
      expect(await publicIds(setup.client, azi)).toEqual([1, 2]);
    } finally {
      await firstTry.client.query("rollback").catch(() => undefined);
      await secondTry.client.query("rollback").catch(() => undefined);
      await closeSessions([setup, monitor, firstTry, secondTry]);
    }
  });
  it("the same ERP export sent twice at once makes one order and answers both with its id_pub", async () => {
    const azi = "C00004";
    const setup = await openSession(hub.url);
    const monitor = await openSession(hub.url);
    const firstTry = await openSession(hub.url);
    const secondTry = await openSession(hub.url);
    const doc = {
      tor_chia: "C201700000009",
      conferma: "CK9",
      autore_tipo: "O",
      autore_cod: "75",
      lines: [{ articolo: "ART1", quantita: 1 }],
    };
    try {
      await registerCompany(setup.client, azi);
      await firstTry.client.query("begin");
      const first = await erpWriteOrder(firstTry.client, azi, doc);
      await secondTry.client.query("begin");
      let second: number | undefined;
      const secondExport = outcomeOf(
        erpWriteOrder(secondTry.client, azi, doc).then((id) => {
          second = id;
        }),
      );
      // TEST: the second export waits for the first (before the fix it failed with 23505 after it).
      expect(await settledOrWaitingOnLock(secondExport, secondTry, monitor.client)).toBe("waiting");
      await firstTry.client.query("commit");
      expect(await withDeadline(10_000, "second export", secondExport)).toEqual({ ok: true });
      await secondTry.client.query("commit");

      // TEST: one order, both calls answered with its public ID, no change number spent on the repeat.
      expect(first).toBe(1);
      expect(second).toBe(1);
      expect(await publicIds(setup.client, azi)).toEqual([1]);
      expect((await counters(setup.client, azi)).lastIdSincro).toBe(1);
    } finally {
      await firstTry.client.query("rollback").catch(() => undefined);
      await secondTry.client.query("rollback").catch(() => undefined);
      await closeSessions([setup, monitor, firstTry, secondTry]);
    }
  });
});
