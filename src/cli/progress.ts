/*
 * The progress of a sync on a terminal, one line per phase (a rebuild: one per
 * entity). With a total the ERP announced (a snapshot's x-erp-row-count) the
 * line has a bar, "x of N rows" and an ETA; without one it says only what is
 * known — rows so far, rows/s, time spent — rather than draw a bar from a guess.
 * Drawn on stderr, and only when stderr is a terminal; otherwise nothing is
 * drawn and the command logs one line when the run ends.
 */
import { SingleBar } from "cli-progress";

export interface RowsProgressOptions {
  /** Shown before the figures, e.g. "C00001 changes". */
  readonly label: string;
  /** Draw even if stderr is not a terminal (tests); default: only on a terminal. */
  readonly force?: boolean;
}

/** The line's format: a bar and an ETA when the total is known, an honest count and rate when it is not. */
export function progressFormat(label: string, phase: string, total: number | undefined): string {
  const title = phase === "" ? label : `${label} ${phase}`;
  return total === undefined
    ? `${title} {value} rows | {speed} rows/s | {duration_formatted}`
    : `${title} [{bar}] {value} of {total} rows | {speed} rows/s | ETA {eta_formatted}`;
}

function perSecond(rows: number, since: number): number {
  const seconds = (performance.now() - since) / 1000;
  return seconds > 0 ? Math.round(rows / seconds) : 0;
}

export class RowsProgress {
  private readonly startedAt = performance.now();
  private readonly draw: boolean;
  private bar: SingleBar | undefined;
  private phase = "";
  private phaseStartedAt = this.startedAt;
  private total: number | undefined;

  constructor(private readonly options: RowsProgressOptions) {
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
  update(rows: number, phase = "", total?: number): void {
    if (!this.draw) return;
    if (this.bar === undefined || phase !== this.phase) {
      this.bar?.stop();
      this.phase = phase;
      this.phaseStartedAt = performance.now();
      this.total = total;
      this.bar = new SingleBar({
        format: progressFormat(this.options.label, phase, total),
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
