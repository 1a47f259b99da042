/*
 * How the reference ERP words a refused body or query: each zod issue as
 * "path: problem", so the message names the field.
 */
import type { z } from "zod";

/** "data.lines.0.quantita: must be a decimal number; key: Unrecognized key: \"x\"" */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "body"}: ${issue.message}`).join("; ");
}
