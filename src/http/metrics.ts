/*
 * GET /metrics in the Prometheus text format (prom-client). The hub's figures
 * are read at scrape time from sincro.metric_samples(), one query per scrape,
 * so every process serving /metrics reports the same truth. Each scrape first
 * folds the counters' deltas (sincro.metric_compact(), its own short
 * transaction; figures unchanged), so what it reads stays small; prom-client adds
 * this process's defaults (CPU, memory, event loop) and does the formatting.
 * docs/operations.md describes each metric.
 */
import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import { collectDefaultMetrics, Registry } from "prom-client";

type MetricType = "gauge" | "counter" | "histogram";

interface Sample {
  readonly metric: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

interface HubMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
}

/** The metrics of the hub, as sincro.metric_samples() names them (histogram series by their base name). */
export const HUB_METRICS: readonly HubMetric[] = [
  { name: "sincro_orders_pending", type: "gauge", help: "Orders a party (erp, store, app) has not acquired yet." },
  { name: "sincro_oldest_pending_seconds", type: "gauge", help: "Age of the oldest order a party has not acquired (0 when none)." },
  { name: "sincro_push_total", type: "counter", help: "Pushes to the ERP by outcome: orders acquired, rejections, failed attempts." },
  { name: "sincro_push_duration_seconds", type: "histogram", help: "Time from an order's insert to its acquisition by the ERP." },
  { name: "sincro_sync_runs_total", type: "counter", help: "Finished sync runs by kind (partial, changes, rebuild) and state (succeeded, failed)." },
  { name: "sincro_sync_runs_running", type: "gauge", help: "Sync runs under way, by kind (partial, changes, rebuild)." },
  { name: "sincro_sync_rows_total", type: "counter", help: "Rows received from the ERP by syncs for changes and rebuilds; orders pushed by partial syncs." },
  { name: "sincro_quota_remaining", type: "gauge", help: "Syncs with the ERP left in the company's current contract period." },
  { name: "sincro_quota_total", type: "gauge", help: "Syncs with the ERP allowed per contract period." },
  { name: "sincro_consumer_lag", type: "gauge", help: "Change numbers a consumer (store, app device) is behind its company's last change." },
  { name: "sincro_jobs_queued", type: "gauge", help: "graphile-worker jobs waiting or running that may still run." },
];

/** A metric whose values are the samples of the last scrape's query. */
class SampledMetric {
  readonly aggregator = "first" as const;
  constructor(
    private readonly definition: HubMetric,
    private readonly samples: () => readonly Sample[],
  ) {}
  get name(): string {
    return this.definition.name;
  }
  get help(): string {
    return this.definition.help;
  }
  get type(): MetricType {
    return this.definition.type;
  }
  async get() {
    const { name } = this.definition;
    const ours = this.samples().filter((sample) => sample.metric === name || (this.type === "histogram" && sample.metric.startsWith(`${name}_`)));
    return {
      name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: ours.map((sample) => ({ metricName: sample.metric, labels: sample.labels, value: sample.value })),
    };
  }
  reset(): void {}
}

export function registerMetricsRoute(app: FastifyInstance, pool: Pool): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let current: readonly Sample[] = [];
  for (const definition of HUB_METRICS) {
    registry.registerMetric(new SampledMetric(definition, () => current) as unknown as Parameters<Registry["registerMetric"]>[0]);
  }
  // scrapes one at a time: each formats the samples its own query read
  let previous: Promise<unknown> = Promise.resolve();
  const scrape = async (): Promise<string> => {
    await pool.query("select sincro.metric_compact()");
    const result = await pool.query<Sample>("select metric, labels, value from sincro.metric_samples()");
    current = result.rows;
    return registry.metrics();
  };
  app.get("/metrics", async (_request, reply) => {
    const text = previous.then(scrape, scrape);
    previous = text.catch(() => undefined);
    return reply.type(registry.contentType).send(await text);
  });
}
