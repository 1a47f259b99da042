/*
 * Hostile probes that need real connections as the logins create_login makes:
 * locks a client can take to stop another company (H4), SET SESSION
 * AUTHORIZATION from a real login, an idle transaction holding a company's
 * public-ID counter with its own timeouts switched off, and connection limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "pg";
import { closeSessions, openSession, outcomeOf, settledOrWaitingOnLock, type Session } from "../concurrency/sessions";
import { createHostileWorld, type HostileWorld } from "./hostile-world";

let world: HostileWorld;
let monitor: Client;
/** The app of C00001 that tries to stop C00002 (one session: an app login has at most two). */
let attacker: Session;
const sessions: Session[] = [];

async function session(url: string): Promise<Session> {
  const opened = await openSession(url);
  // the sweep of overdue sessions and the clean-up end sessions from the server side: expected, not a crash
  opened.client.on("error", () => undefined);
  sessions.push(opened);
  return opened;
}

beforeAll(async () => {
  world = await createHostileWorld("hostile_sessions");
  monitor = new Client({ connectionString: world.ownerUrl });
  monitor.on("error", () => undefined);
  await monitor.connect();
  attacker = await session(world.url("app1_31"));
}, 60_000);

afterAll(async () => {
  // a probe that failed may have left a session waiting on another's lock: end them all from the server side
  await monitor?.query(
    "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
  );
  await closeSessions(sessions);
  await monitor?.end();
  await world?.drop();
}, 60_000);

/* The keys sincro 0.1 used for its advisory locks, which any session can compute. */
const ADVISORY_KEYS_OF_0_1 = {
  syncWithErp: (azi: string) => `sync/${azi}/t`, // concat_ws prints a boolean as t
  export: (azi: string, torChia: string) => `erp_write_order/${azi}/${torChia}`,
  newCustomer: (azi: string, idInt: string) => `new_customers/${azi}/S/${idInt}`,
};

async function holdAdvisoryLock(attacker: Session, key: string): Promise<void> {
  await attacker.client.query("select pg_advisory_lock(hashtextextended($1, 0))", [key]);
}

describe("H4: no lock a client can take stops another company", () => {
  it("an app of C00001 holding the sync key of C00002 does not stop C00002's sync", async () => {
    const admin = await session(world.url("admin"));
    await holdAdvisoryLock(attacker, ADVISORY_KEYS_OF_0_1.syncWithErp("C00002"));
    const begin = outcomeOf(admin.client.query("select sincro.sync_run_begin('C00002', 'changes')"));
    try {
      expect(await settledOrWaitingOnLock(begin, admin, monitor)).toBe("settled");
    } finally {
      await attacker.client.query("select pg_advisory_unlock_all()");
    }
    expect(await begin).toEqual({ ok: true });
  });

  it("an app of C00001 holding an export key of C00002 does not stop C00002's ERP", async () => {
    const erp = await session(world.url("erp2"));
    await holdAdvisoryLock(attacker, ADVISORY_KEYS_OF_0_1.export("C00002", "C202600000001"));
    const exported = outcomeOf(
      erp.client.query("select sincro.erp_write_order('C00002', $1)", [
        { tor_chia: "C202600000001", autore_tipo: "O", autore_cod: "75", lines: [{ articolo: "A", quantita: 1 }] },
      ]),
    );
    try {
      expect(await settledOrWaitingOnLock(exported, erp, monitor)).toBe("settled");
    } finally {
      await attacker.client.query("select pg_advisory_unlock_all()");
    }
    expect(await exported).toEqual({ ok: true });
  });

  it("an app of C00001 holding a new-customer key of C00002 does not stop C00002's store", async () => {
    const store = await session(world.url("store2"));
    await holdAdvisoryLock(attacker, ADVISORY_KEYS_OF_0_1.newCustomer("C00002", "web-42"));
    const inserted = outcomeOf(
      store.client.query(
        "insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00002', 'S', 'web-42', 'Rossi')",
      ),
    );
    try {
      expect(await settledOrWaitingOnLock(inserted, store, monitor)).toBe("settled");
    } finally {
      await attacker.client.query("select pg_advisory_unlock_all()");
    }
    expect(await inserted).toEqual({ ok: true });
  });
});

describe("a real login's session", () => {
  it("cannot SET SESSION AUTHORIZATION or SET ROLE to anyone else", async () => {
    const store = await session(world.url("store1"));
    for (const statement of [
      `set session authorization "${world.role("store2")}"`,
      "set session authorization postgres",
      `set role "${world.role("app1_31")}"`,
      "set role sincro_admin",
      "set role postgres",
    ]) {
      await expect(outcomeOf(store.client.query(statement))).resolves.toMatchObject({ ok: false, code: "42501" });
    }
  });

  it("cannot hold its company's public-ID counter by idling in a transaction with its timeouts switched off", async () => {
    const idler = await session(world.url("store1"));
    const honest = await session(world.url("store1"));
    await idler.client.query("set idle_in_transaction_session_timeout = 0; set statement_timeout = 0");
    await idler.client.query("begin");
    await idler.client.query(
      "insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'idle-1', 'C', '0')",
    );
    const lost = outcomeOf(idler.client.query("select 1"));
    await idler.client.query("select 1"); // the insert is done; the session now idles in its transaction
    const order = outcomeOf(
      honest.client.query(
        "with h as (insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'honest-1', 'C', '0') returning azi, id_pub) " +
          "insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select azi, id_pub, 1, 'A', 1 from h",
      ),
    );
    expect(await settledOrWaitingOnLock(order, honest, monitor)).toBe("waiting");
    // the worker's every-minute sweep of overdue sessions, here with a threshold of zero
    const worker = await session(world.url("worker"));
    const ended = await worker.client.query<{ n: number }>(
      "select sincro.end_overdue_sessions(idle_in_transaction_after => interval '0', running_after => interval '1 hour') as n",
    );
    expect(Number(ended.rows[0]?.n)).toBeGreaterThanOrEqual(1);
    expect(await order).toEqual({ ok: true });
    await lost;
    const owner = await session(world.ownerUrl);
    const orders = await owner.client.query("select id_pub, id_int from sincro.arportes where azi = 'C00001' and id_int in ('idle-1', 'honest-1')");
    expect(orders.rows).toEqual([{ id_pub: "1", id_int: "honest-1" }]);
  });

  it("of an app login is one of at most two at once", async () => {
    await session(world.url("app1_32"));
    await session(world.url("app1_32"));
    await expect(outcomeOf(openSession(world.url("app1_32")))).resolves.toMatchObject({ ok: false, code: "53300" });
  });
});
