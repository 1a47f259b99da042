/*
 * npm run bench: every benchmark in turn, each printing its table of ratios
 * against baselines measured in the same run. `--quick` for a smoke run.
 * Figures go to docs/performance.md by hand, with the machine and the date.
 * Missed targets are printed, not failed: benchmarks measure, tests judge.
 */
import os from "node:os";
import { formatIngest, runIngestBench } from "./ingest";
import { runPushBench } from "./push";

interface Benchmark {
  readonly name: string;
  run(quick: boolean): Promise<string>;
}

const BENCHMARKS: readonly Benchmark[] = [
  {
    name: "ingest: header + 2 lines through the full trigger path vs bare tables",
    run: async (quick) => formatIngest(await runIngestBench(quick ? { secondsPerCell: 1, rounds: 1 } : { secondsPerCell: 4, rounds: 3 })),
  },
  {
    name: "push: insert → ERP → ack_gest visible, vs graphile-worker with a no-op task",
    run: (quick) => runPushBench(quick ? { latencyOrders: 200, drainOrders: 200 } : { latencyOrders: 2000, drainOrders: 2000 }),
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
