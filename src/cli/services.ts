/*
 * What `sincro start` runs once the database is migrated: today the push
 * service (the graphile-worker runner, and the reference ERP when no ERP is
 * configured; see push-service.ts). Services start in this order after migration and stop in reverse
 * order on shutdown, all before the embedded PostgreSQL stops, so a service
 * can finish its work (a worker releasing its jobs) with the database up.
 *
 * A service that ends on its own (`ended` settles before sincro asked it to
 * stop) shuts sincro down with exit code 1.
 */
import type { Logger } from "./logger";
import { pushService } from "./push-service";

export interface ServiceContext {
  /** Connection string of the migrated database sincro serves. */
  readonly databaseUrl: string;
  /** Logger with a `service` field naming the service. */
  readonly logger: Logger;
}

export interface RunningService {
  /** Stop gracefully; resolves once stopped. */
  stop(): Promise<void>;
  /** Settles if the service ends without being asked to (crash, lost connection). */
  readonly ended?: Promise<unknown>;
  /** Settings the operator commands need to reach what it serves (e.g. the reference ERP's URL and token): `start` prints them as an `export` line. */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface Service {
  /** Short name for logs, e.g. "worker", "erp". */
  readonly name: string;
  /** Resolves once the service is up. */
  start(context: ServiceContext): Promise<RunningService>;
}

/** The services `sincro start` runs, in start order. */
export const SERVICES: readonly Service[] = [pushService];
