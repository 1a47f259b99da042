/*
 * What sincro needs from an ERP, and what an integrator implements for theirs.
 *
 * createOrder is idempotent on (azi, webId): the web ID is the hub's public ID
 * (id_pub, `tor_id_web` in the ERP). Creating an order the ERP already has
 * returns the existing key with created = false, never a second order. This is
 * what makes the push exactly-once: the worker may call it again after a crash
 * between the ERP's reply and the hub's write-back. A connector for an ERP
 * without that guarantee must look the web ID up before creating.
 *
 * Errors are classified: ErpUnavailableError (unreachable, timeout, 5xx) means
 * "try again later"; ErpRejectedError (the ERP says the order is invalid, a
 * 4xx) is permanent: the ERP's message is recorded on the order and it is not
 * retried. Anything else is a bug and is treated as unavailable.
 *
 * pullChanges and openSnapshot read the ERP's own data for a sync for changes
 * and a total rebuild (docs/sync.md): every failure there (unreachable, 5xx,
 * timeout, any 4xx, an unreadable answer or row) is an ErpUnavailableError
 * naming the status and the ERP's message: the run fails and can be run again.
 */

export interface ErpOrderLine {
  readonly riga: number;
  readonly articolo: string;
  readonly descrizione: string | null;
  /** Decimal as a string, exactly as the hub stores it (no float rounding). */
  readonly quantita: string;
  readonly unita_misura: string | null;
  readonly prezzo: string;
  readonly sconto: string;
  readonly iva: string | null;
  /** YYYY-MM-DD or null. */
  readonly data_consegna: string | null;
  readonly note: string | null;
}

/** A customer the ERP does not know yet, created with (and before) the order. */
export interface ErpNewCustomer {
  /** The hub's customer_id: the ERP's web ID of the customer, for idempotency. */
  readonly customer_id: number;
  readonly ragione_sociale: string;
  readonly partita_iva: string | null;
  readonly codice_fiscale: string | null;
  readonly email: string | null;
  readonly telefono: string | null;
  readonly indirizzo: string | null;
  readonly cap: string | null;
  readonly citta: string | null;
  readonly provincia: string | null;
  readonly nazione: string;
}

export interface ErpOrderRequest {
  readonly azi: string;
  /** The hub's id_pub: the ERP stores it as the order's web ID. */
  readonly web_id: number;
  readonly prov_tipo: "S" | "A";
  readonly prov_id: string | null;
  readonly id_int: string;
  readonly autore_tipo: "C" | "T" | "O";
  readonly autore_cod: string;
  /** YYYY-MM-DD. */
  readonly data_ordine: string;
  /** ERP code of a known customer; null when new_customer is given. */
  readonly cliente_cod: string | null;
  readonly cod_agente: string | null;
  readonly dest_ragione_sociale: string | null;
  readonly dest_indirizzo: string | null;
  readonly dest_cap: string | null;
  readonly dest_citta: string | null;
  readonly dest_provincia: string | null;
  readonly dest_nazione: string | null;
  readonly cod_pagamento: string | null;
  readonly note: string | null;
  readonly valuta: string;
  readonly totale_imponibile: string | null;
  readonly totale_iva: string | null;
  readonly totale_documento: string | null;
  readonly lines: readonly ErpOrderLine[];
  readonly new_customer: ErpNewCustomer | null;
}

export interface ErpOrderCreated {
  /** The ERP's key of the order, e.g. C202600001230. */
  readonly tor_chia: string;
  /** The code of the order's customer (the new customer's freshly assigned code, or the known one). */
  readonly cliente_cod: string | null;
  /** false when the ERP already had an order with this web ID and returned it. */
  readonly created: boolean;
}

/** One order's answer in a batch (POST /v1/companies/{azi}/order-batches), in request order. */
export type ErpOrderResult =
  | { readonly web_id: number; readonly outcome: "created" | "existing"; readonly tor_chia: string; readonly cliente_cod: string | null }
  | { readonly web_id: number; readonly outcome: "rejected"; readonly message: string };

export interface ErpHealth {
  readonly ok: boolean;
  readonly detail: string;
}

export interface CallOptions {
  /** Aborts the call (graceful shutdown). */
  readonly signal?: AbortSignal;
}

/** The ERP-owned data a sync reads, by wire name (docs/sync.md has each one's key and fields). */
export type ErpEntity = "customer" | "article" | "particolarita" | "accessory" | "document" | "order";

/** Every entity, in the order a total rebuild reads them. */
export const ERP_ENTITIES: readonly ErpEntity[] = ["accessory", "article", "customer", "particolarita", "order", "document"];

/** One entry of the ERP's change log, carrying the row's current state (null when it no longer exists). */
export interface ErpChange {
  /** Opaque position in the ERP's change log. */
  readonly seq: string;
  readonly entity: ErpEntity;
  readonly op: "upsert" | "delete";
  readonly key: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>> | null;
}

export interface ErpChangeBatch {
  readonly changes: readonly ErpChange[];
  /** Where the next pull starts: the last change's seq, or the `after` asked for when there was none. */
  readonly next_cursor: string;
  /** Whether the ERP has more changes after next_cursor. */
  readonly more: boolean;
}

export interface ErpSnapshotRow {
  readonly key: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ErpSnapshot {
  /** The ERP change-log position this snapshot reflects. */
  readonly cursor: string;
  /**
   * How many rows the ERP announced for this snapshot (x-erp-row-count), when it did: a progress
   * bar's total. A reader that sees more or fewer fails rather than pass off a cut snapshot.
   */
  readonly rowCount?: number | undefined;
  /** The rows in batches of at most batchSize, read from the network as they are consumed (backpressure: memory stays flat whatever the size). */
  batches(): AsyncIterable<readonly ErpSnapshotRow[]>;
  /**
   * The same batches as the rows' JSON text, one `{"key": ..., "data": ...}` object per string, not
   * parsed: for a consumer that hands them on as JSON (a rebuild sends them to the hub, which checks
   * each row). Optional; batches() or rawBatches() can be read, once.
   */
  rawBatches?(): AsyncIterable<readonly string[]>;
}

export interface ErpConnector {
  createOrder(order: ErpOrderRequest, options?: CallOptions): Promise<ErpOrderCreated>;
  /**
   * Several orders of one company in one request, a result per order (docs/erp-api.md, "Order
   * batches"); idempotent per web ID like createOrder. Optional: a connector to an ERP that offers
   * only the single create has none.
   */
  createOrders?(azi: string, orders: readonly ErpOrderRequest[], options?: CallOptions): Promise<readonly ErpOrderResult[]>;
  /**
   * How many orders the ERP takes in one batch request: 1 when it offers none (the ERP says so in
   * GET /v1/health as order_batch_max). Absent: 1.
   */
  orderBatchLimit?(options?: CallOptions): Promise<number>;
  health(options?: CallOptions): Promise<ErpHealth>;
  /** The change-log entries after `after` ("" = from the beginning), at most `limit`, in log order. */
  pullChanges(azi: string, after: string, limit: number, options?: CallOptions): Promise<ErpChangeBatch>;
  /** Every row of one entity, read in one consistent ERP snapshot, streamed. */
  openSnapshot(azi: string, entity: ErpEntity, options?: CallOptions & { readonly batchSize?: number }): Promise<ErpSnapshot>;
}

/** Unreachable, timed out, or a server error: the push is retried later. */
export class ErpUnavailableError extends Error {
  override readonly name = "ErpUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The ERP refused the order as invalid: permanent, not retried; its message is kept on the order. */
export class ErpRejectedError extends Error {
  override readonly name = "ErpRejectedError";
  constructor(
    message: string,
    readonly erpMessage: string,
    readonly status: number,
  ) {
    super(message);
  }
}
