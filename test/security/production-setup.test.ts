/*
 * The production set-up of docs/security.md, run for real: a superuser (the
 * DBA) only creates the owner role and its database once; the owner applies
 * the migrations and creates the first admin login; from then on nothing
 * connects as a superuser or as the owner. The worker runs as a worker login
 * (graphile-worker included), syncs, quota and status as an admin login, the
 * store as a store login, and an order goes the whole way: written by the
 * store, pushed by the worker, acquired by the ERP, its changes pulled back.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, Pool } from "pg";
import { startFakeStore } from "../../src/fake-store/server";
import { startReferenceErp } from "../../src/reference-erp/server";
import { serverUrlFromEnvironment, withDatabase } from "../../src/db/connection";
import { eventually } from "../push/harness";
import { startSincro, type Finished, type SincroProcess } from "../support/cli";
import { createTestDatabase, type TestDatabase } from "../support/database";

const suffix = randomBytes(3).toString("hex");
const PASSWORD = "production-probe";
const roles = {
  owner: `sincro_owner_${suffix}`,
  admin: `ops_${suffix}`,
  worker: `worker_${suffix}`,
  store: `store_c1_${suffix}`,
  operator: `op_c1_${suffix}`,
};
const database = `sincro_test_production_${suffix}`;

function urlAs(role: string): string {
  const parsed = new URL(withDatabase(serverUrlFromEnvironment(), database));
  parsed.username = role;
  parsed.password = PASSWORD;
  return parsed.toString();
}

async function asSuperuser(work: (client: Client) => Promise<void>, db = "postgres"): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), db) });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

let erpDatabase: TestDatabase;
let erp: Awaited<ReturnType<typeof startReferenceErp>>;
let erpToken: string;
let worker: SincroProcess | undefined;
let observer: Client;
const pools: Pool[] = [];

function poolAs(role: string): Pool {
  const pool = new Pool({ connectionString: urlAs(role), max: 2 });
  pools.push(pool);
  return pool;
}

function sincroAs(role: string, args: readonly string[]): SincroProcess {
  return startSincro({ hubUrl: urlAs(role), erpUrl: erp.url, erpToken }, args);
}

/** Who is connected to the hub's database, but the test's own observer. */
async function connectedRoles(): Promise<{ role: string; superuser: boolean }[]> {
  const result = await observer.query<{ role: string; superuser: boolean }>(
    `select a.usename::text as role, r.rolsuper as superuser
     from pg_stat_activity a join pg_roles r on r.oid = a.usesysid
     where a.datname = $1 and a.pid <> pg_backend_pid()`,
    [database],
  );
  return result.rows;
}

beforeAll(async () => {
  // the ERP (a stand-in for the company's own system: its database is not the hub's)
  erpDatabase = await createTestDatabase(`production_erp_${suffix}`, { migrate: false });
  erpToken = randomBytes(12).toString("hex");
  erp = await startReferenceErp({ databaseUrl: erpDatabase.url, port: 0, token: erpToken });
  // the DBA, once: the owner role (no superuser; CREATEROLE for logins; may see and end sessions) and its database
  await asSuperuser(async (client) => {
    await client.query(`create role "${roles.owner}" login createrole password '${PASSWORD}'`);
    await client.query(`grant pg_read_all_stats, pg_signal_backend to "${roles.owner}"`);
    await client.query(`create database "${database}" owner "${roles.owner}"`);
  });
  // the owner: migrations, then the first admin login
  const migrate = await sincroAs(roles.owner, ["migrate"]).finished;
  expect(migrate.code, migrate.output).toBe(0);
  const owner = new Client({ connectionString: urlAs(roles.owner) });
  await owner.connect();
  try {
    await owner.query("select sincro.create_login($1, 'admin', password => $2)", [roles.admin, PASSWORD]);
  } finally {
    await owner.end();
  }
  observer = new Client({ connectionString: withDatabase(serverUrlFromEnvironment(), database) });
  await observer.connect();
}, 120_000);

afterAll(async () => {
  worker?.child.kill("SIGTERM");
  await worker?.finished;
  await Promise.all(pools.map((pool) => pool.end()));
  await observer?.end();
  await erp?.close();
  await erpDatabase?.drop();
  await asSuperuser(async (client) => {
    await client.query(`drop database if exists "${database}" with (force)`);
    for (const role of [roles.store, roles.operator, roles.worker, roles.admin, roles.owner]) await client.query(`drop role if exists "${role}"`);
  });
}, 60_000);

describe("the production set-up: no superuser and no owner at runtime", () => {
  it("the admin registers a company and creates the logins", async () => {
    const admin = poolAs(roles.admin);
    await admin.query("insert into sincro.apstatosyn (azi, ragione_sociale) values ('C00001', 'Rossi Srl')");
    await admin.query("select sincro.set_sync_contract('C00001', 10)");
    await admin.query("select sincro.create_login($1, 'worker', password => $2)", [roles.worker, PASSWORD]);
    await admin.query("select sincro.create_login($1, 'store', 'C00001', password => $2)", [roles.store, PASSWORD]);
  });

  it("the worker runs as a worker login and pushes the store's order to the ERP", async () => {
    worker = sincroAs(roles.worker, ["worker"]);
    await eventually("the worker to start", async () => worker?.output() ?? "", (output) => output.includes("worker_ready"), 30_000);
    const store = poolAs(roles.store);
    await store.query(
      `with h as (insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'web-1', 'C', '0')
                  returning azi, id_pub)
       insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) select azi, id_pub, 1, 'ART1', 2, 10.5 from h`,
    );
    const acquired = await eventually(
      "the ERP's key on the order",
      async () => (await store.query<{ tor_chia: string | null; ack_gest: number }>("select tor_chia, ack_gest from sincro.arportes where id_int = 'web-1'")).rows[0],
      (row) => row?.ack_gest === 1,
      30_000,
    );
    expect(acquired?.tor_chia).toMatch(/^C\d+/);
    const during = await connectedRoles();
    expect(during.map((r) => r.role)).toContain(roles.worker);
    expect(during.filter((r) => r.superuser || r.role === roles.owner)).toEqual([]);
  });

  it("syncs, quota and status run as the admin login", async () => {
    const runs: Finished[] = [];
    for (const args of [["sync", "changes", "--azi", "C00001"], ["sync", "partial", "--azi", "C00001"], ["sync", "rebuild", "--azi", "C00001"], ["quota"], ["status"]]) {
      runs.push(await sincroAs(roles.admin, args).finished);
    }
    for (const run of runs) expect(run.code, run.output).toBe(0);
    expect((await connectedRoles()).filter((r) => r.superuser || r.role === roles.owner)).toEqual([]);
  });

  it("syncs an operator requests from the console are worked to their end by the worker login", async () => {
    const admin = poolAs(roles.admin);
    await admin.query("select sincro.create_login($1, 'operator', 'C00001', password => $2)", [roles.operator, PASSWORD]);
    const operator = poolAs(roles.operator);
    // something for the sync to apply: a customer the ERP's operator enters
    const entered = await fetch(`${erp.url}/operator/companies/C00001/customers/CL-OP1`, {
      method: "PUT",
      headers: { authorization: `Bearer ${erpToken}`, "content-type": "application/json" },
      body: JSON.stringify({ ragione_sociale: "Verdi snc" }),
    });
    expect(entered.status).toBe(201);
    for (const kind of ["changes", "partial"]) {
      const queued = await operator.query<{ run_id: string }>(
        kind === "partial" ? "select sincro.partial_sync('C00001') as run_id" : "select sincro.sync_request('C00001', $1) as run_id",
        kind === "partial" ? [] : [kind],
      );
      const runId = Number(queued.rows[0]?.run_id);
      // TEST: the worker login (no owner, no superuser) takes the run over and completes it
      const run = await eventually(
        `the ${kind} run to end`,
        async () => (await admin.query<{ state: string; error: string | null }>("select state, error from sincro.sync_runs where run_id = $1", [runId])).rows[0],
        (row) => row !== undefined && row.state !== "running",
        30_000,
      );
      expect(run, `${kind}: ${run?.error ?? ""}`).toMatchObject({ state: "succeeded" });
    }
    const applied = await admin.query<{ ragione_sociale: string }>("select ragione_sociale from sincro.clienti where cod_cli = 'CL-OP1'");
    expect(applied.rows).toEqual([{ ragione_sociale: "Verdi snc" }]);
    expect((await connectedRoles()).filter((r) => r.superuser || r.role === roles.owner)).toEqual([]);
  });

  it("a shop's webhook to the HTTP server run as the admin login becomes an order through the worker login, and the shop is told", async () => {
    const shop = await startFakeStore({ platform: "woocommerce", apiKey: "ck_prod", apiSecret: "cs_prod", webhookSecret: "prod-webhook-secret" });
    const http = sincroAs(roles.admin, ["http"]);
    try {
      const added = await sincroAs(roles.admin, ["store", "add", "--azi", "C00001", "--platform", "woocommerce", "--id", "rossi", "--secret", "prod-webhook-secret",
                                                 "--url", shop.url, "--key", "ck_prod", "--token", "cs_prod", "--id-prefix", "W-"]).finished;
      expect(added.code, added.output).toBe(0);
      const ready = await eventually("the HTTP server", async () => http.output(), (output) => output.includes("http_ready"), 30_000);
      const url = (JSON.parse(ready.split("\n").find((line) => line.includes("http_ready")) ?? "{}") as { url: string }).url;
      shop.putOrder({ id: 77, number: "77", status: "processing", currency: "EUR", date_created: "2026-11-30T10:00:00", total: "12.20", total_tax: "2.20",
                      billing: { first_name: "Ada", last_name: "Neri", country: "IT" },
                      line_items: [{ name: "Tazzina", sku: "ART1", quantity: 1, subtotal: "10.00", subtotal_tax: "2.20", total: "10.00", total_tax: "2.20" }] });
      expect((await shop.deliver(url, "rossi", 77)).status).toBe(200);
      const admin = poolAs(roles.admin);
      // TEST: the worker login turns it into an order, pushes it, and tells the shop with the credentials only it may claim
      await eventually("the shop told", async () => (await admin.query<{ status_back: string }>("select status_back from sincro.store_orders where store_id = 'rossi'")).rows[0]?.status_back,
                       (state) => state === "sent", 30_000);
      expect(shop.notes(77)).toHaveLength(1);
      // TEST: and reconciles the shop, a pass the admin's sweep starts
      await admin.query("select sincro.store_sweep()");
      await eventually("a reconciliation pass", async () => (await admin.query<{ done: boolean }>("select last_reconciled_at is not null as done from sincro.stores where store_id = 'rossi'")).rows[0]?.done,
                       (done) => done === true, 30_000);
      expect((await admin.query("select last_reconcile_error from sincro.stores where store_id = 'rossi'")).rows).toEqual([{ last_reconcile_error: null }]);
      expect((await connectedRoles()).filter((r) => r.superuser || r.role === roles.owner)).toEqual([]);
    } finally {
      http.child.kill("SIGTERM");
      await http.finished;
      await shop.close();
    }
  });

  it("the worker's own chores run too: its crontab, the sweep of overdue client sessions", async () => {
    const admin = poolAs(roles.admin);
    // what the worker's every-minute job calls, called now: as the worker group it may, and the owner can end sessions
    const swept = await admin.query<{ ended: number }>("select sincro.end_overdue_sessions() as ended");
    expect(swept.rows[0]?.ended).toBe(0);
    const known = await observer.query<{ n: number }>("select count(*)::int as n from graphile_worker._private_known_crontabs");
    expect(known.rows[0]?.n).toBeGreaterThan(0);
  });
});
