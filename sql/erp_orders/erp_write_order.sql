/*
 * The one entry point for ERP-side writes to orders. See the function comment
 * for the three cases. A call that changes nothing leaves id_sincro alone; one
 * that changes something sets it NULL, and the deferred trigger gives the row
 * its change number at commit (taking the counter lock last).
 *
 * SECURITY DEFINER: the ERP's role writes through this function only; inside
 * it the triggers trust the acting party 'G'.
 *
 * Exporting a new ERP-made order takes the company's public-ID counter until
 * commit (public IDs are gap-free and returned at once, so nothing else is
 * possible). An ERP transaction that both changes orders and exports new ones
 * should export the new ones first: otherwise it can deadlock with a store
 * insert or another export (PostgreSQL detects it, 40P01, and the ERP retries).
 */
create or replace function sincro.erp_write_order(azi text, doc jsonb)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  c_header_keys constant text[] := array[
    'id_pub', 'tor_chia', 'conferma', 'autore_tipo', 'autore_cod', 'data_ordine', 'cliente_cod', 'cod_agente',
    'dest_ragione_sociale', 'dest_indirizzo', 'dest_cap', 'dest_citta', 'dest_provincia', 'dest_nazione',
    'cod_pagamento', 'note', 'valuta', 'totale_imponibile', 'totale_iva', 'totale_documento', 'lines'];
  c_hub_keys constant text[] := array[
    'azi', 'ack_store', 'ack_gest', 'ack_app', 'prov_tipo', 'prov_id', 'id_int', 'id_sincro',
    'new_customer_id', 'created_xact', 'created_at', 'updated_at'];
  v_azi constant text := erp_write_order.azi;
  v_key text;
  v_fields sincro.arportes;
  v_id_pub bigint;
  v_tor_chia text;
  v_old sincro.arportes;
  v_new sincro.arportes;
  v_owner bigint;
  v_lines_changed boolean := false;
  v_previous_party text;
  v_login sincro_private.login := sincro_private.session_login();
begin
  -- validate: an ERP login writes its own company only
  if v_login.login is not null and (v_login.kind <> 'erp' or v_login.azi is distinct from v_azi) then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('erp_write_order: login %s (%s of company %s) cannot write orders of company %s',
                                  v_login.login, v_login.kind, v_login.azi, v_azi);
  end if;

  -- validate: company and document shape
  if v_azi is null or not exists (select 1 from sincro_private.company c where c.azi = v_azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('erp_write_order: unknown company (azi = %L)', v_azi),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if doc is null or pg_catalog.jsonb_typeof(doc) <> 'object' then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: doc must be a JSON object',
      hint = 'Keys are arportes column names plus "lines", e.g. {"id_pub": 1, "tor_chia": "C201700001230"}.';
  end if;
  for v_key in select k from pg_catalog.jsonb_object_keys(doc) k order by k loop
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

  -- validate: field types
  begin
    v_fields := pg_catalog.jsonb_populate_record(null::sincro.arportes, doc - 'lines');
  exception when data_exception then
    perform sincro_private.raise_bad_field('erp_write_order', doc - 'lines', null::sincro.arportes);
  end;
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
  v_id_pub := v_fields.id_pub;
  v_tor_chia := v_fields.tor_chia;

  -- locate the order: by public ID, else by the ERP's key
  if v_id_pub is not null then
    select * into v_old from sincro.arportes a where a.azi = v_azi and a.id_pub = v_id_pub for update;
    if not found then
      raise exception using
        errcode = 'SY200',
        message = pg_catalog.format('erp_write_order: company %s has no order with id_pub %s', v_azi, v_id_pub),
        hint = 'To export an order made in the ERP, omit id_pub and send its tor_chia.';
    end if;
    if v_tor_chia is not null then
      select a.id_pub into v_owner from sincro.arportes a
        where a.azi = v_azi and a.tor_chia = v_tor_chia and a.id_pub <> v_id_pub;
      if found then
        raise exception using
          errcode = 'SY202',
          message = pg_catalog.format('erp_write_order: tor_chia %s already belongs to order %s, not %s', v_tor_chia, v_owner, v_id_pub);
      end if;
    end if;
  elsif v_tor_chia is not null then
    -- the same export sent twice at once: the second waits here for the first to
    -- commit, then finds its order (a new statement sees it) instead of a key clash
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtextextended(pg_catalog.concat_ws('/', 'erp_write_order', v_azi, v_tor_chia), 0));
    select * into v_old from sincro.arportes a where a.azi = v_azi and a.tor_chia = v_tor_chia for update;
  else
    raise exception using
      errcode = 'SY203',
      message = 'erp_write_order: doc needs "id_pub" (an order the hub sent) or "tor_chia" (an order made in the ERP)',
      hint = 'With id_pub the ERP answers for a store/app order; with an unknown tor_chia it exports a new order.';
  end if;
  if v_old.id_pub is not null and v_tor_chia is not null and v_old.tor_chia is distinct from v_tor_chia
     and v_old.tor_chia is not null then
    raise exception using
      errcode = 'SY202',
      message = pg_catalog.format('erp_write_order: order %s already has tor_chia %s; the ERP key of an order does not change (got %s)',
                                  v_old.id_pub, v_old.tor_chia, v_tor_chia);
  end if;

  v_previous_party := sincro_private.set_party('G');

  if v_old.id_pub is null then
    -- apply: an order made in the ERP (a new public ID, never a lookup)
    if not doc ? 'lines' then
      raise exception using
        errcode = 'SY102',
        message = 'erp_write_order: field "lines" is required for an order made in the ERP',
        hint = 'Send the order''s lines as an array of objects.';
    end if;
    if v_fields.autore_tipo is null or v_fields.autore_cod is null then
      raise exception using
        errcode = 'SY102',
        message = pg_catalog.format('erp_write_order: field "%s" is required for an order made in the ERP',
                                    case when v_fields.autore_tipo is null then 'autore_tipo' else 'autore_cod' end),
        hint = 'An ERP operator is autore_tipo "O" with the operator''s code in autore_cod.';
    end if;
    insert into sincro.arportes (
      azi, prov_tipo, tor_chia, conferma, autore_tipo, autore_cod, data_ordine, cliente_cod, cod_agente,
      dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
      cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
    values (
      v_azi, 'G', v_fields.tor_chia, v_fields.conferma, v_fields.autore_tipo, v_fields.autore_cod,
      v_fields.data_ordine, v_fields.cliente_cod, v_fields.cod_agente, v_fields.dest_ragione_sociale, v_fields.dest_indirizzo,
      v_fields.dest_cap, v_fields.dest_citta, v_fields.dest_provincia, v_fields.dest_nazione,
      v_fields.cod_pagamento, v_fields.note, coalesce(v_fields.valuta, 'EUR'), v_fields.totale_imponibile,
      v_fields.totale_iva, v_fields.totale_documento)
    returning id_pub into v_id_pub;
    perform sincro_private.replace_order_lines(v_azi, v_id_pub, doc -> 'lines');
  else
    -- apply: the ERP acquired or changed a known order; set what doc carries
    v_id_pub := v_old.id_pub;
    v_new := pg_catalog.jsonb_populate_record(v_old, doc - 'lines' - 'id_pub');
    if doc ? 'lines' then
      v_lines_changed := sincro_private.replace_order_lines(v_azi, v_id_pub, doc -> 'lines');
    end if;
    if v_lines_changed or v_new is distinct from v_old then
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
        where a.azi = v_azi and a.id_pub = v_id_pub;
      if v_new.new_customer_id is not null and v_new.cliente_cod is not null then
        update sincro.new_customers c
          set cod_cli = v_new.cliente_cod, updated_at = now()
          where c.azi = v_azi and c.customer_id = v_new.new_customer_id
            and c.cod_cli is distinct from v_new.cliente_cod;
      end if;
    elsif v_old.ack_gest = 0 then
      -- an acquisition that changes no data is an ack: no change number
      update sincro.arportes a set ack_gest = 1 where a.azi = v_azi and a.id_pub = v_id_pub;
    end if;
  end if;

  perform sincro_private.restore_party(v_previous_party);
  return v_id_pub;
end;
$$;

comment on function sincro.erp_write_order(text, jsonb) is
  E'The ERP''s one entry point for orders. doc keys are arportes column names plus "lines" (the full list of lines). With id_pub: the ERP acquired or changed that order (ack_gest = 1; sets what doc carries). Without id_pub and an unknown tor_chia: a new order made in the ERP (prov_tipo G, a new id_pub). Without id_pub and a known tor_chia: changes that order. A call that changes data bumps id_sincro at commit; one that changes nothing bumps nothing. Returns id_pub.';

-- who may use it
revoke all on function sincro.erp_write_order(text,jsonb) from public;
grant execute on function sincro.erp_write_order(text,jsonb) to sincro_erp, sincro_worker, sincro_admin;
