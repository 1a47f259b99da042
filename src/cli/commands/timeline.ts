/*
 * `sincro timeline --azi X (--id-pub N | --tor-chia K | --store-order N |
 * --device D --device-order N)`: one order's header, lines and life in the
 * terminal — the same sincro.locate_order and sincro.order_timeline the
 * console's timeline page reads, with DATABASE_URL's rights.
 */
import type { Command } from "commander";
import { readTimeline, type TimelineSearch } from "../../http/console-routes";
import type { CliContext } from "../context";
import { UsageError } from "../errors";
import { openHub } from "../hub";
import { formatTable } from "../table";

interface TimelineOptions {
  readonly azi: string;
  readonly idPub?: string;
  readonly torChia?: string;
  readonly storeOrder?: string;
  readonly device?: string;
  readonly deviceOrder?: string;
}

function searchFrom(options: TimelineOptions): TimelineSearch {
  const keys = [options.idPub, options.torChia, options.storeOrder, options.device].filter((key) => key !== undefined).length;
  if (keys !== 1 || (options.device === undefined) !== (options.deviceOrder === undefined)) {
    throw new UsageError("name the order by one of --id-pub, --tor-chia, --store-order, or --device with --device-order");
  }
  if (options.idPub !== undefined && !/^[1-9]\d{0,15}$/.test(options.idPub)) throw new UsageError(`--id-pub must be a public order ID (got ${options.idPub})`);
  return {
    azi: options.azi,
    id_pub: options.idPub === undefined ? undefined : Number(options.idPub),
    tor_chia: options.torChia,
    store_order: options.storeOrder,
    device: options.device,
    device_order: options.deviceOrder,
  };
}

export function registerTimelineCommand(program: Command, context: CliContext): void {
  program
    .command("timeline")
    .description("one order's header, lines and every version and event in time order (needs DATABASE_URL)")
    .requiredOption("--azi <company>", "the order's company")
    .option("--id-pub <n>", "by public ID")
    .option("--tor-chia <key>", "by ERP key")
    .option("--store-order <n>", "by the store's own order number")
    .option("--device <d>", "by device (with --device-order)")
    .option("--device-order <n>", "the device's own order number")
    .action(async (options: TimelineOptions) => {
      const search = searchFrom(options);
      const pool = openHub(context, "timeline");
      try {
        const timeline = await readTimeline(pool, search);
        if (timeline === undefined) throw new UsageError(`not found: company ${search.azi} has no such order`);
        const header = Object.entries(timeline.header).map(([key, value]) => [key, value === null ? null : String(value)]);
        const out = [
          `== order ${timeline.header.id_pub} of ${search.azi} ==`,
          formatTable(["field", "value"], header),
          "",
          formatTable(
            ["line", "article", "quantity", "price"],
            timeline.lines.map((l) => [String(l.riga), String(l.articolo), String(l.quantita), String(l.prezzo)]),
          ),
          "",
          formatTable(
            ["#", "when", "what", "who", "changed", "tor_chia", "conferma", "ack S/G/A", "autore", "id_sincro", "answer / note"],
            timeline.rows.map((r) => [
              r.step,
              r.recorded_at,
              r.what,
              `${r.party ?? ""} ${r.db_user ?? ""}`.trim(),
              r.changes,
              r.tor_chia,
              r.conferma,
              r.ack_store === null ? null : `${r.ack_store}/${r.ack_gest}/${r.ack_app}`,
              r.autore_tipo === null ? null : `${r.autore_tipo} ${r.autore_cod}`,
              r.id_sincro,
              r.detail,
            ]),
          ),
        ];
        process.stdout.write(`${out.join("\n")}\n`);
      } finally {
        await pool.end();
      }
    });
}
