/*
 * `sincro store add|list|inbox|map-customer|remove` as an operator runs them:
 * refusals exit 2 with the hub's reason, the list never shows a key, the inbox
 * listing shows what a delivery became and why an order was refused.
 */
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startSincro } from "../support/cli";

describe("sincro store", () => {
  let hub: TestDatabase;
  let pool: Pool;
  const sincro = (args: readonly string[]) => startSincro({ hubUrl: hub.url, erpUrl: "http://127.0.0.1:9", erpToken: "x" }, args).finished;

  beforeAll(async () => {
    hub = await createTestDatabase("store_cli");
    pool = new Pool({ connectionString: hub.url, max: 2 });
    await pool.query("insert into sincro.apstatosyn (azi) values ('C1')");
  });

  afterAll(async () => {
    await pool?.end();
    await hub?.drop();
  });

  it("adds, lists, maps a customer, shows the inbox and removes a store", async () => {
    const added = await sincro(["store", "add", "--azi", "C1", "--platform", "woocommerce", "--id", "woo1", "--secret", "s3cret-webhook-key",
                                "--url", "https://shop.example.com", "--key", "ck_abc", "--token", "cs_very_secret", "--set", "natura_zero_vat=N3.1"]);
    expect(added.code, added.output).toBe(0);
    expect(added.output).toContain("/stores/woocommerce/woo1/webhook");

    const again = await sincro(["store", "add", "--azi", "C1", "--platform", "shopify", "--id", "shop1", "--secret", "another-secret"]);
    expect(again.code, again.output).toBe(2);
    expect(again.output).toContain("id_int prefix");

    const typo = await sincro(["store", "add", "--azi", "C1", "--platform", "shopify", "--id", "shop1", "--secret", "another-secret", "--id-prefix", "S-", "--set", "shiping_article=X"]);
    expect(typo.code, typo.output).toBe(2);
    expect(typo.output).toContain("unknown setting");

    const listed = await sincro(["store", "list"]);
    expect(listed.code, listed.output).toBe(0);
    expect(listed.output).toMatch(/woo1\s+C1\s+woocommerce\s+https:\/\/shop\.example\.com/);
    expect(listed.output).not.toContain("cs_very_secret");
    expect(listed.output).not.toContain("s3cret-webhook-key");

    const mapped = await sincro(["store", "map-customer", "--id", "woo1", "--email", "Ada@Example.it", "--cliente-cod", "CLI42"]);
    expect(mapped.code, mapped.output).toBe(0);
    expect((await pool.query("select match_kind, match_value, cliente_cod from sincro_private.store_customer")).rows)
      .toEqual([{ match_kind: "email", match_value: "ada@example.it", cliente_cod: "CLI42" }]);

    // a delivery whose order has a line without SKU: the inbox says why
    const body = JSON.stringify({ id: 77, status: "processing", date_created: "2026-11-30T10:00:00", date_modified_gmt: "2026-11-30T09:00:00",
                                  total: "1.00", line_items: [{ name: "Senza codice", sku: "", quantity: 1, subtotal: "1.00", total: "1.00" }] });
    const received = await pool.query<{ inbox_id: string }>(
      `select (sincro.store_webhook_receive('woocommerce', 'woo1', convert_to($1, 'UTF8'),
               jsonb_build_object('x-wc-webhook-topic', 'order.created',
                                  'x-wc-webhook-signature', encode(sincro_private.hmac_sha256(s.hmac_ipad, s.hmac_opad, convert_to($1, 'UTF8')), 'base64')))).inbox_id
       from sincro_private.store s where s.store_id = 'woo1'`, [body]);
    await pool.query("select sincro.store_inbox_apply($1)", [received.rows[0]?.inbox_id]);
    const inbox = await sincro(["store", "inbox", "--state", "error"]);
    expect(inbox.code, inbox.output).toBe(0);
    expect(inbox.output).toMatch(/woo1\s+webhook\s+order\.created\s+77 .* error .*SY173 line_items\[0\] \('Senza codice'\) has no SKU/);

    const removed = await sincro(["store", "remove", "--id", "woo1"]);
    expect(removed.code, removed.output).toBe(0);
    const twice = await sincro(["store", "remove", "--id", "woo1"]);
    expect(twice.code, twice.output).toBe(2);
  });
});
