/*
 * What `sincro status` says each run charged to the quota, from its
 * sync_runs row: one unit for a succeeded sync for changes or rebuild, nothing
 * for a failed one (0.1 said "quota yes" for those) or a partial sync.
 */
import { describe, expect, it } from "vitest";
import { quotaCharged } from "../src/cli/commands/status";

describe("sincro status: quota used per run", () => {
  it.each([
    ["changes", "succeeded", true, "1"],
    ["rebuild", "succeeded", true, "1"],
    ["changes", "failed", true, "none"],
    ["rebuild", "failed", true, "none"],
    ["changes", "running", true, "1 if it succeeds"],
    ["partial", "succeeded", false, "none"],
    ["partial", "failed", false, "none"],
  ] as const)("%s run, %s: %s", (kind, state, uses_quota, charged) => {
    expect(quotaCharged({ kind, state, uses_quota })).toBe(charged);
  });
});
