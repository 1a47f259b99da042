/*
 * compact_metrics: every minute (crontab), folds the /metrics counters' deltas
 * into their rollup (sincro.metric_compact; figures unchanged), so a hub that
 * nobody scrapes does not pile them up and the next scrape stays quick.
 */
import type { Task } from "graphile-worker";

export const compactMetricsTask: Task = async (_payload, helpers) => {
  const result = await helpers.query<{ folded: string }>("select sincro.metric_compact() as folded");
  const folded = Number(result.rows[0]?.folded ?? 0);
  if (folded > 0) helpers.logger.debug(`folded ${folded} metric delta(s)`, { folded });
};
