/*
 * end_overdue_sessions: every minute (crontab), ends store, app and ERP sessions
 * that idle inside a transaction or run one statement too long, whatever
 * timeouts they set for themselves (see sql/security/overdue_sessions.sql).
 * A hub whose owner may not end sessions (SY150) is told so in the log each
 * time, without piling up failed jobs.
 */
import type { Task } from "graphile-worker";

function sqlstate(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

export const endOverdueSessionsTask: Task = async (_payload, helpers) => {
  try {
    const result = await helpers.query<{ ended: number }>("select sincro.end_overdue_sessions() as ended");
    const ended = result.rows[0]?.ended ?? 0;
    if (ended > 0) helpers.logger.warn(`ended ${ended} overdue client session(s)`, { ended });
  } catch (error) {
    if (sqlstate(error) !== "SY150") throw error;
    helpers.logger.error("cannot end overdue client sessions: the hub's owner lacks pg_read_all_stats and pg_signal_backend (docs/security.md)");
  }
};
