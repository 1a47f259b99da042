/*
 * The progress of a sync on a terminal, one line per phase (a rebuild: one per
 * entity). With a known total (a snapshot's x-erp-row-count, a partial sync's
 * pending orders) the line has a bar, "x of N rows" and an ETA; without one it says only what is
 * known — rows so far, rows/s, time spent — rather than draw a bar from a guess.
 * Drawn on stderr, and only when stderr is a terminal; otherwise nothing is
 * drawn and the command logs one line when the run ends.
 */
import { SingleBar } from "cli-progress";

export interface SyncProgressOptions {
  /** Shown before the figures, e.g. "C00001 changes". */
  readonly label: string;
  /** What is counted (default "rows"). */
  readonly unit?: string;
  /** The total when it is known from the start (else give it per phase to update). */
  readonly total?: number | undefined;
  /** Draw even if stderr is not a terminal (tests); default: only on a terminal. */
  readonly force?: boolean;
}

/** The line's format: a bar and an ETA when the total is known, an honest count and rate when it is not. */
export function progressFormat(label: string, phase: string, total: number | undefined, unit = "rows"): string {
  const title = phase === "" ? label : `${label} ${phase}`;
  return total === undefined
    ? `${title} {value} ${unit} | {speed} ${unit}/s | {duration_formatted}`
    : `${title} [{bar}] {value} of {total} ${unit} | {speed} ${unit}/s | ETA {eta_formatted}`;
}

function perSecond(rows: number, since: number): number {
  const seconds = (performance.now() - since) / 1000;
  return seconds > 0 ? Math.round(rows / seconds) : 0;
}

export class SyncProgress {
  private readonly startedAt = performance.now();
  private readonly draw: boolean;
  private bar: SingleBar | undefined;
  private phase = "";
  private phaseStartedAt = this.startedAt;
  private total: number | undefined;

  constructor(private readonly options: SyncProgressOptions) {
    this.draw = options.force ?? process.stderr.isTTY === true;
  }

  /** Rows per second since the start, rounded. */
  rate(rows: number): number {
    return perSecond(rows, this.startedAt);
  }

  /**
   * Rows so far in `phase`. Another phase than the current one ends the
   * current line and starts the next, with `total` if the ERP announced one.
   */
  update(rows: number, phase = "", total: number | undefined = this.options.total): void {
    if (!this.draw) return;
    if (this.bar === undefined || phase !== this.phase) {
      this.bar?.stop();
      this.phase = phase;
      this.phaseStartedAt = performance.now();
      this.total = total;
      this.bar = new SingleBar({
        format: progressFormat(this.options.label, phase, total, this.options.unit),
        hideCursor: true,
        etaBuffer: 50,
        stream: process.stderr,
        noTTYOutput: this.options.force ?? false,
      });
      this.bar.start(total ?? 0, 0, { speed: "0" });
    }
    if (this.total !== undefined && rows > this.total) {
      // more than announced (the reader fails such a snapshot at its end): keep the bar honest meanwhile
      this.total = rows;
      this.bar.setTotal(rows);
    }
    this.bar.update(rows, { speed: String(perSecond(rows, this.phaseStartedAt)) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
