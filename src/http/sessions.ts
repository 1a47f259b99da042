/*
 * Console sessions. Signing in opens a small connection pool AS the login
 * that signed in (its name and password, on the hub's server and database):
 * every page and action then runs with that login's own PostgreSQL rights, so
 * grants and row-level security — not this code — decide what it sees and may
 * do. The password lives only inside that pool's configuration in this
 * process; the browser holds a random session ID in an httpOnly, SameSite
 * cookie. A session ends at sign-out, after `idleMinutes` without a request,
 * or when the server stops; its pool is closed then.
 */
import { randomBytes } from "node:crypto";
import { Pool } from "pg";

export interface ConsoleSession {
  readonly id: string;
  readonly login: string;
  /** admin: every company; operator: `azi` only. */
  readonly kind: "admin" | "operator";
  readonly azi: string | null;
  readonly pool: Pool;
  lastSeen: number;
}

/** Sign-in refused: wrong name or password, or a login that is not an operator or admin (the page says no more). */
export class SignInRefused extends Error {}

interface Identity {
  readonly login: string;
  readonly superuser: boolean;
  readonly admin: boolean;
  readonly operator: boolean;
  readonly azi: string | null;
}

export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly databaseUrl: string,
    private readonly idleMinutes: number,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Connects as the login; a session if it is an operator or admin (never a superuser), else SignInRefused. */
  async signIn(login: string, password: string): Promise<ConsoleSession> {
    const url = new URL(this.databaseUrl);
    url.username = encodeURIComponent(login);
    url.password = encodeURIComponent(password);
    // jit off: compiling a page's queries (company_status, problems) costs 0.5-1.5 s and never pays back for page-sized results
    const pool = new Pool({ connectionString: url.toString(), max: 3, idleTimeoutMillis: 60_000, application_name: "sincro console", options: "-c jit=off" });
    pool.on("error", () => undefined);
    let identity: Identity | undefined;
    try {
      const result = await pool.query<Identity>(
        `select session_user::text as login, r.rolsuper as superuser,
                pg_has_role(session_user, 'sincro_admin', 'member') as admin,
                pg_has_role(session_user, 'sincro_operator', 'member') as operator,
                null::text as azi
         from pg_roles r where r.rolname = session_user`,
      );
      identity = result.rows[0];
      if (identity !== undefined && identity.operator && !identity.admin && !identity.superuser) {
        const company = await pool.query<{ azi: string | null }>("select sincro_private.session_company() as azi");
        identity = { ...identity, azi: company.rows[0]?.azi ?? null };
      }
    } catch {
      identity = undefined;
    }
    const kind = identity === undefined || identity.superuser ? undefined : identity.admin ? "admin" : identity.operator && identity.azi !== null ? "operator" : undefined;
    if (identity === undefined || kind === undefined) {
      await pool.end().catch(() => undefined);
      throw new SignInRefused("wrong name or password");
    }
    const session: ConsoleSession = {
      id: randomBytes(32).toString("base64url"),
      login: identity.login,
      kind,
      azi: kind === "operator" ? identity.azi : null,
      pool,
      lastSeen: Date.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this ID (and marks it seen), or undefined. */
  find(id: string | undefined): ConsoleSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (this.expired(session)) {
      void this.end(id);
      return undefined;
    }
    session.lastSeen = Date.now();
    return session;
  }

  async end(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    await session.pool.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.end(id)));
  }

  get idleSeconds(): number {
    return this.idleMinutes * 60;
  }

  private expired(session: ConsoleSession): boolean {
    return Date.now() - session.lastSeen > this.idleMinutes * 60_000;
  }

  private async sweep(): Promise<void> {
    for (const session of [...this.sessions.values()]) if (this.expired(session)) await this.end(session.id);
  }
}
