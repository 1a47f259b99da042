/*
 * The progress of a sync on a terminal: rows so far and rows/s, plus a bar and
 * an ETA when the total is known (or estimated). Drawn on stderr, and only
 * when stderr is a terminal; otherwise nothing is drawn and the command logs
 * one line when the run ends.
 */
import { SingleBar } from "cli-progress";

export interface RowsProgressOptions {
  /** Shown before the figures, e.g. "C00001 changes". */
  readonly label: string;
  /** Expected rows, if known: draws a bar and an ETA. */
  readonly total?: number | undefined;
  /** Draw even if stderr is not a terminal (tests); default: only on a terminal. */
  readonly force?: boolean;
}

export class RowsProgress {
  private readonly bar: SingleBar | undefined;
  private readonly startedAt = performance.now();
  private total: number;

  constructor(options: RowsProgressOptions) {
    this.total = options.total ?? 0;
    if (!(options.force ?? process.stderr.isTTY)) return;
    const format =
      this.total > 0
        ? `${options.label} {phase} [{bar}] {value} of ~{total} rows | {speed} rows/s | ETA {eta_formatted}`
        : `${options.label} {phase} {value} rows | {speed} rows/s | {duration_formatted}`;
    this.bar = new SingleBar({ format, hideCursor: true, etaBuffer: 50, stream: process.stderr });
    this.bar.start(this.total, 0, { phase: "", speed: "0" });
  }

  /** Rows per second since the start, rounded. */
  rate(rows: number): number {
    const seconds = (performance.now() - this.startedAt) / 1000;
    return seconds > 0 ? Math.round(rows / seconds) : 0;
  }

  update(rows: number, phase = ""): void {
    if (this.bar === undefined) return;
    if (this.total > 0 && rows > this.total) {
      // the estimate was short: keep the bar honest
      this.total = rows;
      this.bar.setTotal(rows);
    }
    this.bar.update(rows, { phase, speed: String(this.rate(rows)) });
  }

  stop(): void {
    this.bar?.stop();
  }
}
