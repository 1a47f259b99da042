/*
 * A deployed hub runs with autovacuum, which analyzes a table once some 50
 * rows (plus 10 %) have changed since its last analysis. The PostgreSQL these
 * benchmarks run on in CI has autovacuum off (its 90-ci.conf), so a database
 * the bench has just created keeps tables that were never analyzed, and every
 * plan a connection caches is made for "no statistics": on
 * sincro.arportes the planner then finds idx_arportes__date (azi, data_ordine)
 * as cheap as the primary key for a lookup by (azi, id_pub), and the
 * foreign-key checks and the line guard, cached for the session, scan every
 * order of the company (measured: 6 such scans an order, the ingest rate
 * falling from 375 to 240 orders/s over 15 s). `sincro migrate` and `start` warn
 * when autovacuum is off (src/cli/migrations.ts). The benches analyze their databases
 * after their warm-up, as autovacuum would have done by then.
 */
import { Client } from "pg";

export async function analyzeAsAutovacuumWould(...urls: readonly string[]): Promise<void> {
  for (const url of urls) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("analyze");
    } finally {
      await client.end();
    }
  }
}
