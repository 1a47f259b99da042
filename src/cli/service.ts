/*
 * What a service of `sincro start` is: something started once the database is
 * migrated and stopped, gracefully, before the database stops. The services
 * themselves are listed in services.ts.
 */
import type { Logger } from "./logger";

export interface ServiceContext {
  /** The environment sincro was started with (its settings are read from here, not from process.env). */
  readonly env: NodeJS.ProcessEnv;
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
