/*
 * The order creation request of the ERP API (docs/erp-api.md), as a schema.
 * The push checks the order push_claim returns against it before it leaves for
 * the ERP (the SQL builds it, but a column renamed in a later migration must
 * fail here, loudly, not reach the ERP half-empty); the reference ERP checks
 * what it receives against it.
 */
import { z } from "zod";
import type { ErpOrderRequest } from "./connector";

const text = z.string();
const maybeText = z.string().nullable();

const lineSchema = z.object({
  riga: z.number().int().positive(),
  articolo: text,
  descrizione: maybeText,
  quantita: text,
  unita_misura: maybeText,
  prezzo: text,
  sconto: text,
  iva: maybeText,
  data_consegna: maybeText,
  note: maybeText,
});

const newCustomerSchema = z.object({
  customer_id: z.number().int().positive(),
  ragione_sociale: text,
  partita_iva: maybeText,
  codice_fiscale: maybeText,
  email: maybeText,
  telefono: maybeText,
  indirizzo: maybeText,
  cap: maybeText,
  citta: maybeText,
  provincia: maybeText,
  nazione: text,
});

export const erpOrderRequestSchema = z.object({
  azi: text,
  web_id: z.number().int().positive(),
  prov_tipo: z.enum(["S", "A"]),
  prov_id: maybeText,
  id_int: text,
  autore_tipo: z.enum(["C", "T", "O"]),
  autore_cod: text,
  data_ordine: text,
  cliente_cod: maybeText,
  cod_agente: maybeText,
  dest_ragione_sociale: maybeText,
  dest_indirizzo: maybeText,
  dest_cap: maybeText,
  dest_citta: maybeText,
  dest_provincia: maybeText,
  dest_nazione: maybeText,
  cod_pagamento: maybeText,
  note: maybeText,
  valuta: text,
  totale_imponibile: maybeText,
  totale_iva: maybeText,
  totale_documento: maybeText,
  lines: z.array(lineSchema).min(1),
  new_customer: newCustomerSchema.nullable(),
}) satisfies z.ZodType<ErpOrderRequest>;

export function parseErpOrderRequest(value: unknown): ErpOrderRequest {
  return erpOrderRequestSchema.parse(value);
}
