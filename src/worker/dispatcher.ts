/*
 * The dispatcher: the worker's way to new orders (issue 15). An order's
 * insert records its push (order_push, pending, doorbell not rung) and adds
 * no job: add_job's NOTIFY would serialise the commits of concurrent inserts.
 * This loop polls sincro.push_take (every 2 ms while orders come, every
 * SINCRO_PUSH_POLL_MS = 20 ms after a quiet second)
 * and pushes what it takes itself, up to `concurrency` companies' pushes at
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
import type { Pool } from "pg";
import type { Logger } from "pino";
import type { ErpConnector } from "../erp/connector";
import { parseErpOrderRequest } from "../erp/order-request";
import { messageOf, sendClaimed } from "../push/push-order";

export interface DispatcherOptions {
  /**
   * Pause between takes that found nothing new while idle, in ms (SINCRO_PUSH_POLL_MS, default 20). Within a
   * second of its last find the dispatcher polls ten times as often (every 2 ms by default): a stream of orders
   * waits ~1 ms for it, an idle hub costs 50 cheap queries a second.
   */
  readonly intervalMs?: number;
  /** Companies pushed at once (default 4). */
  readonly concurrency?: number;
  /** Most orders of one company in one ERP request, where the ERP offers batches (SINCRO_PUSH_BATCH; 1: one each). */
  readonly pushBatch?: number;
}

export interface RunningDispatcher {
  /** Takes nothing more; waits for the pushes under way. */
  stop(): Promise<void>;
}

const RETRY_AFTER_ERROR_MS = 1000;
const INBOX_EVERY_MS = 10;
/** How long after a find the dispatcher keeps polling at its busy pace. */
const BUSY_FOR_MS = 1000;
/** When a failed push is first retried by graphile-worker (then its own backoff). */
const FIRST_RETRY_AFTER = "2 seconds";

export function startDispatcher(pool: Pool, erp: ErpConnector, logger: Logger, options: DispatcherOptions = {}): RunningDispatcher {
  const idleMs = options.intervalMs ?? 20;
  const busyMs = Math.max(1, Math.round(idleMs / 10));
  let foundAt = 0;
  const nothingNew = () => pause(Date.now() - foundAt < BUSY_FOR_MS ? busyMs : idleMs);
  const concurrency = options.concurrency ?? 4;
  const pushBatch = options.pushBatch ?? 1;
  const log = logger.child({ component: "dispatcher" });
  let stopping = false;
  let running = 0;
  const underway = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
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
    while (!stopping) {
      try {
        // new webhook deliveries (their jobs), then new orders of one company, in one round trip; with every
        // push slot taken, no orders ($2 false: push_take is not called)
        const free = running < concurrency;
        // the inbox at most every INBOX_EVERY_MS (a webhook's apply is not in a hurry of 10 ms; a poll's cost is)
        const inbox = Date.now() - inboxAt >= INBOX_EVERY_MS;
        if (inbox) inboxAt = Date.now();
        const polled = await pool.query<{ inbox: number | null; azi: string | null; requests: unknown[] | null }>({
          name: "sincro_dispatch",
          text: `select i.n as inbox, t.azi, t.requests
                 from (select case when $3 then sincro.store_inbox_dispatch(500, interval '0', 10) end as n) i
                 left join lateral (select * from sincro.push_take($1) where $2) t on true`,
          values: [free ? await batchLimit() : 1, free, inbox],
        });
        if (failing) log.info("dispatcher: the database answers again");
        failing = false;
        const row = polled.rows[0];
        if ((row?.inbox ?? 0) > 0) foundAt = Date.now();
        if (row?.azi === null || row?.azi === undefined || row.requests === null) {
          await (free ? nothingNew() : pause(idleMs)); // with every slot taken, until a push ends (it wakes the loop)
          continue;
        }
        foundAt = Date.now();
        if (row.requests.length === 0) continue; // acquired meanwhile: nothing to send
        running += 1;
        const task = push(row.azi, row.requests).finally(() => {
          running -= 1;
          underway.delete(task);
          wake?.();
        });
        underway.add(task);
      } catch (error) {
        if (stopping) break;
        if (!failing) log.warn({ err: error }, "dispatcher: cannot reach the database; new orders wait in order_push");
        failing = true;
        await pause(RETRY_AFTER_ERROR_MS);
      }
    }
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
