/* collectGarbage really runs a full collection: memory a rebuild has dropped is given back at once. */
import { describe, expect, it } from "vitest";
import { collectGarbage, periodicCollector } from "../../src/sync/heap";

describe("collectGarbage", () => {
  it("frees dropped batches at once", () => {
    collectGarbage();
    let batches: string[][] | undefined = Array.from({ length: 40 }, (_, b) => Array.from({ length: 5000 }, (_, r) => `{"key":{"cod_art":"A${b}-${r}"},"data":{}}`));
    const holding = process.memoryUsage().heapUsed;
    expect(batches.length).toBe(40);
    batches = undefined;
    collectGarbage();
    expect(process.memoryUsage().heapUsed).toBeLessThan(holding - 10_000_000);
  });

  it("periodicCollector collects every n calls", () => {
    const tick = periodicCollector(3);
    let kept: string[] | undefined = Array.from({ length: 200_000 }, (_, i) => `row ${i}`);
    tick();
    tick();
    const holding = process.memoryUsage().heapUsed;
    expect(kept.length).toBe(200_000);
    kept = undefined;
    tick(); // the third call collects
    expect(process.memoryUsage().heapUsed).toBeLessThan(holding - 5_000_000);
  });
});
