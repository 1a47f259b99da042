/*
 * What sincro must know about another process to tell a live owner from a
 * stale pid file: is it alive, is it still the same process (pids are reused,
 * e.g. after a reboot), and which program and arguments it runs. Linux answers
 * from /proc; elsewhere `ps` gives the command line and identity falls back to
 * "a process with that pid is alive".
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** Fields of /proc/<pid>/stat after the command name, or undefined off Linux. */
function procStat(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The name (field 2) is in parentheses and may itself contain spaces or ")".
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** True when a process with this pid exists and is not a zombie awaiting its parent. */
export function isAlive(pid: number): boolean {
  // kill(0) and negative pids address process groups: never let a bad pid file do that.
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return procStat(pid)?.[0] !== "Z";
}

/** When the process started (clock ticks since boot; Linux only): with the pid, names one process. */
export function startTimeOf(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

/**
 * The process's arguments, argv[0] first, from /proc; elsewhere the whole
 * command line from `ps` as a single element. Undefined when neither answers.
 */
export function argumentsOf(pid: number): string[] | undefined {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (argv.at(-1) === "") argv.pop();
    if (argv.length > 0) return argv;
  } catch {
    // not Linux, or the process is gone: try ps
  }
  try {
    const line = execFileSync("ps", ["-o", "args=", "-p", String(pid)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return line === "" ? undefined : [line];
  } catch {
    return undefined;
  }
}

/** Polls until the process is gone; false if it is still alive after `timeoutMs`. */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
