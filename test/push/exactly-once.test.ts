/*
 * Exactly once towards the ERP (docs/protocol.md), under faults: worker processes
 * are SIGKILLed over and over — two run at once, so pushes also race — while
 * 500 orders come in, and the reference ERP now and then commits an order and
 * dies before replying. Then a partial sync races the restarted worker.
 * At the end every order is acquired, and the ERP holds exactly one order per
 * public ID, under the key the hub recorded: 0 lost, 0 duplicated.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beginPartialSync, runPartialSync } from "../../src/push/partial-sync";
import { eventually, insertStoreOrder, pushStates, registerCompany, startPushHarness, type PushHarness } from "./harness";
import { startSincro } from "../support/cli";

const ORDERS = 500;
const INSERTERS = 10;
const AZI = "C00001";

function startWorkerProcess(harness: PushHarness): ChildProcess {
  const target = { hubUrl: harness.hub.url, erpUrl: harness.erpUrl, erpToken: harness.erpToken };
  return startSincro(target, ["worker"], { quiet: true, env: { SINCRO_WORKER_CONCURRENCY: "4", SINCRO_LOG_LEVEL: "silent" } }).child;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("exactly once towards the ERP", () => {
  let harness: PushHarness;
  const workers = new Set<ChildProcess>();

  beforeAll(async () => {
    harness = await startPushHarness("push_once", { timeoutMs: 2000 });
    await registerCompany(harness.pool, AZI);
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill("SIGKILL");
    await harness?.stop();
  });

  it("SIGKILLed workers, two at once, an ERP dying after commit, a racing partial sync: 0 lost, 0 duplicated", async () => {
    harness.setFaults({ dieAfterCommitRate: 0.05 });
    let inserting = true;
    let kills = 0;

    // the killer: keeps two workers alive, SIGKILLs one every 0.8-2.5 s, among those that have
    // had 2.5 s to start (on a loaded machine a worker killed sooner never pushes anything)
    const startedAt = new Map<ChildProcess, number>();
    const killer = (async () => {
      while (inserting) {
        while (workers.size < 2) {
          const worker = startWorkerProcess(harness);
          workers.add(worker);
          startedAt.set(worker, Date.now());
          worker.on("exit", () => workers.delete(worker));
        }
        await sleep(800 + Math.random() * 1700);
        const started = [...workers].filter((worker) => Date.now() - (startedAt.get(worker) ?? 0) >= 2500);
        const victim = started[Math.floor(Math.random() * started.length)];
        if (victim && inserting) {
          victim.kill("SIGKILL");
          workers.delete(victim);
          kills++;
        }
      }
    })();

    // the store: 500 orders from 10 connections, spread over several seconds
    const ids: number[] = [];
    await Promise.all(
      Array.from({ length: INSERTERS }, async (_, inserter) => {
        for (let index = 0; index < ORDERS / INSERTERS; index++) {
          ids.push(await insertStoreOrder(harness.pool, AZI, `o-${inserter}-${index}`));
          await sleep(40 + Math.random() * 80);
        }
      }),
    );
    // let the killing go on a little after the last insert, then stop it
    await sleep(3000);
    inserting = false;
    await killer;
    harness.setFaults({ dieAfterCommitRate: 0 });
    const beforeRecovery = await pushStates(harness.pool, AZI);

    // recovery: one fresh worker, the sweep for what the dead ones held, and a partial sync racing it
    if (workers.size === 0) {
      const worker = startWorkerProcess(harness);
      workers.add(worker);
      worker.on("exit", () => workers.delete(worker));
    }
    await eventually(
      `all ${ORDERS} acquired`,
      async () => {
        await harness.pool.query("select sincro.sweep_pushes(interval '1 second')");
        const states = await pushStates(harness.pool, AZI);
        if ((states.acquired ?? 0) < ORDERS) {
          const runId = await beginPartialSync(harness.pool, AZI).catch(() => undefined);
          if (runId !== undefined) await runPartialSync(harness.pool, harness.erp, AZI, runId);
        }
        return pushStates(harness.pool, AZI);
      },
      (states) => states.acquired === ORDERS,
      90_000,
    );

    // TEST: the faults really happened, while the killed workers were pushing
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(beforeRecovery.acquired ?? 0).toBeGreaterThan(0);
    const retried = await harness.pool.query<{ n: string }>("select count(*) as n from sincro.order_push where azi = $1 and attempts >= 2", [AZI]);
    expect(Number(retried.rows[0]?.n)).toBeGreaterThan(0);
    // TEST: every public ID 1..500 exists once in the hub, acquired
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: ORDERS }, (_, i) => i + 1));
    const hub = await harness.pool.query<{ id_pub: string; tor_chia: string; ack_gest: number }>(
      "select id_pub, tor_chia, ack_gest from sincro.arportes where azi = $1 order by id_pub",
      [AZI],
    );
    expect(hub.rows.every((row) => row.ack_gest === 1)).toBe(true);
    // TEST: the ERP holds exactly one order per public ID, with the key the hub recorded
    const erpOrders = await harness.erpOrders(AZI);
    expect(erpOrders.length).toBe(ORDERS);
    const erpKeyByWebId = new Map(erpOrders.map((order) => [order.web_id, order.tor_chia]));
    expect(erpKeyByWebId.size).toBe(ORDERS);
    for (const row of hub.rows) expect(erpKeyByWebId.get(Number(row.id_pub))).toBe(row.tor_chia);
  }, 180_000);
});
