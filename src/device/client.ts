/*
 * The reference device client (docs/devices.md): keeps a local SQLite copy of
 * the login's slice current with ONE cursor, writes orders offline and
 * uploads them with the hub's idempotency, acks the ERP-made orders it holds.
 * It connects to the hub's PostgreSQL as the device's app login: row-level
 * security decides what it reads, the hub's triggers what it may write.
 */
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { LocalStore, type FeedRow, type OfflineOrder, type OutboxEntry } from "./local-store";

export interface SliceSize {
  readonly entity: string;
  readonly rows: number;
  readonly approxBytes: number;
}

export interface SyncProgress {
  /** Rows applied by this sync so far. */
  readonly applied: number;
  /** For a first download: the rows device_slice_size announced (the bar's total). */
  readonly expected: number | undefined;
  readonly cursor: number;
  readonly pages: number;
}

export interface SyncResult {
  readonly firstDownload: boolean;
  readonly pages: number;
  readonly upserts: number;
  readonly removals: number;
  readonly cursor: number;
}

export interface UploadResult {
  readonly id_int: string;
  readonly id_pub: number;
  /** false: the hub already had it (an upload whose reply was lost): the same public ID came back */
  readonly inserted: boolean;
}

/** Points where a test can stop the client the way a crash or a lost connection would. */
export interface ClientHooks {
  /** After a page was read from the hub, before it is applied locally. */
  readonly beforeApply?: (page: number) => void | Promise<void>;
  /** Inside the local transaction that applies a page, half-way through its rows (synchronous). */
  readonly duringApply?: (page: number) => void;
  /** After the hub committed an order's upload, before the device recorded its public ID. */
  readonly afterUploadCommit?: (idInt: string) => void | Promise<void>;
}

export interface DeviceClientOptions {
  /** The SQLite file of the device (":memory:" for a throwaway copy). */
  readonly file: string;
  /** The app login's connection string. */
  readonly connectionString: string;
  readonly hooks?: ClientHooks;
}

interface Identity {
  readonly azi: string;
  readonly deviceId: string;
  readonly agent: string | null;
}

const FEED = "select entity, id_sincro::text as id_sincro, deleted, key, data from sincro.device_changes_since($1, $2)";

/*
 * The upload: header and lines in ONE statement (so one transaction), the
 * lines fed by the header's RETURNING. A retry of an order the hub already
 * has inserts nothing and returns no row: find_order then gives its public ID.
 */
const UPLOAD = `
  with h as (
    insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, cod_agente, cliente_cod, data_ordine, note)
    values ($1, 'A', $2, $3, 'T', $4, $4, $5, $6::date, $7)
    returning azi, id_pub),
  l as (
    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo, sconto)
    select h.azi, h.id_pub, x.riga, x.articolo, x.quantita, coalesce(x.prezzo, 0), coalesce(x.sconto, 0)
    from h, jsonb_to_recordset($8::jsonb) x(riga integer, articolo text, quantita numeric, prezzo numeric, sconto numeric)
    returning 1)
  select h.id_pub::text as id_pub, (select count(*) from l)::int as lines from h`;

export class DeviceClient {
  readonly store: LocalStore;
  private readonly hooks: ClientHooks;
  private identity: Identity | undefined;

  /** The hub connection, opened at the first call that needs it: writing orders and reading the copy work offline. */
  private connection: Promise<Client> | undefined;

  private constructor(
    private readonly connectionString: string,
    store: LocalStore,
    hooks: ClientHooks,
  ) {
    this.store = store;
    this.hooks = hooks;
  }

  static async open(options: DeviceClientOptions): Promise<DeviceClient> {
    return new DeviceClient(options.connectionString, new LocalStore(options.file), options.hooks ?? {});
  }

  private async db(): Promise<Client> {
    this.connection ??= (async () => {
      const client = new Client({ connectionString: this.connectionString, application_name: "sincro-device" });
      try {
        await client.connect();
      } catch (error) {
        this.connection = undefined;
        throw error;
      }
      return client;
    })();
    return this.connection;
  }

  async close(): Promise<void> {
    this.store.close();
    const connection = this.connection;
    this.connection = undefined;
    if (connection !== undefined) await (await connection).end();
  }

  /** Who this login is (company, device, agent), as the hub bound it. */
  async whoAmI(): Promise<Identity> {
    if (this.identity === undefined) {
      const result = await (await this.db()).query<{ azi: string; device_id: string; agent: string | null }>(
        "select sincro_private.session_company() as azi, sincro_private.session_device() as device_id, sincro_private.session_agent() as agent",
      );
      const row = result.rows[0];
      if (row?.azi == null || row.device_id == null) throw new Error("sincro device: this connection is not an app login (no company or device)");
      this.identity = { azi: row.azi, deviceId: row.device_id, agent: row.agent };
    }
    return this.identity;
  }

  /** Per entity, the rows (and approximate bytes) a first download brings. */
  async sliceSize(): Promise<SliceSize[]> {
    const result = await (await this.db()).query<{ entity: string; rows: string; approx_bytes: string }>(
      'select entity, "rows"::text as rows, approx_bytes::text as approx_bytes from sincro.device_slice_size() order by entity',
    );
    return result.rows.map((row) => ({ entity: row.entity, rows: Number(row.rows), approxBytes: Number(row.approx_bytes) }));
  }

  /**
   * Pulls the feed from the device's cursor until a page comes back short: the
   * first download from cursor 0, incremental pulls after. Each page and its
   * cursor are applied in one local transaction.
   */
  async sync(options: { readonly pageSize?: number; readonly onProgress?: (progress: SyncProgress) => void } = {}): Promise<SyncResult> {
    const pageSize = options.pageSize ?? 1000;
    let cursor = this.store.cursor();
    const firstDownload = cursor === 0;
    const expected = firstDownload && options.onProgress ? (await this.sliceSize()).reduce((sum, size) => sum + size.rows, 0) : undefined;
    let pages = 0;
    let upserts = 0;
    let removals = 0;
    for (;;) {
      const result = await (await this.db()).query<Omit<FeedRow, "id_sincro"> & { id_sincro: string }>(FEED, [cursor, pageSize]);
      if (result.rows.length === 0) break;
      const rows: FeedRow[] = result.rows.map((row) => ({ ...row, id_sincro: Number(row.id_sincro) }));
      pages += 1;
      await this.hooks.beforeApply?.(pages);
      const duringApply = this.hooks.duringApply;
      const page = pages;
      this.store.apply(rows, duringApply === undefined ? undefined : () => duringApply(page));
      cursor = rows[rows.length - 1]?.id_sincro ?? cursor;
      for (const row of rows) {
        if (row.deleted) removals += 1;
        else upserts += 1;
      }
      options.onProgress?.({ applied: upserts + removals, expected, cursor, pages });
      if (rows.length < pageSize) break;
    }
    return { firstDownload, pages, upserts, removals, cursor };
  }

  /** Writes an order on the device (no connection needed); returns its creator key (id_int). */
  writeOrder(order: OfflineOrder): string {
    if (order.lines.length === 0) throw new Error("an order needs at least one line");
    const idInt = randomUUID();
    this.store.addToOutbox(idInt, order);
    return idInt;
  }

  outbox(): OutboxEntry[] {
    return this.store.outbox();
  }

  /**
   * Uploads every order of the outbox that has no public ID yet. Idempotent:
   * an order whose earlier upload committed but whose reply was lost comes
   * back with the same public ID, never a second order.
   */
  async upload(): Promise<UploadResult[]> {
    const me = await this.whoAmI();
    const results: UploadResult[] = [];
    for (const entry of this.store.outbox()) {
      if (entry.id_pub !== null) continue;
      const lines = entry.order.lines.map((line, index) => ({
        riga: index + 1,
        articolo: line.articolo,
        quantita: String(line.quantita),
        prezzo: line.prezzo == null ? null : String(line.prezzo),
        sconto: line.sconto == null ? null : String(line.sconto),
      }));
      const inserted = await (await this.db()).query<{ id_pub: string }>(UPLOAD, [
        me.azi,
        me.deviceId,
        entry.id_int,
        me.agent,
        entry.order.cliente_cod,
        entry.order.data_ordine,
        entry.order.note ?? null,
        JSON.stringify(lines),
      ]);
      let idPub = inserted.rows[0]?.id_pub;
      const fresh = idPub !== undefined;
      if (idPub === undefined) {
        const found = await (await this.db()).query<{ id_pub: string | null }>("select sincro.find_order($1, 'A', $2, $3)::text as id_pub", [
          me.azi,
          me.deviceId,
          entry.id_int,
        ]);
        idPub = found.rows[0]?.id_pub ?? undefined;
        if (idPub === undefined) throw new Error(`sincro device: order ${entry.id_int} was neither inserted nor found`);
      }
      await this.hooks.afterUploadCommit?.(entry.id_int);
      this.store.markUploaded(entry.id_int, Number(idPub));
      results.push({ id_int: entry.id_int, id_pub: Number(idPub), inserted: fresh });
    }
    return results;
  }

  /**
   * Acks the ERP-made orders of the device's agent that the device holds
   * (acquired: they are in its copy). Returns how many it acked.
   */
  async ackErpOrders(): Promise<number> {
    const pending = await (await this.db()).query<{ id_pub: string }>("select id_pub::text as id_pub from sincro.pending_app where prov_tipo = 'G'");
    const held = pending.rows.map((row) => Number(row.id_pub)).filter((idPub) => this.store.row("order", { id_pub: idPub }) !== undefined);
    if (held.length === 0) return 0;
    const acked = await (await this.db()).query("update sincro.arportes set ack_app = 1 where id_pub = any($1::bigint[]) and ack_app = 0", [held]);
    return acked.rowCount ?? 0;
  }

  /**
   * What to tell the agent before writing an order for a customer: blocked,
   * or over its credit limit with this total, by the credit data the device
   * holds (the hub accepts the order anyway; the ERP decides).
   */
  creditWarning(codCli: string, total: number): string | null {
    const credit = this.store.row("customer_credit", { cod_cli: codCli });
    if (credit === undefined) return null;
    if (credit.bloccato === true) return `customer ${codCli} is blocked${credit.motivo_blocco ? ` (${String(credit.motivo_blocco)})` : ""}`;
    const limit = credit.fido == null ? null : Number(credit.fido);
    const exposure = credit.esposizione == null ? 0 : Number(credit.esposizione);
    if (limit !== null && exposure + total > limit) return `customer ${codCli} would go over its credit limit (${exposure + total} > ${limit})`;
    return null;
  }
}
