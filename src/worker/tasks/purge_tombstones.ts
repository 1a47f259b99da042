/* purge_tombstones: daily (crontab), removes tombstones older than each company's retention (see sincro.purge_tombstones). */
import type { Task } from "graphile-worker";

export const purgeTombstonesTask: Task = async (_payload, helpers) => {
  const result = await helpers.query<{ purged: string }>("select sincro.purge_tombstones() as purged");
  const purged = Number(result.rows[0]?.purged ?? 0);
  if (purged > 0) helpers.logger.info(`purged ${purged} tombstone(s) past their retention`, { purged });
};
