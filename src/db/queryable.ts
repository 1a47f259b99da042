/*
 * What sincro's SQL calls run on: anything that runs one statement. The push,
 * the partial sync and the sync runs take it, so the same code runs on a pool,
 * on one session, or inside a graphile-worker task.
 */
import type { QueryResult, QueryResultRow } from "pg";

/** Runs one statement: a pg Pool or Client, or graphile-worker's helpers.query. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}
