/*
 * The dispatcher: the worker's way to new orders (issue 15). An order's
 * insert records its push (order_push, pending, doorbell not rung) and adds
 * no job: add_job's NOTIFY would serialise the commits of concurrent inserts.
 * This loop looks for them (sincro.dispatch_poll, on a connection of its own)
 * and, finding nothing, dozes until an insert rings it (NOTIFY sincro_dispatch,
 * sent only to a dozing dispatcher: sql/push/dispatcher_doorbell.sql) or
 * SINCRO_PUSH_POLL_MS (20 ms) passes; it pushes what it takes itself, up to `concurrency` companies' pushes at
 * once: each take claims the new orders of one company (as many as one ERP
 * batch carries, where the ERP offers batches; one otherwise), sends them and
 * writes the answers back (src/push/push-order.ts, sendClaimed). No job is
 * taken or completed on the way: a first push costs two transactions, not
 * four. A push that fails (the ERP unreachable) gets graphile-worker's
 * retries with backoff (sincro.push_retry_later; none in manual mode, where
 * the order waits for a partial sync).
 *
 * The same query rings for new webhook deliveries (sincro.store_inbox_dispatch,
 * issue 13): their receipt adds no job either, for the same reason; the
 * dispatcher enqueues their store_inbox_apply jobs, many in one add_jobs call,
 * up to ten rows of one company per job, applied in one transaction, one job
 * under way per company (each rings its company's next as it commits).
 * Errors of the database are logged and the loop carries on after a pause:
 * the records wait in their tables meanwhile.
 */
import { Client, type Pool, type QueryResult } from "pg";
import type { Logger } from "pino";
import type { ErpConnector } from "../erp/connector";
import { parseErpOrderRequest } from "../erp/order-request";
import { messageOf, sendClaimed } from "../push/push-order";

export interface DispatcherOptions {
  /**
   * Longest doze between looks, in ms (SINCRO_PUSH_POLL_MS, default 20): inserts ring a dozing dispatcher, so this
   * bounds only what no insert announces (a company's inbox chain freed, a push released by a sweep). When it
   * cannot doze (an insert under way, or another worker's dispatcher dozing), it looks again within 2 ms for a
   * second, then at this pace.
   */
  readonly intervalMs?: number;
  /** Companies pushed at once (default 4). */
  readonly concurrency?: number;
  /** Most orders of one company in one ERP request, where the ERP offers batches (SINCRO_PUSH_BATCH; 1: one each). */
  readonly pushBatch?: number;
}

/** What sincro.dispatch_poll answers. */
interface PollRow {
  readonly inbox: number | null;
  readonly azi: string | null;
  readonly requests: unknown[] | null;
  readonly dozing: boolean;
}

export interface RunningDispatcher {
  /** Takes nothing more; waits for the pushes under way. */
  stop(): Promise<void>;
}

const RETRY_AFTER_ERROR_MS = 1000;
const INBOX_EVERY_MS = 10;
/** How long the dispatcher keeps looking at its busy pace when it cannot doze. */
const BUSY_FOR_MS = 1000;
/** That pace, in ms. */
const BUSY_POLL_MS = 2;
/** When a failed push is first retried by graphile-worker (then its own backoff). */
const FIRST_RETRY_AFTER = "2 seconds";

export function startDispatcher(
  pool: Pool, connectionString: string, erp: ErpConnector, logger: Logger, options: DispatcherOptions = {},
): RunningDispatcher {
  const idleMs = options.intervalMs ?? 20;
  const busyMs = Math.min(BUSY_POLL_MS, idleMs);
  const concurrency = options.concurrency ?? 4;
  const pushBatch = options.pushBatch ?? 1;
  const log = logger.child({ component: "dispatcher" });
  let stopping = false;
  let running = 0;
  const underway = new Set<Promise<void>>();
  // rung: a notification (or a push ending) since the last look began; a pause then ends at once
  let rung = false;
  let wake: (() => void) | undefined;
  const ring = () => {
    rung = true;
    wake?.();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (rung || stopping) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  // the dispatcher's own connection: its looks, the doze lock (a session lock) and the doorbell
  let connection: Client | undefined;
  let held = false;
  async function connected(): Promise<Client> {
    if (connection !== undefined) return connection;
    const client = new Client({ connectionString, application_name: "sincro dispatcher" });
    client.on("error", () => undefined); // a lost connection fails the next look, which reconnects
    client.on("notification", ring);
    try {
      await client.connect();
      await client.query("listen sincro_dispatch");
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    connection = client;
    held = false;
    return client;
  }
  async function disconnect(): Promise<void> {
    const client = connection;
    connection = undefined;
    held = false; // the lock goes with the session
    await client?.end().catch(() => undefined);
  }

  async function batchLimit(): Promise<number> {
    if (pushBatch <= 1 || erp.createOrders === undefined) return 1;
    return Math.max(1, Math.min(pushBatch, (await erp.orderBatchLimit?.()) ?? 1));
  }

  async function push(azi: string, rawRequests: readonly unknown[]): Promise<void> {
    const requests = rawRequests.map(parseErpOrderRequest);
    try {
      const { answers, failure } = await sendClaimed(pool, erp, azi, requests);
      const failed = answers.filter((answer) => answer.outcome === "failed").map((answer) => answer.web_id);
      if (failed.length > 0) {
        await pool.query("select sincro.push_retry_later(azi => $1, id_pubs => $2::bigint[], after => $3::interval)", [azi, failed, FIRST_RETRY_AFTER]);
      }
      for (const answer of answers) {
        const fields = { azi, idPub: answer.web_id, outcome: answer.outcome, batch: requests.length };
        const text = `order ${answer.web_id} of ${azi}: ${answer.outcome}${requests.length > 1 ? ` (${requests.length} in its request)` : ""}`;
        if (answer.outcome === "failed") log.warn({ ...fields, error: answer.message ?? messageOf(failure) }, `${text}: ${answer.message ?? messageOf(failure)}`);
        else log.info(fields, text);
      }
    } catch (error) {
      // the database failed the write-back: the orders stay in flight, and sweep_pushes rings for them after 5 minutes
      log.error({ azi, err: error, orders: requests.map((request) => request.web_id) }, `push of ${requests.length} orders of ${azi}: answers not written back`);
    }
  }

  const loop = (async () => {
    let failing = false;
    let inboxAt = 0;
    let undozableSince: number | undefined; // looks that found nothing and could not doze, since
    let emptyBefore = false; // the last look found nothing
    while (!stopping) {
      try {
        // new webhook deliveries (their jobs), then new orders of one company, in one round trip; with every
        // push slot taken, no orders (and no doze: a push ending wakes the loop)
        const free = running < concurrency;
        // the inbox at most every INBOX_EVERY_MS (a webhook's apply is not in a hurry of 10 ms; a look's cost is),
        // and in every look that may doze: a dozing dispatcher has seen all there was. It tries to doze only after
        // a look that found nothing: while it takes the doze lock, inserts ring (and a NOTIFY costs their commits)
        const inbox = emptyBefore || Date.now() - inboxAt >= INBOX_EVERY_MS;
        if (inbox) inboxAt = Date.now();
        const doze = free && emptyBefore;
        const client = await connected();
        rung = false;
        const polled: QueryResult<PollRow> = await client.query<PollRow>({
          name: "sincro_dispatch_poll",
          text: "select inbox, azi, requests, dozing from sincro.dispatch_poll($1, $2, $3, $4, $5)",
          values: [free ? await batchLimit() : 1, free, inbox, doze, held],
        });
        if (failing) log.info("dispatcher: the database answers again");
        failing = false;
        const row: PollRow | undefined = polled.rows[0];
        held = row?.dozing ?? false;
        const found = (row?.inbox ?? 0) > 0 || (row?.azi !== null && row?.azi !== undefined);
        emptyBefore = !found;
        if (found || held) undozableSince = undefined;
        if (row?.azi === null || row?.azi === undefined || row.requests === null) {
          if (found || (!doze && free)) continue; // deliveries rung, or a look that could not doze: look again
          if (held || !free) {
            await pause(idleMs); // dozing until rung, or with every slot taken until a push ends
          } else {
            // an insert under way holds the doze lock in share mode (it will not ring), or another worker's
            // dispatcher dozes: look again soon, for a second
            undozableSince ??= Date.now();
            await pause(Date.now() - undozableSince < BUSY_FOR_MS ? busyMs : idleMs);
          }
          continue;
        }
        if (row.requests.length === 0) continue; // acquired meanwhile: nothing to send
        running += 1;
        const task = push(row.azi, row.requests).finally(() => {
          running -= 1;
          underway.delete(task);
          ring();
        });
        underway.add(task);
      } catch (error) {
        await disconnect(); // a fresh session: no lock held, listening again
        if (stopping) break;
        if (!failing) log.warn({ err: error }, "dispatcher: cannot reach the database; new orders wait in order_push");
        failing = true;
        await pause(RETRY_AFTER_ERROR_MS);
      }
    }
    await disconnect();
  })();

  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
      await Promise.all([...underway]);
    },
  };
}
