/*
 * What an operator may type into the reference ERP for each entity
 * (docs/sync.md's table): the key fields, all strings, and the other fields,
 * a missing one stored as null so every exported row carries them all. Unknown
 * fields are refused, so a typo is a 422 naming it, not a silent loss.
 */
import { z } from "zod";

export const RECORD_ENTITIES = ["article", "particolarita", "accessory", "document", "agent", "open_item", "customer_credit"] as const;

/** The entities kept in erp_ref.record (customers and orders have their own tables). */
export type RecordEntity = (typeof RECORD_ENTITIES)[number];

const code = z.string().min(1);
const text = z.string().nullable().default(null);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
/** Decimals as JSON numbers or as strings ("10.5000"). */
const decimal = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal number")]);
const maybeDecimal = decimal.nullable().default(null);

const documentLine = z.strictObject({
  riga: z.number().int().positive(),
  articolo: code,
  descrizione: text,
  quantita: decimal,
  unita_misura: text,
  prezzo: maybeDecimal,
  sconto: maybeDecimal,
  iva: z.union([z.string(), z.number()]).nullable().default(null),
});

export const recordShapes = {
  article: {
    key: z.strictObject({ cod_art: code }),
    data: z.strictObject({ descrizione: text, unita_misura: text, prezzo: maybeDecimal, cod_iva: text, giacenza: maybeDecimal }),
  },
  particolarita: {
    key: z.strictObject({ cod_cli: code, cod_art: code, valido_dal: isoDate }),
    data: z.strictObject({ valido_al: isoDate.nullable().default(null), prezzo: maybeDecimal, sconto: maybeDecimal }),
  },
  accessory: {
    key: z.strictObject({ tabella: code, codice: code }),
    data: z.strictObject({ descrizione: text, dati: z.record(z.string(), z.unknown()).nullable().default(null) }),
  },
  document: {
    key: z.strictObject({ tipo_doc: z.enum(["preventivo", "ddt", "fattura"]), numero: code }),
    data: z.strictObject({
      data_doc: isoDate.nullable().default(null),
      cliente_cod: text,
      tor_chia: text,
      note: text,
      totale_imponibile: maybeDecimal,
      totale_iva: maybeDecimal,
      totale_documento: maybeDecimal,
      lines: z.array(documentLine).default([]),
    }),
  },
  agent: {
    key: z.strictObject({ cod_agente: code }),
    data: z.strictObject({ nome: text, email: text, telefono: text, cod_supervisore: text }),
  },
  open_item: {
    key: z.strictObject({ cod_cli: code, id_partita: code }),
    data: z.strictObject({
      tipo_doc: text,
      numero_doc: text,
      data_doc: isoDate.nullable().default(null),
      data_scadenza: isoDate.nullable().default(null),
      importo: maybeDecimal,
      importo_pagato: maybeDecimal,
      pagata: z.boolean().default(false),
    }),
  },
  customer_credit: {
    key: z.strictObject({ cod_cli: code }),
    data: z.strictObject({ fido: maybeDecimal, esposizione: maybeDecimal, bloccato: z.boolean().default(false), motivo_blocco: text }),
  },
} as const satisfies Record<RecordEntity, { key: z.ZodType<Record<string, string>>; data: z.ZodType<Record<string, unknown>> }>;

/** An operator's customer fields (PUT merges them into what the ERP holds). */
export const customerFieldsSchema = z
  .strictObject({
    ragione_sociale: code,
    partita_iva: z.string().nullable(),
    codice_fiscale: z.string().nullable(),
    indirizzo: z.string().nullable(),
    cap: z.string().nullable(),
    citta: z.string().nullable(),
    provincia: z.string().nullable(),
    nazione: z.string().nullable(),
    email: z.string().nullable(),
    telefono: z.string().nullable(),
    listino: z.string().nullable(),
    cod_agente: z.string().nullable(),
    cod_pagamento: z.string().nullable(),
  })
  .partial();

export type CustomerFields = z.infer<typeof customerFieldsSchema>;
