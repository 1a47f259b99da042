/*
 * npm run bench: every benchmark in turn, each printing its table of ratios
 * against baselines measured in the same run. `--quick` for a smoke run.
 * Figures go to docs/performance.md by hand, with the machine and the date.
 * Missed targets are printed, not failed: benchmarks measure, tests judge.
 */
import os from "node:os";
import { runConsoleBench } from "./console";
import { BIG_SHAPE, runDeviceBench, SMALL_SHAPE } from "./device";
import { formatIngest, runIngestBench } from "./ingest";
import { runPushBench, runPushComparison } from "./push";

/** `--vs-release=0.1.0`: push and ingest also measured on a hub at that release, same run (see runPushComparison). */
const vsRelease = process.argv.find((arg) => arg.startsWith("--vs-release="))?.slice("--vs-release=".length);
import { runRebuildBench } from "./rebuild";
import { runStoresBench } from "./stores";

interface Benchmark {
  readonly name: string;
  run(quick: boolean): Promise<string>;
}

const BENCHMARKS: readonly Benchmark[] = [
  {
    name: "ingest: header + 2 lines through the full trigger path vs bare tables",
    run: async (quick) => formatIngest(await runIngestBench(quick ? { secondsPerCell: 1, rounds: 1, vsRelease } : { secondsPerCell: 4, rounds: vsRelease === undefined ? 3 : 5, vsRelease })),
  },
  {
    name: "push: insert → ERP → ack_gest visible, vs graphile-worker with a no-op task",
    run: async (quick) => {
      const sizes = quick ? { latencyOrders: 200, drainOrders: 200, rateSeconds: 2 } : { latencyOrders: 2000, drainOrders: 2000, rateSeconds: 10 };
      if (vsRelease === undefined) return runPushBench(sizes);
      return [await runPushBench(sizes), "", await runPushComparison({ ...sizes, vsRelease, rounds: quick ? 2 : 4 })].join("\n");
    },
  },
  {
    name: "rebuild: total rebuild vs COPY, peak RSS; sync for changes on 10k vs 1M rows",
    run: (quick) =>
      runRebuildBench(
        quick
          ? { articles: 100_000, customers: 10_000, smallArticles: 10_000, touched: 1000, rounds: 3 }
          : { articles: 1_000_000, customers: 100_000, smallArticles: 10_000, touched: 1000, rounds: 3 },
      ),
  },
  {
    name: "device: an agent's first download vs COPY of the same rows; an incremental pull at 10k vs 1M rows",
    run: (quick) =>
      runDeviceBench(
        quick
          ? {
              big: { ...BIG_SHAPE, ownParticolaritaPerCustomer: 20, otherCustomers: 4_500, otherParticolaritaPerCustomer: 10 },
              small: SMALL_SHAPE,
              downloadRounds: 1,
              pullRounds: 3,
            }
          : { big: BIG_SHAPE, small: SMALL_SHAPE, downloadRounds: 5, pullRounds: 7 },
      ),
  },
  {
    name: "console: Company, Problems and timeline pages and a /metrics scrape over HTTP, with many companies and orders",
    run: (quick) => runConsoleBench(quick ? { companies: 10, orders: 20_000, requests: 20 } : { companies: 100, orders: 1_000_000, requests: 100 }),
  },
  {
    name: "stores: WooCommerce webhooks to the hub's HTTP server, accepted at 200/s, → ack_gest = 1 with the reference ERP",
    run: (quick) => runStoresBench(quick ? { rate: 200, ackRate: 20, seconds: 3 } : { rate: Number(process.env.BENCH_STORES_RATE ?? 200), ackRate: 20, seconds: 10 }),
  },
];

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
  console.log(`sincro benchmarks — ${new Date().toISOString()} — ${os.cpus().length} cores, node ${process.version}${quick ? " (quick)" : ""}`);
  for (const benchmark of BENCHMARKS.filter((b) => only === undefined || b.name.startsWith(only))) {
    console.log(`\n## ${benchmark.name}\n`);
    console.log(await benchmark.run(quick));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
