/*
 * `sincro store …`: the WooCommerce and Shopify stores of a company
 * (docs/stores.md). Every rule is in SQL (sql/stores/): these commands carry
 * the arguments there and print what comes back.
 *
 *   store add --azi X --platform woocommerce|shopify --id S --secret W [--url U --key K --token T]
 *             [--id-prefix P] [--set key=value …] [--reconcile-every "5 minutes"] [--replace]
 *   store list [--azi X]
 *   store remove --id S
 *   store inbox [--id S] [--azi X] [--state error] [--limit 50]
 *   store map-customer --id S (--customer-id N | --email E) --cliente-cod C
 *   store retry --inbox N
 *
 * A secret given as "-" is read from standard input (one line), so that it
 * need not appear in the shell's history or the process list.
 */
import { createInterface } from "node:readline";
import { InvalidArgumentError, type Command } from "commander";
import { DatabaseError, type Pool } from "pg";
import type { CliContext } from "../context";
import { UsageError } from "../errors";
import { openHub } from "../hub";
import { formatTable } from "../table";

interface AddOptions {
  readonly azi: string;
  readonly platform: string;
  readonly id: string;
  readonly secret: string;
  readonly url?: string;
  readonly key?: string;
  readonly token?: string;
  readonly idPrefix?: string;
  readonly set: Record<string, unknown>;
  readonly reconcileEvery?: string;
  readonly replace?: boolean;
}

interface InboxOptions {
  readonly id?: string;
  readonly azi?: string;
  readonly state?: string;
  readonly limit: number;
}

/** --set key=value: the value as JSON when it reads as JSON (numbers, lists, true, null), else as text. */
function setting(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const at = value.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError("key=value, e.g. shipping_article=TRASP or natura_zero_vat=N3.1");
  const key = value.slice(0, at);
  const raw = value.slice(at + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { ...previous, [key]: parsed };
}

function positive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 100_000) throw new InvalidArgumentError("a whole number from 1 to 100000");
  return number;
}

function positiveId(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError("a positive whole number");
  return number;
}

/** "-": the first line of standard input (typed, or piped: `pass show shop | sincro store add … --secret -`). */
async function readSecret(value: string): Promise<string> {
  if (value !== "-") return value;
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
    return "";
  } finally {
    lines.close();
  }
}

/** Our refusals (SY1xx, a value PostgreSQL cannot read) are the user's to fix: exit code 2, with the hint. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DatabaseError && (error.code?.startsWith("SY") || error.code?.startsWith("22"))) {
      throw new UsageError(`${error.message}${error.hint ? ` (${error.hint})` : ""}`);
    }
    throw error;
  }
}

async function withHub<T>(context: CliContext, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = openHub(context, "store");
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

export function registerStoreCommand(program: Command, context: CliContext): void {
  const store = program.command("store").description("WooCommerce and Shopify stores: add, list, remove, their inbox (needs DATABASE_URL, an admin)");

  store
    .command("add")
    .description("register a store of a company; its webhooks go to /stores/<platform>/<id>/webhook on the hub's HTTP server")
    .requiredOption("--azi <company>", "the company whose store party writes the orders")
    .requiredOption("--platform <platform>", "woocommerce or shopify")
    .requiredOption("--id <store_id>", "the store's ID in the hub (letters, digits, _ and -; part of the webhook URL)")
    .requiredOption("--secret <secret>", 'the webhook secret (WooCommerce: the webhook\'s Secret; Shopify: the app\'s client secret); "-" reads it from standard input')
    .option("--url <url>", "the shop's base URL, for reconciliation and status back (https://shop.example.com, https://x.myshopify.com)")
    .option("--key <key>", "WooCommerce: the REST API consumer key (ck_…)")
    .option("--token <token>", 'WooCommerce: the consumer secret (cs_…); Shopify: the Admin API access token (shpat_…); "-" reads it from standard input')
    .option("--id-prefix <prefix>", "put before the platform order ID in id_int (needed for a company's second store)")
    .option("--set <key=value>", "a setting (repeatable): shipping_article, fee_article, natura_zero_vat, accept_statuses, fiscal_keys, payment_codes, status_back, woocommerce_status, shopify_tag", setting, {})
    .option("--reconcile-every <interval>", 'how often to ask the shop for orders it changed, a PostgreSQL interval (default "5 minutes")')
    .option("--replace", "change an existing store's secret, credentials and settings (a key rotation)")
    .action(async (options: AddOptions) => {
      if (options.secret === "-" && options.token === "-") throw new UsageError("only one of --secret and --token can be read from standard input");
      const secret = await readSecret(options.secret);
      const token = options.token === undefined ? undefined : await readSecret(options.token);
      await withHub(context, (pool) =>
        asUsage(() =>
          pool.query(
            `select sincro.store_add(store_id => $1, azi => $2, platform => $3, secret => $4, api_url => $5, api_key => $6, api_secret => $7,
                                     id_int_prefix => coalesce($8, ''), settings => $9::jsonb,
                                     reconcile_every => coalesce($10::interval, interval '5 minutes'), replace => $11)`,
            [options.id, options.azi, options.platform, secret, options.url ?? null, options.key ?? null, token ?? null, options.idPrefix ?? null,
             JSON.stringify(options.set), options.reconcileEvery ?? null, options.replace === true],
          ),
        ),
      );
      context.logger.info(
        { event: "store_added", store_id: options.id, azi: options.azi, platform: options.platform, replaced: options.replace === true },
        `store ${options.id} (${options.platform}) of ${options.azi} ${options.replace ? "updated" : "registered"}: webhooks to /stores/${options.platform}/${options.id}/webhook` +
          (options.url ? `; reconciled from ${options.url}` : "; no --url: no reconciliation, no status back"),
      );
    });

  store
    .command("list")
    .description("the registered stores (no keys), with their inbox: waiting rows and errors")
    .option("--azi <company>", "only this company's")
    .action(async (options: { azi?: string }) => {
      const rows = await withHub(context, async (pool) =>
        (await pool.query<{ store_id: string; azi: string; platform: string; api_url: string | null; id_int_prefix: string; watermark: string | null;
                            last_error: string | null; removed: boolean; waiting: number; errors: number; orders: number }>(
          `select s.store_id, s.azi, s.platform, s.api_url, s.id_int_prefix, to_char(s.watermark, 'YYYY-MM-DD HH24:MI:SS') as watermark,
                  s.last_reconcile_error as last_error, s.removed_at is not null as removed,
                  (select count(*)::int from sincro.store_inbox i where i.store_id = s.store_id and i.state = 'received') as waiting,
                  (select count(*)::int from sincro.store_inbox i where i.store_id = s.store_id and i.state = 'error') as errors,
                  (select count(*)::int from sincro.store_orders o where o.store_id = s.store_id) as orders
           from sincro.stores s where $1::text is null or s.azi = $1 order by s.azi, s.store_id`,
          [options.azi ?? null],
        )).rows,
      );
      process.stdout.write(
        `${formatTable(
          ["store", "company", "platform", "api url", "prefix", "orders", "waiting", "errors", "reconciled to", "reconcile error", "removed"],
          rows.map((r) => [r.store_id, r.azi, r.platform, r.api_url, r.id_int_prefix || null, r.orders, r.waiting, r.errors, r.watermark, r.last_error, r.removed ? "yes" : null]),
        )}\n`,
      );
    });

  store
    .command("remove")
    .description("remove a store: its webhooks answer 404, its keys are wiped; its inbox and orders stay")
    .requiredOption("--id <store_id>", "the store")
    .action(async (options: { id: string }) => {
      await withHub(context, (pool) => asUsage(() => pool.query("select sincro.store_remove(store_id => $1)", [options.id])));
      context.logger.info({ event: "store_removed", store_id: options.id }, `store ${options.id} removed`);
    });

  store
    .command("inbox")
    .description("what the stores sent and what it became, newest first (errors say why an order was not taken)")
    .option("--id <store_id>", "only this store's")
    .option("--azi <company>", "only this company's stores")
    .option("--state <state>", "only rows in this state: received, created, duplicate, updated, ignored, error")
    .option("--limit <n>", "at most n rows (default 50)", positive, 50)
    .action(async (options: InboxOptions) => {
      const rows = await withHub(context, async (pool) =>
        (await pool.query<{ inbox_id: string; store_id: string; source: string; topic: string | null; order_id: string | null; received: string;
                            state: string; id_pub: string | null; error: string | null }>(
          `select i.inbox_id, i.store_id, i.source, i.topic, i.platform_order_id as order_id,
                  to_char(i.received_at, 'YYYY-MM-DD HH24:MI:SS') as received, i.state, i.id_pub, i.error
           from sincro.store_inbox i
           where ($1::text is null or i.store_id = $1) and ($2::text is null or i.azi = $2) and ($3::text is null or i.state = $3)
           order by i.inbox_id desc limit $4`,
          [options.id ?? null, options.azi ?? null, options.state ?? null, options.limit],
        )).rows,
      );
      process.stdout.write(
        `${formatTable(
          ["inbox", "store", "source", "topic", "order", "received", "state", "id_pub", "why"],
          rows.map((r) => [Number(r.inbox_id), r.store_id, r.source, r.topic, r.order_id, r.received, r.state, r.id_pub === null ? null : Number(r.id_pub), r.error]),
        )}\n`,
      );
    });

  store
    .command("retry")
    .description("take an inbox row that became an error (or was ignored) again, once what made it fail is fixed")
    .requiredOption("--inbox <n>", "the inbox row (sincro store inbox shows them)", positiveId)
    .action(async (options: { inbox: number }) => {
      await withHub(context, (pool) => asUsage(() => pool.query("select sincro.store_inbox_retry(inbox_id => $1)", [options.inbox])));
      context.logger.info({ event: "store_inbox_retried", inbox_id: options.inbox }, `inbox row ${options.inbox} queued again: sincro store inbox shows what it became`);
    });

  store
    .command("map-customer")
    .description("a shop customer the ERP knows: its orders carry this cliente_cod instead of a new customer")
    .requiredOption("--id <store_id>", "the store")
    .option("--customer-id <id>", "the platform's customer ID")
    .option("--email <email>", "or the customer's e-mail")
    .requiredOption("--cliente-cod <code>", "the ERP's customer code")
    .action(async (options: { id: string; customerId?: string; email?: string; clienteCod: string }) => {
      if ((options.customerId === undefined) === (options.email === undefined)) throw new UsageError("give one of --customer-id and --email");
      const [kind, value] = options.customerId !== undefined ? ["customer_id", options.customerId] : ["email", options.email];
      await withHub(context, (pool) =>
        asUsage(() =>
          pool.query("select sincro.store_customer_map(store_id => $1, match_kind => $2, match_value => $3, cliente_cod => $4)", [options.id, kind, value, options.clienteCod]),
        ),
      );
      context.logger.info({ event: "store_customer_mapped", store_id: options.id, match_kind: kind }, `orders of ${kind} ${value} on ${options.id} will carry customer ${options.clienteCod}`);
    });
}
