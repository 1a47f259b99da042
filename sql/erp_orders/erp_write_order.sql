/*
 * The one entry point for ERP-side writes to orders, used by the ERP's own
 * login, by the push (the ERP's answer to an order sent) and by a sync for
 * changes. It reads as its steps, each a function of its own:
 *   erp_order_fields  — who may write, and doc checked field by field;
 *   erp_locate_order  — which order doc is about (locked), if any;
 *   then one of two writes:
 *   erp_export_order  — an order made in the ERP: a new public ID;
 *   erp_update_order  — the ERP acquired or changed a known order.
 * A call that changes nothing leaves id_sincro alone; one that changes
 * something sets it NULL, and the deferred trigger gives the row its change
 * number at commit (taking the counter lock last).
 *
 * SECURITY DEFINER: the ERP's role writes through this function only; inside
 * it the triggers trust the acting party 'G'. The step functions are not
 * definers, and nobody but the owner may call them.
 *
 * Exporting a new ERP-made order takes the company's public-ID counter until
 * commit (public IDs are gap-free and returned at once, so nothing else is
 * possible). An ERP transaction that both changes orders and exports new ones
 * should export the new ones first: otherwise it can deadlock with a store
 * insert or another export (PostgreSQL detects it, 40P01, and the ERP retries).
 */
create or replace function sincro_private.erp_order_fields(azi text, doc jsonb)
returns sincro.arportes
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
  c_header_keys constant text[] := array[
    'id_pub', 'tor_chia', 'conferma', 'autore_tipo', 'autore_cod', 'data_ordine', 'cliente_cod', 'cod_agente',
    'dest_ragione_sociale', 'dest_indirizzo', 'dest_cap', 'dest_citta', 'dest_provincia', 'dest_nazione',
    'cod_pagamento', 'note', 'valuta', 'totale_imponibile', 'totale_iva', 'totale_documento', 'lines'];
  c_hub_keys constant text[] := array[
    'azi', 'ack_store', 'ack_gest', 'ack_app', 'prov_tipo', 'prov_id', 'id_int', 'id_sincro',
    'new_customer_id', 'created_xact', 'created_at', 'updated_at'];
  v_azi constant text := erp_order_fields.azi;
  v_key text;
  v_fields sincro.arportes;
  v_company sincro_private.company;
  v_login sincro_private.login := sincro_private.session_login();
begin
  -- an ERP login writes its own company only
  if v_login.login is not null and (v_login.kind <> 'erp' or v_login.azi is distinct from v_azi) then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('erp_write_order: login %s (%s of company %s) cannot write orders of company %s',
                                  v_login.login, v_login.kind, v_login.azi, v_azi);
  end if;

  -- company and document shape
  select * into v_company from sincro_private.company c where c.azi = v_azi;
  if not found then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('erp_write_order: unknown company (azi = %s)', sincro_private.shown(v_azi)),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if doc is null or pg_catalog.jsonb_typeof(doc) <> 'object' then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: doc must be a JSON object',
      hint = 'Keys are arportes column names plus "lines", e.g. {"id_pub": 1, "tor_chia": "C201700001230"}.';
  end if;
  if pg_catalog.pg_column_size(doc) > v_company.max_document_bytes then
    perform sincro_private.raise_too_large('erp_write_order', 'the document (bytes)', pg_catalog.pg_column_size(doc),
                                           v_azi, 'max_document_bytes', v_company.max_document_bytes);
  end if;
  for v_key in select k from pg_catalog.jsonb_object_keys(doc) k order by k loop
    if v_key <> 'lines' and pg_catalog.jsonb_typeof(doc -> v_key) in ('object', 'array') then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: field "%s" must be a string, a number or null (got a JSON %s)',
                                    v_key, pg_catalog.jsonb_typeof(doc -> v_key)),
        hint = 'Only "lines" holds a list; every other field is one value.';
    elsif v_key <> 'lines' and pg_catalog.length(doc ->> v_key) > v_company.max_text_length then
      perform sincro_private.raise_too_large('erp_write_order', pg_catalog.format('field %s (characters)', v_key),
                                             pg_catalog.length(doc ->> v_key), v_azi, 'max_text_length', v_company.max_text_length);
    end if;
    if v_key = any (c_hub_keys) then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('erp_write_order: field "%s" is set by the hub, not by the ERP', v_key),
        hint = 'Remove it from doc; the hub sets acks, provenance and change numbers itself.';
    elsif not v_key = any (c_header_keys) then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: unknown field "%s"', v_key),
        hint = pg_catalog.format('Fields: %s.', pg_catalog.array_to_string(c_header_keys, ', '));
    end if;
  end loop;

  -- field types
  begin
    v_fields := pg_catalog.jsonb_populate_record(null::sincro.arportes, doc - 'lines');
  exception when data_exception then
    perform sincro_private.raise_bad_field('erp_write_order', doc - 'lines', null::sincro.arportes);
  end;
  if v_fields.totale_imponibile = 'NaN' or v_fields.totale_iva = 'NaN' or v_fields.totale_documento = 'NaN'
     or not pg_catalog.isfinite(v_fields.data_ordine) then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('erp_write_order: field "%s" must be %s',
                                  case when v_fields.totale_imponibile = 'NaN' then 'totale_imponibile' when v_fields.totale_iva = 'NaN' then 'totale_iva'
                                       when v_fields.totale_documento = 'NaN' then 'totale_documento' else 'data_ordine' end,
                                  case when pg_catalog.isfinite(v_fields.data_ordine) is not false then 'a number (got NaN)' else 'a date (got infinity)' end);
  end if;
  if doc ? 'id_pub' and (pg_catalog.jsonb_typeof(doc -> 'id_pub') <> 'number' or v_fields.id_pub < 1) then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('erp_write_order: field "id_pub" must be a positive integer (got %s)', doc -> 'id_pub');
  end if;
  if doc ? 'tor_chia' and (pg_catalog.jsonb_typeof(doc -> 'tor_chia') <> 'string' or pg_catalog.btrim(v_fields.tor_chia) = '') then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('erp_write_order: field "tor_chia" must be a non-empty string (got %s)', doc -> 'tor_chia'),
      hint = 'tor_chia is the ERP''s order key, e.g. "C201700001230".';
  end if;
  if v_fields.id_pub is null and v_fields.tor_chia is null then
    raise exception using
      errcode = 'SY203',
      message = 'erp_write_order: doc needs "id_pub" (an order the hub sent) or "tor_chia" (an order made in the ERP)',
      hint = 'With id_pub the ERP answers for a store/app order; with an unknown tor_chia it exports a new order.';
  end if;
  return v_fields;
end;
$$;

comment on function sincro_private.erp_order_fields(text, jsonb) is
  E'Step 1 of erp_write_order: refuses a login writing another company (SY111), an unknown company (SY100), a doc that is not an object, larger than the company allows (SY140), hub-owned (SY103) or unknown fields, fields that are not single values, too long (SY140), do not fit, are NaN or infinity (SY201, naming the field), a doc with neither id_pub nor tor_chia (SY203); returns doc''s header as an arportes row.';

create or replace function sincro_private.erp_locate_order(azi text, fields sincro.arportes)
returns sincro.arportes
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_azi constant text := erp_locate_order.azi;
  v_order sincro.arportes;
  v_owner bigint;
begin
  if fields.id_pub is not null then
    -- an order the hub sent: it must exist, and the ERP key may not belong to another one
    select * into v_order from sincro.arportes a where a.azi = v_azi and a.id_pub = fields.id_pub for update;
    if not found then
      raise exception using
        errcode = 'SY200',
        message = pg_catalog.format('erp_write_order: company %s has no order with id_pub %s', v_azi, fields.id_pub),
        hint = 'To export an order made in the ERP, omit id_pub and send its tor_chia.';
    end if;
    if fields.tor_chia is not null then
      select a.id_pub into v_owner from sincro.arportes a
        where a.azi = v_azi and a.tor_chia = fields.tor_chia and a.id_pub <> fields.id_pub;
      if found then
        raise exception using
          errcode = 'SY202',
          message = pg_catalog.format('erp_write_order: tor_chia %s already belongs to order %s, not %s', fields.tor_chia, v_owner, fields.id_pub);
      end if;
    end if;
  else
    -- by the ERP's key
    select * into v_order from sincro.arportes a where a.azi = v_azi and a.tor_chia = fields.tor_chia for update;
    if not found then
      -- a new export: it takes the company's public-ID counter (the insert would anyway). The same export
      -- sent twice at once: the second waits here for the first to commit, then finds its order (a new
      -- statement sees it) instead of a key clash. A row lock, not an advisory one: any session can
      -- compute an advisory key and hold it; no client can lock this row.
      perform 1 from sincro_private.id_pub_counter c where c.azi = v_azi for no key update;
      select * into v_order from sincro.arportes a where a.azi = v_azi and a.tor_chia = fields.tor_chia for update;
    end if;
  end if;
  if v_order.id_pub is not null and fields.tor_chia is not null and v_order.tor_chia is not null
     and v_order.tor_chia <> fields.tor_chia then
    raise exception using
      errcode = 'SY202',
      message = pg_catalog.format('erp_write_order: order %s already has tor_chia %s; the ERP key of an order does not change (got %s)',
                                  v_order.id_pub, v_order.tor_chia, fields.tor_chia);
  end if;
  return v_order;  -- all null: no such order yet (an export)
end;
$$;

comment on function sincro_private.erp_locate_order(text, sincro.arportes) is
  E'Step 2 of erp_write_order: the order doc is about, locked (by id_pub, else by tor_chia); a row of nulls when tor_chia is new. Refuses an unknown id_pub (SY200) and an ERP key that belongs to another order or would change (SY202).';

create or replace function sincro_private.erp_export_order(azi text, fields sincro.arportes, lines jsonb)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_id_pub bigint;
begin
  if lines is null then
    raise exception using
      errcode = 'SY102',
      message = 'erp_write_order: field "lines" is required for an order made in the ERP',
      hint = 'Send the order''s lines as an array of objects.';
  end if;
  if fields.autore_tipo is null or fields.autore_cod is null then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('erp_write_order: field "%s" is required for an order made in the ERP',
                                  case when fields.autore_tipo is null then 'autore_tipo' else 'autore_cod' end),
      hint = 'An ERP operator is autore_tipo "O" with the operator''s code in autore_cod.';
  end if;
  -- a new public ID, never a lookup (the insert trigger takes it from the company's counter)
  insert into sincro.arportes (
    azi, prov_tipo, tor_chia, conferma, autore_tipo, autore_cod, data_ordine, cliente_cod, cod_agente,
    dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
    cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
  values (
    azi, 'G', fields.tor_chia, fields.conferma, fields.autore_tipo, fields.autore_cod,
    fields.data_ordine, fields.cliente_cod, fields.cod_agente, fields.dest_ragione_sociale, fields.dest_indirizzo,
    fields.dest_cap, fields.dest_citta, fields.dest_provincia, fields.dest_nazione,
    fields.cod_pagamento, fields.note, coalesce(fields.valuta, 'EUR'), fields.totale_imponibile,
    fields.totale_iva, fields.totale_documento)
  returning id_pub into v_id_pub;
  perform sincro_private.replace_order_lines(azi, v_id_pub, lines);
  return v_id_pub;
end;
$$;

comment on function sincro_private.erp_export_order(text, sincro.arportes, jsonb) is
  E'Step 3a of erp_write_order: an order made in the ERP (prov_tipo G) with its lines and a new public ID; needs lines, autore_tipo and autore_cod (SY102). Returns the id_pub.';

create or replace function sincro_private.erp_update_order(old sincro.arportes, doc jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_new sincro.arportes := pg_catalog.jsonb_populate_record(old, doc - 'lines' - 'id_pub');
  v_lines_changed boolean := false;
begin
  if doc ? 'lines' then
    v_lines_changed := sincro_private.replace_order_lines(old.azi, old.id_pub, doc -> 'lines');
  end if;
  if v_lines_changed or v_new is distinct from old then
    update sincro.arportes a
      set tor_chia = v_new.tor_chia, conferma = v_new.conferma, autore_tipo = v_new.autore_tipo,
          autore_cod = v_new.autore_cod, data_ordine = v_new.data_ordine, cliente_cod = v_new.cliente_cod,
          cod_agente = v_new.cod_agente,
          dest_ragione_sociale = v_new.dest_ragione_sociale, dest_indirizzo = v_new.dest_indirizzo,
          dest_cap = v_new.dest_cap, dest_citta = v_new.dest_citta, dest_provincia = v_new.dest_provincia,
          dest_nazione = v_new.dest_nazione, cod_pagamento = v_new.cod_pagamento, note = v_new.note,
          valuta = v_new.valuta, totale_imponibile = v_new.totale_imponibile, totale_iva = v_new.totale_iva,
          totale_documento = v_new.totale_documento,
          ack_gest = 1,
          id_sincro = null  -- bump: the change number is given at commit
      where a.azi = old.azi and a.id_pub = old.id_pub;
    -- the ERP's code for the order's new customer goes to the customer too
    if v_new.new_customer_id is not null and v_new.cliente_cod is not null then
      update sincro.new_customers c
        set cod_cli = v_new.cliente_cod, updated_at = pg_catalog.now()
        where c.azi = old.azi and c.customer_id = v_new.new_customer_id
          and c.cod_cli is distinct from v_new.cliente_cod;
    end if;
  elsif old.ack_gest = 0 then
    -- an acquisition that changes no data is an ack: no change number
    update sincro.arportes a set ack_gest = 1 where a.azi = old.azi and a.id_pub = old.id_pub;
  end if;
end;
$$;

comment on function sincro_private.erp_update_order(sincro.arportes, jsonb) is
  E'Step 3b of erp_write_order: the ERP acquired or changed a known order: sets what doc carries (lines replaced when sent), ack_gest = 1, a new change number at commit only when data changed; the order''s new customer gets the ERP''s customer code.';

create or replace function sincro.erp_write_order(azi text, doc jsonb)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_fields sincro.arportes;
  v_order sincro.arportes;
  v_previous_party text;
  v_id_pub bigint;
begin
  v_fields := sincro_private.erp_order_fields(azi, doc);
  v_order := sincro_private.erp_locate_order(azi, v_fields);
  v_previous_party := sincro_private.set_party('G');
  if v_order.id_pub is null then
    v_id_pub := sincro_private.erp_export_order(azi, v_fields, doc -> 'lines');
  else
    perform sincro_private.erp_update_order(v_order, doc);
    v_id_pub := v_order.id_pub;
  end if;
  perform sincro_private.restore_party(v_previous_party);
  return v_id_pub;
end;
$$;

comment on function sincro.erp_write_order(text, jsonb) is
  E'The ERP''s one entry point for orders. doc keys are arportes column names plus "lines" (the full list of lines). With id_pub: the ERP acquired or changed that order (ack_gest = 1; sets what doc carries). Without id_pub and an unknown tor_chia: a new order made in the ERP (prov_tipo G, a new id_pub). Without id_pub and a known tor_chia: changes that order. A call that changes data bumps id_sincro at commit; one that changes nothing bumps nothing. Returns id_pub.';

-- who may use it
revoke all on function sincro_private.erp_order_fields(text, jsonb) from public;
revoke all on function sincro_private.erp_locate_order(text, sincro.arportes) from public;
revoke all on function sincro_private.erp_export_order(text, sincro.arportes, jsonb) from public;
revoke all on function sincro_private.erp_update_order(sincro.arportes, jsonb) from public;
revoke all on function sincro.erp_write_order(text,jsonb) from public;
grant execute on function sincro.erp_write_order(text,jsonb) to sincro_erp, sincro_worker, sincro_admin;
