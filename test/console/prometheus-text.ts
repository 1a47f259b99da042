/*
 * A reader of the Prometheus text exposition format (version 0.0.4), enough
 * to check what GET /metrics says: each sample's name, labels and value, and
 * each metric family's TYPE. Escapes in label values (\\, \", \n) are decoded.
 */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromText {
  readonly samples: readonly PromSample[];
  readonly types: ReadonlyMap<string, string>;
  /** The value of the one sample with this name and exactly these labels; throws if none or several. */
  value(name: string, labels?: Record<string, string>): number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let consumed = 0;
  for (let match = LABEL.exec(text); match !== null; match = LABEL.exec(text)) {
    const [whole, key, raw] = match;
    labels[key as string] = (raw as string).replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    consumed += whole.length;
  }
  if (consumed !== text.length) throw new Error(`bad labels in line: ${line}`);
  return labels;
}

function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  // Prometheus reads values with Go's strconv.ParseFloat, which takes NaN in any case; prom-client
  // writes "Nan" (e.g. nodejs_eventloop_lag_mean_seconds before the event loop was sampled)
  if (text.toLowerCase() === "nan") return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`bad value ${text}`);
  return value;
}

export function parsePrometheusText(body: string): PromText {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      types.set(name as string, type as string);
      continue;
    }
    if (line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample: ${line}`);
    samples.push({ name: match[1] as string, labels: parseLabels(match[2] ?? "", line), value: parseValue(match[3] as string) });
  }
  return {
    samples,
    types,
    value(name, labels = {}) {
      const wanted = JSON.stringify(Object.entries(labels).sort());
      const found = samples.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted);
      if (found.length !== 1) throw new Error(`${found.length} samples ${name}${JSON.stringify(labels)}`);
      return (found[0] as PromSample).value;
    },
  };
}
