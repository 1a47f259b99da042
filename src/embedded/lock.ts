/*
 * One sincro per data folder. The lock is a file created with O_EXCL holding
 * the owner's pid and start time; a lock whose owner is gone (killed, crashed,
 * machine rebooted) is stale and is taken over with a warning.
 *
 * Known gap: two sincro processes finding the same stale lock at the same
 * instant could both take it over. PostgreSQL's own postmaster.pid still stops
 * two servers from sharing the cluster; the loser fails to start.
 */
import fs from "node:fs";
import type { Logger } from "pino";
import { z } from "zod";
import { isAlive, startTimeOf } from "./processes";

const LockOwnerSchema = z.object({
  pid: z.number().int().positive(),
  startTime: z.string().optional(),
  port: z.number().int().optional(),
});
type LockOwner = z.infer<typeof LockOwnerSchema>;

export class AlreadyRunningError extends Error {}

export interface Lock {
  /** Records the port in the lock, for the message another `sincro start` prints. */
  recordPort(port: number): void;
  /** Removes the lock if it is still ours. */
  release(): void;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = LockOwnerSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function ownerIsRunning(owner: LockOwner): boolean {
  if (owner.pid === process.pid || !isAlive(owner.pid)) return false;
  const startTime = startTimeOf(owner.pid);
  return owner.startTime === undefined || startTime === undefined || owner.startTime === startTime;
}

export function acquireLock(file: string, logger: Logger): Lock {
  const me: LockOwner = { pid: process.pid, startTime: startTimeOf(process.pid) };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: "wx" });
      return {
        recordPort(port) {
          fs.writeFileSync(file, JSON.stringify({ ...me, port }));
        },
        release() {
          if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(file);
    if (owner && ownerIsRunning(owner)) {
      const where = owner.port === undefined ? "" : `, PostgreSQL on port ${owner.port}`;
      throw new AlreadyRunningError(
        `sincro is already running on this data folder (pid ${owner.pid}${where}): stop it first, ` +
          `or set SINCRO_DATA_DIR to another folder (lock file ${file})`,
      );
    }
    logger.warn(
      { event: "stale_lock_removed", file, pid: owner?.pid },
      `removed a stale lock left by a sincro that is no longer running (pid ${owner?.pid ?? "unknown"})`,
    );
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}: another sincro keeps recreating it`);
}
