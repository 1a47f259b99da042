/*
 * The stores a company sells through (WooCommerce, Shopify), registered by an
 * admin (`npx sincro store add`). The webhook secret is not kept: only its
 * HMAC-SHA256 inner and outer keys, which check a signature without the
 * secret ever leaving the database. Those keys and the REST credentials sit in
 * sincro_private.store, which no login but the owner can read; admins see the
 * rest through sincro.stores.
 */

/*
 * HMAC-SHA256 (RFC 2104) on PostgreSQL's own sha256(): no extension to
 * install. The key is padded to the 64-byte block (hashed first if longer),
 * then xor-ed with 0x36 and 0x5c once, at registration.
 */
create or replace function sincro_private.hmac_key_pads(secret bytea, out ipad bytea, out opad bytea)
language plpgsql
immutable
strict
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key bytea := secret;
begin
  if pg_catalog.octet_length(v_key) > 64 then
    v_key := pg_catalog.sha256(v_key);
  end if;
  v_key := v_key || pg_catalog.decode(pg_catalog.repeat('00', 64 - pg_catalog.octet_length(v_key)), 'hex');
  ipad := v_key;
  opad := v_key;
  for i in 0..63 loop
    ipad := pg_catalog.set_byte(ipad, i, pg_catalog.get_byte(v_key, i) # 54);
    opad := pg_catalog.set_byte(opad, i, pg_catalog.get_byte(v_key, i) # 92);
  end loop;
end;
$$;

comment on function sincro_private.hmac_key_pads(bytea) is
  E'The HMAC-SHA256 inner and outer keys of a secret (RFC 2104): the key padded to 64 bytes, xor 0x36 and xor 0x5c.';

create or replace function sincro_private.hmac_sha256(ipad bytea, opad bytea, message bytea)
returns bytea
language plpgsql
immutable
strict
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: every delivery calls it, where an SQL function is parsed and planned again
  return (pg_catalog.sha256(opad || pg_catalog.sha256(ipad || message)));
end;
$$;

comment on function sincro_private.hmac_sha256(bytea, bytea, bytea) is
  E'HMAC-SHA256 of message with the key whose pads hmac_key_pads made.';

/*
 * The settings a store may carry, with their defaults (docs/stores.md): what
 * is not given takes the default, an unknown key is refused (a typo would
 * otherwise be silently ignored).
 */
create or replace function sincro_private.store_default_settings()
returns jsonb
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (jsonb_build_object(
    'shipping_article', 'SPESE_TRASPORTO',
    'fee_article', 'SPESE_VARIE',
    'natura_zero_vat', null,
    'accept_statuses', jsonb_build_array('processing', 'completed', 'on-hold'),
    'fiscal_keys', jsonb_build_object(
      'codice_fiscale', jsonb_build_array('billing_cf', '_billing_cf', 'billing_codice_fiscale', '_billing_codice_fiscale', 'codice_fiscale', 'cf'),
      'partita_iva', jsonb_build_array('billing_piva', '_billing_piva', 'billing_partita_iva', '_billing_partita_iva', 'billing_vat', '_billing_vat', 'partita_iva', 'piva', 'vat_number'),
      'pec', jsonb_build_array('billing_pec', '_billing_pec', 'pec'),
      'sdi', jsonb_build_array('billing_sdi', '_billing_sdi', 'billing_codice_destinatario', '_billing_codice_destinatario', 'sdi', 'codice_destinatario')),
    'payment_codes', jsonb_build_object(),
    'status_back', true,
    'woocommerce_status', null,
    'shopify_tag', 'sincro-acquired'));
end;
$$;

comment on function sincro_private.store_default_settings() is
  E'Every store setting and its default: article codes for shipping and fee lines, the natura code of 0 % VAT lines, WooCommerce statuses that make an order, keys of the Italian fiscal fields, payment codes, status back (WooCommerce status, Shopify tag).';

create or replace function sincro_private.store_settings(store_id text)
returns jsonb
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (select sincro_private.store_default_settings() || s.settings from sincro_private.store s where s.store_id = store_settings.store_id);
end;
$$;

comment on function sincro_private.store_settings(text) is
  E'A store''s settings with the defaults for those it does not set.';

/*
 * Registers a store (or, with replace, changes an active one's secret,
 * credentials and settings: a key rotation). Checked here, with our codes:
 * the company, the platform, the ID's shape, one store per company without an
 * id_int prefix (two stores' order IDs could collide in arportes.id_int).
 *
 * SECURITY DEFINER: writes sincro_private.store, which only the owner may.
 */
create or replace function sincro.store_add(
  store_id text, azi text, platform text, secret text,
  api_url text default null, api_key text default null, api_secret text default null,
  id_int_prefix text default '', settings jsonb default '{}', reconcile_every interval default interval '5 minutes',
  replace boolean default false)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_pads record;
  v_existing sincro_private.store;
  v_unknown text;
begin
  -- validate
  if store_id is null or store_id !~ '^[A-Za-z0-9_-]{1,40}$' then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: store_id must be 1-40 letters, digits, _ or - (got %s)', sincro_private.shown(store_id)),
      hint = 'The store ID is part of its webhook URL: /stores/<platform>/<store_id>/webhook.';
  end if;
  if platform is null or platform not in ('woocommerce', 'shopify') then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: platform must be woocommerce or shopify (got %s)', sincro_private.shown(platform));
  end if;
  if not exists (select 1 from sincro_private.company c where c.azi = azi) then
    raise exception using errcode = 'SY100',
      message = pg_catalog.format('store_add: unknown company (azi = %s)', sincro_private.shown(azi)),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if secret is null or pg_catalog.length(secret) < 8 then
    raise exception using errcode = 'SY172',
      message = 'store_add: the webhook secret must have at least 8 characters',
      hint = 'Use the secret the shop signs its webhooks with (WooCommerce: the webhook''s Secret; Shopify: the app''s client secret).';
  end if;
  if api_url is not null and api_url !~ '^https?://[^/?#\s]+(/[^?#\s]*)?$' then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: api_url must be the shop''s base URL, http(s)://host[/path] (got %s)', sincro_private.shown(api_url));
  end if;
  if api_url is not null and (api_secret is null or (platform = 'woocommerce' and api_key is null)) then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: a %s store with an API URL needs %s', platform,
                                  case platform when 'woocommerce' then 'the REST consumer key and secret (--key, --secret-key)' else 'the Admin API access token (--token)' end),
      hint = 'Without api_url the store only receives webhooks: no reconciliation, no status back.';
  end if;
  if coalesce(id_int_prefix, '') !~ '^[A-Za-z0-9_:-]{0,20}$' then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: id_int_prefix must be up to 20 letters, digits, _, : or - (got %s)', sincro_private.shown(id_int_prefix));
  end if;
  if settings is null or pg_catalog.jsonb_typeof(settings) <> 'object' then
    raise exception using errcode = 'SY172', message = 'store_add: settings must be a JSON object';
  end if;
  select k into v_unknown from pg_catalog.jsonb_object_keys(settings) k
  where not sincro_private.store_default_settings() ? k limit 1;
  if v_unknown is not null then
    raise exception using errcode = 'SY172',
      message = pg_catalog.format('store_add: unknown setting %s', sincro_private.shown(v_unknown)),
      hint = 'docs/stores.md lists the settings.';
  end if;
  if reconcile_every is null or reconcile_every < interval '10 seconds' then
    raise exception using errcode = 'SY172', message = 'store_add: reconcile_every must be at least 10 seconds';
  end if;

  -- apply
  select * into v_pads from sincro_private.hmac_key_pads(pg_catalog.convert_to(secret, 'UTF8'));
  select * into v_existing from sincro_private.store s where s.store_id = store_id for update;
  if found then
    if not replace or v_existing.removed_at is not null or v_existing.azi <> azi or v_existing.platform <> platform then
      raise exception using errcode = 'SY171',
        message = pg_catalog.format('store_add: store %s is already registered%s', store_id,
                                    case when v_existing.removed_at is not null then ' (and removed: its ID is not reused)' else '' end),
        hint = case when v_existing.removed_at is null then 'To change its secret or settings, add it again with replace (--replace), same company and platform.'
                    else 'Choose another store ID.' end;
    end if;
    update sincro_private.store s
      set hmac_ipad = v_pads.ipad, hmac_opad = v_pads.opad, api_url = store_add.api_url, api_key = store_add.api_key,
          api_secret = store_add.api_secret, settings = store_add.settings, reconcile_every = store_add.reconcile_every
      where s.store_id = store_add.store_id;
    return;
  end if;
  if exists (select 1 from sincro_private.store s where s.azi = azi and s.id_int_prefix = coalesce(id_int_prefix, '') and s.removed_at is null) then
    raise exception using errcode = 'SY171',
      message = pg_catalog.format('store_add: company %s already has a store with id_int prefix %s', azi, pg_catalog.quote_literal(coalesce(id_int_prefix, ''))),
      hint = 'Each store of a company needs its own id_int prefix (--id-prefix), so that two stores'' order IDs never collide.';
  end if;
  insert into sincro_private.store (store_id, azi, platform, hmac_ipad, hmac_opad, api_url, api_key, api_secret, id_int_prefix, settings, reconcile_every, watermark)
    values (store_id, azi, platform, v_pads.ipad, v_pads.opad, api_url, api_key, api_secret, coalesce(id_int_prefix, ''), settings, reconcile_every, now());
end;
$$;

comment on function sincro.store_add(text, text, text, text, text, text, text, text, jsonb, interval, boolean) is
  E'Registers a WooCommerce or Shopify store of a company (its webhook secret, optional REST API URL and credentials, id_int prefix, settings, reconciliation interval); with replace, changes an active store''s secret, credentials and settings. Admin only. SECURITY DEFINER: writes sincro_private.store.';

/*
 * Removes a store: its webhooks answer 404 from now on, nothing is reconciled
 * or sent back, its keys are wiped. Its inbox and orders stay (they are the
 * record of what came in), and its ID is never given to another store.
 */
create or replace function sincro.store_remove(store_id text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update sincro_private.store s
    set removed_at = now(), hmac_ipad = null, hmac_opad = null, api_key = null, api_secret = null
    where s.store_id = store_remove.store_id and s.removed_at is null;
  if not found then
    raise exception using errcode = 'SY170',
      message = pg_catalog.format('store_remove: no active store %s', sincro_private.shown(store_id)),
      hint = 'npx sincro store list shows the stores.';
  end if;
end;
$$;

comment on function sincro.store_remove(text) is
  E'Removes a store: webhooks 404, no reconciliation or status back, keys wiped; inbox and orders kept, ID not reused. Admin only. SECURITY DEFINER: writes sincro_private.store.';

/*
 * A shop customer the ERP already knows: its orders carry cliente_cod instead
 * of bringing a new customer. By the platform's customer ID or by e-mail.
 */
create or replace function sincro.store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_variable
declare
  v_azi text;
begin
  select s.azi into v_azi from sincro_private.store s where s.store_id = store_id and s.removed_at is null;
  if not found then
    raise exception using errcode = 'SY170', message = pg_catalog.format('store_customer_map: no active store %s', sincro_private.shown(store_id));
  end if;
  if match_kind is null or match_kind not in ('customer_id', 'email') or coalesce(pg_catalog.btrim(match_value), '') = ''
     or coalesce(pg_catalog.btrim(cliente_cod), '') = '' then
    raise exception using errcode = 'SY172',
      message = 'store_customer_map: match_kind must be customer_id or email, with a value and a cliente_cod';
  end if;
  insert into sincro_private.store_customer (azi, store_id, match_kind, match_value, cliente_cod)
    values (v_azi, store_id, match_kind, case match_kind when 'email' then pg_catalog.lower(pg_catalog.btrim(match_value)) else pg_catalog.btrim(match_value) end,
            pg_catalog.btrim(cliente_cod))
    on conflict on constraint store_customer_pkey do update set cliente_cod = excluded.cliente_cod;
end;
$$;

comment on function sincro.store_customer_map(text, text, text, text) is
  E'Maps a shop customer (platform customer_id, or email) to the ERP''s cliente_cod: its orders carry that code instead of a new customer. Admin only. SECURITY DEFINER: writes sincro_private.store_customer.';

/*
 * What an admin may read about stores: everything but the keys.
 */
create or replace view sincro.stores
with (security_barrier)
as
  select s.store_id, s.azi, s.platform, s.api_url, s.api_secret is not null as has_api_credentials, s.id_int_prefix,
         sincro_private.store_default_settings() || s.settings as settings, s.reconcile_every, s.watermark,
         s.last_reconciled_at, s.last_reconcile_error, s.removed_at, s.created_at
  from sincro_private.store s;

comment on view sincro.stores is E'The registered stores without their keys (admin).';
comment on column sincro.stores.store_id is E'The store''s ID in the hub (its webhook URL).';
comment on column sincro.stores.azi is E'The company whose store party writes the orders.';
comment on column sincro.stores.platform is E'woocommerce or shopify.';
comment on column sincro.stores.api_url is E'The shop''s base URL for reconciliation and status back; NULL: webhooks only.';
comment on column sincro.stores.has_api_credentials is E'Whether REST credentials are stored (they are never shown).';
comment on column sincro.stores.id_int_prefix is E'Put before the platform order ID to make arportes.id_int.';
comment on column sincro.stores.settings is E'The store''s settings, with the defaults of those it does not set.';
comment on column sincro.stores.reconcile_every is E'How often the shop is reconciled.';
comment on column sincro.stores.watermark is E'Orders modified since this time may not all have been seen.';
comment on column sincro.stores.last_reconciled_at is E'When the last reconciliation pass ended.';
comment on column sincro.stores.last_reconcile_error is E'Why the last reconciliation pass failed; NULL when it succeeded.';
comment on column sincro.stores.removed_at is E'When the store was removed; NULL while active.';
comment on column sincro.stores.created_at is E'When the store was registered.';

-- who may use it
revoke all on function sincro_private.hmac_key_pads(bytea) from public;
revoke all on function sincro_private.hmac_sha256(bytea, bytea, bytea) from public;
revoke all on function sincro_private.store_default_settings() from public;
grant execute on function sincro_private.store_default_settings() to sincro_admin;
revoke all on function sincro_private.store_settings(text) from public;
revoke all on function sincro.store_add(text, text, text, text, text, text, text, text, jsonb, interval, boolean) from public;
grant execute on function sincro.store_add(text, text, text, text, text, text, text, text, jsonb, interval, boolean) to sincro_admin;
revoke all on function sincro.store_remove(text) from public;
grant execute on function sincro.store_remove(text) to sincro_admin;
revoke all on function sincro.store_customer_map(text, text, text, text) from public;
grant execute on function sincro.store_customer_map(text, text, text, text) to sincro_admin;
grant select on sincro.stores to sincro_admin;
