/*
 * store_sweep: the stores' part of the every-minute round (sincro.store_sweep):
 * rings again for inbox rows and status backs that lost their job, and starts
 * the reconciliation of each store that is due.
 */
import type { Task } from "graphile-worker";

export const storeSweepTask: Task = async (_payload, helpers) => {
  const result = await helpers.query<{ inbox_rows: number; status_backs: number; reconciliations: number }>(
    "select inbox_rows, status_backs, reconciliations from sincro.store_sweep()",
  );
  const row = result.rows[0];
  if (row && row.inbox_rows + row.status_backs + row.reconciliations > 0) {
    helpers.logger.info(`store sweep: ${row.inbox_rows} inbox row(s), ${row.status_backs} status back(s) rung again; ${row.reconciliations} reconciliation(s) started`, { ...row });
  }
};
