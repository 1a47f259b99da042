/*
 * readOneAhead, the rebuild's pipeline: the next batch is read while the
 * current one is applied (so the network and the hub work at the same time),
 * never more than one batch ahead (so memory stays flat), and the source is
 * closed when applying fails (so its network stream is released).
 */
import { describe, expect, it } from "vitest";
import { readOneAhead } from "../../src/sync/rebuild";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function source(items: number, readMs: number, log: string[]) {
  let closed = false;
  async function* generate() {
    try {
      for (let item = 1; item <= items; item++) {
        log.push(`read start ${item}`);
        await sleep(readMs);
        log.push(`read end ${item}`);
        yield item;
      }
    } finally {
      closed = true;
    }
  }
  return { iterable: generate(), closed: () => closed };
}

describe("readOneAhead", () => {
  it("reads the next item while applying the current one, and never more than one ahead", async () => {
    const log: string[] = [];
    const { iterable } = source(5, 10, log);
    let read = 0;
    let applied = 0;
    const ahead: number[] = [];
    await readOneAhead(
      (async function* () {
        for await (const item of iterable) {
          read++;
          yield item;
        }
      })(),
      async (item) => {
        log.push(`apply start ${item}`);
        ahead.push(read - applied);
        await sleep(30);
        applied++;
        log.push(`apply end ${item}`);
      },
    );
    expect(applied).toBe(5);
    // TEST: while item 1 is applied, item 2 is read; item 3 is not read until item 1 is applied
    expect(log.indexOf("read start 2")).toBeLessThan(log.indexOf("apply end 1"));
    expect(log.indexOf("read start 3")).toBeGreaterThan(log.indexOf("apply end 1"));
    // TEST: at most the item being applied plus one read ahead
    expect(Math.max(...ahead)).toBeLessThanOrEqual(2);
  });

  it("an apply failure closes the source and is the error reported", async () => {
    const log: string[] = [];
    const { iterable, closed } = source(10, 5, log);
    await expect(
      readOneAhead(iterable, async (item) => {
        if (item === 3) throw new Error("hub said no");
      }),
    ).rejects.toThrow("hub said no");
    expect(closed()).toBe(true);
    expect(log).not.toContain("read start 5");
  });

  it("a read failure is reported", async () => {
    async function* failing() {
      yield 1;
      throw new Error("ERP connection reset");
    }
    const applied: number[] = [];
    await expect(readOneAhead(failing(), async (item) => void applied.push(item))).rejects.toThrow("ERP connection reset");
    expect(applied).toEqual([1]);
  });
});
