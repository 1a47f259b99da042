/*
 * The hostile suite's world with real connections: a test database with two
 * companies and one login of every kind that sincro.create_login makes, each
 * reachable by its own connection string. Roles belong to the whole server,
 * so the logins get a random suffix and are dropped with the database.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { createTestDatabase, type TestDatabase } from "../support/database";

export type LoginKind = "store1" | "store2" | "app1_31" | "app1_32" | "erp1" | "erp2" | "worker" | "admin";

export interface HostileWorld {
  readonly database: TestDatabase;
  /** The test database as its owner (the superuser running the tests). */
  readonly ownerUrl: string;
  /** Connection string of each login. */
  url(login: LoginKind): string;
  /** Role name of each login. */
  role(login: LoginKind): string;
  drop(): Promise<void>;
}

const PASSWORD = "hostile-probe";

export async function createHostileWorld(label: string): Promise<HostileWorld> {
  const database = await createTestDatabase(label);
  const suffix = randomBytes(3).toString("hex");
  const roles: Record<LoginKind, string> = {
    store1: `hx_store1_${suffix}`,
    store2: `hx_store2_${suffix}`,
    app1_31: `hx_app1_31_${suffix}`,
    app1_32: `hx_app1_32_${suffix}`,
    erp1: `hx_erp1_${suffix}`,
    erp2: `hx_erp2_${suffix}`,
    worker: `hx_worker_${suffix}`,
    admin: `hx_admin_${suffix}`,
  };
  const owner = new Client({ connectionString: database.url });
  await owner.connect();
  try {
    await owner.query(
      "insert into sincro.apstatosyn (azi, ragione_sociale, sync_quota) values ('C00001', 'Uno Srl', 10), ('C00002', 'Due Spa', 10)",
    );
    const create = (role: string, kind: string, azi: string | null, device: string | null, agent: string | null) =>
      owner.query("select sincro.create_login($1, $2, $3, $4, $5, $6)", [role, kind, azi, device, PASSWORD, agent]);
    await create(roles.store1, "store", "C00001", null, null);
    await create(roles.store2, "store", "C00002", null, null);
    await create(roles.app1_31, "app", "C00001", "31", "AG1");
    await create(roles.app1_32, "app", "C00001", "32", "AG2");
    await create(roles.erp1, "erp", "C00001", null, null);
    await create(roles.erp2, "erp", "C00002", null, null);
    await create(roles.worker, "worker", null, null, null);
    await create(roles.admin, "admin", null, null, null);
  } finally {
    await owner.end();
  }
  const url = (login: LoginKind): string => {
    const parsed = new URL(database.url);
    parsed.username = roles[login];
    parsed.password = PASSWORD;
    return parsed.toString();
  };
  return {
    database,
    ownerUrl: database.url,
    url,
    role: (login) => roles[login],
    drop: async () => {
      await database.drop();
      const server = new Client({ connectionString: database.url.replace(/\/[^/?]*(\?|$)/, "/postgres$1") });
      await server.connect();
      try {
        for (const role of Object.values(roles)) await server.query(`drop role if exists "${role}"`);
      } finally {
        await server.end();
      }
    },
  };
}
