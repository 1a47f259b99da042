/*
 * `sincro` as a process, the way an operator runs it: bin/sincro with the hub's
 * DATABASE_URL and the ERP's URL and token in its environment. The CLI tests
 * and the exactly-once test start it through here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/project-root";

export interface SincroTarget {
  readonly hubUrl: string;
  readonly erpUrl: string;
  readonly erpToken: string;
}

export interface SincroOptions {
  /** SINCRO_ERP_TIMEOUT_MS (default 2000). */
  readonly erpTimeoutMs?: number;
  /** More environment (e.g. SINCRO_WORKER_CONCURRENCY). */
  readonly env?: Readonly<Record<string, string>>;
  /** Discard the output instead of collecting it. */
  readonly quiet?: boolean;
}

export interface Finished {
  readonly code: number | null;
  readonly output: string;
}

export interface SincroProcess {
  readonly child: ChildProcess;
  /** Settles when the process exits, with its exit code and everything it wrote. */
  readonly finished: Promise<Finished>;
  /** What it has written so far (stdout and stderr). */
  output(): string;
}

export function startSincro(target: SincroTarget, args: readonly string[], options: SincroOptions = {}): SincroProcess {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "sincro"), ...args], {
    env: {
      ...process.env,
      DATABASE_URL: target.hubUrl,
      SINCRO_ERP_URL: target.erpUrl,
      SINCRO_ERP_TOKEN: target.erpToken,
      SINCRO_ERP_TIMEOUT_MS: String(options.erpTimeoutMs ?? 2000),
      ...options.env,
    },
    stdio: options.quiet ? "ignore" : ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const finished = new Promise<Finished>((resolve) => child.on("exit", (code) => resolve({ code, output })));
  return { child, finished, output: () => output };
}
