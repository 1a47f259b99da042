/*
 * Exit codes of the sincro command: 0 done, 1 failed, 2 used wrongly (a
 * missing or malformed setting). A UsageError is the user's to fix and says how.
 */
export class UsageError extends Error {}

export function exitCodeFor(error: unknown): number {
  return error instanceof UsageError ? 2 : 1;
}

/**
 * One line for the log. Connection failures reach us as an AggregateError
 * with an empty message (one error per address tried), so say what is inside.
 */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") {
    return error.errors.map(describeError).join("; ");
  }
  if (error instanceof Error) {
    const cause = error.cause === undefined ? "" : ` (cause: ${describeError(error.cause)})`;
    return `${error.message}${cause}`;
  }
  return String(error);
}
