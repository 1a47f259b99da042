/*
 * Real sessions for the concurrency tests: one pg Client per simulated party,
 * so each holds its own transaction, plus the few tools a scripted interleaving
 * needs (an outcome that never rejects, "is this session waiting on a lock?",
 * a deadline). Nothing here knows the hub's rules; the tests do.
 */
import { Client } from "pg";

/** What a statement ended with: done, or the SQLSTATE it failed with. */
export type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

export interface Session {
  readonly client: Client;
  /** Backend process ID, to find the session in pg_stat_activity. */
  readonly pid: number;
}

/** A connected client, with session settings applied (e.g. `deadlock_timeout`). */
export async function openSession(url: string, settings: Readonly<Record<string, string>> = {}): Promise<Session> {
  const client = new Client({ connectionString: url });
  await client.connect();
  for (const [name, value] of Object.entries(settings)) {
    await client.query("select pg_catalog.set_config($1, $2, false)", [name, value]);
  }
  const result = await client.query<{ pid: number }>("select pg_catalog.pg_backend_pid() as pid");
  const pid = result.rows[0]?.pid;
  if (pid === undefined) throw new Error("pg_backend_pid() returned no row");
  return { client, pid };
}

export async function closeSessions(sessions: readonly Session[]): Promise<void> {
  await Promise.all(sessions.map((session) => session.client.end().catch(() => undefined)));
}

/** SQLSTATE of a database error, else "(none)". */
export function sqlstateOf(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return "(none)";
}

/**
 * The outcome of a statement, as a promise that never rejects: a rejected
 * promise nobody awaits yet would be reported by vitest as an unhandled error.
 */
export function outcomeOf(work: Promise<unknown>): Promise<Outcome> {
  return work.then(
    (): Outcome => ({ ok: true }),
    (error: unknown): Outcome => ({
      ok: false,
      code: sqlstateOf(error),
      message: error instanceof Error ? error.message : String(error),
    }),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects if `work` takes longer than `ms`, so a hang fails the test instead of stalling it. */
export async function withDeadline<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until `pending` has settled or the session is waiting for a lock,
 * whichever comes first, and says which. Scripted interleavings use it to know
 * that a statement has really reached the server and queued behind a lock
 * before the next step runs.
 */
export async function settledOrWaitingOnLock(
  pending: Promise<Outcome>,
  session: Session,
  monitor: Client,
  timeoutMs = 10_000,
): Promise<"settled" | "waiting"> {
  let settled = false;
  void pending.then(() => {
    settled = true;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (settled) return "settled";
    const result = await monitor.query<{ waiting: boolean }>(
      "select coalesce(wait_event_type = 'Lock', false) as waiting from pg_catalog.pg_stat_activity where pid = $1",
      [session.pid],
    );
    // A statement that finished between the poll and this check counts as settled.
    if (settled) return "settled";
    if (result.rows[0]?.waiting === true) return "waiting";
    if (Date.now() > deadline) throw new Error(`session ${session.pid} neither finished nor waited on a lock`);
    await sleep(5);
  }
}

/** Small deterministic PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer from `min` to `max`, both included. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = a;
  }
  return copy;
}

/** A bigint column as a JS number; these tests never come near 2^53. */
export function toSafeInteger(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(value)}`);
  return n;
}
