/*
 * How busy the machine's cores are, for the benches' tables: a measure's
 * latency means little without knowing whether the cores had room.
 */
import { readdirSync, readFileSync } from "node:fs";

/** The machine's CPU time so far, busy and in all, in clock ticks (/proc/stat's first line; zeros where there is none). */
export function cpuTicks(): { busy: number; total: number } {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, n) => sum + n, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total }; // less idle and iowait
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** The share (0-1) of the cores busy between two readings of cpuTicks. */
export function busyBetween(before: { busy: number; total: number }, after: { busy: number; total: number }): number {
  return (after.busy - before.busy) / (after.total - before.total);
}

/** Each process's CPU time so far (ticks) with what it is (BENCH_TRACE: who took the cores during a measure). */
export function processTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync("/proc").filter((name) => /^[0-9]+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const used = Number(fields[11]) + Number(fields[12]); // utime, stime
      const what = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim().slice(0, 90);
      ticks.set(`${pid} ${what}`, used);
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** The processes that took the most CPU between two readings of processTicks, as % of one core (clock ticks at 100 Hz). */
export function topProcesses(before: Map<string, number>, after: Map<string, number>, seconds: number): string {
  const hz = 100;
  return [...after]
    .map(([what, used]) => ({ what, share: (used - (before.get(what) ?? 0)) / hz / seconds }))
    .filter((p) => p.share >= 0.01)
    .sort((a, b) => b.share - a.share)
    .slice(0, 12)
    .map((p) => `${Math.round(p.share * 100)}% ${p.what}`)
    .join("\n  ");
}
