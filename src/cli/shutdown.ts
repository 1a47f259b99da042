/*
 * How `sincro start` ends. A signal asks for a graceful stop: SIGINT (Ctrl-C),
 * SIGTERM (service managers, `docker stop`), SIGHUP (the terminal closed). A
 * service or the database ending on its own is a failure. The first reason
 * wins. A second signal while stopping exits at once; the next start cleans up
 * what is left (stale lock, orphaned server).
 *
 * Except the same signal again within ECHO_MS: under `npm start` (whose script
 * execs sincro, so that a supervisor's signal to npm's PID reaches it) a
 * terminal's Ctrl-C arrives twice, once from the terminal to the whole process
 * group and once forwarded by npm. That is one request, not a plea to hurry.
 */
import { constants } from "node:os";
import type { Logger } from "./logger";

const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const satisfies readonly NodeJS.Signals[];

/** A repeat of the first signal this soon after it is its echo (see above), not a second request. */
const ECHO_MS = 1000;

export type ShutdownReason =
  | { readonly kind: "signal"; readonly signal: NodeJS.Signals }
  | { readonly kind: "failure"; readonly error: Error };

export class Shutdown {
  private reason: ShutdownReason | undefined;
  /** The first signal and when it came (performance.now()). */
  private firstSignal: { readonly signal: NodeJS.Signals; readonly at: number } | undefined;
  private settle: (reason: ShutdownReason) => void = () => undefined;
  /** Signal handlers do not keep Node running: with DATABASE_URL and no service, nothing else would. */
  private readonly keepAlive = setInterval(() => undefined, 2 ** 30);
  /** Resolves with the first reason to stop. */
  readonly requested: Promise<ShutdownReason>;

  constructor(private readonly logger: Logger) {
    this.requested = new Promise((resolve) => {
      this.settle = resolve;
    });
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, this.onSignal);
  }

  get isRequested(): boolean {
    return this.reason !== undefined;
  }

  /** Something sincro depends on ended: stop, then exit with code 1 (main logs why). Ignored once stopping. */
  fail(error: Error): void {
    if (this.reason) return;
    this.request({ kind: "failure", error });
  }

  /** Removes the signal handlers. */
  dispose(): void {
    clearInterval(this.keepAlive);
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, this.onSignal);
  }

  private request(reason: ShutdownReason): void {
    this.reason = reason;
    this.settle(reason);
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    const echo = this.firstSignal?.signal === signal && performance.now() - this.firstSignal.at < ECHO_MS;
    if (echo) {
      this.logger.debug({ event: "signal_echo", signal }, `${signal} again at once: the same request (npm forwards the terminal's signal)`);
      return;
    }
    this.firstSignal ??= { signal, at: performance.now() };
    if (this.reason) {
      this.logger.warn({ event: "forced_exit", signal }, `${signal} again: exiting without waiting`);
      process.exit(128 + (constants.signals[signal] ?? 0));
    }
    this.logger.info({ event: "stopping", signal }, `${signal} received: stopping`);
    this.request({ kind: "signal", signal });
  };
}
