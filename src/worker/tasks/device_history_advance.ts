/* device_history_advance: daily (crontab), moves each company's device history window and logs what left it (see sincro.device_history_advance, docs/devices.md). */
import type { Task } from "graphile-worker";

export const deviceHistoryAdvanceTask: Task = async (_payload, helpers) => {
  const result = await helpers.query<{ logged: number }>("select sincro.device_history_advance() as logged");
  const logged = Number(result.rows[0]?.logged ?? 0);
  if (logged > 0) helpers.logger.info(`device history window moved: ${logged} order(s) and document(s) left or entered the devices' slices`, { logged });
};
