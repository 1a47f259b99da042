/*
 * What `sincro start` runs once the database is migrated: the push service
 * (the graphile-worker runner, and the reference ERP when no ERP is
 * configured; see push-service.ts), then the HTTP service (operator console
 * and /metrics; see http-service.ts). Services start in this order after
 * migration and stop in reverse order on shutdown, all before the embedded
 * PostgreSQL stops, so a service can finish its work (a worker releasing its
 * jobs) with the database up.
 *
 * A service that ends on its own (`ended` settles before sincro asked it to
 * stop) shuts sincro down with exit code 1.
 */
import { httpService } from "./http-service";
import { pushService } from "./push-service";
import type { Service } from "./service";

/** The services `sincro start` runs, in start order. */
export const SERVICES: readonly Service[] = [pushService, httpService];
