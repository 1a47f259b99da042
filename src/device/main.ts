/*
 * The reference device client on a terminal (docs/devices.md):
 *
 *   SINCRO_DEVICE_URL=postgres://<app login>:<password>@host:port/sincro \
 *   npx ts-node src/device/main.ts --db tab7.sqlite sync | order | upload | ack | status | size
 *
 * An example for app developers, not part of the hub: each command opens the
 * device's SQLite file and one connection as the device's app login.
 */
import { Command } from "commander";
import { SyncProgress } from "../cli/progress";
import { DeviceClient } from "./client";

function connectionString(): string {
  const url = process.env.SINCRO_DEVICE_URL;
  if (url === undefined || url === "") throw new Error("set SINCRO_DEVICE_URL to the app login's connection string");
  return url;
}

async function withClient<T>(file: string, work: (client: DeviceClient) => Promise<T>): Promise<T> {
  const client = await DeviceClient.open({ file, connectionString: connectionString() });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

function parseLine(text: string): { articolo: string; quantita: string; prezzo: string | null } {
  const [articolo, quantita, prezzo] = text.split(":");
  if (!articolo || !quantita) throw new Error(`a line is ARTICLE:QUANTITY[:PRICE] (got ${text})`);
  return { articolo, quantita, prezzo: prezzo ?? null };
}

const program = new Command("sincro-device")
  .description("The reference device client: a local SQLite copy of an app login's slice")
  .requiredOption("--db <file>", "the device's SQLite file");

program
  .command("size")
  .description("what a first download brings, per entity")
  .action(async () => {
    await withClient(program.opts<{ db: string }>().db, async (client) => {
      for (const size of await client.sliceSize()) console.log(`${size.entity.padEnd(16)} ${String(size.rows).padStart(9)} rows  ~${Math.ceil(size.approxBytes / 1024)} KiB`);
    });
  });

program
  .command("sync")
  .description("pulls the device feed: the first download from cursor 0, then what changed")
  .option("--page-size <n>", "rows per page", "1000")
  .action(async (options: { pageSize: string }) => {
    await withClient(program.opts<{ db: string }>().db, async (client) => {
      const progress = new SyncProgress({ label: "device", total: undefined });
      const result = await client.sync({
        pageSize: Number(options.pageSize),
        onProgress: (p) => progress.update(p.applied, p.expected === undefined ? "pull" : "first download", p.expected),
      });
      progress.stop();
      console.log(
        `${result.firstDownload ? "first download" : "pull"}: ${result.upserts} row(s) written, ${result.removals} removed, ${result.pages} page(s); cursor ${result.cursor}`,
      );
      const acked = await client.ackErpOrders();
      if (acked > 0) console.log(`acked ${acked} ERP-made order(s)`);
    });
  });

program
  .command("order")
  .description("writes an order offline (into the outbox)")
  .requiredOption("--customer <code>", "the customer (cod_cli)")
  .requiredOption("--line <ARTICLE:QUANTITY[:PRICE]...>", "a line (repeat for more)", (value: string, previous: string[] = []) => [...previous, value])
  .option("--date <YYYY-MM-DD>", "order date (default today)")
  .option("--note <text>", "a note")
  .action(async (options: { customer: string; line: string[]; date?: string; note?: string }) => {
    // writing needs no connection: the client connects only for what needs the hub
    const client = await DeviceClient.open({ file: program.opts<{ db: string }>().db, connectionString: process.env.SINCRO_DEVICE_URL ?? "" });
    const lines = options.line.map(parseLine);
    const total = lines.reduce((sum, line) => sum + Number(line.quantita) * Number(line.prezzo ?? 0), 0);
    try {
      const warning = client.creditWarning(options.customer, total);
      if (warning !== null) console.log(`warning: ${warning} — the order is accepted; the ERP decides`);
      const idInt = client.writeOrder({ cliente_cod: options.customer, data_ordine: options.date ?? new Date().toISOString().slice(0, 10), note: options.note ?? null, lines });
      console.log(`written offline as ${idInt}; run upload when online`);
    } finally {
      await client.close();
    }
  });

program
  .command("upload")
  .description("uploads the outbox (idempotent: a retry gets the same public ID)")
  .action(async () => {
    await withClient(program.opts<{ db: string }>().db, async (client) => {
      for (const result of await client.upload()) console.log(`${result.id_int} → id_pub ${result.id_pub}${result.inserted ? "" : " (already in the hub)"}`);
    });
  });

program
  .command("ack")
  .description("acks the ERP-made orders the device holds")
  .action(async () => {
    await withClient(program.opts<{ db: string }>().db, async (client) => console.log(`acked ${await client.ackErpOrders()} order(s)`));
  });

program
  .command("status")
  .description("the cursor, the rows held per entity, the outbox")
  .action(async () => {
    await withClient(program.opts<{ db: string }>().db, async (client) => {
      console.log(`cursor ${client.store.cursor()}`);
      for (const [entity, count] of Object.entries(client.store.counts())) console.log(`${entity.padEnd(16)} ${String(count).padStart(9)}`);
      for (const entry of client.outbox()) console.log(`outbox ${entry.id_int} ${entry.order.cliente_cod ?? ""} ${entry.id_pub === null ? "waiting" : `id_pub ${entry.id_pub}`}`);
    });
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`sincro-device: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
