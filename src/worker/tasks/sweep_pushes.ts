/* sweep_pushes: every minute (crontab), re-rings the bell for orders whose job was lost or whose worker died. */
import type { Task } from "graphile-worker";

export const sweepPushesTask: Task = async (_payload, helpers) => {
  const result = await helpers.query<{ swept: number }>("select sincro.sweep_pushes() as swept");
  const swept = result.rows[0]?.swept ?? 0;
  if (swept > 0) helpers.logger.info(`re-enqueued ${swept} order(s) without a live job`, { swept });
};
