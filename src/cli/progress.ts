/*
 * The progress of a sync on a terminal: rows (or orders) so far and their
 * rate, plus a bar and an ETA when the total is known (or estimated). Drawn on
 * stderr, and only when stderr is a terminal; otherwise nothing is drawn and
 * the command logs one line when the run ends.
 */
import { SingleBar } from "cli-progress";

export interface SyncProgressOptions {
  /** Shown before the figures, e.g. "C00001 changes". */
  readonly label: string;
  /** What is counted (default "rows"). */
  readonly unit?: string;
  /** Expected count, if known: draws a bar and an ETA. */
  readonly total?: number | undefined;
  /** The total is an estimate (shown as ~N; grown if passed). */
  readonly estimated?: boolean;
  /** Draw even if stderr is not a terminal (tests); default: only on a terminal. */
  readonly force?: boolean;
}

export class SyncProgress {
  private readonly bar: SingleBar | undefined;
  private readonly startedAt = performance.now();
  private total: number;

  constructor(options: SyncProgressOptions) {
    this.total = options.total ?? 0;
    if (!(options.force ?? process.stderr.isTTY)) return;
    const unit = options.unit ?? "rows";
    const format =
      this.total > 0
        ? `${options.label} {phase} [{bar}] {value} of ${options.estimated ? "~" : ""}{total} ${unit} | {speed} ${unit}/s | ETA {eta_formatted}`
        : `${options.label} {phase} {value} ${unit} | {speed} ${unit}/s | {duration_formatted}`;
    this.bar = new SingleBar({ format, hideCursor: true, etaBuffer: 50, stream: process.stderr });
    this.bar.start(this.total, 0, { phase: "", speed: "0" });
  }

  /** Counted per second since the start, rounded. */
  rate(count: number): number {
    const seconds = (performance.now() - this.startedAt) / 1000;
    return seconds > 0 ? Math.round(count / seconds) : 0;
  }

  update(count: number, phase = ""): void {
    if (this.bar === undefined) return;
    if (this.total > 0 && count > this.total) {
      // the estimate was short: keep the bar honest
      this.total = count;
      this.bar.setTotal(count);
    }
    this.bar.update(count, { phase, speed: String(this.rate(count)) });
  }

  stop(): void {
    this.bar?.stop();
  }
}
