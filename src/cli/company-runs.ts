/*
 * How the sync commands (`sincro sync partial|changes|rebuild`) run: on the hub
 * (DATABASE_URL) and the ERP (SINCRO_ERP_URL), for the company named by --azi
 * or every registered one, one after another, in this process.
 *
 * SIGINT/SIGTERM abort the company's run through `signal`: the run stops
 * between orders or batches (a call to the ERP in flight is abandoned), marks
 * itself failed and throws; no other company starts, and the command exits 1
 * with one line. A second signal exits at once (shutdown.ts).
 *
 * One company: its failure is the command's. Several: each failure is logged
 * (`<command>_failed`, e.g. sync_changes_failed) and the others go on; the
 * command then fails naming them.
 */
import type { Pool } from "pg";
import type { ErpConnector } from "../erp/connector";
import type { CliContext } from "./context";
import { describeError } from "./errors";
import { companiesFor, openErp, openHub } from "./hub";
import type { Logger } from "./logger";
import { Shutdown } from "./shutdown";

export interface CompanyRun {
  readonly pool: Pool;
  readonly erp: ErpConnector;
  readonly logger: Logger;
  readonly azi: string;
  /** Aborted by SIGINT/SIGTERM; its reason says which ("interrupted by SIGINT"). */
  readonly signal: AbortSignal;
}

/** Runs `work` for each company; `command` is the subcommand, e.g. "sync partial". */
export async function runForCompanies(context: CliContext, command: string, azi: string | undefined, work: (run: CompanyRun) => Promise<void>): Promise<void> {
  const { logger } = context;
  const pool = openHub(context, command);
  const shutdown = new Shutdown(logger);
  const abort = new AbortController();
  void shutdown.requested.then((reason) => abort.abort(new Error(reason.kind === "signal" ? `interrupted by ${reason.signal}` : reason.error.message)));
  try {
    const erp = openErp(context, command).connector;
    const companies = await companiesFor(pool, azi);
    const failed: string[] = [];
    for (const company of companies) {
      if (abort.signal.aborted) break;
      try {
        await work({ pool, erp, logger, azi: company, signal: abort.signal });
      } catch (error) {
        // one company, or interrupted: main() reports it; several: report each, go on with the others
        if (companies.length === 1 || abort.signal.aborted) throw error;
        failed.push(company);
        logger.error({ event: `${command.replace(/ /g, "_")}_failed`, azi: company }, describeError(error));
      }
    }
    if (abort.signal.aborted) throw abort.signal.reason;
    if (failed.length > 0) throw new Error(`${command}: ${failed.length} of ${companies.length} companies failed (${failed.join(", ")})`);
  } finally {
    shutdown.dispose();
    await pool.end();
  }
}
