/*
 * The sync progress line (src/cli/progress.ts): a bar, "x of N rows" and an
 * ETA only when the ERP announced the total; otherwise rows, rate and time,
 * with no bar drawn from a guess (0.1 drew "0 of ~2 rows | ETA NFs" from the
 * previous rebuild). One line per phase.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { progressFormat, SyncProgress } from "../src/cli/progress";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("sync progress", () => {
  it("a known total: bar, x of N, ETA", () => {
    const format = progressFormat("C1 rebuild", "article (2/6)", 20_000);
    expect(format).toMatch(/^C1 rebuild article \(2\/6\) \[\{bar\}\] \{value\} of \{total\} rows/);
    expect(format).toContain("ETA");
  });

  it("no total: no bar, no ETA, no estimate", () => {
    const format = progressFormat("C1 rebuild", "article (2/6)", undefined);
    expect(format).not.toContain("{bar}");
    expect(format).not.toContain("ETA");
    expect(format).not.toContain("{total}");
    expect(format).toMatch(/^C1 rebuild article \(2\/6\) \{value\} rows \| \{speed\} rows\/s/);
  });

  it("draws one line per phase, each with what is known of it", () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const progress = new SyncProgress({ label: "C1 rebuild", force: true });
    progress.update(0, "article (1/2)", 3);
    progress.update(3, "article (1/2)", 3);
    progress.update(0, "customer (2/2)", undefined);
    progress.update(5, "customer (2/2)", undefined);
    progress.stop();
    vi.restoreAllMocks();
    const text = written.join("");
    expect(text).toMatch(/C1 rebuild article \(1\/2\) \[[^\]]+\] 3 of 3 rows/);
    expect(text).toMatch(/C1 rebuild customer \(2\/2\) 5 rows \| \d+ rows\/s/);
    expect(text).not.toMatch(/customer[^\n]*(ETA|of)/);
  });
});
