--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: sincro; Type: SCHEMA; Schema: -; Owner: CURRENT_USER
--

CREATE SCHEMA sincro;


ALTER SCHEMA sincro OWNER TO CURRENT_USER;

--
-- Name: SCHEMA sincro; Type: COMMENT; Schema: -; Owner: CURRENT_USER
--

COMMENT ON SCHEMA sincro IS 'Public interface of the sincro hub: order tables written directly by stores and apps, the ERP entry point, change feeds and pending views.';


--
-- Name: sincro_private; Type: SCHEMA; Schema: -; Owner: CURRENT_USER
--

CREATE SCHEMA sincro_private;


ALTER SCHEMA sincro_private OWNER TO CURRENT_USER;

--
-- Name: SCHEMA sincro_private; Type: COMMENT; Schema: -; Owner: CURRENT_USER
--

COMMENT ON SCHEMA sincro_private IS 'Internals of the sincro hub: per-company counters and helper functions. Not for clients.';


--
-- Name: advance_consumer_cursor(text, text, bigint); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.advance_consumer_cursor(azi text, consumer text, cursor bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
#variable_conflict use_column
declare
  v_login sincro_private.login := sincro_private.session_login();
  v_last bigint;
begin
  -- validate
  select c.last_value into v_last from sincro_private.id_sincro_counter c where c.azi = advance_consumer_cursor.azi;
  if not found or not sincro_private.may_see_company(advance_consumer_cursor.azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('advance_consumer_cursor: unknown company (azi = %L)', advance_consumer_cursor.azi);
  end if;
  if v_login.kind = 'store' and consumer is distinct from 'store'
     or v_login.kind = 'app' and consumer is distinct from 'app:' || v_login.prov_id
     or v_login.kind = 'erp' then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('advance_consumer_cursor: this login may not move the cursor of consumer %L', consumer),
      hint = case v_login.kind when 'store' then 'A store login advances the consumer ''store''.'
                               when 'app' then pg_catalog.format('This app login advances the consumer ''app:%s''.', v_login.prov_id)
                               else 'The ERP is not a consumer of the hub''s change feed.' end;
  end if;
  if consumer is null or consumer !~ '^[A-Za-z0-9:_.-]{1,80}$' then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('advance_consumer_cursor: field "consumer" must be 1-80 letters, digits, :, _, . or - (got %L)', consumer),
      hint = 'Use store, or app:<device id>.';
  end if;
  if "cursor" is null or "cursor" < 0 or "cursor" > v_last then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('advance_consumer_cursor: field "cursor" must be between 0 and the last change number %s (got %s)',
                                  v_last, coalesce("cursor"::text, 'NULL')),
      hint = 'Pass the largest id_sincro you have imported.';
  end if;

  -- apply
  insert into sincro.consumer_cursors as k (azi, consumer, id_sincro_read)
    values (advance_consumer_cursor.azi, consumer, "cursor")
    on conflict (azi, consumer) do update set id_sincro_read = excluded.id_sincro_read, updated_at = pg_catalog.now();
end;
$_$;


ALTER FUNCTION sincro.advance_consumer_cursor(azi text, consumer text, cursor bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION advance_consumer_cursor(azi text, consumer text, cursor bigint); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.advance_consumer_cursor(azi text, consumer text, cursor bigint) IS 'A consumer records the largest change number it has imported (a store login as ''store'', an app login as ''app:<device>''; admins any name). Feeds sincro.consumer_lag. SECURITY DEFINER: reads the counter and the login.';


--
-- Name: all_changes_since(text, bigint, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.all_changes_since(azi text, cursor bigint, max_rows integer DEFAULT 1000) RETURNS TABLE(entity text, id_sincro bigint, deleted boolean, key jsonb, data jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
#variable_conflict use_column
declare
  v_purged bigint;
begin
  -- validate
  perform sincro_private.check_feed_arguments('all_changes_since', $1, $2, $3);
  v_purged := sincro_private.tombstones_purged_through($1);
  if $2 > 0 and $2 < v_purged then
    raise exception using
      errcode = 'SY130',
      message = pg_catalog.format('all_changes_since: cursor %s of company %s is older than the tombstone retention: deletions up to change %s have been purged and cannot be sent',
                                  $2, $1, v_purged),
      hint = 'Rebuild your copy: read again from cursor 0 (every live row), replace what you hold, then follow from the largest id_sincro read.';
  end if;

  -- read: one ordered feed over every table
  return query
    select u.entity, u.id_sincro, u.deleted, u.key, u.data
    from (
      select 'order'::text as entity, a.id_sincro, false as deleted, pg_catalog.jsonb_build_object('id_pub', a.id_pub) as key,
             pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)) as data
      from sincro.arportes a where a.azi = $1 and a.id_sincro > $2
      union all
      select 'customer', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at}'::text[]
      from sincro.clienti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'article', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_art', t.cod_art),
             pg_catalog.to_jsonb(t) - '{azi,cod_art,id_sincro,deleted,updated_at}'::text[]
      from sincro.articoli t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'particolarita', t.id_sincro, t.deleted,
             pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,cod_art,valido_dal,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.particolarita t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'accessory', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tabella', t.tabella, 'codice', t.codice),
             pg_catalog.to_jsonb(t) - '{azi,tabella,codice,id_sincro,deleted,updated_at}'::text[]
      from sincro.tabelle_accessorie t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'document', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('tipo_doc', t.tipo_doc, 'numero', t.numero),
             pg_catalog.to_jsonb(t) - '{azi,tipo_doc,numero,id_sincro,deleted,updated_at,slice_agente,righe}'::text[]
               -- the lines the document carries (documenti.righe, built the same way), or, written without them, its rows
               || pg_catalog.jsonb_build_object('lines', coalesce(t.righe,
                    (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                     from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero)))
      from sincro.documenti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'agent', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_agente', t.cod_agente),
             pg_catalog.to_jsonb(t) - '{azi,cod_agente,id_sincro,deleted,updated_at}'::text[]
      from sincro.agenti t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'open_item', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli, 'id_partita', t.id_partita),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_partita,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.partite_aperte t where t.azi = $1 and t.id_sincro > $2
      union all
      select 'customer_credit', t.id_sincro, t.deleted, pg_catalog.jsonb_build_object('cod_cli', t.cod_cli),
             pg_catalog.to_jsonb(t) - '{azi,cod_cli,id_sincro,deleted,updated_at,slice_agente}'::text[]
      from sincro.fidi t where t.azi = $1 and t.id_sincro > $2
    ) u
    order by u.id_sincro
    limit $3;
end;
$_$;


ALTER FUNCTION sincro.all_changes_since(azi text, cursor bigint, max_rows integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION all_changes_since(azi text, cursor bigint, max_rows integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.all_changes_since(azi text, cursor bigint, max_rows integer) IS 'Every ERP-side change of a company above cursor, in change-number order, at most max_rows: orders (with lines) and the ERP-owned tables (documents with lines), as (entity, id_sincro, deleted, key, data). One cursor per company covers them all. SY130 when the cursor is older than the tombstone retention: rebuild your copy from 0.';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: arportes; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.arportes (
    azi text NOT NULL,
    id_pub bigint NOT NULL,
    tor_chia text,
    conferma text,
    id_int text,
    ack_store smallint NOT NULL,
    ack_gest smallint NOT NULL,
    ack_app smallint NOT NULL,
    prov_tipo text NOT NULL,
    prov_id text,
    autore_tipo text NOT NULL,
    autore_cod text NOT NULL,
    id_sincro bigint,
    data_ordine date NOT NULL,
    cliente_cod text,
    cod_agente text,
    new_customer_id bigint,
    dest_ragione_sociale text,
    dest_indirizzo text,
    dest_cap text,
    dest_citta text,
    dest_provincia text,
    dest_nazione text,
    cod_pagamento text,
    note text,
    valuta text DEFAULT 'EUR'::text NOT NULL,
    totale_imponibile numeric(14,2),
    totale_iva numeric(14,2),
    totale_documento numeric(14,2),
    created_xact xid8 DEFAULT pg_current_xact_id() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ack_app_is_flag CHECK ((ack_app = ANY (ARRAY[0, 1]))),
    CONSTRAINT ack_gest_is_flag CHECK ((ack_gest = ANY (ARRAY[0, 1]))),
    CONSTRAINT ack_store_is_flag CHECK ((ack_store = ANY (ARRAY[0, 1]))),
    CONSTRAINT autore_tipo_is_known CHECK ((autore_tipo = ANY (ARRAY['C'::text, 'T'::text, 'O'::text]))),
    CONSTRAINT data_ordine_is_finite CHECK (isfinite(data_ordine)),
    CONSTRAINT id_int_only_for_store_and_app CHECK (((prov_tipo = 'G'::text) = (id_int IS NULL))),
    CONSTRAINT id_sincro_is_not_negative CHECK ((id_sincro >= 0)),
    CONSTRAINT prov_id_only_for_app CHECK (((prov_tipo = 'A'::text) = (prov_id IS NOT NULL))),
    CONSTRAINT prov_tipo_is_known CHECK ((prov_tipo = ANY (ARRAY['S'::text, 'A'::text, 'G'::text]))),
    CONSTRAINT totale_documento_is_a_number CHECK ((totale_documento <> 'NaN'::numeric)),
    CONSTRAINT totale_imponibile_is_a_number CHECK ((totale_imponibile <> 'NaN'::numeric)),
    CONSTRAINT totale_iva_is_a_number CHECK ((totale_iva <> 'NaN'::numeric)),
    CONSTRAINT valuta_is_iso_code CHECK ((valuta ~ '^[A-Z]{3}$'::text))
);


ALTER TABLE sincro.arportes OWNER TO CURRENT_USER;

--
-- Name: TABLE arportes; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.arportes IS 'Order headers (ARPORTES). Stores and apps insert directly; the ERP writes through sincro.erp_write_order; consumers follow changes by id_sincro.';


--
-- Name: COLUMN arportes.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.azi IS 'Company code.';


--
-- Name: COLUMN arportes.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.id_pub IS 'Public order ID, gap-free per company, assigned by the hub from the company counter. Never supplied by a client.';


--
-- Name: COLUMN arportes.tor_chia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.tor_chia IS 'The ERP''s key of the order (e.g. C201700001230). Written by the ERP only; unique per company.';


--
-- Name: COLUMN arportes.conferma; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.conferma IS 'The ERP''s order-confirmation number. Written by the ERP only.';


--
-- Name: COLUMN arportes.id_int; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.id_int IS 'The order''s ID inside the party that created it (store order 150, device order 150). Empty for ERP-made orders.';


--
-- Name: COLUMN arportes.ack_store; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.ack_store IS '1 once the store has acquired the order, else 0. The store sets it.';


--
-- Name: COLUMN arportes.ack_gest; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.ack_gest IS '1 once the ERP has acquired the order, else 0. Set by sincro.erp_write_order.';


--
-- Name: COLUMN arportes.ack_app; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.ack_app IS '1 once the app has acquired the order, else 0. The app sets it.';


--
-- Name: COLUMN arportes.prov_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.prov_tipo IS 'Where the order came from: S store, A app, G ERP.';


--
-- Name: COLUMN arportes.prov_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.prov_id IS 'Device ID for app orders (A); empty otherwise.';


--
-- Name: COLUMN arportes.autore_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.autore_tipo IS 'Who wrote the order: C customer, T sales agent, O ERP operator.';


--
-- Name: COLUMN arportes.autore_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.autore_cod IS 'The author''s code: customer, agent or operator. 0 for a web customer the ERP does not know yet.';


--
-- Name: COLUMN arportes.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.id_sincro IS 'Change number: 0 until the ERP first writes the row, then a larger number at every ERP-side change, in commit order. NULL only inside the writing ERP transaction.';


--
-- Name: COLUMN arportes.data_ordine; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.data_ordine IS 'Order date; today when omitted (no column default, so that a retried insert without it still matches the first one).';


--
-- Name: COLUMN arportes.cliente_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.cliente_cod IS 'ERP code of the customer; empty while the customer is a new one (new_customer_id).';


--
-- Name: COLUMN arportes.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.cod_agente IS 'Sales agent responsible for the order: the author for agent orders, set by the ERP for its own. An app login reads the ERP-made orders of its agent.';


--
-- Name: COLUMN arportes.new_customer_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.new_customer_id IS 'The new customer created with this order, if the ERP does not know the customer yet.';


--
-- Name: COLUMN arportes.dest_ragione_sociale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.dest_ragione_sociale IS 'Delivery address: recipient.';


--
-- Name: COLUMN arportes.dest_indirizzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.dest_indirizzo IS 'Delivery address: street.';


--
-- Name: COLUMN arportes.dest_cap; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.dest_cap IS 'Delivery address: postal code.';


--
-- Name: COLUMN arportes.dest_citta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.dest_citta IS 'Delivery address: city.';


--
-- Name: COLUMN arportes.dest_provincia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.dest_provincia IS 'Delivery address: province.';


--
-- Name: COLUMN arportes.dest_nazione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.dest_nazione IS 'Delivery address: ISO country code.';


--
-- Name: COLUMN arportes.cod_pagamento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.cod_pagamento IS 'Payment terms code (ERP accessory table).';


--
-- Name: COLUMN arportes.note; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.note IS 'Free notes.';


--
-- Name: COLUMN arportes.valuta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.valuta IS 'ISO currency code.';


--
-- Name: COLUMN arportes.totale_imponibile; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.totale_imponibile IS 'Taxable total, as stated by the creator or the ERP.';


--
-- Name: COLUMN arportes.totale_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.totale_iva IS 'VAT total.';


--
-- Name: COLUMN arportes.totale_documento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.totale_documento IS 'Document total.';


--
-- Name: COLUMN arportes.created_xact; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.created_xact IS 'Transaction that created the row (internal: lines may be added only in that transaction).';


--
-- Name: COLUMN arportes.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.created_at IS 'When the order was written to the hub.';


--
-- Name: COLUMN arportes.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes.updated_at IS 'Last change in the hub.';


--
-- Name: changes_since(text, bigint, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer DEFAULT 1000) RETURNS SETOF sincro.arportes
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
begin
  -- validate
  perform sincro_private.check_feed_arguments('changes_since', $1, $2, $3);

  -- read
  return query
    select a.*
    from sincro.arportes a
    where a.azi = $1 and a.id_sincro > $2
    order by a.id_sincro
    limit $3;
end;
$_$;


ALTER FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION changes_since(azi text, cursor bigint, max_rows integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer) IS 'Orders of a company whose id_sincro is above cursor, in id_sincro order, at most max_rows. Store the largest id_sincro read and pass it next time.';


--
-- Name: codice_fiscale_problem(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  -- the value of a character in an odd place (1st, 3rd … 15th), for A–Z; a digit counts as the letter in its place (0 = A)
  c_odd constant integer[] := array[1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  v text := pg_catalog.upper(pg_catalog.btrim(codice_fiscale, E' \t\r\n'));
  v_sum integer := 0;
  v_code integer;
  v_day integer;
begin
  if v = '' then
    return 'is blank (send NULL when there is none)';
  elsif v ~ '^[0-9]{11}$' then
    return sincro.partita_iva_problem(v);
  elsif pg_catalog.length(v) <> 16 then
    return 'must be 16 characters (a person''s) or 11 digits (a company''s)';
  elsif v !~ '^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$' then
    return 'must read AAAAAA00A00A000A (letters and digits in those places; digits may be written LMNPQRSTUV)';
  elsif pg_catalog.strpos('ABCDEHLMPRST', pg_catalog.substr(v, 9, 1)) = 0 then
    return 'month letter (9th character) must be one of ABCDEHLMPRST';
  end if;
  v_day := pg_catalog.translate(pg_catalog.substr(v, 10, 2), 'LMNPQRSTUV', '0123456789')::integer;
  if v_day not between 1 and 31 and v_day not between 41 and 71 then
    return 'day of birth (10th and 11th characters) must be 01–31, or 41–71 for a woman';
  end if;
  for i in 1 .. 15 loop
    v_code := pg_catalog.ascii(pg_catalog.substr(v, i, 1));
    v_code := case when v_code between 48 and 57 then v_code - 48 else v_code - 65 end;  -- 0–9 or A=0 … Z=25
    v_sum := v_sum + case when i % 2 = 1 then c_odd[v_code + 1] else v_code end;
  end loop;
  if pg_catalog.chr(65 + v_sum % 26) <> pg_catalog.substr(v, 16, 1) then
    return 'check character (16th) is wrong';
  end if;
  return null;
end;
$_$;


ALTER FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION codice_fiscale_problem(codice_fiscale text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) IS 'NULL when the text is a valid codice fiscale (16 characters with check letter, omocodia accepted; or 11 digits like a partita IVA; case and surrounding blanks ignored), else a short reason. NULL for NULL.';


--
-- Name: create_login(text, text, text, text, text, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.create_login(role_name text, kind text, azi text DEFAULT NULL::text, prov_id text DEFAULT NULL::text, password text DEFAULT NULL::text, cod_agente text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
#variable_conflict use_variable
declare
  v_limits record;
begin
  -- validate
  if role_name is null or role_name !~ '^[a-z_][a-z0-9_]{0,62}$' then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('create_login: role_name must be lowercase letters, digits and _ (got %s)', coalesce(pg_catalog.quote_literal(role_name), 'NULL')),
      hint = 'For example store_c00001 or app_c00001_dev50.';
  end if;
  if kind is null or kind not in ('store', 'app', 'erp', 'operator', 'worker', 'admin') then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('create_login: kind must be store, app, erp, operator, worker or admin (got %s)', coalesce(pg_catalog.quote_literal(kind), 'NULL'));
  end if;
  if kind in ('store', 'app', 'erp', 'operator') and (azi is null or not exists (select 1 from sincro_private.company c where c.azi = create_login.azi)) then
    raise exception using
      errcode = case when azi is null then 'SY102' else 'SY100' end,
      message = pg_catalog.format('create_login: a %s login needs a registered company (azi = %s)', kind, coalesce(pg_catalog.quote_literal(azi), 'NULL'));
  end if;
  if kind in ('worker', 'admin') and azi is not null then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('create_login: a %s login serves every company; omit azi', kind);
  end if;
  if (kind = 'app') <> (prov_id is not null) then
    raise exception using
      errcode = case when kind = 'app' then 'SY102' else 'SY101' end,
      message = case when kind = 'app' then 'create_login: an app login needs prov_id (its device ID)'
                     else 'create_login: prov_id is for app logins only' end;
  end if;
  if kind <> 'app' and cod_agente is not null then
    raise exception using errcode = 'SY101', message = 'create_login: cod_agente is for app logins only';
  end if;
  if exists (select 1 from pg_catalog.pg_roles r where r.rolname = role_name) then
    raise exception using
      errcode = 'SY110', message = pg_catalog.format('create_login: role %s already exists', role_name);
  end if;

  -- apply
  select * into v_limits from sincro_private.login_limits(kind);
  execute pg_catalog.format('create role %I login connection limit %s %s in role %I', role_name, v_limits.connection_limit,
    case when password is null then '' else pg_catalog.format('password %L', password) end, 'sincro_' || kind);
  execute pg_catalog.format('alter role %I set statement_timeout = %L', role_name, v_limits.statement_timeout);
  execute pg_catalog.format('alter role %I set lock_timeout = %L', role_name, v_limits.lock_timeout);
  execute pg_catalog.format('alter role %I set idle_in_transaction_session_timeout = %L', role_name, v_limits.idle_in_transaction_timeout);
  if kind in ('store', 'app', 'erp', 'operator') then
    insert into sincro_private.login (azi, login, kind, prov_id, cod_agente)
      values (azi, role_name, kind, prov_id, cod_agente);
  end if;
end;
$_$;


ALTER FUNCTION sincro.create_login(role_name text, kind text, azi text, prov_id text, password text, cod_agente text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION create_login(role_name text, kind text, azi text, prov_id text, password text, cod_agente text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.create_login(role_name text, kind text, azi text, prov_id text, password text, cod_agente text) IS 'Creates a login role for a party: kind store, app, erp or operator (the console''s) bound to company azi (an app also to device prov_id and agent cod_agente), or a worker or admin login for every company, with the connection limit and timeouts of its kind (sincro_private.login_limits). Admin only.';


--
-- Name: device_changes_since(bigint, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.device_changes_since(cursor bigint, max_rows integer DEFAULT 1000) RETURNS TABLE(entity text, id_sincro bigint, deleted boolean, key jsonb, data json)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET jit TO 'off'
    SET enable_bitmapscan TO 'off'
    SET "DateStyle" TO 'ISO, YMD'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $_$
#variable_conflict use_column
declare
  v_azi constant text := sincro_private.session_company();
  v_agents constant text[] := sincro_private.session_agents();
  v_agent constant text := sincro_private.session_agent();
  v_purged bigint;
begin
  -- validate
  if v_agents is null then
    raise exception using
      errcode = 'SY190',
      message = 'device_changes_since: only an app login (a device) has a slice',
      hint = 'Connect with the app login of the device (sincro.create_login(..., ''app'', azi, prov_id, cod_agente => ...)). Other parties follow sincro.all_changes_since.';
  end if;
  if $1 is null or $1 < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('device_changes_since: cursor must be 0 or a change number already read (got %s)', coalesce($1::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if $2 is null or $2 < 1 or $2 > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('device_changes_since: max_rows must be between 1 and 100000 (got %s)', coalesce($2::text, 'NULL')),
      hint = 'Read in pages of a few thousand rows at most.';
  end if;
  v_purged := sincro_private.tombstones_purged_through(v_azi);
  if $1 > 0 and $1 < v_purged then
    raise exception using
      errcode = 'SY130',
      message = pg_catalog.format('device_changes_since: cursor %s is older than the tombstone retention: removals up to change %s have been purged and cannot be sent', $1, v_purged),
      hint = 'Empty the device''s copy and download again from cursor 0.';
  end if;

  -- read
  if pg_catalog.cardinality(v_agents) = 1 then
    -- the statement of device_feed_sql for one agent, written here when this function was (below): static, so
    -- PL/pgSQL keeps its plan for the session
    return query 
    with log_page as (
      select l.entity, l.id_sincro, l.key,
             case l.entity when 'article' then l.key ->> 'cod_art' when 'accessory' then l.key ->> 'tabella'
                           when 'agent' then l.key ->> 'cod_agente' when 'document' then l.key ->> 'tipo_doc'
                           else l.key ->> 'cod_cli' end as k1,
             case l.entity when 'accessory' then l.key ->> 'codice' when 'particolarita' then l.key ->> 'cod_art'
                           when 'open_item' then l.key ->> 'id_partita' when 'document' then l.key ->> 'numero' end as k2,
             case when l.entity = 'particolarita' then (l.key ->> 'valido_dal')::date end as k3,
             case when l.entity = 'order' then (l.key ->> 'id_pub')::bigint end as kid
      from sincro.device_slice_log l
      where l.azi = v_azi and l.cod_agente = v_agent and l.id_sincro > $1
      order by l.id_sincro
      limit $2
    )
    select u.entity, u.id_sincro, u.deleted, u.key, u.data
    from (
      (select 'article'::text as entity, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_art', t.cod_art]) as key,
              case when not t.deleted then pg_catalog.row_to_json(d) end as data
       from sincro.articoli t cross join lateral (select t.descrizione, t.unita_misura, t.prezzo, t.cod_iva, t.giacenza) d where t.azi = v_azi and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'accessory'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['tabella', t.tabella, 'codice', t.codice]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.tabelle_accessorie t cross join lateral (select t.descrizione, t.dati) d where t.azi = v_azi and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'particolarita'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal::text]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.particolarita t cross join lateral (select t.valido_al, t.prezzo, t.sconto) d where t.azi = v_azi and t.cod_cli = '*' and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      -- orders (never deleted: a log entry for one the login may no longer read is a removal)
      (select 'order'::text, a.id_sincro, false, pg_catalog.jsonb_build_object('id_pub', a.id_pub),
              (pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)))::json
       from sincro.arportes a where a.azi = v_azi and a.id_sincro > $1 order by a.id_sincro limit $2)
      
      union all
      (select 'customer'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.clienti t cross join lateral (select t.ragione_sociale, t.partita_iva, t.codice_fiscale, t.indirizzo, t.cap, t.citta, t.provincia, t.nazione, t.email, t.telefono, t.listino, t.cod_agente, t.cod_pagamento) d where t.azi = v_azi and t.cod_agente = v_agent and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'particolarita'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal::text]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.particolarita t cross join lateral (select t.valido_al, t.prezzo, t.sconto) d where t.azi = v_azi and t.slice_agente = v_agent and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'open_item'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'id_partita', t.id_partita]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.partite_aperte t cross join lateral (select t.tipo_doc, t.numero_doc, t.data_doc, t.data_scadenza, t.importo, t.importo_pagato, t.pagata) d where t.azi = v_azi and t.slice_agente = v_agent and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'customer_credit'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.fidi t cross join lateral (select t.fido, t.esposizione, t.bloccato, t.motivo_blocco) d where t.azi = v_azi and t.slice_agente = v_agent and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'document'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['tipo_doc', t.tipo_doc, 'numero', t.numero]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.documenti t
       cross join lateral (select t.data_doc, t.cliente_cod, t.tor_chia, t.note, t.totale_imponibile, t.totale_iva, t.totale_documento,
      coalesce(t.righe,
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero)) as lines) d
       where t.azi = v_azi and t.slice_agente = v_agent and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'agent'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_agente', t.cod_agente]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.agenti t cross join lateral (select t.nome, t.email, t.telefono, t.cod_supervisore) d where t.azi = v_azi and t.cod_agente = v_agent and t.id_sincro > $1 order by t.id_sincro limit $2)

      union all
      -- the slice log: "look at this row again"
      (select l.entity, l.id_sincro, x.removal, l.key, x.data
       from log_page l
       cross join lateral (
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.articoli t on t.azi = v_azi and t.cod_art = l.k1 and not t.deleted cross join lateral (select t.descrizione, t.unita_misura, t.prezzo, t.cod_iva, t.giacenza) d where l.entity = 'article'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.tabelle_accessorie t on t.azi = v_azi and t.tabella = l.k1 and t.codice = l.k2 and not t.deleted cross join lateral (select t.descrizione, t.dati) d where l.entity = 'accessory'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.agenti t on t.azi = v_azi and t.cod_agente = l.k1 and not t.deleted cross join lateral (select t.nome, t.email, t.telefono, t.cod_supervisore) d where l.entity = 'agent'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.clienti t on t.azi = v_azi and t.cod_cli = l.k1 and not t.deleted cross join lateral (select t.ragione_sociale, t.partita_iva, t.codice_fiscale, t.indirizzo, t.cap, t.citta, t.provincia, t.nazione, t.email, t.telefono, t.listino, t.cod_agente, t.cod_pagamento) d where l.entity = 'customer'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.particolarita t on t.azi = v_azi and t.cod_cli = l.k1 and t.cod_art = l.k2 and t.valido_dal = l.k3 and not t.deleted cross join lateral (select t.valido_al, t.prezzo, t.sconto) d where l.entity = 'particolarita'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.partite_aperte t on t.azi = v_azi and t.cod_cli = l.k1 and t.id_partita = l.k2 and not t.deleted cross join lateral (select t.tipo_doc, t.numero_doc, t.data_doc, t.data_scadenza, t.importo, t.importo_pagato, t.pagata) d where l.entity = 'open_item'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.fidi t on t.azi = v_azi and t.cod_cli = l.k1 and not t.deleted cross join lateral (select t.fido, t.esposizione, t.bloccato, t.motivo_blocco) d where l.entity = 'customer_credit'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.documenti t on t.azi = v_azi and t.tipo_doc = l.k1 and t.numero = l.k2 and not t.deleted
         cross join lateral (select t.data_doc, t.cliente_cod, t.tor_chia, t.note, t.totale_imponibile, t.totale_iva, t.totale_documento,
      coalesce(t.righe,
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero)) as lines) d
         where l.entity = 'document'
         union all
         select a.azi is null, case when a.azi is not null then (pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)))::json end
         from (select) o left join sincro.arportes a on a.azi = v_azi and a.id_pub = l.kid where l.entity = 'order'
       ) x(removal, data)
       order by l.id_sincro)
    ) u
    order by u.id_sincro
    limit $2
;
  else
    -- a supervisor: its agents as literals, planned at each call
    return query execute sincro_private.device_feed_sql(array(select pg_catalog.quote_literal(a) from pg_catalog.unnest(v_agents) a))
      using $1, $2, v_azi, v_agent;
  end if;
end;
$_$;


ALTER FUNCTION sincro.device_changes_since(cursor bigint, max_rows integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION device_changes_since(cursor bigint, max_rows integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.device_changes_since(cursor bigint, max_rows integer) IS 'The calling app login''s device feed: every change to a row of its slice above cursor, in change-number order, at most max_rows, as (entity, id_sincro, deleted, key, data); deleted = true is a removal (a tombstone, or a row that left the slice). One cursor covers every entity; start from 0 (the first download), then pass the last id_sincro read. SY190 for a login that is not an app login; SY130 when the cursor is older than the tombstone retention. See docs/devices.md.';


--
-- Name: device_history_advance(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.device_history_advance(only_azi text DEFAULT NULL::text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_company record;
  v_new date;
  v_entries jsonb;
  v_total integer := 0;
begin
  for v_company in
    select c.azi, c.device_history_months, c.device_history_from from sincro_private.company c
    where only_azi is null or c.azi = only_azi order by c.azi
  loop
    v_new := (current_date - pg_catalog.make_interval(months => v_company.device_history_months))::date;
    continue when v_new = v_company.device_history_from;

    -- the company row first (a sync takes it before the counter too), then the counter (append_slice_log)
    update sincro_private.company c set device_history_from = v_new where c.azi = v_company.azi;

    select pg_catalog.jsonb_agg(r.v order by r.o1, r.o2) into v_entries
    from (
      select pg_catalog.jsonb_build_object('azi', d.azi, 'cod_agente', d.slice_agente, 'entity', 'document',
                                           'key', pg_catalog.jsonb_build_object('tipo_doc', d.tipo_doc, 'numero', d.numero)) as v,
             1 as o1, d.data_doc::text || d.tipo_doc || d.numero as o2
      from sincro.documenti d
      -- tombstones too: a device that has not read a tombstone yet could not read it once the row is out of the window
      where d.azi = v_company.azi and d.slice_agente is not null
        and d.data_doc >= least(v_new, v_company.device_history_from) and d.data_doc < greatest(v_new, v_company.device_history_from)
      union all
      select pg_catalog.jsonb_build_object('azi', a.azi, 'cod_agente', k.cod_agente, 'entity', 'order',
                                           'key', pg_catalog.jsonb_build_object('id_pub', a.id_pub)),
             2, a.id_pub::text
      from sincro.arportes a
      join sincro.clienti k on k.azi = a.azi and k.cod_cli = a.cliente_cod
      where a.azi = v_company.azi and k.cod_agente is not null
        and a.data_ordine >= least(v_new, v_company.device_history_from) and a.data_ordine < greatest(v_new, v_company.device_history_from)
    ) r;
    v_total := v_total + sincro_private.append_slice_log(v_entries,
                 case when v_new > v_company.device_history_from then 'aged_out' else 'history' end);
  end loop;
  return v_total;
end;
$$;


ALTER FUNCTION sincro.device_history_advance(only_azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION device_history_advance(only_azi text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.device_history_advance(only_azi text) IS 'Moves each company''s (or one company''s) device history window to today minus device_history_months and logs every order and document that crossed its start for its agent''s devices (removals when the window shrinks, additions when it grows). Returns how many entries it logged. The worker runs it daily. SECURITY DEFINER: writes the company table and the slice log.';


--
-- Name: device_slice_size(); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.device_slice_size() RETURNS TABLE(entity text, rows bigint, approx_bytes bigint)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_azi constant text := sincro_private.session_company();
begin
  -- validate
  if sincro_private.session_agents() is null then
    raise exception using
      errcode = 'SY190',
      message = 'device_slice_size: only an app login (a device) has a slice',
      hint = 'Connect with the app login of the device.';
  end if;

  -- read
  return query
    select 'accessory'::text, pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.tabelle_accessorie t where t.azi = v_azi and not t.deleted
    union all
    select 'agent', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.agenti t where t.azi = v_azi and not t.deleted
    union all
    select 'article', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.articoli t where t.azi = v_azi and not t.deleted
    union all
    select 'customer', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.clienti t where t.azi = v_azi and not t.deleted
    union all
    select 'customer_credit', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.fidi t where t.azi = v_azi and not t.deleted
    union all
    select 'document', pg_catalog.count(*),
           -- the lines are in the row (righe), or, for a document written without them, in documenti_righe
           coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)
                    + case when t.righe is null then
                        (select coalesce(pg_catalog.sum(pg_catalog.pg_column_size(r.*)), 0) from sincro.documenti_righe r
                         where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero) else 0 end), 0)::bigint
      from sincro.documenti t where t.azi = v_azi and not t.deleted
    union all
    select 'open_item', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.partite_aperte t where t.azi = v_azi and not t.deleted
    union all
    select 'order', pg_catalog.count(*),
           coalesce(pg_catalog.sum(pg_catalog.pg_column_size(a.*)
                    + (select coalesce(pg_catalog.sum(pg_catalog.pg_column_size(r.*)), 0) from sincro.arporrig r
                       where r.azi = a.azi and r.id_pub = a.id_pub)), 0)::bigint
      from sincro.arportes a where a.azi = v_azi and a.id_sincro > 0
    union all
    select 'particolarita', pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.pg_column_size(t.*)), 0)::bigint
      from sincro.particolarita t where t.azi = v_azi and not t.deleted;
end;
$$;


ALTER FUNCTION sincro.device_slice_size() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION device_slice_size(); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.device_slice_size() IS 'Per entity, how many rows the calling app login''s first download brings and about how many bytes (stored size). SY190 for a login that is not an app login.';


--
-- Name: dispatch_poll(integer, boolean, boolean, boolean, boolean); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean, OUT inbox integer, OUT azi text, OUT requests jsonb, OUT dozing boolean) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
begin
  -- the doze lock: taken (or kept) to doze, released when awake
  if doze and not held then
    dozing := pg_catalog.pg_try_advisory_lock(1397313091, 1);
  elsif held and not doze then
    perform pg_catalog.pg_advisory_unlock(1397313091, 1);
    dozing := false;
  else
    dozing := coalesce(held, false);
  end if;

  -- look
  if ring_inbox then
    inbox := sincro.store_inbox_dispatch(500, interval '0', 10);
  end if;
  if take_orders then
    select t.azi, t.requests into azi, requests from sincro.push_take(max_orders) t;
  end if;

  -- something found: awake
  if dozing and (coalesce(inbox, 0) > 0 or azi is not null) then
    perform pg_catalog.pg_advisory_unlock(1397313091, 1);
    dozing := false;
  end if;
end;
$$;


ALTER FUNCTION sincro.dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean, OUT inbox integer, OUT azi text, OUT requests jsonb, OUT dozing boolean) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean, OUT inbox integer, OUT azi text, OUT requests jsonb, OUT dozing boolean); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean, OUT inbox integer, OUT azi text, OUT requests jsonb, OUT dozing boolean) IS 'Worker''s dispatcher, one look: rings for new webhook deliveries (store_inbox_dispatch, with ring_inbox), claims new orders of one company (push_take, with take_orders; azi NULL: none); with doze, takes the doze lock before looking and keeps it when nothing was found (dozing: then inserts ring it, see sincro_private.ring_dispatcher); held says whether the session holds it from the last call. SECURITY DEFINER: as push_take and store_inbox_dispatch.';


--
-- Name: end_overdue_sessions(interval, interval); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.end_overdue_sessions(idle_in_transaction_after interval DEFAULT '00:01:00'::interval, running_after interval DEFAULT '00:05:00'::interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_session record;
  v_ended integer := 0;
begin
  -- validate
  if not (pg_catalog.pg_has_role('pg_read_all_stats', 'member') and pg_catalog.pg_has_role('pg_signal_backend', 'member')) then
    raise exception using
      errcode = 'SY150',
      message = pg_catalog.format('end_overdue_sessions: the hub''s owner (%s) cannot see or end other sessions', current_user),
      hint = 'Grant it pg_read_all_stats and pg_signal_backend (docs/security.md, production set-up).';
  end if;
  if idle_in_transaction_after is null or running_after is null
     or idle_in_transaction_after < interval '0' or running_after < interval '0' then
    raise exception using
      errcode = 'SY101', message = 'end_overdue_sessions: the times must be 0 or more';
  end if;

  -- apply
  for v_session in
    select a.pid
    from pg_catalog.pg_stat_activity a
    join sincro_private.login l on l.login = a.usename
    where a.datname = pg_catalog.current_database() and a.pid <> pg_catalog.pg_backend_pid()
      and (a.state in ('idle in transaction', 'idle in transaction (aborted)')
             and a.state_change < pg_catalog.clock_timestamp() - idle_in_transaction_after
           or a.state = 'active' and a.query_start < pg_catalog.clock_timestamp() - running_after)
  loop
    if pg_catalog.pg_terminate_backend(v_session.pid) then
      v_ended := v_ended + 1;
    end if;
  end loop;
  return v_ended;
end;
$$;


ALTER FUNCTION sincro.end_overdue_sessions(idle_in_transaction_after interval, running_after interval) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION end_overdue_sessions(idle_in_transaction_after interval, running_after interval); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.end_overdue_sessions(idle_in_transaction_after interval, running_after interval) IS 'Ends the sessions of store, app and ERP logins idle in a transaction longer than idle_in_transaction_after or running one statement longer than running_after (their transactions roll back); returns how many. The worker runs it every minute. SY150 when the owner lacks pg_read_all_stats and pg_signal_backend. SECURITY DEFINER: sees and ends other roles'' sessions.';


--
-- Name: erp_cursor(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.erp_cursor(azi text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select c.erp_cursor from sincro_private.company c where c.azi = erp_cursor.azi
$$;


ALTER FUNCTION sincro.erp_cursor(azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION erp_cursor(azi text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.erp_cursor(azi text) IS 'The ERP change cursor up to which the hub has applied the ERP''s changes ('''' before the first sync; NULL for an unknown company). SECURITY DEFINER: reads the company table.';


--
-- Name: erp_write_order(text, jsonb); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.erp_write_order(azi text, doc jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro.erp_write_order(azi text, doc jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION erp_write_order(azi text, doc jsonb); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.erp_write_order(azi text, doc jsonb) IS 'The ERP''s one entry point for orders. doc keys are arportes column names plus "lines" (the full list of lines). With id_pub: the ERP acquired or changed that order (ack_gest = 1; sets what doc carries). Without id_pub and an unknown tor_chia: a new order made in the ERP (prov_tipo G, a new id_pub). Without id_pub and a known tor_chia: changes that order. A call that changes data bumps id_sincro at commit; one that changes nothing bumps nothing. Returns id_pub.';


--
-- Name: find_new_customer(text, text, text, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- one query per case, so that uniq_new_customers__creator_key answers each (as find_order)
  if find_new_customer.prov_id is null then
    return (select c.customer_id from sincro.new_customers c
            where c.azi = find_new_customer.azi and c.prov_tipo = find_new_customer.prov_tipo
              and c.prov_id is null and c.id_int = find_new_customer.id_int);
  end if;
  return (select c.customer_id from sincro.new_customers c
          where c.azi = find_new_customer.azi and c.prov_tipo = find_new_customer.prov_tipo
            and c.prov_id = find_new_customer.prov_id and c.id_int = find_new_customer.id_int);
end;
$$;


ALTER FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION find_new_customer(azi text, prov_tipo text, prov_id text, id_int text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) IS 'customer_id of the new customer a store or app created with its own id_int; NULL if none. Use it after a retried INSERT returned no row.';


--
-- Name: find_order(text, text, text, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- one query per case, so that uniq_arportes__creator_key answers each: "a.prov_id = prov_id or both null"
  -- narrowed the index to the party only and read all its orders
  if find_order.prov_id is null then
    return (select a.id_pub from sincro.arportes a
            where a.azi = find_order.azi and a.prov_tipo = find_order.prov_tipo and a.prov_tipo <> 'G'
              and a.prov_id is null and a.id_int = find_order.id_int);
  end if;
  return (select a.id_pub from sincro.arportes a
          where a.azi = find_order.azi and a.prov_tipo = find_order.prov_tipo and a.prov_tipo <> 'G'
            and a.prov_id = find_order.prov_id and a.id_int = find_order.id_int);
end;
$$;


ALTER FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION find_order(azi text, prov_tipo text, prov_id text, id_int text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) IS 'Public ID of the order a store (S, prov_id NULL) or app (A, its device ID) created with its own id_int; NULL if the hub has none. Use it after a retried INSERT returned no row.';


--
-- Name: locate_order(text, bigint, text, text, text, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.locate_order(azi text, id_pub bigint DEFAULT NULL::bigint, tor_chia text DEFAULT NULL::text, store_order text DEFAULT NULL::text, device text DEFAULT NULL::text, device_order text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select a.id_pub
  from sincro.arportes a
  where a.azi = locate_order.azi
    and case
          when locate_order.id_pub is not null then a.id_pub = locate_order.id_pub
          when locate_order.tor_chia is not null then a.tor_chia = locate_order.tor_chia
          when locate_order.store_order is not null then a.prov_tipo = 'S' and a.id_int = locate_order.store_order
          when locate_order.device is not null then a.prov_tipo = 'A' and a.prov_id = locate_order.device and a.id_int = locate_order.device_order
          else false
        end
  limit 1
$$;


ALTER FUNCTION sincro.locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text) IS 'Public ID of a company''s order by one of: its public ID, its ERP key (tor_chia), the store''s order number, or a device and its order number; NULL when the caller sees no such order. Runs with the caller''s rights.';


--
-- Name: metric_compact(); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.metric_compact() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET jit TO 'off'
    AS $$
declare
  v_folded bigint;
begin
  perform 1 from sincro_private.metric_compaction c where c.only_row for update skip locked;
  if not found then
    return 0;  -- another compaction is running
  end if;

  with folded as (
    delete from sincro_private.metric_delta d
    returning d.azi, d.metric, d.n, d.seconds
  ), summed as (
    select f.azi, f.metric,
           case when f.metric = 'push_acquired' then sincro_private.push_duration_bucket(f.seconds) else '' end as bucket,
           pg_catalog.sum(f.n) as n, pg_catalog.sum(f.seconds) as seconds, pg_catalog.count(*) as deltas
    from folded f
    group by 1, 2, 3
  ), upserted as (
    insert into sincro_private.metric_rollup as r (azi, metric, bucket, n, seconds)
      select s.azi, s.metric, s.bucket, s.n, s.seconds from summed s order by s.azi, s.metric, s.bucket
      on conflict (azi, metric, bucket) do update
        set n = r.n + excluded.n, seconds = r.seconds + excluded.seconds
  )
  select coalesce(pg_catalog.sum(s.deltas), 0) into v_folded from summed s;

  update sincro_private.metric_compaction c
    set compacted_at = pg_catalog.clock_timestamp(), deltas_folded = c.deltas_folded + v_folded
    where c.only_row;
  return v_folded;
end;
$$;


ALTER FUNCTION sincro.metric_compact() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION metric_compact(); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.metric_compact() IS 'Folds the metric deltas written since the last compaction into the rollup (exactly once each; figures unchanged); returns how many it folded, 0 when another compaction is running. Each /metrics scrape runs it first; the worker every minute. SECURITY DEFINER: the metric tables are private.';


--
-- Name: metric_samples(); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.metric_samples() RETURNS TABLE(metric text, labels jsonb, value double precision)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET jit TO 'off'
    AS $$
  with company as (
    select c.azi from sincro_private.company c
  ), counted as (
    -- what the triggers count (sql/console/metric_counts.sql): the rollup and the deltas not folded yet
    select k.azi, k.metric, k.bucket, pg_catalog.sum(k.n) as n, pg_catalog.sum(k.seconds) as seconds
    from (select r.azi, r.metric, r.bucket, r.n, r.seconds from sincro_private.metric_rollup r
          union all
          select d.azi, d.metric,
                 case when d.metric = 'push_acquired' then sincro_private.push_duration_bucket(d.seconds) else '' end,
                 d.n, d.seconds
          from sincro_private.metric_delta d) k
    group by k.azi, k.metric, k.bucket
  ), party as (
    -- the oldest pending order of each party: one probe of a partial index per company
    select c.azi, x.party, coalesce(k.n, 0) as n, x.oldest
    from company c
    cross join lateral (values
      -- (the ERP's: the lowest public ID, from idx_arportes__pending_gest, which every insert keeps anyway)
      ('erp', (select a.created_at from sincro.arportes a where a.azi = c.azi and a.ack_gest = 0 order by a.id_pub limit 1)),
      ('store', (select a.updated_at from sincro.arportes a where a.azi = c.azi and a.ack_store = 0 and a.id_sincro > 0 order by a.updated_at limit 1)),
      ('app', (select a.updated_at from sincro.arportes a where a.azi = c.azi and a.ack_app = 0 and a.id_sincro > 0 order by a.updated_at limit 1))
    ) x(party, oldest)
    left join counted k on k.azi = c.azi and k.metric = 'pending_' || x.party and k.bucket = ''
  ), histogram as (
    -- cumulative: each bound counts the acquisitions in its bucket and every lower one
    select c.azi, b.le::text as le, pg_catalog.sum(coalesce(k.n, 0)) over (partition by c.azi order by b.j) as n
    from company c
    cross join pg_catalog.unnest(sincro_private.push_duration_bounds()) with ordinality b(le, j)
    left join counted k on k.azi = c.azi and k.metric = 'push_acquired' and k.bucket = b.le::text
  ), acquired as (
    select c.azi, coalesce(pg_catalog.sum(k.n), 0) as n, coalesce(pg_catalog.sum(k.seconds), 0) as seconds
    from company c
    left join counted k on k.azi = c.azi and k.metric = 'push_acquired'
    group by c.azi
  ), quota as (
    -- read once (its period arithmetic costs ~0.15 ms a company)
    select q.azi, q.sync_remaining, q.sync_quota from sincro.quota() q
  )
  -- orders each party has not acquired, and how long the oldest has waited
  select 'sincro_orders_pending', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party), p.n::float8
  from party p
  union all
  select 'sincro_oldest_pending_seconds', pg_catalog.jsonb_build_object('azi', p.azi, 'party', p.party),
         coalesce(extract(epoch from now() - p.oldest)::float8, 0)
  from party p
  -- pushes: acquired orders, and each rejection and failed attempt
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', a.azi, 'outcome', 'acquired'), a.n::float8
  from acquired a
  union all
  select 'sincro_push_total', pg_catalog.jsonb_build_object('azi', c.azi, 'outcome', o.outcome), coalesce(k.n, 0)::float8
  from company c cross join (values ('rejected', 'push_rejected'), ('failed', 'push_failed')) o(outcome, metric)
  left join counted k on k.azi = c.azi and k.metric = o.metric and k.bucket = ''
  -- insert → acquired, as a histogram (buckets cumulative, then +Inf, sum and count)
  union all
  select 'sincro_push_duration_seconds_bucket', pg_catalog.jsonb_build_object('azi', h.azi, 'le', h.le), h.n::float8
  from histogram h
  union all
  select 'sincro_push_duration_seconds_bucket', pg_catalog.jsonb_build_object('azi', a.azi, 'le', '+Inf'), a.n::float8
  from acquired a
  union all
  select 'sincro_push_duration_seconds_sum', pg_catalog.jsonb_build_object('azi', a.azi), a.seconds::float8
  from acquired a
  union all
  select 'sincro_push_duration_seconds_count', pg_catalog.jsonb_build_object('azi', a.azi), a.n::float8
  from acquired a
  -- sync runs by kind and state, and the rows they brought (orders pushed, for partial syncs)
  union all
  -- finished runs only: a counter never goes down (a run counted as running would leave that series when it ends)
  select 'sincro_sync_runs_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind, 'state', r.state), pg_catalog.count(*)::float8
  from sincro.sync_runs r
  where r.state <> 'running'
  group by r.azi, r.kind, r.state
  union all
  select 'sincro_sync_runs_running', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind), pg_catalog.count(*)::float8
  from sincro.sync_runs r
  where r.state = 'running'
  group by r.azi, r.kind
  union all
  select 'sincro_sync_rows_total', pg_catalog.jsonb_build_object('azi', r.azi, 'kind', r.kind),
         pg_catalog.sum(case when r.kind = 'partial' then r.orders_pushed else r.rows_received end)::float8
  from sincro.sync_runs r
  group by r.azi, r.kind
  -- quota
  union all
  select 'sincro_quota_remaining', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_remaining::float8
  from quota q
  union all
  select 'sincro_quota_total', pg_catalog.jsonb_build_object('azi', q.azi), q.sync_quota::float8
  from quota q
  -- consumers' lag behind the change feed
  union all
  select 'sincro_consumer_lag', pg_catalog.jsonb_build_object('azi', l.azi, 'consumer', l.consumer), l.lag::float8
  from sincro.consumer_lag l
  -- the worker's queue: jobs waiting or running that may still run
  union all
  select 'sincro_jobs_queued', '{}'::jsonb, pg_catalog.count(*)::float8
  from graphile_worker.jobs j
  where j.attempts < j.max_attempts
$$;


ALTER FUNCTION sincro.metric_samples() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION metric_samples(); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.metric_samples() IS 'Every sample GET /metrics reports about the hub (name, labels, value), computed now: pending orders and oldest age per party, push outcomes and the insert→acquired histogram, sync runs and rows, quota, consumer lag, queued jobs. See docs/operations.md. SECURITY DEFINER: counts across companies and the job queue.';


--
-- Name: new_customer_correct(text, bigint, jsonb); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.new_customer_correct(azi text, id_pub bigint, corrections jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  c_fields constant text[] := array['ragione_sociale', 'partita_iva', 'codice_fiscale', 'email', 'telefono',
                                    'indirizzo', 'cap', 'citta', 'provincia', 'nazione'];
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
  v_before sincro.new_customers;
  v_after sincro.new_customers;
  v_changes text;
  v_previous_party text;
  v_field text;
begin
  -- validate
  if v_push.state <> 'rejected' then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s is %s: only a rejected order is corrected and resent', id_pub, azi, v_push.state);
  end if;
  select c.* into v_before
    from sincro.arportes a join sincro.new_customers c on c.azi = a.azi and c.customer_id = a.new_customer_id
    where a.azi = azi and a.id_pub = id_pub
    for update of c;
  if not found then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s carries no new customer to correct', id_pub, azi),
      hint = 'Retry the order, or resolve it with a note.';
  end if;
  if corrections is null or pg_catalog.jsonb_typeof(corrections) <> 'object' then
    raise exception using errcode = 'SY101', message = 'new_customer_correct: corrections must be a JSON object of the new customer''s fields';
  end if;
  select k into v_field from pg_catalog.jsonb_each(corrections) e(k, v)
    where e.k <> all (c_fields) or pg_catalog.jsonb_typeof(e.v) not in ('string', 'null') order by k limit 1;
  if v_field is not null then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('new_customer_correct: field "%s" is not a new customer''s text field', v_field),
      hint = pg_catalog.format('Correct only these, as text or null: %s.', pg_catalog.array_to_string(c_fields, ', '));
  end if;
  v_after := pg_catalog.jsonb_populate_record(v_before, corrections);
  if v_after.ragione_sociale is null or pg_catalog.btrim(v_after.ragione_sociale) = '' or v_after.nazione is null then
    raise exception using errcode = 'SY102', message = 'new_customer_correct: ragione_sociale and nazione cannot be blank';
  end if;
  if pg_catalog.upper(pg_catalog.btrim(v_after.nazione)) = 'IT' then
    v_after.partita_iva := sincro_private.fiscal_normalised('partita_iva', v_after.partita_iva);
    v_after.codice_fiscale := sincro_private.fiscal_normalised('codice_fiscale', v_after.codice_fiscale);
  end if;
  select pg_catalog.string_agg(pg_catalog.format('%s: %s → %s', k, coalesce(pg_catalog.to_jsonb(v_before) ->> k, '∅'), coalesce(pg_catalog.to_jsonb(v_after) ->> k, '∅')), '; ' order by k)
    into v_changes
    from pg_catalog.unnest(c_fields) k
    where pg_catalog.to_jsonb(v_before) -> k is distinct from pg_catalog.to_jsonb(v_after) -> k;
  if v_changes is null then
    raise exception using errcode = 'SY162', message = pg_catalog.format('new_customer_correct: nothing to correct for order %s of company %s (no field changed)', id_pub, azi);
  end if;
  -- an operator's correction meets the same fiscal checks as a client's new customer (SY180, SY181)
  if pg_catalog.upper(pg_catalog.btrim(v_after.nazione)) = 'IT' then
    perform sincro_private.check_fiscal_fields('new_customer_correct', v_after.partita_iva, v_after.codice_fiscale);
  end if;

  -- apply: the corrected customer, its record in the order's events, and the push again
  v_previous_party := sincro_private.set_party('H');
  update sincro.new_customers c
    set ragione_sociale = v_after.ragione_sociale, partita_iva = v_after.partita_iva, codice_fiscale = v_after.codice_fiscale,
        email = v_after.email, telefono = v_after.telefono, indirizzo = v_after.indirizzo, cap = v_after.cap,
        citta = v_after.citta, provincia = v_after.provincia, nazione = v_after.nazione
    where c.azi = v_before.azi and c.customer_id = v_before.customer_id;
  perform sincro_private.restore_party(v_previous_party);
  insert into sincro.order_events (azi, id_pub, event, detail) values (azi, id_pub, 'corrected', v_changes);
  perform sincro.push_retry(azi, id_pub);
end;
$$;


ALTER FUNCTION sincro.new_customer_correct(azi text, id_pub bigint, corrections jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION new_customer_correct(azi text, id_pub bigint, corrections jsonb); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.new_customer_correct(azi text, id_pub bigint, corrections jsonb) IS 'Operator: correct the new customer of a rejected order (only its fields: ragione_sociale, partita_iva, codice_fiscale, email, telefono, indirizzo, cap, citta, provincia, nazione) and push the order again; the changes (before → after) and the login go to the order''s events (corrected, retry). SY160 unknown or another company''s order; SY162 not rejected, no new customer, nothing changed; SY101 a field that is not the customer''s; SY102 a blank name or country; SY180/SY181 an Italian customer''s partita IVA or codice fiscale that fails its check. SECURITY DEFINER: writes the new customer as the hub; checks the company itself.';


--
-- Name: order_problems(text, text, interval, integer, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.order_problems(only_azi text DEFAULT NULL::text, kind text DEFAULT NULL::text, older_than interval DEFAULT NULL::interval, page_size integer DEFAULT 50, page_offset integer DEFAULT 0) RETURNS TABLE(azi text, id_pub bigint, kind text, state text, prov_tipo text, prov_id text, id_int text, new_customer_id bigint, attempts integer, last_attempt_at timestamp with time zone, last_error text, erp_message text, created_at timestamp with time zone, next_try_at timestamp with time zone, total bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET jit TO 'off'
    AS $$
  with problem as (
    select p.azi, p.id_pub,
           case when p.state = 'rejected' then 'rejected'
                when p.state = 'in_flight' and p.last_attempt_at < now() - interval '5 minutes' then 'stuck'
                when p.state in ('pending', 'in_flight') and p.last_error is not null then 'failing'
           end as kind,
           p.state, p.attempts, p.last_attempt_at, p.last_error, p.erp_message, p.created_at
    from sincro.order_push p
    where p.state in ('rejected', 'pending', 'in_flight')
      and (order_problems.only_azi is null or p.azi = order_problems.only_azi)
      -- may_see_company, evaluated once rather than per row: a company-bound login sees its own, others every company
      and coalesce(p.azi = (select sincro_private.session_company()), true)
  ), page as (
    select pr.*, pg_catalog.count(*) over () as total
    from problem pr
    where pr.kind is not null
      and (order_problems.kind is null or pr.kind = order_problems.kind)
      and (order_problems.older_than is null or pr.created_at < now() - order_problems.older_than)
    order by pr.created_at, pr.azi, pr.id_pub
    limit least(greatest(coalesce(order_problems.page_size, 50), 1), 500)
    offset greatest(coalesce(order_problems.page_offset, 0), 0)
  )
  -- the creator and the next try only for the page's orders
  select pg.azi, pg.id_pub, pg.kind, pg.state, a.prov_tipo, a.prov_id, a.id_int, a.new_customer_id,
         pg.attempts, pg.last_attempt_at, pg.last_error, pg.erp_message, pg.created_at,
         (select j.run_at from graphile_worker.jobs j
           where j.key = pg_catalog.format('push_order:%s:%s', pg.azi, pg.id_pub) and j.attempts < j.max_attempts),
         pg.total
  from page pg
  join sincro.arportes a on a.azi = pg.azi and a.id_pub = pg.id_pub
  order by pg.created_at, pg.azi, pg.id_pub
$$;


ALTER FUNCTION sincro.order_problems(only_azi text, kind text, older_than interval, page_size integer, page_offset integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION order_problems(only_azi text, kind text, older_than interval, page_size integer, page_offset integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.order_problems(only_azi text, kind text, older_than interval, page_size integer, page_offset integer) IS 'Problem orders the caller may see, oldest first, with their creator and new customer: kind rejected (erp_message), failing (last_error, next_try_at) or stuck (in flight for over 5 minutes); filtered by company, kind and age (queued before now() - older_than), paged (page_size at most 500); total counts every match. SECURITY DEFINER: reads the job queue; filters companies itself (a company-bound login its own, others every company).';


--
-- Name: order_timeline(text, bigint); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.order_timeline(azi text, id_pub bigint) RETURNS TABLE(step integer, recorded_at timestamp with time zone, what text, party text, db_user name, changes text, id_pub bigint, tor_chia text, conferma text, id_int text, ack_store smallint, ack_gest smallint, ack_app smallint, prov_tipo text, prov_id text, autore_tipo text, autore_cod text, id_sincro bigint, detail text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  with version as (
    select h.*,
           pg_catalog.to_jsonb(h) - array['history_id', 'operation', 'party', 'db_user', 'recorded_at', 'created_xact', 'created_at', 'updated_at'] as doc
    from sincro.arportes_history h
    where h.azi = order_timeline.azi and h.id_pub = order_timeline.id_pub
  ), compared as (
    select v.*, pg_catalog.lag(v.doc) over (order by v.history_id) as previous from version v
  ), timeline as (
    select c.recorded_at, 0 as source, c.history_id as seq, c.operation as what, c.party, c.db_user,
           (select pg_catalog.string_agg(pg_catalog.format('%s: %s → %s', k, coalesce(c.previous ->> k, '∅'), coalesce(c.doc ->> k, '∅')), '; ' order by k)
              from pg_catalog.jsonb_object_keys(c.doc) k
             where c.previous is not null and c.doc -> k is distinct from c.previous -> k) as changes,
           c.id_pub, c.tor_chia, c.conferma, c.id_int, c.ack_store, c.ack_gest, c.ack_app,
           c.prov_tipo, c.prov_id, c.autore_tipo, c.autore_cod, c.id_sincro, null::text as detail
    from compared c
    union all
    select e.recorded_at, 1, e.event_id, e.event, null, e.db_user, null,
           e.id_pub, null, null, null, null, null, null, null, null, null, null, null, e.detail
    from sincro.order_events e
    where e.azi = order_timeline.azi and e.id_pub = order_timeline.id_pub
  )
  select (pg_catalog.row_number() over (order by t.recorded_at, t.source, t.seq))::integer,
         t.recorded_at, t.what, t.party, t.db_user, t.changes,
         t.id_pub, t.tor_chia, t.conferma, t.id_int, t.ack_store, t.ack_gest, t.ack_app,
         t.prov_tipo, t.prov_id, t.autore_tipo, t.autore_cod, t.id_sincro, t.detail
  from timeline t
  order by t.recorded_at, t.source, t.seq
$$;


ALTER FUNCTION sincro.order_timeline(azi text, id_pub bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION order_timeline(azi text, id_pub bigint); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.order_timeline(azi text, id_pub bigint) IS 'One row per version of the order (INSERT/UPDATE/DELETE from arportes_history: acting party S/A/G/H, login, the columns changed before → after, the protocol columns) and per event (push_started/acquired/rejected/failed with the ERP''s answer, retry, resolved with the operator''s note), in time order. Empty when the caller sees no such order. Runs with the caller''s rights.';


--
-- Name: partial_sync(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.partial_sync(azi text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_run_id bigint;
begin
  -- a console operator starts its own company's runs only (admins any): another company is unknown
  if not sincro_private.may_see_company(azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', azi);
  end if;
  v_run_id := sincro.sync_run_begin(azi, 'partial');
  -- the run belongs to the job now, not to this session: alive while the job can run (sync_run_begin)
  update sincro.sync_runs r set backend_pid = null, phase = 'queued' where r.azi = partial_sync.azi and r.run_id = v_run_id;
  perform graphile_worker.add_job(
    identifier := 'partial_sync',
    payload := pg_catalog.json_build_object('azi', azi, 'run_id', v_run_id),
    job_key := sincro_private.sync_run_job_key(azi, v_run_id),
    max_attempts := 1);
  return v_run_id;
end;
$$;


ALTER FUNCTION sincro.partial_sync(azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION partial_sync(azi text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.partial_sync(azi text) IS 'Starts a partial sync of a company: the worker pushes every pending order (with its new customer) to the ERP; nothing is pulled, no quota is used. Returns the run_id (see sincro.sync_runs). An operator login starts its own company''s only (SY100 for another). SECURITY DEFINER: enqueues the job.';


--
-- Name: partial_sync_finish(text, bigint, integer, integer, integer, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.partial_sync_finish(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text DEFAULT NULL::text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  update sincro.sync_runs r
    set state = case when partial_sync_finish.error is null then 'succeeded' else 'failed' end,
        finished_at = now(),
        -- done when it succeeded; a failed run keeps the phase it failed in
        phase = case when partial_sync_finish.error is null then 'done' else r.phase end,
        phase_item = case when partial_sync_finish.error is null then null else r.phase_item end,
        phase_step = case when partial_sync_finish.error is null then null else r.phase_step end,
        phase_steps = case when partial_sync_finish.error is null then null else r.phase_steps end,
        orders_pushed = partial_sync_finish.orders_pushed,
        orders_rejected = partial_sync_finish.orders_rejected,
        orders_failed = partial_sync_finish.orders_failed,
        error = partial_sync_finish.error
    where r.azi = partial_sync_finish.azi and r.run_id = partial_sync_finish.run_id and r.state = 'running'
$$;


ALTER FUNCTION sincro.partial_sync_finish(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION partial_sync_finish(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.partial_sync_finish(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text) IS 'Ends a partial sync run with its counts; failed when error is given, else succeeded. SECURITY DEFINER: the only writer of sync_runs with the other sync_run_* functions.';


--
-- Name: partial_sync_progress(text, bigint, integer, integer, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.partial_sync_progress(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  update sincro.sync_runs r
    set orders_pushed = partial_sync_progress.orders_pushed, orders_rejected = partial_sync_progress.orders_rejected,
        orders_failed = partial_sync_progress.orders_failed, progress_at = pg_catalog.now(),
        backend_pid = pg_catalog.pg_backend_pid(),
        phase = case when r.phase = 'queued' then 'starting' else r.phase end  -- taken over by the worker
    where r.azi = partial_sync_progress.azi and r.run_id = partial_sync_progress.run_id and r.kind = 'partial'
      and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a running partial sync', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;


ALTER FUNCTION sincro.partial_sync_progress(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION partial_sync_progress(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.partial_sync_progress(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer) IS 'A partial run''s counts so far, and that the session working on it is alive (it takes over a run queued for the worker). SY123 if the run is not running. SECURITY DEFINER: writes sync_runs.';


--
-- Name: partita_iva_problem(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.partita_iva_problem(partita_iva text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v text := pg_catalog.btrim(partita_iva, E' \t\r\n');
  v_sum integer := 0;
  v_digit integer;
begin
  if v = '' then
    return 'is blank (send NULL when there is none)';
  elsif v ~* '^IT[0-9]{11}$' then
    return 'must be 11 digits, without the IT country prefix';
  elsif v !~ '^[0-9]{11}$' then
    return 'must be 11 digits';
  elsif v = '00000000000' then
    return 'cannot be all zeros';
  end if;
  for i in 1 .. 10 loop
    v_digit := pg_catalog.ascii(pg_catalog.substr(v, i, 1)) - 48;
    if i % 2 = 0 then
      v_digit := v_digit * 2;
      if v_digit > 9 then
        v_digit := v_digit - 9;
      end if;
    end if;
    v_sum := v_sum + v_digit;
  end loop;
  if (10 - v_sum % 10) % 10 <> pg_catalog.ascii(pg_catalog.substr(v, 11, 1)) - 48 then
    return 'check digit is wrong';
  end if;
  return null;
end;
$_$;


ALTER FUNCTION sincro.partita_iva_problem(partita_iva text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION partita_iva_problem(partita_iva text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.partita_iva_problem(partita_iva text) IS 'NULL when the text is a valid Italian partita IVA (11 digits, correct check digit; blanks around it ignored), else a short reason. NULL for NULL.';


--
-- Name: pec_problem(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.pec_problem(pec text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v text := pg_catalog.btrim(pec, E' \t\r\n');
begin
  if v = '' then
    return 'is blank (send NULL when there is none)';
  elsif pg_catalog.length(v) > 254 then
    return 'is longer than 254 characters';
  elsif v ~ '[[:space:]]' then
    return 'cannot contain blanks';
  elsif v !~ '^[^@]*@[^@]*$' then
    return 'must contain exactly one @';
  elsif v ~ '^@' then
    return 'has nothing before the @';
  elsif v !~ '@[^.]+(\.[^.]+)+$' then
    return 'domain after the @ must have a dot and no empty part (like pec.example.it)';
  end if;
  return null;
end;
$_$;


ALTER FUNCTION sincro.pec_problem(pec text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION pec_problem(pec text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.pec_problem(pec text) IS 'NULL when the text looks like an e-mail address (one @, no blanks, a domain with a dot; surrounding blanks ignored): a PEC address''s syntax only. Else a short reason. NULL for NULL.';


--
-- Name: purge_tombstones(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.purge_tombstones(only_azi text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v_company sincro_private.company;
  v_entity sincro_private.erp_entity;
  v_purged bigint;
  v_max bigint;
  v_total bigint := 0;
begin
  for v_company in select * from sincro_private.company c where only_azi is null or c.azi = only_azi order by c.azi loop
    for v_entity in select * from sincro_private.erp_entity e order by e.entity loop
      execute pg_catalog.format($sql$
        with gone as (
          delete from %s t where t.azi = $1 and t.deleted and t.updated_at < pg_catalog.now() - $2
          returning t.id_sincro)
        select pg_catalog.count(*), pg_catalog.max(g.id_sincro) from gone g
        $sql$, v_entity.table_name)
        into v_purged, v_max
        using v_company.azi, v_company.tombstone_retention;
      if v_purged > 0 then
        update sincro_private.company c
          set tombstones_purged_through = greatest(c.tombstones_purged_through, v_max)
          where c.azi = v_company.azi;
        v_total := v_total + v_purged;
      end if;
    end loop;
    -- the devices' slice log (removals of rows that left a slice) is kept as long as tombstones
    with gone as (
      delete from sincro.device_slice_log l where l.azi = v_company.azi and l.created_at < pg_catalog.now() - v_company.tombstone_retention
      returning l.id_sincro)
    select pg_catalog.count(*), pg_catalog.max(g.id_sincro) into v_purged, v_max from gone g;
    if v_purged > 0 then
      update sincro_private.company c
        set tombstones_purged_through = greatest(c.tombstones_purged_through, v_max)
        where c.azi = v_company.azi;
      v_total := v_total + v_purged;
    end if;
  end loop;
  return v_total;
end;
$_$;


ALTER FUNCTION sincro.purge_tombstones(only_azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION purge_tombstones(only_azi text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.purge_tombstones(only_azi text) IS 'Removes tombstones older than each company''s tombstone_retention (one company, or all) and records the largest change number removed, so older cursors get SY130. Returns how many rows were removed. SECURITY DEFINER.';


--
-- Name: push_acquired(text, bigint, text, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_order sincro.arportes;
  v_doc jsonb;
begin
  select * into v_order from sincro.arportes a where a.azi = push_acquired.azi and a.id_pub = push_acquired.id_pub;
  if not found then
    raise exception using
      errcode = 'SY200', message = pg_catalog.format('push_acquired: company %s has no order with id_pub %s', push_acquired.azi, push_acquired.id_pub);
  end if;

  -- the ERP's answer, in one step: key, ack, and the customer's code (also as author code of a new web customer)
  v_doc := pg_catalog.jsonb_build_object('id_pub', push_acquired.id_pub, 'tor_chia', push_acquired.tor_chia);
  if push_acquired.cliente_cod is not null then
    v_doc := v_doc || pg_catalog.jsonb_build_object('cliente_cod', push_acquired.cliente_cod);
    if v_order.autore_tipo = 'C' and v_order.autore_cod = '0' then
      v_doc := v_doc || pg_catalog.jsonb_build_object('autore_cod', push_acquired.cliente_cod);
    end if;
  end if;
  perform sincro.erp_write_order(push_acquired.azi, v_doc);

  update sincro.order_push p
    set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), last_error = null, updated_at = now()
    where p.azi = push_acquired.azi and p.id_pub = push_acquired.id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (push_acquired.azi, push_acquired.id_pub, 'push_acquired', push_acquired.tor_chia);
end;
$$;


ALTER FUNCTION sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text) IS 'Worker, after the ERP created (or already had) the order: writes the ERP''s key and customer code back through erp_write_order and marks the push acquired (event push_acquired). Idempotent. SECURITY DEFINER: the worker cannot write order_push itself.';


--
-- Name: push_answers(text, jsonb); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_answers(azi text, answers jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_answer jsonb;
  v_position integer := 0;
  v_web_id bigint;
  v_outcome text;
begin
  if answers is null or pg_catalog.jsonb_typeof(answers) <> 'array' then
    raise exception using errcode = 'SY101', message = 'push_answers: answers must be a JSON array',
      hint = 'One object per order: {"web_id", "outcome": "acquired"|"rejected"|"failed", "tor_chia", "cliente_cod", "message"}.';
  end if;
  -- check them all before writing any: a bad answer leaves nothing half-written
  for v_answer in select a from pg_catalog.jsonb_array_elements(answers) a loop
    v_position := v_position + 1;
    if pg_catalog.jsonb_typeof(v_answer) <> 'object' or pg_catalog.jsonb_typeof(v_answer -> 'web_id') <> 'number' then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s: web_id must be a number', v_position);
    end if;
    v_outcome := v_answer ->> 'outcome';
    if v_outcome is null or v_outcome not in ('acquired', 'rejected', 'failed') then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s (web_id %s): outcome must be acquired, rejected or failed (got %s)', v_position, v_answer -> 'web_id', coalesce(v_answer ->> 'outcome', 'null'));
    end if;
    if v_outcome = 'acquired' and coalesce(v_answer ->> 'tor_chia', '') = '' then
      raise exception using errcode = 'SY101',
        message = pg_catalog.format('push_answers: answer %s (web_id %s): an acquired order needs tor_chia', v_position, v_answer -> 'web_id');
    end if;
  end loop;
  -- then apply them, in web_id order (the same lock order in every batch)
  for v_answer in
    select a from pg_catalog.jsonb_array_elements(answers) a order by (a ->> 'web_id')::bigint
  loop
    v_web_id := (v_answer ->> 'web_id')::bigint;
    case v_answer ->> 'outcome'
      when 'acquired' then
        perform sincro.push_acquired(azi, v_web_id, v_answer ->> 'tor_chia', v_answer ->> 'cliente_cod');
      when 'rejected' then
        perform sincro.push_rejected(azi, v_web_id, coalesce(v_answer ->> 'message', 'rejected by the ERP'));
      else
        perform sincro.push_failed(azi, v_web_id, coalesce(v_answer ->> 'message', 'no answer from the ERP'));
    end case;
  end loop;
end;
$$;


ALTER FUNCTION sincro.push_answers(azi text, answers jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_answers(azi text, answers jsonb); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_answers(azi text, answers jsonb) IS 'Worker, after one batch request to the ERP: writes every order''s answer back in one transaction — acquired (push_acquired: key, customer code, ack), rejected (push_rejected: the ERP''s message) or failed (push_failed: pending again). All answers are checked before any is written (SY101 names the bad one). SECURITY DEFINER: the worker cannot write order_push itself.';


--
-- Name: push_claim(text, bigint); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_claim(azi text, id_pub bigint) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_push sincro.order_push;
  v_order sincro.arportes;
begin
  select * into v_push from sincro.order_push p
    where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub
    for update;
  if not found or v_push.state in ('acquired', 'rejected', 'resolved') then
    return null;  -- nothing to push (any more)
  end if;
  select * into v_order from sincro.arportes a where a.azi = push_claim.azi and a.id_pub = push_claim.id_pub;
  if v_order.ack_gest = 1 then
    update sincro.order_push p set state = 'acquired', acquired_at = coalesce(p.acquired_at, now()), updated_at = now(), doorbell_rung = true
      where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
    return null;
  end if;

  update sincro.order_push p
    set state = 'in_flight', attempts = p.attempts + 1, last_attempt_at = now(), updated_at = now(), doorbell_rung = true
    where p.azi = push_claim.azi and p.id_pub = push_claim.id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (push_claim.azi, push_claim.id_pub, 'push_started', pg_catalog.format('attempt %s', v_push.attempts + 1));
  -- the claim is advisory (if a crash loses it, the order is still pending and is pushed
  -- again, which the ERP's idempotency makes harmless): no need to wait for its fsync
  perform pg_catalog.set_config('synchronous_commit', 'off', true);

  return pg_catalog.jsonb_build_object(
    'azi', v_order.azi, 'web_id', v_order.id_pub, 'prov_tipo', v_order.prov_tipo, 'prov_id', v_order.prov_id,
    'id_int', v_order.id_int, 'autore_tipo', v_order.autore_tipo, 'autore_cod', v_order.autore_cod,
    'data_ordine', v_order.data_ordine::text, 'cliente_cod', v_order.cliente_cod, 'cod_agente', v_order.cod_agente,
    'dest_ragione_sociale', v_order.dest_ragione_sociale, 'dest_indirizzo', v_order.dest_indirizzo,
    'dest_cap', v_order.dest_cap, 'dest_citta', v_order.dest_citta, 'dest_provincia', v_order.dest_provincia,
    'dest_nazione', v_order.dest_nazione, 'cod_pagamento', v_order.cod_pagamento, 'note', v_order.note,
    'valuta', v_order.valuta, 'totale_imponibile', v_order.totale_imponibile::text,
    'totale_iva', v_order.totale_iva::text, 'totale_documento', v_order.totale_documento::text,
    'lines', (
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'riga', r.riga, 'articolo', r.articolo, 'descrizione', r.descrizione, 'quantita', r.quantita::text,
        'unita_misura', r.unita_misura, 'prezzo', r.prezzo::text, 'sconto', r.sconto::text, 'iva', r.iva,
        'data_consegna', r.data_consegna::text, 'note', r.note) order by r.riga)
      from sincro.arporrig r where r.azi = v_order.azi and r.id_pub = v_order.id_pub),
    'new_customer', (
      select pg_catalog.jsonb_build_object(
        'customer_id', c.customer_id, 'ragione_sociale', c.ragione_sociale, 'partita_iva', c.partita_iva,
        'codice_fiscale', c.codice_fiscale, 'email', c.email, 'telefono', c.telefono, 'indirizzo', c.indirizzo,
        'cap', c.cap, 'citta', c.citta, 'provincia', c.provincia, 'nazione', c.nazione)
      from sincro.new_customers c where c.azi = v_order.azi and c.customer_id = v_order.new_customer_id)
  );
end;
$$;


ALTER FUNCTION sincro.push_claim(azi text, id_pub bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_claim(azi text, id_pub bigint); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_claim(azi text, id_pub bigint) IS 'Worker, before calling the ERP: marks a pending order in flight (attempts + 1, event push_started) and returns it as the ERP request (header, lines, new customer) in JSON; NULL when there is nothing to push (acquired, rejected, resolved, unknown). SECURITY DEFINER: the worker cannot write order_push itself.';


--
-- Name: push_claim_batch(text, bigint, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_claim_batch(azi text, id_pub bigint, max_orders integer) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_requests jsonb := '[]';
  v_request jsonb;
  v_other bigint;
  v_rung boolean;
begin
  if max_orders is null or max_orders < 1 or max_orders > 1000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('push_claim_batch: max_orders must be between 1 and 1000 (got %s)', coalesce(max_orders::text, 'null')),
      hint = 'SINCRO_PUSH_BATCH sets it; 1 pushes each order in its own request.';
  end if;
  -- the job's own order first, with push_claim's rules (an order in flight is claimed again: its pusher may be dead)
  v_request := sincro.push_claim(azi, id_pub);
  if v_request is not null then
    v_requests := pg_catalog.jsonb_build_array(v_request);
  end if;
  if max_orders = 1 then
    return v_requests;
  end if;
  for v_other, v_rung in
    select p.id_pub, p.doorbell_rung
    from sincro.order_push p
    where p.azi = azi and p.state = 'pending' and p.id_pub <> id_pub
      and (not p.doorbell_rung
           or exists (select 1 from graphile_worker.jobs j
                      where j.key = pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub)
                        and j.locked_at is null and j.attempts < j.max_attempts))
    order by p.id_pub
    limit max_orders - pg_catalog.jsonb_array_length(v_requests)
    for update of p skip locked
  loop
    -- its doorbell is answered by this batch (a job a worker locked meanwhile keeps running: it finds the order in flight and pushes it again, harmlessly);
    -- an order the dispatcher has not rung for yet has no job: the claim marks it rung
    if v_rung then
      perform graphile_worker.remove_job(pg_catalog.format('push_order:%s:%s', azi, v_other));
    end if;
    v_request := sincro.push_claim(azi, v_other);
    if v_request is not null then
      v_requests := v_requests || pg_catalog.jsonb_build_array(v_request);
    end if;
  end loop;
  return v_requests;
end;
$$;


ALTER FUNCTION sincro.push_claim_batch(azi text, id_pub bigint, max_orders integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_claim_batch(azi text, id_pub bigint, max_orders integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_claim_batch(azi text, id_pub bigint, max_orders integer) IS 'Worker, before one batch request to the ERP: claims the job''s own order (as push_claim) and up to max_orders - 1 other pending orders of the company not rung yet or whose push_order job is waiting (the job is removed: this batch answers it); returns the ERP requests as a JSON array, empty when there is nothing to push. SY101 for max_orders outside 1..1000. SECURITY DEFINER: the worker cannot write order_push or the job queue itself.';


--
-- Name: push_failed(text, bigint, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_failed(azi text, id_pub bigint, error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  with failed as (
    update sincro.order_push p
      set state = 'pending', last_error = push_failed.error, updated_at = now()
      where p.azi = push_failed.azi and p.id_pub = push_failed.id_pub and p.state = 'in_flight'
      returning p.azi, p.id_pub)
  insert into sincro.order_events (azi, id_pub, event, detail)
    select f.azi, f.id_pub, 'push_failed', push_failed.error from failed f
$$;


ALTER FUNCTION sincro.push_failed(azi text, id_pub bigint, error text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_failed(azi text, id_pub bigint, error text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_failed(azi text, id_pub bigint, error text) IS 'Worker, when the ERP could not be reached (unreachable, timeout, server error): the order goes back to pending with the error (also as event push_failed); a retry, the sweep or a partial sync pushes it later. SECURITY DEFINER: the worker cannot write order_push itself.';


--
-- Name: push_rejected(text, bigint, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_rejected(azi text, id_pub bigint, erp_message text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  with rejected as (
    update sincro.order_push p
      set state = 'rejected', erp_message = push_rejected.erp_message, updated_at = now()
      where p.azi = push_rejected.azi and p.id_pub = push_rejected.id_pub and p.state not in ('acquired', 'resolved')
      returning p.azi, p.id_pub)
  insert into sincro.order_events (azi, id_pub, event, detail)
    select r.azi, r.id_pub, 'push_rejected', push_rejected.erp_message from rejected r
$$;


ALTER FUNCTION sincro.push_rejected(azi text, id_pub bigint, erp_message text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_rejected(azi text, id_pub bigint, erp_message text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_rejected(azi text, id_pub bigint, erp_message text) IS 'Worker, when the ERP refused the order as invalid: records the ERP''s message (also as event push_rejected); the order is not retried (see sincro.push_problems). SECURITY DEFINER: the worker cannot write order_push itself.';


--
-- Name: push_resolve(text, bigint, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_resolve(azi text, id_pub bigint, note text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
begin
  -- validate
  if note is null or pg_catalog.btrim(note) = '' then
    raise exception using
      errcode = 'SY161',
      message = pg_catalog.format('resolving order %s of company %s needs a note saying why', id_pub, azi);
  end if;
  if v_push.state not in ('rejected', 'pending', 'in_flight') then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s is %s: nothing to resolve', id_pub, azi, v_push.state);
  end if;

  -- apply: never pushed again; the note and the login go to the order's events
  update sincro.order_push p set state = 'resolved', updated_at = now()
    where p.azi = azi and p.id_pub = id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (azi, id_pub, 'resolved', pg_catalog.btrim(note));
end;
$$;


ALTER FUNCTION sincro.push_resolve(azi text, id_pub bigint, note text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_resolve(azi text, id_pub bigint, note text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_resolve(azi text, id_pub bigint, note text) IS 'Operator: close a rejected, failing or stuck order by hand (state resolved, never pushed again), with a required note recorded as event resolved with the login. SY160 unknown or another company''s order; SY161 no note; SY162 acquired or already resolved. SECURITY DEFINER: writes order_push; checks the company itself.';


--
-- Name: push_retry(text, bigint); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_retry(azi text, id_pub bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_push sincro.order_push := sincro_private.operator_order_push(azi, id_pub);
begin
  -- validate
  if v_push.state not in ('rejected', 'pending', 'in_flight') then
    raise exception using
      errcode = 'SY162',
      message = pg_catalog.format('order %s of company %s is %s: nothing to retry', id_pub, azi, v_push.state);
  end if;

  -- apply: pending again, and a fresh job now (the job key replaces a waiting one)
  update sincro.order_push p set state = 'pending', updated_at = now()
    where p.azi = azi and p.id_pub = id_pub;
  insert into sincro.order_events (azi, id_pub, event, detail)
    values (azi, id_pub, 'retry', pg_catalog.format('was %s', v_push.state));
  perform sincro_private.enqueue_push_order(azi, id_pub);
end;
$$;


ALTER FUNCTION sincro.push_retry(azi text, id_pub bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_retry(azi text, id_pub bigint); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_retry(azi text, id_pub bigint) IS 'Operator: push a rejected, failing or stuck order to the ERP again now (event retry). SY160 unknown or another company''s order; SY162 acquired or resolved. SECURITY DEFINER: writes order_push and the job queue; checks the company itself.';


--
-- Name: push_retry_later(text, bigint[], interval); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_retry_later(azi text, id_pubs bigint[], after interval DEFAULT '00:00:02'::interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_specs graphile_worker.job_spec[];
begin
  if after is null or after < interval '0' or after > interval '1 day' then
    raise exception using errcode = 'SY101',
      message = pg_catalog.format('push_retry_later: after must be between 0 and 1 day (got %s)', coalesce(after::text, 'null'));
  end if;
  select pg_catalog.array_agg(row(
           'push_order'::text,
           pg_catalog.json_build_object('azi', p.azi, 'id_pub', p.id_pub),
           null::text, now() + after, 25::smallint,
           pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub),
           null::smallint, null::text[])::graphile_worker.job_spec
         order by p.id_pub)
    into v_specs
  from sincro.order_push p
  join sincro_private.company c on c.azi = p.azi
  where p.azi = azi and p.id_pub = any (id_pubs) and p.state = 'pending' and c.push_mode = 'auto';
  if v_specs is null then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return pg_catalog.cardinality(v_specs);
end;
$$;


ALTER FUNCTION sincro.push_retry_later(azi text, id_pubs bigint[], after interval) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_retry_later(azi text, id_pubs bigint[], after interval); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_retry_later(azi text, id_pubs bigint[], after interval) IS 'Worker''s dispatcher, after pushes that failed: a push_order job (25 attempts, first run after `after`) for each of these orders still pending, in an auto-mode company; in manual mode none (the order waits for a partial sync). Returns how many. SY101 for after outside 0..1 day. SECURITY DEFINER: the worker cannot write the job queue for another task.';


--
-- Name: push_take(integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.push_take(max_orders integer, OUT azi text, OUT requests jsonb) RETURNS SETOF record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_azi text;
  v_id_pub bigint;
  v_request jsonb;
  v_requests jsonb := '[]';
begin
  if max_orders is null or max_orders < 1 or max_orders > 1000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('push_take: max_orders must be between 1 and 1000 (got %s)', coalesce(max_orders::text, 'null')),
      hint = 'SINCRO_PUSH_BATCH sets it where the ERP takes batches; 1 otherwise.';
  end if;
  -- the company of the oldest new order nobody else holds
  select p.azi into v_azi
  from sincro.order_push p
  where p.state = 'pending' and not p.doorbell_rung
  order by p.created_at, p.azi, p.id_pub
  limit 1
  for update skip locked;
  if v_azi is null then
    return;
  end if;
  for v_id_pub in
    select p.id_pub
    from sincro.order_push p
    where p.azi = v_azi and p.state = 'pending' and not p.doorbell_rung
    order by p.id_pub
    limit max_orders
    for update skip locked
  loop
    -- in flight, rung, push_started (or acquired already, and rung: nothing to send)
    v_request := sincro.push_claim(v_azi, v_id_pub);
    if v_request is not null then
      v_requests := v_requests || pg_catalog.jsonb_build_array(v_request);
    end if;
  end loop;
  azi := v_azi;
  requests := v_requests;
  return next;
end;
$$;


ALTER FUNCTION sincro.push_take(max_orders integer, OUT azi text, OUT requests jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_take(max_orders integer, OUT azi text, OUT requests jsonb); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.push_take(max_orders integer, OUT azi text, OUT requests jsonb) IS 'Worker''s dispatcher: claims (as push_claim) up to max_orders new orders of one company, the company of the oldest new order, in web-ID order, and returns the company and the ERP requests (no row: nothing new). The orders are in flight and rung; their answers go back through push_answers. SY101 for max_orders outside 1..1000. SECURITY DEFINER: the worker cannot write order_push itself.';


--
-- Name: pushable_orders(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.pushable_orders(azi text) RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select p.id_pub from sincro.order_push p
  where p.azi = pushable_orders.azi and p.state in ('pending', 'in_flight')
  order by p.id_pub
$$;


ALTER FUNCTION sincro.pushable_orders(azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION pushable_orders(azi text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.pushable_orders(azi text) IS 'Public IDs of the orders a partial sync pushes: pending or in flight, oldest first (rejected orders are not retried). SECURITY DEFINER: reads order_push for the worker.';


--
-- Name: quota(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.quota(only_azi text DEFAULT NULL::text) RETURNS TABLE(azi text, sync_quota integer, sync_used integer, sync_remaining integer, period_start date, period_end date)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select c.azi, c.sync_quota, p.used, greatest(c.sync_quota - p.used, 0), p.start, (p.start + c.sync_period)::date - 1
  from sincro_private.company c
  cross join lateral (
    select s.start, case when s.start = c.sync_period_start then c.sync_used else 0 end as used
    from (select sincro_private.current_period_start(c.sync_period_start, c.sync_period, current_date) as start) s
  ) p
  where (quota.only_azi is null or c.azi = quota.only_azi) and sincro_private.may_see_company(c.azi)
  order by c.azi
$$;


ALTER FUNCTION sincro.quota(only_azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION quota(only_azi text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.quota(only_azi text) IS 'The sync quota of one company (or of every company the caller may see): allowed per period, used, remaining, and the current period. SECURITY DEFINER: reads the company table.';


--
-- Name: sdi_code_problem(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sdi_code_problem(sdi_code text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v text := pg_catalog.upper(pg_catalog.btrim(sdi_code, E' \t\r\n'));
begin
  if v = '' then
    return 'is blank (send NULL when there is none)';
  elsif v !~ '^[A-Z0-9]*$' then
    return 'must be letters and digits only';
  elsif v = '000000' then
    return 'is six zeros: "deliver by PEC" is seven zeros, 0000000';
  elsif pg_catalog.length(v) not in (6, 7) then
    return 'must be 7 characters (6 for a public administration office)';
  end if;
  return null;
end;
$_$;


ALTER FUNCTION sincro.sdi_code_problem(sdi_code text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sdi_code_problem(sdi_code text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sdi_code_problem(sdi_code text) IS 'NULL when the text is an SDI recipient code: 7 letters or digits (0000000 = deliver by PEC, XXXXXXX = abroad) or a public administration office''s 6-character code; case and surrounding blanks ignored. Else a short reason. NULL for NULL.';


--
-- Name: set_device_history_months(text, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.set_device_history_months(azi text, months integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- validate
  if not exists (select 1 from sincro_private.company c where c.azi = set_device_history_months.azi) then
    raise exception using errcode = 'SY100', message = pg_catalog.format('set_device_history_months: unknown company (azi = %L)', azi);
  end if;
  if months is null or months < 1 or months > 120 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('set_device_history_months: field "months" must be between 1 and 120 (got %s)', coalesce(months::text, 'NULL')),
      hint = 'Devices hold this many months of orders and documents; 12 is the default.';
  end if;

  -- apply: the setting, then the window (and its removals or additions) at once
  update sincro_private.company c set device_history_months = months where c.azi = set_device_history_months.azi;
  return sincro.device_history_advance(azi);
end;
$$;


ALTER FUNCTION sincro.set_device_history_months(azi text, months integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION set_device_history_months(azi text, months integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.set_device_history_months(azi text, months integer) IS 'Sets how many months of orders and documents a company''s devices hold (1-120, default 12) and moves the window at once, logging what enters or leaves. Returns how many slice-log entries it wrote. Admin only. SECURITY DEFINER.';


--
-- Name: set_sync_contract(text, integer, interval, date); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.set_sync_contract(azi text, sync_quota integer, period interval DEFAULT NULL::interval, period_start date DEFAULT NULL::date) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_company sincro_private.company;
begin
  -- validate
  select * into v_company from sincro_private.company c where c.azi = set_sync_contract.azi for no key update;
  if not found then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('set_sync_contract: unknown company (azi = %L)', set_sync_contract.azi);
  end if;
  if sync_quota is null or sync_quota < 0 then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('set_sync_contract: field "sync_quota" must be 0 or more (got %s)', coalesce(sync_quota::text, 'NULL')),
      hint = 'The number of syncs for changes and total rebuilds allowed per period.';
  end if;
  if period is not null and (period <= interval '0' or period < interval '1 day') then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('set_sync_contract: field "period" must be at least a day (got %s)', period),
      hint = 'For example ''1 month'' or ''7 days''.';
  end if;

  -- apply: a new period start begins a new period with nothing used
  update sincro_private.company c
    set sync_quota = set_sync_contract.sync_quota,
        sync_period = coalesce(set_sync_contract.period, c.sync_period),
        sync_period_start = coalesce(set_sync_contract.period_start, c.sync_period_start),
        sync_used = case when set_sync_contract.period_start is distinct from null
                              and set_sync_contract.period_start <> c.sync_period_start then 0 else c.sync_used end
    where c.azi = set_sync_contract.azi;
end;
$$;


ALTER FUNCTION sincro.set_sync_contract(azi text, sync_quota integer, period interval, period_start date) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION set_sync_contract(azi text, sync_quota integer, period interval, period_start date); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.set_sync_contract(azi text, sync_quota integer, period interval, period_start date) IS 'Sets a company''s contract: syncs allowed per period, and optionally the period''s length and first day (a new first day starts a period with nothing used). Admin only. SECURITY DEFINER: writes the company table.';


--
-- Name: store_add(text, text, text, text, text, text, text, text, jsonb, interval, boolean); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_add(store_id text, azi text, platform text, secret text, api_url text DEFAULT NULL::text, api_key text DEFAULT NULL::text, api_secret text DEFAULT NULL::text, id_int_prefix text DEFAULT ''::text, settings jsonb DEFAULT '{}'::jsonb, reconcile_every interval DEFAULT '00:05:00'::interval, replace boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
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
$_$;


ALTER FUNCTION sincro.store_add(store_id text, azi text, platform text, secret text, api_url text, api_key text, api_secret text, id_int_prefix text, settings jsonb, reconcile_every interval, replace boolean) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_add(store_id text, azi text, platform text, secret text, api_url text, api_key text, api_secret text, id_int_prefix text, settings jsonb, reconcile_every interval, replace boolean); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_add(store_id text, azi text, platform text, secret text, api_url text, api_key text, api_secret text, id_int_prefix text, settings jsonb, reconcile_every interval, replace boolean) IS 'Registers a WooCommerce or Shopify store of a company (its webhook secret, optional REST API URL and credentials, id_int prefix, settings, reconciliation interval); with replace, changes an active store''s secret, credentials and settings. Admin only. SECURITY DEFINER: writes sincro_private.store.';


--
-- Name: store_customer_map(text, text, text, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro.store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text) IS 'Maps a shop customer (platform customer_id, or email) to the ERP''s cliente_cod: its orders carry that code instead of a new customer. Admin only. SECURITY DEFINER: writes sincro_private.store_customer.';


--
-- Name: store_inbox_apply(bigint); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_inbox_apply(inbox_id bigint, OUT state text, OUT id_pub bigint, OUT error text) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_row sincro_private.store_inbox;
  v_store sincro_private.store;
  v_settings jsonb;
  v_payload jsonb;
  v_order jsonb;
  v_status jsonb;
  v_known sincro_private.store_order;
  v_company sincro_private.company;
  v_customer jsonb;
  v_cliente text;
  v_new_customer bigint;
  v_id_int text;
  v_id_pub bigint;
  v_state text;
  v_reason text;
  v_deleted boolean;
  v_detail text;
  v_hint text;
begin
  select * into v_row from sincro_private.store_inbox i where i.inbox_id = inbox_id for update;
  if not found then
    raise exception using errcode = 'SY174', message = pg_catalog.format('store_inbox_apply: no inbox row %s', inbox_id);
  end if;
  if v_row.state <> 'received' then
    state := v_row.state; id_pub := v_row.id_pub; error := v_row.error;
    return;  -- already handled
  end if;
  select * into v_store from sincro_private.store s where s.store_id = v_row.store_id;
  v_settings := sincro_private.store_settings(v_store.store_id);

  begin
    -- read
    if v_store.removed_at is not null then
      v_state := 'ignored';
      v_reason := 'the store was removed';
    else
      v_payload := pg_catalog.convert_from(v_row.body, 'UTF8')::jsonb;
      if v_row.platform_order_id is null then
        perform sincro_private.store_refuse('the body has no order id');
      end if;
      v_deleted := v_row.topic in ('order.deleted', 'orders/delete');
      if not v_deleted and v_row.modified_at is null then
        perform sincro_private.store_refuse(case v_store.platform when 'woocommerce' then 'date_modified_gmt' else 'updated_at' end
                                            || ' is missing or not a time');
      end if;
      -- the shop's status of the order (all a later version may change); the whole mapping only to create it
      v_status := case when v_deleted then '{"status": "deleted", "accept": false, "cancelled": true, "refunded": false}'::jsonb
                       else sincro_private.store_order_status(v_store.platform, v_payload, v_settings) end;

      -- an order the hub has (or is being written by another delivery: wait for it)
      select * into v_known from sincro_private.store_order o
      where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
      if not found and not (v_status ->> 'accept')::boolean then
        v_state := 'ignored';
        v_reason := case when v_deleted then 'deleted on the shop before the hub had it'
                         else pg_catalog.format('status %s does not make an order yet', coalesce(v_status ->> 'status', '(none)')) end;
      else
        if not found then
          insert into sincro_private.store_order (store_id, platform_order_id, azi)
            values (v_store.store_id, v_row.platform_order_id, v_store.azi)
            on conflict on constraint store_order_pkey do nothing;
          if not found then
            select * into v_known from sincro_private.store_order o
            where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
          end if;
        end if;

        if v_known.store_id is not null then
          -- update: nothing the ERP owns changes; the shop's status is recorded
          select * into v_known from sincro_private.store_order o
          where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id for update;
          v_id_pub := v_known.id_pub;
          -- older, or the same modification time (WooCommerce's has whole seconds) with the same status: a duplicate
          if not v_deleted and v_known.modified_at is not null
             and (v_row.modified_at < v_known.modified_at
                  or (v_row.modified_at = v_known.modified_at
                      and (v_status ->> 'status') is not distinct from v_known.platform_status
                      and (v_status ->> 'cancelled')::boolean = (v_known.cancelled_at is not null)
                      and (not (v_status ->> 'refunded')::boolean or v_known.refunded))) then
            v_state := 'duplicate';
          else
            update sincro_private.store_order o
              set modified_at = coalesce(v_row.modified_at, o.modified_at),
                  platform_status = v_status ->> 'status',
                  cancelled_at = case when (v_status ->> 'cancelled')::boolean then coalesce(o.cancelled_at, now()) end,
                  refunded = o.refunded or (v_status ->> 'refunded')::boolean,
                  updated_at = now()
              where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
            v_state := 'updated';
            v_reason := case when v_deleted then 'deleted on the shop'
                             when (v_status ->> 'cancelled')::boolean then 'cancelled on the shop'
                             when (v_status ->> 'refunded')::boolean then 'refunded on the shop' end;
          end if;
        else
          -- create: map and check, then customer, header, lines
          v_order := case v_store.platform when 'woocommerce' then sincro_private.store_map_woocommerce(v_payload, v_settings)
                                           else sincro_private.store_map_shopify(v_payload, v_settings) end;
          select * into v_company from sincro_private.company c where c.azi = v_store.azi;
          if pg_catalog.jsonb_array_length(v_order -> 'lines') > v_company.max_lines_per_order then
            perform sincro_private.raise_too_large('store order', 'lines', pg_catalog.jsonb_array_length(v_order -> 'lines'),
                                                   v_store.azi, 'max_lines_per_order', v_company.max_lines_per_order);
          end if;
          v_customer := v_order -> 'customer';
          if coalesce(v_customer ->> 'nazione', 'IT') = 'IT' then
            perform sincro_private.store_check_fiscal(v_customer);
          end if;
          v_id_int := v_store.id_int_prefix || v_row.platform_order_id;

          select c.cliente_cod into v_cliente from sincro_private.store_customer c
          where c.azi = v_store.azi and c.store_id = v_store.store_id
            and ((c.match_kind = 'customer_id' and c.match_value = v_customer ->> 'platform_id')
                 or (c.match_kind = 'email' and c.match_value = v_customer ->> 'email'))
          order by c.match_kind  -- customer_id before email
          limit 1;
          if v_cliente is null then
            if v_customer ->> 'ragione_sociale' is null then
              perform sincro_private.store_refuse('the billing address has neither a company nor a name', 'A new customer needs a name.');
            end if;
            insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale, partita_iva, codice_fiscale, email, telefono,
                                              indirizzo, cap, citta, provincia, nazione)
              values (v_store.azi, 'S', v_id_int, v_customer ->> 'ragione_sociale', v_customer ->> 'partita_iva', v_customer ->> 'codice_fiscale',
                      v_customer ->> 'email', v_customer ->> 'telefono', v_customer ->> 'indirizzo', v_customer ->> 'cap',
                      v_customer ->> 'citta', v_customer ->> 'provincia', coalesce(v_customer ->> 'nazione', 'IT'))
              returning customer_id into v_new_customer;
            if v_new_customer is null then
              v_new_customer := sincro.find_new_customer(v_store.azi, 'S', null, v_id_int);
            end if;
          end if;

          insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, cliente_cod, new_customer_id, data_ordine,
                                       dest_ragione_sociale, dest_indirizzo, dest_cap, dest_citta, dest_provincia, dest_nazione,
                                       cod_pagamento, note, valuta, totale_imponibile, totale_iva, totale_documento)
            values (v_store.azi, 'S', v_id_int, 'C', coalesce(v_cliente, '0'), v_cliente, v_new_customer, (v_order ->> 'data_ordine')::date,
                    v_order -> 'dest' ->> 'ragione_sociale', v_order -> 'dest' ->> 'indirizzo', v_order -> 'dest' ->> 'cap',
                    v_order -> 'dest' ->> 'citta', v_order -> 'dest' ->> 'provincia', v_order -> 'dest' ->> 'nazione',
                    v_settings -> 'payment_codes' ->> (v_order ->> 'payment'),
                    pg_catalog.concat_ws(E'\n',
                      pg_catalog.format('%s order %s', case v_store.platform when 'woocommerce' then 'WooCommerce' else 'Shopify' end, v_order ->> 'number'),
                      v_order ->> 'note',
                      'Coupons: ' || (v_order ->> 'coupons'),
                      'Payment: ' || (v_order ->> 'payment_title'),
                      'PEC: ' || (v_customer ->> 'pec'),
                      'SDI: ' || (v_customer ->> 'sdi')),
                    v_order ->> 'currency',
                    (v_order ->> 'totale_documento')::numeric - (v_order ->> 'totale_iva')::numeric,
                    (v_order ->> 'totale_iva')::numeric, (v_order ->> 'totale_documento')::numeric)
            returning arportes.id_pub into v_id_pub;
          if v_id_pub is null then
            v_id_pub := sincro.find_order(v_store.azi, 'S', null, v_id_int);  -- the same order, already written (identical)
          else
            insert into sincro.arporrig (azi, id_pub, riga, articolo, descrizione, quantita, prezzo, sconto, iva)
              select v_store.azi, v_id_pub, l.n, l.value ->> 'articolo', l.value ->> 'descrizione', (l.value ->> 'quantita')::numeric,
                     (l.value ->> 'prezzo')::numeric, (l.value ->> 'sconto')::numeric, l.value ->> 'iva'
              from pg_catalog.jsonb_array_elements(v_order -> 'lines') with ordinality l(value, n);
          end if;
          update sincro_private.store_order o
            set id_pub = v_id_pub, order_number = v_order ->> 'number', platform_customer_id = v_customer ->> 'platform_id',
                modified_at = v_row.modified_at, platform_status = v_status ->> 'status',
                refunded = (v_status ->> 'refunded')::boolean,
                status_back = case when v_store.api_url is null or not coalesce((v_settings ->> 'status_back')::boolean, true) then 'off' else 'waiting' end,
                status_back_at = now()
            where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_row.platform_order_id;
          v_state := 'created';
        end if;
      end if;
    end if;
  exception when others then
    -- the order's own fault (our codes, a value PostgreSQL refuses): an error row; anything else: retried
    if sqlstate !~ '^(SY|22|23)' then
      raise;
    end if;
    get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    v_state := 'error';
    v_id_pub := null;
    v_reason := pg_catalog.format('%s %s', sqlstate, sqlerrm) || coalesce(' (' || nullif(v_detail, '') || ')', '');
  end;

  update sincro_private.store_inbox i
    set state = v_state, id_pub = v_id_pub, error = v_reason, processed_at = now()
    where i.inbox_id = store_inbox_apply.inbox_id;
  state := v_state; id_pub := v_id_pub; error := v_reason;
end;
$$;


ALTER FUNCTION sincro.store_inbox_apply(inbox_id bigint, OUT state text, OUT id_pub bigint, OUT error text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_inbox_apply(inbox_id bigint, OUT state text, OUT id_pub bigint, OUT error text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_inbox_apply(inbox_id bigint, OUT state text, OUT id_pub bigint, OUT error text) IS 'Turns one received inbox row into a hub order (created), records a later version of an order the hub has (updated; nothing the ERP owns changes) or an older one (duplicate), or says why not (ignored, error): once per (store, platform order ID), nothing half-written. SECURITY DEFINER: writes orders as the store party.';


--
-- Name: store_inbox_apply_many(bigint[]); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_inbox_apply_many(inbox_ids bigint[]) RETURNS TABLE(inbox_id bigint, state text, id_pub bigint, error text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_id bigint;
  v_result record;
  v_azi text;
  v_spec graphile_worker.job_spec;
begin
  if inbox_ids is null or pg_catalog.cardinality(inbox_ids) not between 1 and 100 or pg_catalog.array_position(inbox_ids, null) is not null then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('store_inbox_apply_many: inbox_ids must hold 1 to 100 inbox IDs, none NULL (got %s)',
                                  coalesce(pg_catalog.cardinality(inbox_ids)::text || ' elements', 'NULL')),
      hint = 'Apply bigger sets in several calls.';
  end if;
  foreach v_id in array inbox_ids loop
    select * into v_result from sincro.store_inbox_apply(v_id);
    inbox_id := v_id; state := v_result.state; id_pub := v_result.id_pub; error := v_result.error;
    return next;
  end loop;
  -- the chain (sincro.store_inbox_dispatch): a company whose gate is held gets its next job from here, rung
  -- when this one commits, or its gate opened when none of its deliveries waits
  for v_azi in
    select distinct i.azi from sincro_private.store_inbox i
    where i.inbox_id = any (inbox_ids) and exists (select 1 from sincro_private.store_inbox_gate g where g.azi = i.azi)
  loop
    v_spec := sincro_private.store_inbox_ring(v_azi, 10, interval '0', true);
    if v_spec.identifier is null then  -- (none rung; a row IS NULL would also hold for a spec with a NULL field)
      delete from sincro_private.store_inbox_gate g where g.azi = v_azi;
    else
      perform graphile_worker.add_jobs(array[v_spec]);
    end if;
  end loop;
end;
$$;


ALTER FUNCTION sincro.store_inbox_apply_many(inbox_ids bigint[]) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_inbox_apply_many(inbox_ids bigint[]); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_inbox_apply_many(inbox_ids bigint[]) IS 'Applies 1 to 100 inbox rows in one transaction, each as sincro.store_inbox_apply does (its own failure is its error row), then rings the next job of each company whose store_inbox_apply chain it continues (or opens its gate); returns each row''s outcome. SY101 for an empty, NULL-holding or larger array. SECURITY DEFINER: writes orders as the store party.';


--
-- Name: store_inbox_dispatch(integer, interval, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_inbox_dispatch(max_rows integer DEFAULT 500, grace interval DEFAULT '00:00:02'::interval, per_job integer DEFAULT 10) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET enable_sort TO 'off'
    SET enable_incremental_sort TO 'off'
    SET jit TO 'off'
    AS $$
declare
  v_specs graphile_worker.job_spec[] := '{}';
  v_spec graphile_worker.job_spec;
  v_azi text;
  v_rows integer := 0;
begin
  if max_rows is null or max_rows < 1 or max_rows > 10000 or grace is null or grace < interval '0'
     or per_job is null or per_job < 1 or per_job > 100 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('store_inbox_dispatch: max_rows must be between 1 and 10000, per_job between 1 and 100, and grace not negative (got %s, %s, %s)',
                                  coalesce(max_rows::text, 'null'), coalesce(per_job::text, 'null'), coalesce(grace::text, 'null')),
      hint = 'The worker''s dispatcher calls it with 500, 0 and 10.';
  end if;
  -- the companies with a delivery waiting, the longest-waiting first, whose gate is not held (read first: a held
  -- gate's row is not locked, so that the dispatcher never waits for a job's commit)
  for v_azi in
    select w.azi
    from (select distinct s.azi from sincro_private.store s) c
    cross join lateral (
      select i.azi, i.received_at, i.inbox_id from sincro_private.store_inbox i
      where i.azi = c.azi and i.state = 'received' and not i.doorbell_rung and i.received_at <= now() - grace
      order by i.received_at, i.inbox_id limit 1) w
    where not exists (select 1 from sincro_private.store_inbox_gate g where g.azi = w.azi and g.rung_at > now() - interval '10 seconds')
    order by w.received_at, w.inbox_id
  loop
    exit when v_rows >= max_rows;
    v_spec := sincro_private.store_inbox_ring(v_azi, least(per_job, max_rows - v_rows), grace, false);
    if v_spec.identifier is not null then  -- (a row IS NOT NULL only when every field is)
      v_specs := v_specs || v_spec;
      v_rows := v_rows + pg_catalog.json_array_length(v_spec.payload -> 'inbox_ids');
    end if;
  end loop;
  if v_rows = 0 then
    return 0;
  end if;
  perform graphile_worker.add_jobs(v_specs);
  return v_rows;
end;
$$;


ALTER FUNCTION sincro.store_inbox_dispatch(max_rows integer, grace interval, per_job integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_inbox_dispatch(max_rows integer, grace interval, per_job integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_inbox_dispatch(max_rows integer, grace interval, per_job integer) IS 'Worker''s dispatcher: for each company with webhook deliveries received and not rung for longer than grace, and no store_inbox_apply job under way (its gate), enqueues one job of up to per_job rows (one add_jobs call), which rings the company''s next when it commits; at most max_rows rows; returns how many. SY101 for max_rows outside 1..10000, per_job outside 1..100 or a negative grace. SECURITY DEFINER: reads the inbox, writes the job queue.';


--
-- Name: store_inbox_retry(bigint); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_inbox_retry(inbox_id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_state text;
begin
  -- an operator retries its own company's rows only; another company's answers like a missing row
  select i.state into v_state from sincro_private.store_inbox i
  where i.inbox_id = inbox_id and coalesce(i.azi = sincro_private.session_company(), true)
  for update;
  if not found then
    raise exception using errcode = 'SY174', message = pg_catalog.format('store_inbox_retry: no inbox row %s', inbox_id);
  end if;
  if v_state not in ('error', 'ignored') then
    raise exception using errcode = 'SY175',
      message = pg_catalog.format('store_inbox_retry: inbox row %s is %s, not an error or ignored', inbox_id, v_state),
      hint = 'Only a row that did not become an order can be taken again.';
  end if;
  update sincro_private.store_inbox i set state = 'received', error = null, processed_at = null where i.inbox_id = store_inbox_retry.inbox_id;
  perform sincro_private.store_enqueue_inbox(inbox_id);
end;
$$;


ALTER FUNCTION sincro.store_inbox_retry(inbox_id bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_inbox_retry(inbox_id bigint); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_inbox_retry(inbox_id bigint) IS 'Takes an inbox row that became an error or was ignored again (back to received, worker rung), once what made it fail is fixed. Admin, or an operator of the row''s company (another company''s row: SY174, as a missing one). SECURITY DEFINER: writes the inbox.';


--
-- Name: store_problems(text, integer, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_problems(only_azi text DEFAULT NULL::text, page_size integer DEFAULT 50, page_offset integer DEFAULT 0) RETURNS TABLE(inbox_id bigint, azi text, store_id text, platform text, source text, platform_order_id text, kind text, reason text, id_pub bigint, received_at timestamp with time zone, total bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET jit TO 'off'
    AS $$
  select i.inbox_id, i.azi, i.store_id, s.platform, i.source, i.platform_order_id,
         case when i.state = 'error' then 'error' else 'changed on the shop' end,
         i.error, i.id_pub, i.received_at, pg_catalog.count(*) over ()
  from sincro_private.store_inbox i
  join sincro_private.store s on s.store_id = i.store_id
  where (i.state = 'error' or (i.state = 'updated' and i.error is not null))
    and (store_problems.only_azi is null or i.azi = store_problems.only_azi)
    and coalesce(i.azi = (select sincro_private.session_company()), true)
  order by i.inbox_id desc
  limit least(greatest(coalesce(store_problems.page_size, 50), 1), 500)
  offset greatest(coalesce(store_problems.page_offset, 0), 0)
$$;


ALTER FUNCTION sincro.store_problems(only_azi text, page_size integer, page_offset integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_problems(only_azi text, page_size integer, page_offset integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_problems(only_azi text, page_size integer, page_offset integer) IS 'Store deliveries the caller''s companies must look at, newest first: errors (why the order was not taken) and orders cancelled or refunded on the shop after the hub took them; paged (at most 500); total counts every match. Admin and operators. SECURITY DEFINER: reads the inbox; filters companies itself.';


--
-- Name: store_reconcile_begin(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_reconcile_begin(store_id text, OUT platform text, OUT api_url text, OUT api_key text, OUT api_secret text, OUT modified_after timestamp with time zone, OUT polled_at timestamp with time zone) RETURNS record
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select s.platform, s.api_url, s.api_key, s.api_secret, coalesce(s.watermark, s.created_at), now()
  from sincro_private.store s
  where s.store_id = store_reconcile_begin.store_id and s.removed_at is null and s.api_url is not null
$$;


ALTER FUNCTION sincro.store_reconcile_begin(store_id text, OUT platform text, OUT api_url text, OUT api_key text, OUT api_secret text, OUT modified_after timestamp with time zone, OUT polled_at timestamp with time zone) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_reconcile_begin(store_id text, OUT platform text, OUT api_url text, OUT api_key text, OUT api_secret text, OUT modified_after timestamp with time zone, OUT polled_at timestamp with time zone); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_reconcile_begin(store_id text, OUT platform text, OUT api_url text, OUT api_key text, OUT api_secret text, OUT modified_after timestamp with time zone, OUT polled_at timestamp with time zone) IS 'What a reconciliation pass of an active store with an API URL needs: platform, API URL and credentials, the watermark to ask from, and the pass''s start (database time). No row for a removed store or one without API URL. Worker only. SECURITY DEFINER: reads the credentials.';


--
-- Name: store_reconcile_end(text, timestamp with time zone, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_reconcile_end(store_id text, polled_at timestamp with time zone, error text DEFAULT NULL::text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  update sincro_private.store s
    set watermark = case when error is null then greatest(s.watermark, polled_at - interval '5 minutes') else s.watermark end,
        last_reconciled_at = now(),
        last_reconcile_error = error
    where s.store_id = store_reconcile_end.store_id
$$;


ALTER FUNCTION sincro.store_reconcile_end(store_id text, polled_at timestamp with time zone, error text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_reconcile_end(store_id text, polled_at timestamp with time zone, error text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_reconcile_end(store_id text, polled_at timestamp with time zone, error text) IS 'Ends a reconciliation pass: on success the watermark moves to the pass''s start minus 5 minutes (never back); on failure it stays and the error is kept. Worker only. SECURITY DEFINER: writes sincro_private.store.';


--
-- Name: store_reconcile_offer(text, bytea); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_reconcile_offer(store_id text, body bytea) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_store sincro_private.store;
  v_identity record;
  v_inbox_id bigint;
begin
  select * into v_store from sincro_private.store s where s.store_id = store_id and s.removed_at is null;
  if not found then
    raise exception using errcode = 'SY170', message = pg_catalog.format('store_reconcile_offer: no active store %s', sincro_private.shown(store_id));
  end if;
  -- something the shop listed that is not an order the hub can place (no id, no modification time, not JSON):
  -- said so, not raised, so that one odd entry does not stop every pass at the same page
  begin
    select * into v_identity from sincro_private.store_order_identity(v_store.platform, pg_catalog.convert_from(body, 'UTF8')::jsonb);
  exception when others then
    return 'unreadable';
  end;
  if v_identity.platform_order_id is null or v_identity.modified_at is null then
    return 'unreadable';
  end if;
  -- known: the hub has this version or a newer one, or this version is already in the inbox
  if exists (select 1 from sincro_private.store_order o
             where o.azi = v_store.azi and o.store_id = v_store.store_id and o.platform_order_id = v_identity.platform_order_id
               and o.modified_at >= v_identity.modified_at)
     or exists (select 1 from sincro_private.store_inbox i
                where i.store_id = v_store.store_id and i.platform_order_id = v_identity.platform_order_id
                  and i.modified_at = v_identity.modified_at) then
    return 'known';
  end if;
  insert into sincro_private.store_inbox (store_id, azi, source, topic, body, platform_order_id, modified_at)
    values (v_store.store_id, v_store.azi, 'reconcile', 'reconcile', body, v_identity.platform_order_id, v_identity.modified_at)
    returning inbox_id into v_inbox_id;
  perform sincro_private.store_enqueue_inbox(v_inbox_id);
  return 'queued';
end;
$$;


ALTER FUNCTION sincro.store_reconcile_offer(store_id text, body bytea) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_reconcile_offer(store_id text, body bytea); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_reconcile_offer(store_id text, body bytea) IS 'One order a reconciliation poll listed (its JSON): queued into the inbox for the worker, unless the hub has this version of it or a newer one, or has it in the inbox already (known); unreadable when it has no id or modification time (nothing stored, the pass goes on). Worker only. SECURITY DEFINER: writes the inbox.';


--
-- Name: store_remove(text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_remove(store_id text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro.store_remove(store_id text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_remove(store_id text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_remove(store_id text) IS 'Removes a store: webhooks 404, no reconciliation or status back, keys wiped; inbox and orders kept, ID not reused. Admin only. SECURITY DEFINER: writes sincro_private.store.';


--
-- Name: store_status_back_claim(text, bigint); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_status_back_claim(azi text, id_pub bigint) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select pg_catalog.jsonb_build_object(
    'store_id', s.store_id, 'platform', s.platform, 'api_url', s.api_url, 'api_key', s.api_key, 'api_secret', s.api_secret,
    'platform_order_id', o.platform_order_id, 'order_number', o.order_number, 'id_pub', a.id_pub, 'tor_chia', a.tor_chia,
    'woocommerce_status', sincro_private.store_settings(s.store_id) ->> 'woocommerce_status',
    'shopify_tag', sincro_private.store_settings(s.store_id) ->> 'shopify_tag')
  from sincro_private.store_order o
  join sincro_private.store s on s.store_id = o.store_id
  join sincro.arportes a on a.azi = o.azi and a.id_pub = o.id_pub
  where o.azi = store_status_back_claim.azi and o.id_pub = store_status_back_claim.id_pub
    and o.status_back = 'pending' and s.removed_at is null and s.api_url is not null
$$;


ALTER FUNCTION sincro.store_status_back_claim(azi text, id_pub bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_status_back_claim(azi text, id_pub bigint); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_status_back_claim(azi text, id_pub bigint) IS 'The shop''s API access and what to tell it (platform order ID, the ERP''s key) for an order whose status back is pending; NULL otherwise. Worker only. SECURITY DEFINER: reads the credentials.';


--
-- Name: store_status_back_done(text, bigint, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_status_back_done(azi text, id_pub bigint, error text DEFAULT NULL::text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  update sincro_private.store_order o
    set status_back = case when error is null then 'sent' else o.status_back end,
        status_back_at = case when error is null then now() else o.status_back_at end,
        status_back_error = error
    where o.azi = store_status_back_done.azi and o.id_pub = store_status_back_done.id_pub and o.status_back = 'pending'
$$;


ALTER FUNCTION sincro.store_status_back_done(azi text, id_pub bigint, error text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_status_back_done(azi text, id_pub bigint, error text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_status_back_done(azi text, id_pub bigint, error text) IS 'Records the outcome of telling the shop: sent, or (with error) still pending with the reason. Worker only. SECURITY DEFINER: writes sincro_private.store_order.';


--
-- Name: store_sweep(interval); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_sweep(stale_after interval DEFAULT '00:05:00'::interval, OUT inbox_rows integer, OUT status_backs integer, OUT reconciliations integer) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_row record;
begin
  inbox_rows := 0;
  status_backs := 0;
  reconciliations := 0;
  for v_row in
    select i.inbox_id from sincro_private.store_inbox i
    where i.state = 'received' and i.received_at <= now() - stale_after
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = 'store_inbox:' || i.inbox_id and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
    order by i.inbox_id
  loop
    perform sincro_private.store_enqueue_inbox(v_row.inbox_id);
    inbox_rows := inbox_rows + 1;
  end loop;

  for v_row in
    select o.azi, o.id_pub from sincro_private.store_order o
    where o.status_back = 'pending' and o.status_back_at <= now() - stale_after
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = pg_catalog.format('store_status_back:%s:%s', o.azi, o.id_pub) and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
  loop
    perform sincro_private.enqueue_store_status_back(v_row.azi, v_row.id_pub);
    status_backs := status_backs + 1;
  end loop;

  for v_row in
    select s.store_id from sincro_private.store s
    where s.removed_at is null and s.api_url is not null
      and (s.last_reconciled_at is null or s.last_reconciled_at + s.reconcile_every <= now())
      and not exists (select 1 from graphile_worker.jobs j
                      where j.key = 'store_reconcile:' || s.store_id and j.attempts < j.max_attempts
                        and (j.locked_at is null or j.locked_at > now() - stale_after))
  loop
    perform graphile_worker.add_job(identifier := 'store_reconcile', payload := pg_catalog.json_build_object('store_id', v_row.store_id),
                                    job_key := 'store_reconcile:' || v_row.store_id, max_attempts := 1);
    reconciliations := reconciliations + 1;
  end loop;
end;
$$;


ALTER FUNCTION sincro.store_sweep(stale_after interval, OUT inbox_rows integer, OUT status_backs integer, OUT reconciliations integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_sweep(stale_after interval, OUT inbox_rows integer, OUT status_backs integer, OUT reconciliations integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_sweep(stale_after interval, OUT inbox_rows integer, OUT status_backs integer, OUT reconciliations integer) IS 'Re-enqueues inbox rows still received and status backs still pending for longer than stale_after without a live job, and the reconciliation of every store that is due; returns how many of each. Run by the worker every minute. SECURITY DEFINER: reads and writes the job queue.';


--
-- Name: store_webhook_receive(text, text, bytea, jsonb); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.store_webhook_receive(platform text, store_id text, body bytea, headers jsonb, OUT status integer, OUT inbox_id bigint, OUT reason text) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
#variable_conflict use_variable
declare
  v_store sincro_private.store;
  v_topic text;
  v_given text;
  v_payload jsonb;
  v_error text;
  v_identity record;
  v_order_topic boolean;
begin
  -- the store
  select * into v_store from sincro_private.store s
  where s.store_id = store_id and s.platform = platform and s.removed_at is null;
  if not found then
    status := 404;
    reason := 'unknown store';
    return;
  end if;
  v_topic := headers ->> case platform when 'woocommerce' then 'x-wc-webhook-topic' else 'x-shopify-topic' end;

  -- WooCommerce's ping when a webhook is saved: a form body, no topic
  if platform = 'woocommerce' and v_topic is null and body ~~ 'webhook_id=%'::bytea
     and pg_catalog.convert_from(body, 'SQL_ASCII') ~ '^webhook_id=[0-9]+$' then
    status := 200;
    reason := 'ping';
    return;
  end if;

  -- the signature, on the raw body
  v_given := headers ->> case platform when 'woocommerce' then 'x-wc-webhook-signature' else 'x-shopify-hmac-sha256' end;
  if v_given is null
     or pg_catalog.sha256(pg_catalog.convert_to(v_given, 'UTF8'))
        <> pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.encode(sincro_private.hmac_sha256(v_store.hmac_ipad, v_store.hmac_opad, body), 'base64'), 'UTF8')) then
    status := 401;
    reason := case when v_given is null then 'no signature' else 'bad signature' end;
    return;
  end if;

  -- the payload
  begin
    v_payload := pg_catalog.convert_from(body, 'UTF8')::jsonb;
    if pg_catalog.jsonb_typeof(v_payload) <> 'object' then
      v_error := pg_catalog.format('the body is JSON but not an object (%s)', pg_catalog.jsonb_typeof(v_payload));
    end if;
  exception when others then
    v_error := pg_catalog.format('the body is not JSON: %s', sqlerrm);
  end;
  if v_error is not null then
    insert into sincro_private.store_inbox (store_id, azi, source, topic, headers, body, state, error, processed_at)
      values (v_store.store_id, v_store.azi, 'webhook', v_topic, headers, body, 'error', v_error, now())
      returning store_inbox.inbox_id into inbox_id;
    status := 400;
    reason := v_error;
    return;
  end if;

  -- keep it. For a store that is reconciled (it has an API URL) the commit
  -- need not wait for the WAL flush: a database crash in the next 200 ms could lose this row, and the
  -- next reconciliation pass would bring the order anyway. A store with webhooks only gets a durable commit.
  if v_store.api_url is not null then
    perform pg_catalog.set_config('synchronous_commit', 'off', true);
  end if;
  v_order_topic := case platform when 'woocommerce' then v_topic like 'order.%' else v_topic like 'orders/%' end;
  select * into v_identity from sincro_private.store_order_identity(platform, v_payload);
  insert into sincro_private.store_inbox (store_id, azi, source, topic, headers, body, platform_order_id, modified_at, state, error, processed_at)
    values (v_store.store_id, v_store.azi, 'webhook', v_topic, headers, body,
            v_identity.platform_order_id, v_identity.modified_at,
            case when v_order_topic then 'received' else 'ignored' end,
            case when v_order_topic then null else pg_catalog.format('topic %s is not about orders', coalesce(v_topic, '(none)')) end,
            case when v_order_topic then null else now() end)
    returning store_inbox.inbox_id into inbox_id;
  -- no job here (add_job's NOTIFY would serialise the commits of concurrent deliveries): the worker's
  -- dispatcher finds the row and rings for it (store_inbox_dispatch); a dozing dispatcher is woken, unless
  -- the company's chain is under way (its gate held, as store_inbox_dispatch reads it): the chain's job
  -- takes this row as it commits, and the dispatcher, rung, would find nothing to do. That was one NOTIFY
  -- per delivery while a company's orders came faster than one job applies them: each serialised with
  -- the commits of the other notifying transactions (the chain's own add_jobs among them, durable), and
  -- each woke the dispatcher for a look that found the gate held. A delivery committed just as the
  -- chain's last job opens the gate (it looked for rows before this one was visible) is found by the
  -- dispatcher's next look without a ring (SINCRO_PUSH_POLL_MS), as a chain freed always was.
  if v_order_topic and not exists (select 1 from sincro_private.store_inbox_gate g
                                   where g.azi = v_store.azi and g.rung_at > now() - interval '10 seconds') then
    perform sincro_private.ring_dispatcher();
  end if;
  status := 200;
  reason := case when v_order_topic then 'received' else 'ignored' end;
end;
$_$;


ALTER FUNCTION sincro.store_webhook_receive(platform text, store_id text, body bytea, headers jsonb, OUT status integer, OUT inbox_id bigint, OUT reason text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_webhook_receive(platform text, store_id text, body bytea, headers jsonb, OUT status integer, OUT inbox_id bigint, OUT reason text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.store_webhook_receive(platform text, store_id text, body bytea, headers jsonb, OUT status integer, OUT inbox_id bigint, OUT reason text) IS 'Takes one webhook delivery (store, raw body, lower-case headers): checks the signature on the raw body (401, nothing stored), stores it in the inbox (400 and an error row when not a JSON object; the worker''s dispatcher rings for an order row); answers the HTTP status. WooCommerce''s ping answers 200. SECURITY DEFINER: reads the store''s keys, which only the owner may.';


--
-- Name: sweep_pushes(interval); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sweep_pushes(stale_after interval DEFAULT '00:05:00'::interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_order record;
  v_count integer := 0;
begin
  for v_order in
    select p.azi, p.id_pub
    from sincro.order_push p
    join sincro_private.company c on c.azi = p.azi
    where c.push_mode = 'auto'
      and (p.state = 'pending' or (p.state = 'in_flight' and p.last_attempt_at < now() - stale_after))
      -- a new order waits for the dispatcher (sincro.push_take), unless that has not come for stale_after
      and (p.doorbell_rung or p.created_at < now() - stale_after)
      and not exists (
        select 1 from graphile_worker.jobs j
        where j.key = pg_catalog.format('push_order:%s:%s', p.azi, p.id_pub)
          and j.attempts < j.max_attempts
          and (j.locked_at is null or j.locked_at > now() - stale_after))
    order by p.azi, p.id_pub
  loop
    perform sincro_private.enqueue_push_order(v_order.azi, v_order.id_pub);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;


ALTER FUNCTION sincro.sweep_pushes(stale_after interval) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sweep_pushes(stale_after interval); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sweep_pushes(stale_after interval) IS 'Re-enqueues push_order for every auto-mode order that is pending without a live job, or in flight longer than stale_after; returns how many. SECURITY DEFINER: reads and writes the job queue.';


--
-- Name: sync_changes_apply(text, bigint, text, text, jsonb); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_changes_apply(azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_azi constant text := sync_changes_apply.azi;
  v_cursor text;
  v_bad jsonb;
  v_change jsonb;
  v_entity text;
  v_received integer;
  v_changed integer := 0;
  v_tombstoned integer := 0;
  v_ignored integer := 0;
  v_latest jsonb;
  v_rows jsonb;
  v_max_bytes integer;
begin
  -- validate
  select c.erp_cursor, c.max_document_bytes into v_cursor, v_max_bytes from sincro_private.company c where c.azi = v_azi for no key update;
  if not found then
    raise exception using errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', v_azi);
  end if;
  if next_cursor is null or from_cursor is null then
    raise exception using errcode = 'SY201', message = 'sync: from_cursor and next_cursor are required (use '''' for the beginning)';
  end if;
  if v_cursor <> from_cursor then
    raise exception using
      errcode = 'SY122',
      message = pg_catalog.format('sync: the hub''s ERP cursor for company %s is %L, not %L: another run has moved it; this batch is not applied',
                                  v_azi, v_cursor, from_cursor),
      hint = 'Pull again from sincro.erp_cursor(azi).';
  end if;
  if changes is null or pg_catalog.jsonb_typeof(changes) <> 'array' then
    raise exception using errcode = 'SY201', message = 'sync: changes must be a JSON array';
  end if;
  select x into v_bad from pg_catalog.jsonb_array_elements(changes) x
    where pg_catalog.jsonb_typeof(x) <> 'object'
       or not (x ->> 'entity' = 'order' or x ->> 'entity' in (select e.entity from sincro_private.erp_entity e))
       or x ->> 'op' is null or x ->> 'op' not in ('upsert', 'delete')
       or pg_catalog.jsonb_typeof(x -> 'key') is distinct from 'object'
       or (x ->> 'op' = 'upsert' and pg_catalog.jsonb_typeof(x -> 'data') is distinct from 'object')
    limit 1;
  if found then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: malformed change %s', pg_catalog.left(v_bad::text, 300)),
      hint = 'A change is {"entity": order|customer|article|particolarita|accessory|document, "op": "upsert"|"delete", "key": {...}, "data": {...}}; data is required for upsert.';
  end if;
  select x into v_bad from pg_catalog.jsonb_array_elements(changes) x where pg_catalog.pg_column_size(x) > v_max_bytes limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: %s %s', v_bad ->> 'entity', pg_catalog.left((v_bad -> 'key')::text, 200)),
                                           'the change (bytes)', pg_catalog.pg_column_size(v_bad), v_azi, 'max_document_bytes', v_max_bytes);
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'changes', 0, 0, 0, null);
  v_received := pg_catalog.jsonb_array_length(changes);

  -- apply: per row only its last change counts (each carries the row's current state). Held in a
  -- variable, never in a temporary table: a caller could have created that table first, with a trigger
  -- of its own that would run here as the owner.
  select coalesce(pg_catalog.jsonb_agg(l.x order by l.entity, l.key), '[]') into v_latest
  from (
    select distinct on (x ->> 'entity', x -> 'key') x ->> 'entity' as entity, x -> 'key' as key, x
    from pg_catalog.jsonb_array_elements(changes) with ordinality e(x, n)
    order by x ->> 'entity', x -> 'key', e.n desc
  ) l;

  -- orders first: their row locks are shared with other parties, the counter comes after them
  for v_change in
    select l from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = 'order' order by l -> 'key' ->> 'tor_chia'
  loop
    if v_change ->> 'op' = 'delete' then
      v_ignored := v_ignored + 1;  -- orders are never deleted in the hub
    else
      perform sincro.erp_write_order(v_azi, (v_change -> 'data') || pg_catalog.jsonb_build_object('tor_chia', v_change -> 'key' -> 'tor_chia'));
    end if;
  end loop;
  v_changed := v_changed + (select pg_catalog.count(*) from sincro.arportes a where a.azi = v_azi and a.id_sincro is null);

  for v_entity in select e.entity from sincro_private.erp_entity e order by e.entity loop
    v_rows := (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('key', l -> 'key', 'data', l -> 'data'))
               from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = v_entity and l ->> 'op' = 'upsert');
    if v_rows is not null then
      if v_entity = 'document' then
        v_changed := v_changed + sincro_private.upsert_documents(v_azi, v_rows);
      else
        v_changed := v_changed + sincro_private.upsert_erp_rows(v_entity, v_azi, v_rows);
      end if;
    end if;
    v_rows := (select pg_catalog.jsonb_agg(l -> 'key')
               from pg_catalog.jsonb_array_elements(v_latest) l where l ->> 'entity' = v_entity and l ->> 'op' = 'delete');
    if v_rows is not null then
      v_tombstoned := v_tombstoned + sincro_private.tombstone_erp_rows(v_entity, v_azi, v_rows);
    end if;
  end loop;

  -- the cursor moves with what it covers
  update sincro_private.company c set erp_cursor = next_cursor where c.azi = v_azi;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'changes', v_received, v_changed + v_tombstoned, v_tombstoned, next_cursor);
  return pg_catalog.jsonb_build_object('received', v_received, 'changed', v_changed + v_tombstoned,
                                       'tombstoned', v_tombstoned, 'ignored', v_ignored);
end;
$$;


ALTER FUNCTION sincro.sync_changes_apply(azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_changes_apply(azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_changes_apply(azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb) IS 'Applies one batch of ERP changes ([{"entity","op","key","data"}]) and moves the company''s ERP cursor from from_cursor to next_cursor, in one transaction. SY122 if the cursor is not from_cursor. Only rows that really change get a new change number. Orders go through erp_write_order; order deletions are ignored. Returns {"received","changed","tombstoned","ignored"}. SECURITY DEFINER: writes ERP-owned tables.';


--
-- Name: sync_rebuild_apply(text, bigint, text, jsonb); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_azi constant text := sync_rebuild_apply.azi;
  v_row jsonb;
  v_received integer;
  v_changed integer := 0;
begin
  -- validate
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: %s snapshot rows must be a JSON array', entity);
  end if;
  select x into v_row from pg_catalog.jsonb_array_elements(rows) x
  where pg_catalog.pg_column_size(x) > (select c.max_document_bytes from sincro_private.company c where c.azi = v_azi)
  limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: %s %s', entity, pg_catalog.left((v_row -> 'key')::text, 200)),
                                           'the snapshot row (bytes)', pg_catalog.pg_column_size(v_row), v_azi, 'max_document_bytes',
                                           (select c.max_document_bytes from sincro_private.company c where c.azi = v_azi));
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, 0, 0, null);
  v_received := pg_catalog.jsonb_array_length(rows);

  -- apply
  if entity = 'order' then
    for v_row in
      select distinct on (x -> 'key' ->> 'tor_chia') x from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
      order by x -> 'key' ->> 'tor_chia', e.n desc
    loop
      if pg_catalog.jsonb_typeof(v_row -> 'key' -> 'tor_chia') is distinct from 'string'
         or pg_catalog.jsonb_typeof(v_row -> 'data') is distinct from 'object' then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('sync: order snapshot row must be {"key": {"tor_chia": ...}, "data": {...}} (got %s)', pg_catalog.left(v_row::text, 200));
      end if;
      perform sincro.erp_write_order(v_azi, (v_row -> 'data') || pg_catalog.jsonb_build_object('tor_chia', v_row -> 'key' -> 'tor_chia'));
    end loop;
    v_changed := (select pg_catalog.count(*) from sincro.arportes a where a.azi = v_azi and a.id_sincro is null);
  elsif entity = 'document' then
    v_changed := sincro_private.upsert_documents(v_azi, rows, run_id);
  else
    v_changed := sincro_private.upsert_erp_rows(entity, v_azi, rows, run_id);
  end if;

  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', v_received, v_changed, 0, null);
  return pg_catalog.jsonb_build_object('received', v_received, 'changed', v_changed);
end;
$$;


ALTER FUNCTION sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb) IS 'Applies one batch of a total rebuild''s snapshot of an entity ([{"key","data"}]): upserts (only real changes get a change number) and remembers the keys for the sweep. Orders go through erp_write_order and are never tombstoned. Returns {"received","changed"}. SECURITY DEFINER: writes ERP-owned tables.';


--
-- Name: sync_rebuild_sweep(text, bigint, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_azi constant text := sync_rebuild_sweep.azi;
  v_entity text;
  v_tombstoned integer := 0;
begin
  -- validate
  if erp_cursor is null then
    raise exception using errcode = 'SY201', message = 'sync: erp_cursor is required (the position of the first snapshot)';
  end if;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, 0, 0, null);

  -- apply: every deletion at once, and the cursor the snapshots reflect
  for v_entity in select e.entity from sincro_private.erp_entity e order by e.entity loop
    v_tombstoned := v_tombstoned + sincro_private.tombstone_erp_rows(v_entity, v_azi, null, run_id);
  end loop;
  delete from sincro_private.rebuild_seen s where s.azi = v_azi and s.run_id = sync_rebuild_sweep.run_id;
  update sincro_private.company c set erp_cursor = sync_rebuild_sweep.erp_cursor where c.azi = v_azi;
  perform sincro_private.sync_run_progress(v_azi, run_id, 'rebuild', 0, v_tombstoned, v_tombstoned, erp_cursor);
  return pg_catalog.jsonb_build_object('tombstoned', v_tombstoned);
end;
$$;


ALTER FUNCTION sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text) IS 'Ends a total rebuild''s data work in one transaction: tombstones (with new change numbers) every live row no snapshot contained, and sets the ERP cursor to erp_cursor (the first snapshot''s position, so changes made during the rebuild are pulled again by the next sync for changes). Returns {"tombstoned"}. SECURITY DEFINER.';


--
-- Name: sync_request(text, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_request(azi text, kind text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_run_id bigint;
begin
  -- validate
  if kind is null or kind not in ('changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync_request: kind must be changes or rebuild (got %L); a partial sync is sincro.partial_sync', kind);
  end if;
  if not sincro_private.may_see_company(azi) then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %L)', azi);
  end if;

  -- begin (the refusals happen here), then hand the run to the worker
  v_run_id := sincro.sync_run_begin(azi, kind);
  update sincro.sync_runs r set backend_pid = null, phase = 'queued' where r.azi = azi and r.run_id = v_run_id;
  perform graphile_worker.add_job(
    identifier := 'sync_pull',
    payload := pg_catalog.json_build_object('azi', azi, 'run_id', v_run_id, 'kind', kind),
    job_key := sincro_private.sync_run_job_key(azi, v_run_id),
    max_attempts := 1);
  return v_run_id;
end;
$$;


ALTER FUNCTION sincro.sync_request(azi text, kind text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_request(azi text, kind text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_request(azi text, kind text) IS 'Starts a sync for changes or a total rebuild of a company, run by the worker; returns its run_id (follow it in sincro.sync_runs). SY121 quota used up, SY120 a sync with the ERP already running, SY100 a company the login does not serve: nothing is written. SECURITY DEFINER: enqueues and writes sync_runs; checks the company itself.';


--
-- Name: sync_run_begin(text, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_run_begin(azi text, kind text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  v_azi constant text := sync_run_begin.azi;
  v_with_erp constant boolean := kind is distinct from 'partial';
  v_company sincro_private.company;
  v_period_start date;
  v_run_id bigint;
  v_running sincro.sync_runs;
begin
  -- validate
  if kind is null or kind not in ('partial', 'changes', 'rebuild') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('sync: kind must be partial, changes or rebuild (got %s)', sincro_private.shown(kind));
  end if;

  -- one partial sync, and one sync with the ERP (changes or rebuild), per company at a time: two begins of a
  -- company queue on its row, which no client can lock (an advisory lock's key any session can compute and
  -- hold, stopping another company's syncs). NO KEY UPDATE does not wait for the key-share locks that
  -- client inserts hold on the row through their foreign key.
  perform 1 from sincro_private.company c where c.azi = v_azi for no key update;
  if not found then
    raise exception using
      errcode = 'SY100', message = pg_catalog.format('sync: unknown company (azi = %s)', sincro_private.shown(v_azi));
  end if;

  -- a crashed run does not block the company: closed when its session is gone or it has made no progress for long
  update sincro.sync_runs r
    set state = 'failed', finished_at = pg_catalog.now(),
        error = case when r.progress_at < pg_catalog.now() - sincro_private.sync_run_stale_after(r.kind)
                       then pg_catalog.format('abandoned: no progress since %s', r.progress_at)
                     when r.backend_pid is null then 'abandoned: its worker job is gone'
                     else 'abandoned: the session that ran it is gone' end
    where r.azi = v_azi and (r.kind <> 'partial') = v_with_erp and r.state = 'running'
      and (r.progress_at < pg_catalog.now() - sincro_private.sync_run_stale_after(r.kind)
           or (r.backend_pid is not null and r.backend_pid <> pg_catalog.pg_backend_pid()
               and not exists (select 1 from pg_catalog.pg_stat_activity a where a.pid = r.backend_pid))
           or (r.backend_pid is null and not exists (
                 -- queued by sincro.partial_sync and not yet taken by a worker: alive while its job can still run
                 select 1 from graphile_worker.jobs j
                 where j.key = sincro_private.sync_run_job_key(r.azi, r.run_id)
                   and (j.locked_at is not null or j.attempts < j.max_attempts))));
  if kind = 'rebuild' then
    -- keys left by a rebuild that crashed (a failed or finished rebuild removes its own)
    delete from sincro_private.rebuild_seen s
      where s.azi = v_azi
        and s.run_id in (select r.run_id from sincro.sync_runs r where r.azi = v_azi and r.state <> 'running');
  end if;

  select * into v_running from sincro.sync_runs r
    where r.azi = v_azi and (r.kind <> 'partial') = v_with_erp and r.state = 'running';
  if found then
    raise exception using
      errcode = 'SY120',
      message = pg_catalog.format('sync: company %s already has a %s sync running (run %s, started %s); a second one is refused',
                                  v_azi, v_running.kind, v_running.run_id, v_running.started_at),
      hint = 'Wait for it to finish (see sincro.sync_runs). A run whose process died is closed by the next attempt at once.';
  end if;

  -- the contract: a sync with the ERP needs a unit of quota left in the current period
  if v_with_erp then
    v_period_start := sincro_private.roll_sync_period(v_azi);
    select * into v_company from sincro_private.company c where c.azi = v_azi;
    if v_company.sync_used >= v_company.sync_quota then
      raise exception using
        errcode = 'SY121',
        message = pg_catalog.format('sync: company %s has used %s of its %s syncs for the period %s to %s; the %s sync was not started',
                                    v_azi, v_company.sync_used, v_company.sync_quota, v_period_start,
                                    (v_period_start + v_company.sync_period)::date - 1, kind),
        hint = pg_catalog.format('The next period starts on %s. An administrator can raise the contract: npx sincro quota --azi %s --set <n>.',
                                 (v_period_start + v_company.sync_period)::date, v_azi);
    end if;
  end if;

  insert into sincro.sync_runs (azi, kind, uses_quota, backend_pid, erp_cursor_from, id_sincro_at_start)
    values (v_azi, kind, v_with_erp,
            pg_catalog.pg_backend_pid(),
            case when v_with_erp then (select c.erp_cursor from sincro_private.company c where c.azi = v_azi) end,
            case when kind = 'rebuild' then (select s.last_value from sincro_private.id_sincro_counter s where s.azi = v_azi) end)
    returning run_id into v_run_id;
  return v_run_id;
end;
$$;


ALTER FUNCTION sincro.sync_run_begin(azi text, kind text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_run_begin(azi text, kind text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_run_begin(azi text, kind text) IS 'Starts a sync run (partial, changes, rebuild) for a company and returns its run_id. SY120 if one is running (changes and rebuild exclude each other); SY121 if a changes/rebuild run finds the quota used up. A refusal writes nothing. The session that begins a run works on it (or hands a partial run to the worker, see partial_sync); when that session is gone, the next begin closes the run as failed. SECURITY DEFINER: the only writer of sync_runs with the other sync_run_* functions.';


--
-- Name: sync_run_complete(text, bigint); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_run_complete(azi text, run_id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_run sincro.sync_runs;
begin
  update sincro.sync_runs r
    set state = 'succeeded', finished_at = pg_catalog.now(), progress_at = pg_catalog.now(),
        phase = 'done', phase_item = null, phase_step = null, phase_steps = null
    where r.azi = sync_run_complete.azi and r.run_id = sync_run_complete.run_id and r.state = 'running'
    returning * into v_run;
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not running', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs).';
  end if;
  if v_run.uses_quota then
    perform sincro_private.roll_sync_period(azi);
    update sincro_private.company c set sync_used = c.sync_used + 1 where c.azi = sync_run_complete.azi;
  end if;
end;
$$;


ALTER FUNCTION sincro.sync_run_complete(azi text, run_id bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_run_complete(azi text, run_id bigint); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_run_complete(azi text, run_id bigint) IS 'Marks a changes or rebuild run succeeded and, in the same transaction, uses one unit of the company''s quota. SECURITY DEFINER: writes sync_runs and the company''s usage.';


--
-- Name: sync_run_fail(text, bigint, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_run_fail(azi text, run_id bigint, error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  update sincro.sync_runs r
    set state = 'failed', finished_at = pg_catalog.now(), error = coalesce(sync_run_fail.error, 'failed')
    where r.azi = sync_run_fail.azi and r.run_id = sync_run_fail.run_id and r.state = 'running';
  delete from sincro_private.rebuild_seen s where s.azi = sync_run_fail.azi and s.run_id = sync_run_fail.run_id;
$$;


ALTER FUNCTION sincro.sync_run_fail(azi text, run_id bigint, error text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_run_fail(azi text, run_id bigint, error text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_run_fail(azi text, run_id bigint, error text) IS 'Marks a run failed with its error; no quota is used. What its committed batches applied stays applied (each with the ERP cursor it covers). SECURITY DEFINER: writes sync_runs.';


--
-- Name: sync_run_phase(text, bigint, text, text, integer, integer); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_run_phase(azi text, run_id bigint, phase text, item text DEFAULT NULL::text, step integer DEFAULT NULL::integer, steps integer DEFAULT NULL::integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- validate
  if phase is null or phase not in ('reading', 'tombstoning', 'fetching', 'applying', 'pushing') then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('sync_run_phase: phase must be reading, tombstoning, fetching, applying or pushing (got %s)', sincro_private.shown(phase)),
      hint = 'queued, starting and done are set by the hub itself.';
  end if;
  if step < 1 or steps < 0 or step > steps or pg_catalog.length(item) > 100 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('sync_run_phase: step %s of %s (item %s) is not a step of a phase', step, steps, sincro_private.shown(item)),
      hint = 'step counts from 1 and is at most steps; item is an entity name.';
  end if;

  -- apply
  update sincro.sync_runs r
    set phase = sync_run_phase.phase, phase_item = sync_run_phase.item, phase_step = sync_run_phase.step,
        phase_steps = sync_run_phase.steps, progress_at = pg_catalog.now()
    where r.azi = sync_run_phase.azi and r.run_id = sync_run_phase.run_id and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not running', run_id, azi),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;


ALTER FUNCTION sincro.sync_run_phase(azi text, run_id bigint, phase text, item text, step integer, steps integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_run_phase(azi text, run_id bigint, phase text, item text, step integer, steps integer); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_run_phase(azi text, run_id bigint, phase text, item text, step integer, steps integer) IS 'The phase a running sync enters (reading an entity i of n, tombstoning, fetching or applying page i, pushing order i of n), written by the session working on it so the console and sincro status show it live. SY101 for an unknown phase or a bad step; SY123 if the run is not running. SECURITY DEFINER: writes sync_runs.';


--
-- Name: sync_run_take(text, bigint, text); Type: FUNCTION; Schema: sincro; Owner: CURRENT_USER
--

CREATE FUNCTION sincro.sync_run_take(azi text, run_id bigint, kind text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
begin
  update sincro.sync_runs r
    set backend_pid = pg_catalog.pg_backend_pid(), progress_at = pg_catalog.now(), phase = 'starting'
    where r.azi = azi and r.run_id = run_id and r.kind = kind and r.state = 'running' and r.backend_pid is null;
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a queued %s sync', run_id, azi, kind),
      hint = 'It ended, was closed as abandoned, or another session took it (see sincro.sync_runs).';
  end if;
end;
$$;


ALTER FUNCTION sincro.sync_run_take(azi text, run_id bigint, kind text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_run_take(azi text, run_id bigint, kind text); Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro.sync_run_take(azi text, run_id bigint, kind text) IS 'Worker: takes over a run queued by sync_request (its session now works on it: alive while that session is); SY123 if it is not queued and running. SECURITY DEFINER: writes sync_runs.';


--
-- Name: append_slice_log(jsonb, text, boolean); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.append_slice_log(entries jsonb, reason text, with_supervisors boolean DEFAULT true) RETURNS integer
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  with given as (
    select x.azi, x.cod_agente, x.entity, x.key, o.n
    from pg_catalog.jsonb_array_elements(coalesce(entries, '[]')) with ordinality o(v, n)
    cross join lateral pg_catalog.jsonb_to_record(o.v) x(azi text, cod_agente text, entity text, key jsonb)
    where x.cod_agente is not null
  ),
  e as (
    -- each entry for its agent and, when asked, for that agent's supervisor now (one entry each)
    select a.azi, a.cod_agente, a.entity, a.key,
           pg_catalog.row_number() over (partition by a.azi order by a.n, a.side) as position
    from (
      select g.azi, g.cod_agente, g.entity, g.key, g.n, 1 as side from given g
      union all
      select g.azi, s.cod_supervisore, g.entity, g.key, g.n, 2
      from given g
      join sincro.agenti s on s.azi = g.azi and s.cod_agente = g.cod_agente
      where with_supervisors and not s.deleted and s.cod_supervisore is not null and s.cod_supervisore <> g.cod_agente
    ) a
  ),
  counts as (
    select e.azi, pg_catalog.count(*) as n from e group by e.azi
  ),
  bump as (
    update sincro_private.id_sincro_counter c
      set last_value = c.last_value + k.n
      from counts k
      where c.azi = k.azi
      returning c.azi, c.last_value - k.n as base
  ),
  written as (
    insert into sincro.device_slice_log (azi, id_sincro, cod_agente, entity, key, reason)
    select e.azi, b.base + e.position, e.cod_agente, e.entity, e.key, append_slice_log.reason
    from e join bump b on b.azi = e.azi
    returning 1
  )
  select pg_catalog.count(*)::integer from written
$$;


ALTER FUNCTION sincro_private.append_slice_log(entries jsonb, reason text, with_supervisors boolean) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION append_slice_log(entries jsonb, reason text, with_supervisors boolean); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.append_slice_log(entries jsonb, reason text, with_supervisors boolean) IS 'Appends entries [{"azi","cod_agente","entity","key"}] to sincro.device_slice_log with the next change numbers of each company, each also for its agent''s supervisor (with_supervisors); entries without an agent are skipped. Returns how many were written.';


--
-- Name: assign_pending_id_sincro(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.assign_pending_id_sincro() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_azi text;
  v_count bigint;
  v_last bigint;
  v_previous_party text;
begin
  for v_azi, v_count in
    select a.azi, count(*)
    from sincro.arportes a
    where a.id_sincro is null
    group by a.azi
    order by a.azi
  loop
    -- bump: the counter lock, taken last
    update sincro_private.id_sincro_counter c
      set last_value = c.last_value + v_count
      where c.azi = v_azi
      returning c.last_value into v_last;

    -- stamp rows in id_pub order, then the history versions they wrote
    v_previous_party := sincro_private.set_party('H');
    update sincro.arportes a
      set id_sincro = v_last - v_count + s.position
      from (
        select p.id_pub, row_number() over (order by p.id_pub) as position
        from sincro.arportes p
        where p.azi = v_azi and p.id_sincro is null
      ) s
      where a.azi = v_azi and a.id_pub = s.id_pub;
    update sincro.arportes_history h
      set id_sincro = a.id_sincro
      from sincro.arportes a
      where h.azi = v_azi and h.id_sincro is null
        and a.azi = h.azi and a.id_pub = h.id_pub;
    perform sincro_private.restore_party(v_previous_party);

    -- orders that left a device slice by this change (tg_arportes__slice_move): their slice-log entries, now
    -- that the counter is held
    if pg_catalog.current_setting('sincro.order_slice_moves', true) = 'on' then
      perform sincro_private.log_order_slice_moves(v_azi);
    end if;
  end loop;
end;
$$;


ALTER FUNCTION sincro_private.assign_pending_id_sincro() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION assign_pending_id_sincro(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.assign_pending_id_sincro() IS 'At commit: gives the next change numbers of each company to the order rows this transaction changed on the ERP side, taking the counter lock last.';


--
-- Name: check_feed_arguments(text, text, bigint, integer); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  if azi is null or not exists (select 1 from sincro.apstatosyn c where c.azi = check_feed_arguments.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('%s: unknown company (azi = %L)', feed, azi),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if "cursor" is null or "cursor" < 0 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('%s: cursor must be 0 or a change number already read (got %s)', feed, coalesce("cursor"::text, 'NULL')),
      hint = 'Start from 0; then pass the largest id_sincro you have read.';
  end if;
  if max_rows is null or max_rows < 1 or max_rows > 100000 then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('%s: max_rows must be between 1 and 100000 (got %s)', feed, coalesce(max_rows::text, 'NULL')),
      hint = 'Read in batches of a few thousand rows at most.';
  end if;
end;
$$;


ALTER FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) IS 'Checks a change feed''s arguments (SY100 unknown or hidden company, SY101 bad cursor or max_rows), with the caller''s rights.';


--
-- Name: check_fiscal_fields(text, text, text, text, text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.check_fiscal_fields(context text, partita_iva text, codice_fiscale text, sdi_code text DEFAULT NULL::text, pec text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_problem text;
begin
  v_problem := sincro.partita_iva_problem(partita_iva);
  if v_problem is not null then
    raise exception using
      errcode = 'SY180',
      message = pg_catalog.format('%s: partita_iva %s is not a valid Italian VAT number', context, sincro_private.shown(partita_iva)),
      hint = pg_catalog.format('partita_iva %s. Send the 11 digits with their check digit, or NULL when the customer has none.', v_problem);
  end if;
  v_problem := sincro.codice_fiscale_problem(codice_fiscale);
  if v_problem is not null then
    raise exception using
      errcode = 'SY181',
      message = pg_catalog.format('%s: codice_fiscale %s is not a valid Italian fiscal code', context, sincro_private.shown(codice_fiscale)),
      hint = pg_catalog.format('codice_fiscale %s. Send the 16 characters of a person''s code or the 11 digits of a company''s, or NULL when there is none.', v_problem);
  end if;
  v_problem := sincro.sdi_code_problem(sdi_code);
  if v_problem is not null then
    raise exception using
      errcode = 'SY182',
      message = pg_catalog.format('%s: sdi_code %s is not a valid SDI recipient code', context, sincro_private.shown(sdi_code)),
      hint = pg_catalog.format('sdi_code %s. Send the customer''s 7-character code (6 for a public office), 0000000 to deliver by PEC, or NULL.', v_problem);
  end if;
  v_problem := sincro.pec_problem(pec);
  if v_problem is not null then
    raise exception using
      errcode = 'SY183',
      message = pg_catalog.format('%s: pec %s is not a valid e-mail address', context, sincro_private.shown(pec)),
      hint = pg_catalog.format('pec %s. Send the customer''s certified e-mail address, or NULL.', v_problem);
  end if;
end;
$$;


ALTER FUNCTION sincro_private.check_fiscal_fields(context text, partita_iva text, codice_fiscale text, sdi_code text, pec text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION check_fiscal_fields(context text, partita_iva text, codice_fiscale text, sdi_code text, pec text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.check_fiscal_fields(context text, partita_iva text, codice_fiscale text, sdi_code text, pec text) IS 'Raises SY180 (partita_iva), SY181 (codice_fiscale), SY182 (sdi_code) or SY183 (pec) for the first value the *_problem functions find wrong; NULLs are not checked.';


--
-- Name: column_list(text[], text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.column_list(columns text[], alias text DEFAULT NULL::text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select pg_catalog.string_agg(
           case when alias is null then pg_catalog.quote_ident(c) else pg_catalog.quote_ident(alias) || '.' || pg_catalog.quote_ident(c) end,
           ', ' order by o)
  from pg_catalog.unnest(columns) with ordinality u(c, o)
$$;


ALTER FUNCTION sincro_private.column_list(columns text[], alias text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION column_list(columns text[], alias text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.column_list(columns text[], alias text) IS 'Quoted, comma-separated column names, each prefixed by alias when given: for SQL templates.';


--
-- Name: current_party(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.current_party() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_claim constant text := pg_catalog.current_setting('sincro.party', true);
begin
  if v_claim is null or v_claim = '' then
    return null;
  end if;
  if pg_catalog.split_part(v_claim, ':', 2) = (select p.secret from sincro_private.party_secret p) then
    return pg_catalog.split_part(v_claim, ':', 1);
  end if;
  return null;
end;
$$;


ALTER FUNCTION sincro_private.current_party() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION current_party(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.current_party() IS 'The party the hub''s own functions act for (G ERP, H hub), or NULL for a direct client write. A claim without the hub''s secret is ignored. SECURITY DEFINER to read the secret.';


--
-- Name: current_period_start(date, interval, date); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.current_period_start(period_start date, period interval, today date) RETURNS date
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_start date := period_start;
  v_steps integer := 0;
begin
  -- boundaries are counted from the first day (31 Jan + 2 months is 31 Mar, not 28 Mar)
  while (period_start + period * (v_steps + 1))::date <= today loop
    v_steps := v_steps + 1;
    v_start := (period_start + period * v_steps)::date;
  end loop;
  return v_start;
end;
$$;


ALTER FUNCTION sincro_private.current_period_start(period_start date, period interval, today date) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION current_period_start(period_start date, period interval, today date); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.current_period_start(period_start date, period interval, today date) IS 'First day of the contract period containing today, for periods of the given length counted from period_start.';


--
-- Name: customer_slice_entries(text, text, text, boolean); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.customer_slice_entries(azi text, cod_cli text, cod_agente text, with_customer boolean) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', $1, 'cod_agente', $3, 'entity', r.entity, 'key', r.key)), '[]')
  from (
    select 'customer' as entity, pg_catalog.jsonb_build_object('cod_cli', c.cod_cli) as key
      from sincro.clienti c where c.azi = $1 and c.cod_cli = $2 and $4
    union all
    select 'particolarita', pg_catalog.jsonb_build_object('cod_cli', p.cod_cli, 'cod_art', p.cod_art, 'valido_dal', p.valido_dal)
      from sincro.particolarita p where p.azi = $1 and p.cod_cli = $2
    union all
    select 'open_item', pg_catalog.jsonb_build_object('cod_cli', o.cod_cli, 'id_partita', o.id_partita)
      from sincro.partite_aperte o where o.azi = $1 and o.cod_cli = $2
    union all
    select 'customer_credit', pg_catalog.jsonb_build_object('cod_cli', f.cod_cli)
      from sincro.fidi f where f.azi = $1 and f.cod_cli = $2
    union all
    select 'document', pg_catalog.jsonb_build_object('tipo_doc', d.tipo_doc, 'numero', d.numero)
      from sincro.documenti d
      where d.azi = $1 and d.cliente_cod = $2
        and (d.data_doc is null or d.data_doc >= (select k.device_history_from from sincro_private.company k where k.azi = $1))
    union all
    select 'order', pg_catalog.jsonb_build_object('id_pub', a.id_pub)
      from sincro.arportes a
      where a.azi = $1 and a.cliente_cod = $2
        and a.data_ordine >= (select k.device_history_from from sincro_private.company k where k.azi = $1)
  ) r
$_$;


ALTER FUNCTION sincro_private.customer_slice_entries(azi text, cod_cli text, cod_agente text, with_customer boolean) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION customer_slice_entries(azi text, cod_cli text, cod_agente text, with_customer boolean); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.customer_slice_entries(azi text, cod_cli text, cod_agente text, with_customer boolean) IS 'Slice-log entries, for agent cod_agente, of every row of customer cod_cli a device may hold or may not have seen deleted yet (the customer if with_customer, particolarità, open items, credit, documents and orders in the history window; tombstones included).';


--
-- Name: device_feed_sql(text[], text, text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.device_feed_sql(agents text[], azi text DEFAULT '$3'::text, agent text DEFAULT '$4'::text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  -- each entity's data: the columns of the row d whose row_to_json a device gets, written once for the entity's
  -- rows and for its slice-log lookups ({data.<entity>} below)
  v_data constant jsonb := pg_catalog.jsonb_build_object(
    'data.article', 't.descrizione, t.unita_misura, t.prezzo, t.cod_iva, t.giacenza',
    'data.accessory', 't.descrizione, t.dati',
    'data.agent', 't.nome, t.email, t.telefono, t.cod_supervisore',
    'data.customer', 't.ragione_sociale, t.partita_iva, t.codice_fiscale, t.indirizzo, t.cap, t.citta, t.provincia, t.nazione, t.email, t.telefono, t.listino, t.cod_agente, t.cod_pagamento',
    'data.particolarita', 't.valido_al, t.prezzo, t.sconto',
    'data.open_item', 't.tipo_doc, t.numero_doc, t.data_doc, t.data_scadenza, t.importo, t.importo_pagato, t.pagata',
    'data.customer_credit', 't.fido, t.esposizione, t.bloccato, t.motivo_blocco',
    'data.document', $document$t.data_doc, t.cliente_cod, t.tor_chia, t.note, t.totale_imponibile, t.totale_iva, t.totale_documento,
      coalesce(t.righe,
               (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - '{azi,tipo_doc,numero}'::text[] order by r.riga), '[]')
                from sincro.documenti_righe r where r.azi = t.azi and r.tipo_doc = t.tipo_doc and r.numero = t.numero)) as lines$document$);
begin
  -- $1 cursor, $2 max_rows; azi: the company, agent: the login's own agent, agents: one per agent of the login
  -- (each an SQL expression: a parameter, a variable, or a quoted literal). What each part costs, measured
  -- (docs/performance.md):
  --   - a row's key: jsonb_object of an array of texts (every key field is text; valido_dal is written in ISO, as
  --     device_changes_since sets DateStyle), the same jsonb as jsonb_build_object at 3/4 of its cost (which looks
  --     up each argument's type at every call);
  --   - a row's data: row_to_json of a row of its columns (json_build_object, which also looks up its arguments'
  --     types at every call, cost 12 % more a page);
  --   - a document's lines: the ones it carries (documenti.righe), read from documenti_righe only for a document
  --     written without them (reading them there, with the lines' row-level security checking the document again
  --     for each line, was a fifth of a first download);
  --   - the slice log's entries (at most max_rows) are looked up by key as plain typed values (k1, k2, k3, kid:
  --     compared with a table's columns they make primary-key lookups, where an expression on key, ->> not being
  --     leakproof, would wait behind the row-level security filter and use no index); a log entry whose row the
  --     login may not read (or that is deleted) is a removal.
  return sincro_private.fill_sql_template(pg_catalog.replace($page$
    with log_page as (
      select l.entity, l.id_sincro, l.key,
             case l.entity when 'article' then l.key ->> 'cod_art' when 'accessory' then l.key ->> 'tabella'
                           when 'agent' then l.key ->> 'cod_agente' when 'document' then l.key ->> 'tipo_doc'
                           else l.key ->> 'cod_cli' end as k1,
             case l.entity when 'accessory' then l.key ->> 'codice' when 'particolarita' then l.key ->> 'cod_art'
                           when 'open_item' then l.key ->> 'id_partita' when 'document' then l.key ->> 'numero' end as k2,
             case when l.entity = 'particolarita' then (l.key ->> 'valido_dal')::date end as k3,
             case when l.entity = 'order' then (l.key ->> 'id_pub')::bigint end as kid
      from sincro.device_slice_log l
      where l.azi = {azi} and l.cod_agente = {agent} and l.id_sincro > $1
      order by l.id_sincro
      limit $2
    )
    select u.entity, u.id_sincro, u.deleted, u.key, u.data
    from (
      (select 'article'::text as entity, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_art', t.cod_art]) as key,
              case when not t.deleted then pg_catalog.row_to_json(d) end as data
       from sincro.articoli t cross join lateral (select {data.article}) d where t.azi = {azi} and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'accessory'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['tabella', t.tabella, 'codice', t.codice]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.tabelle_accessorie t cross join lateral (select {data.accessory}) d where t.azi = {azi} and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'particolarita'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal::text]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.particolarita t cross join lateral (select {data.particolarita}) d where t.azi = {azi} and t.cod_cli = '*' and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      -- orders (never deleted: a log entry for one the login may no longer read is a removal)
      (select 'order'::text, a.id_sincro, false, pg_catalog.jsonb_build_object('id_pub', a.id_pub),
              (pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)))::json
       from sincro.arportes a where a.azi = {azi} and a.id_sincro > $1 order by a.id_sincro limit $2)
      {agents}
      union all
      -- the slice log: "look at this row again"
      (select l.entity, l.id_sincro, x.removal, l.key, x.data
       from log_page l
       cross join lateral (
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.articoli t on t.azi = {azi} and t.cod_art = l.k1 and not t.deleted cross join lateral (select {data.article}) d where l.entity = 'article'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.tabelle_accessorie t on t.azi = {azi} and t.tabella = l.k1 and t.codice = l.k2 and not t.deleted cross join lateral (select {data.accessory}) d where l.entity = 'accessory'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.agenti t on t.azi = {azi} and t.cod_agente = l.k1 and not t.deleted cross join lateral (select {data.agent}) d where l.entity = 'agent'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.clienti t on t.azi = {azi} and t.cod_cli = l.k1 and not t.deleted cross join lateral (select {data.customer}) d where l.entity = 'customer'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.particolarita t on t.azi = {azi} and t.cod_cli = l.k1 and t.cod_art = l.k2 and t.valido_dal = l.k3 and not t.deleted cross join lateral (select {data.particolarita}) d where l.entity = 'particolarita'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.partite_aperte t on t.azi = {azi} and t.cod_cli = l.k1 and t.id_partita = l.k2 and not t.deleted cross join lateral (select {data.open_item}) d where l.entity = 'open_item'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.fidi t on t.azi = {azi} and t.cod_cli = l.k1 and not t.deleted cross join lateral (select {data.customer_credit}) d where l.entity = 'customer_credit'
         union all
         select t.azi is null, case when t.azi is not null then pg_catalog.row_to_json(d) end
         from (select) o left join sincro.documenti t on t.azi = {azi} and t.tipo_doc = l.k1 and t.numero = l.k2 and not t.deleted
         cross join lateral (select {data.document}) d
         where l.entity = 'document'
         union all
         select a.azi is null, case when a.azi is not null then (pg_catalog.to_jsonb(a) - 'azi' || pg_catalog.jsonb_build_object('lines',
                  (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r) - 'azi' - 'id_pub' order by r.riga), '[]')
                   from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub)))::json end
         from (select) o left join sincro.arportes a on a.azi = {azi} and a.id_pub = l.kid where l.entity = 'order'
       ) x(removal, data)
       order by l.id_sincro)
    ) u
    order by u.id_sincro
    limit $2
$page$,
    '{agents}',
    coalesce((select pg_catalog.string_agg(pg_catalog.format($branch$
      union all
      (select 'customer'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.clienti t cross join lateral (select {data.customer}) d where t.azi = {azi} and t.cod_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'particolarita'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'cod_art', t.cod_art, 'valido_dal', t.valido_dal::text]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.particolarita t cross join lateral (select {data.particolarita}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'open_item'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli, 'id_partita', t.id_partita]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.partite_aperte t cross join lateral (select {data.open_item}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'customer_credit'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_cli', t.cod_cli]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.fidi t cross join lateral (select {data.customer_credit}) d where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'document'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['tipo_doc', t.tipo_doc, 'numero', t.numero]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.documenti t
       cross join lateral (select {data.document}) d
       where t.azi = {azi} and t.slice_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
      union all
      (select 'agent'::text, t.id_sincro, t.deleted, pg_catalog.jsonb_object(array['cod_agente', t.cod_agente]),
              case when not t.deleted then pg_catalog.row_to_json(d) end
       from sincro.agenti t cross join lateral (select {data.agent}) d where t.azi = {azi} and t.cod_agente = %1$s and t.id_sincro > $1 order by t.id_sincro limit $2)
$branch$, a.expr), '' order by a.n)
              from pg_catalog.unnest(agents) with ordinality a(expr, n)), '')),
    v_data || pg_catalog.jsonb_build_object('azi', azi, 'agent', agent));
end;
$_$;


ALTER FUNCTION sincro_private.device_feed_sql(agents text[], azi text, agent text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION device_feed_sql(agents text[], azi text, agent text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.device_feed_sql(agents text[], azi text, agent text) IS 'The device feed''s page statement ($1 cursor, $2 max_rows; azi, agent: SQL expressions for the company and the login''s agent, $3 and $4 by default), with one range per source and per agent in agents (SQL expressions). Read by device_changes_since, and by the migration that writes device_changes_since''s statement for a one-agent login.';


--
-- Name: enqueue_push_order(text, bigint); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.enqueue_push_order(azi text, id_pub bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  update sincro.order_push p set doorbell_rung = true
    where p.azi = enqueue_push_order.azi and p.id_pub = enqueue_push_order.id_pub and not p.doorbell_rung;
  perform graphile_worker.add_job(
    identifier := 'push_order',
    payload := pg_catalog.json_build_object('azi', azi, 'id_pub', id_pub),
    job_key := pg_catalog.format('push_order:%s:%s', azi, id_pub),
    max_attempts := case (select c.push_mode from sincro_private.company c where c.azi = enqueue_push_order.azi)
                      when 'manual' then 1 else 25 end
  );
end;
$$;


ALTER FUNCTION sincro_private.enqueue_push_order(azi text, id_pub bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION enqueue_push_order(azi text, id_pub bigint); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.enqueue_push_order(azi text, id_pub bigint) IS 'Enqueues the graphile-worker job push_order for one order (job key push_order:<azi>:<id_pub>; 25 attempts in auto mode, 1 in manual) and marks its doorbell rung.';


--
-- Name: enqueue_store_status_back(text, bigint); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.enqueue_store_status_back(azi text, id_pub bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL, not SQL: the trigger of every acquired store order calls it (an SQL function's body would be
  -- parsed and planned again at each call)
  perform graphile_worker.add_job(
    identifier := 'store_status_back',
    payload := pg_catalog.json_build_object('azi', enqueue_store_status_back.azi, 'id_pub', enqueue_store_status_back.id_pub),
    job_key := pg_catalog.format('store_status_back:%s:%s', enqueue_store_status_back.azi, enqueue_store_status_back.id_pub),
    max_attempts := 25);
end;
$$;


ALTER FUNCTION sincro_private.enqueue_store_status_back(azi text, id_pub bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION enqueue_store_status_back(azi text, id_pub bigint); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.enqueue_store_status_back(azi text, id_pub bigint) IS 'Rings the worker to tell a shop its order was acquired: job store_status_back, key store_status_back:<azi>:<id_pub>. SECURITY DEFINER: the job queue is the owner''s.';


--
-- Name: erp_export_order(text, sincro.arportes, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.erp_export_order(azi text, fields sincro.arportes, lines jsonb) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro_private.erp_export_order(azi text, fields sincro.arportes, lines jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION erp_export_order(azi text, fields sincro.arportes, lines jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.erp_export_order(azi text, fields sincro.arportes, lines jsonb) IS 'Step 3a of erp_write_order: an order made in the ERP (prov_tipo G) with its lines and a new public ID; needs lines, autore_tipo and autore_cod (SY102). Returns the id_pub.';


--
-- Name: erp_locate_order(text, sincro.arportes); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.erp_locate_order(azi text, fields sincro.arportes) RETURNS sincro.arportes
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro_private.erp_locate_order(azi text, fields sincro.arportes) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION erp_locate_order(azi text, fields sincro.arportes); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.erp_locate_order(azi text, fields sincro.arportes) IS 'Step 2 of erp_write_order: the order doc is about, locked (by id_pub, else by tor_chia); a row of nulls when tor_chia is new. Refuses an unknown id_pub (SY200) and an ERP key that belongs to another order or would change (SY202).';


--
-- Name: erp_order_fields(text, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.erp_order_fields(azi text, doc jsonb) RETURNS sincro.arportes
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro_private.erp_order_fields(azi text, doc jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION erp_order_fields(azi text, doc jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.erp_order_fields(azi text, doc jsonb) IS 'Step 1 of erp_write_order: refuses a login writing another company (SY111), an unknown company (SY100), a doc that is not an object, larger than the company allows (SY140), hub-owned (SY103) or unknown fields, fields that are not single values, too long (SY140), do not fit, are NaN or infinity (SY201, naming the field), a doc with neither id_pub nor tor_chia (SY203); returns doc''s header as an arportes row.';


--
-- Name: erp_update_order(sincro.arportes, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.erp_update_order(old sincro.arportes, doc jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro_private.erp_update_order(old sincro.arportes, doc jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION erp_update_order(old sincro.arportes, doc jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.erp_update_order(old sincro.arportes, doc jsonb) IS 'Step 3b of erp_write_order: the ERP acquired or changed a known order: sets what doc carries (lines replaced when sent), ack_gest = 1, a new change number at commit only when data changed; the order''s new customer gets the ERP''s customer code.';


--
-- Name: fill_sql_template(text, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.fill_sql_template(template text, fragments jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_sql text := template;
  v_slot record;
begin
  for v_slot in select f.key, f.value from pg_catalog.jsonb_each_text(fragments) f loop
    v_sql := pg_catalog.replace(v_sql, '{' || v_slot.key || '}', v_slot.value);
  end loop;
  if v_sql ~ '\{[a-z_.]+\}' then
    raise exception 'fill_sql_template: slot % has no value', pg_catalog.substring(v_sql, '\{[a-z_.]+\}');
  end if;
  return v_sql;
end;
$$;


ALTER FUNCTION sincro_private.fill_sql_template(template text, fragments jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION fill_sql_template(template text, fragments jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.fill_sql_template(template text, fragments jsonb) IS 'Replaces each {name} in a SQL template by fragments->>name; refuses a template with a slot left unfilled.';


--
-- Name: fiscal_normalised(text, text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.fiscal_normalised(field text, value text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL, not SQL: a new customer's trigger calls it for each fiscal field, and an SQL function's body is
  -- parsed and planned again at every call from a trigger
  return nullif(
    case when field in ('codice_fiscale', 'sdi_code') then pg_catalog.upper(pg_catalog.btrim(value, E' \t\r\n'))
         else pg_catalog.btrim(value, E' \t\r\n') end,
    '');
end;
$$;


ALTER FUNCTION sincro_private.fiscal_normalised(field text, value text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION fiscal_normalised(field text, value text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.fiscal_normalised(field text, value text) IS 'The stored form of a fiscal field (partita_iva, codice_fiscale, sdi_code, pec): trimmed, upper case for codice fiscale and SDI code, NULL when blank.';


--
-- Name: hmac_key_pads(bytea); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.hmac_key_pads(secret bytea, OUT ipad bytea, OUT opad bytea) RETURNS record
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro_private.hmac_key_pads(secret bytea, OUT ipad bytea, OUT opad bytea) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION hmac_key_pads(secret bytea, OUT ipad bytea, OUT opad bytea); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.hmac_key_pads(secret bytea, OUT ipad bytea, OUT opad bytea) IS 'The HMAC-SHA256 inner and outer keys of a secret (RFC 2104): the key padded to 64 bytes, xor 0x36 and xor 0x5c.';


--
-- Name: hmac_sha256(bytea, bytea, bytea); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.hmac_sha256(ipad bytea, opad bytea, message bytea) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL, not SQL: every delivery calls it, where an SQL function is parsed and planned again
  return (pg_catalog.sha256(opad || pg_catalog.sha256(ipad || message)));
end;
$$;


ALTER FUNCTION sincro_private.hmac_sha256(ipad bytea, opad bytea, message bytea) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION hmac_sha256(ipad bytea, opad bytea, message bytea); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.hmac_sha256(ipad bytea, opad bytea, message bytea) IS 'HMAC-SHA256 of message with the key whose pads hmac_key_pads made.';


--
-- Name: log_order_slice_moves(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.log_order_slice_moves(azi text) RETURNS integer
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  with moved as (
    delete from sincro_private.order_slice_moves m where m.azi = log_order_slice_moves.azi
    returning m.azi, m.id_pub, m.cod_agente)
  select sincro_private.append_slice_log(
    (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', m.azi, 'cod_agente', m.cod_agente, 'entity', 'order',
                                                                'key', pg_catalog.jsonb_build_object('id_pub', m.id_pub)) order by m.id_pub)
     from moved m),
    'moved')
$$;


ALTER FUNCTION sincro_private.log_order_slice_moves(azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION log_order_slice_moves(azi text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.log_order_slice_moves(azi text) IS 'Writes the slice-log entries of the orders of a company noted by tg_arportes__slice_move, and forgets them. Called at commit by assign_pending_id_sincro, which holds the counter.';


--
-- Name: login_limits(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.login_limits(kind text, OUT connection_limit integer, OUT statement_timeout text, OUT lock_timeout text, OUT idle_in_transaction_timeout text) RETURNS record
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select l.connection_limit, l.statement_timeout, l.lock_timeout, l.idle_in_transaction_timeout
  from (values
    ('store', 20, '30s', '10s', '10s'),
    ('app', 2, '30s', '10s', '10s'),
    ('erp', 10, '5min', '30s', '1min'),
    ('worker', 40, '15min', '1min', '5min'),
    ('operator', 5, '30s', '10s', '1min'),
    ('admin', 10, '0', '1min', '10min')
  ) l(kind, connection_limit, statement_timeout, lock_timeout, idle_in_transaction_timeout)
  where l.kind = login_limits.kind
$$;


ALTER FUNCTION sincro_private.login_limits(kind text, OUT connection_limit integer, OUT statement_timeout text, OUT lock_timeout text, OUT idle_in_transaction_timeout text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION login_limits(kind text, OUT connection_limit integer, OUT statement_timeout text, OUT lock_timeout text, OUT idle_in_transaction_timeout text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.login_limits(kind text, OUT connection_limit integer, OUT statement_timeout text, OUT lock_timeout text, OUT idle_in_transaction_timeout text) IS 'Connection limit and statement, lock and idle-in-transaction timeouts that sincro.create_login gives a login of each kind (store, app, erp, operator, worker, admin).';


--
-- Name: longest_field(text[], text[]); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.longest_field(names text[], vals text[], OUT field text, OUT field_length integer) RETURNS record
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select f.name, pg_catalog.length(f.val)
  from rows from (pg_catalog.unnest(names), pg_catalog.unnest(vals)) f(name, val)
  order by pg_catalog.length(f.val) desc nulls last
  limit 1
$$;


ALTER FUNCTION sincro_private.longest_field(names text[], vals text[], OUT field text, OUT field_length integer) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION longest_field(names text[], vals text[], OUT field text, OUT field_length integer); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.longest_field(names text[], vals text[], OUT field text, OUT field_length integer) IS 'The name and length of the longest of the values (names and vals in the same order).';


--
-- Name: may_see_company(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.may_see_company(azi text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  return (
    select coalesce((select l.azi = may_see_company.azi from sincro_private.login l where l.login = session_user), true)
  );
end;
$$;


ALTER FUNCTION sincro_private.may_see_company(azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION may_see_company(azi text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.may_see_company(azi text) IS 'True when this connection may see the company: its own for store/app/ERP logins, all for admin, worker and owner.';


--
-- Name: order_push; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.order_push (
    azi text NOT NULL,
    id_pub bigint NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_attempt_at timestamp with time zone,
    last_error text,
    erp_message text,
    acquired_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    doorbell_rung boolean DEFAULT false NOT NULL,
    CONSTRAINT attempts_is_not_negative CHECK ((attempts >= 0)),
    CONSTRAINT state_is_known CHECK ((state = ANY (ARRAY['pending'::text, 'in_flight'::text, 'acquired'::text, 'rejected'::text, 'resolved'::text])))
);


ALTER TABLE sincro.order_push OWNER TO CURRENT_USER;

--
-- Name: TABLE order_push; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.order_push IS 'Push state of each store/app order towards the ERP: pending, in_flight, acquired, or rejected with the ERP''s message. The source of truth; jobs only ring the bell.';


--
-- Name: COLUMN order_push.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.azi IS 'Company code.';


--
-- Name: COLUMN order_push.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.id_pub IS 'The order.';


--
-- Name: COLUMN order_push.state; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.state IS 'pending (waiting to be pushed), in_flight (a push is calling the ERP), acquired (the ERP has it), rejected (the ERP refused it: see erp_message; not retried), resolved (closed by an operator, with a note in order_events; not pushed again).';


--
-- Name: COLUMN order_push.attempts; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.attempts IS 'Pushes started so far.';


--
-- Name: COLUMN order_push.last_attempt_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.last_attempt_at IS 'When the last push started.';


--
-- Name: COLUMN order_push.last_error; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.last_error IS 'Why the last push failed to reach the ERP (unreachable, timeout, server error).';


--
-- Name: COLUMN order_push.erp_message; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.erp_message IS 'The ERP''s message when it rejected the order.';


--
-- Name: COLUMN order_push.acquired_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.acquired_at IS 'When the ERP''s answer was written back.';


--
-- Name: COLUMN order_push.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.created_at IS 'When the order was queued for the ERP.';


--
-- Name: COLUMN order_push.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.updated_at IS 'Last state change.';


--
-- Name: COLUMN order_push.doorbell_rung; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_push.doorbell_rung IS 'Whether the order has been taken for its first push (by the worker''s dispatcher, sincro.push_take, or a batch, a partial sync) or given a push_order job (sweep, operator). False from the insert until then.';


--
-- Name: operator_order_push(text, bigint); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.operator_order_push(azi text, id_pub bigint) RETURNS sincro.order_push
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_variable
declare
  v_push sincro.order_push;
begin
  select * into v_push from sincro.order_push p
    where p.azi = azi and p.id_pub = id_pub and sincro_private.may_see_company(p.azi)
    for update;
  if not found then
    raise exception using
      errcode = 'SY160',
      message = pg_catalog.format('no order %s of company %s to act on', id_pub, azi),
      hint = 'Only store and app orders of a company your login serves can be retried or resolved.';
  end if;
  return v_push;
end;
$$;


ALTER FUNCTION sincro_private.operator_order_push(azi text, id_pub bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION operator_order_push(azi text, id_pub bigint); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.operator_order_push(azi text, id_pub bigint) IS 'The push row of an order the caller''s login may act on, locked; SY160 when there is none (unknown order, or another company''s). SECURITY DEFINER: reads order_push across row-level security and checks the company itself.';


--
-- Name: push_duration_bounds(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.push_duration_bounds() RETURNS numeric[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select array[0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]::numeric[]
$$;


ALTER FUNCTION sincro_private.push_duration_bounds() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_duration_bounds(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.push_duration_bounds() IS 'The upper bounds (seconds) of sincro_push_duration_seconds'' buckets.';


--
-- Name: push_duration_bucket(numeric); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.push_duration_bucket(seconds numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select coalesce(
    (select b::text from pg_catalog.unnest(sincro_private.push_duration_bounds()) b
     where push_duration_bucket.seconds <= b order by b limit 1),
    '+Inf')
$$;


ALTER FUNCTION sincro_private.push_duration_bucket(seconds numeric) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION push_duration_bucket(seconds numeric); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.push_duration_bucket(seconds numeric) IS 'The smallest bound of the push-duration histogram that seconds does not exceed (le is inclusive), as text; +Inf above the last.';


--
-- Name: raise_bad_field(text, jsonb, anyelement); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.raise_bad_field(context text, doc jsonb, template anyelement) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_key text;
begin
  for v_key in select k from pg_catalog.jsonb_object_keys(doc) k order by k loop
    begin
      perform pg_catalog.jsonb_populate_record(template, pg_catalog.jsonb_build_object(v_key, doc -> v_key));
    exception when data_exception then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('%s: field "%s" has an invalid value (%s)', context, v_key, doc -> v_key),
        detail = sqlerrm,
        hint = 'Send numbers as JSON numbers, dates as YYYY-MM-DD strings, codes as strings.';
    end;
  end loop;
  raise exception using
    errcode = 'SY201',
    message = pg_catalog.format('%s: a field has an invalid value', context);
end;
$$;


ALTER FUNCTION sincro_private.raise_bad_field(context text, doc jsonb, template anyelement) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION raise_bad_field(context text, doc jsonb, template anyelement); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.raise_bad_field(context text, doc jsonb, template anyelement) IS 'Raises SY201 naming the first field of a JSON document that does not fit its column.';


--
-- Name: raise_too_large(text, text, bigint, text, text, bigint); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.raise_too_large(context text, what text, size bigint, azi text, setting text, size_limit bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  raise exception using
    errcode = 'SY140',
    message = pg_catalog.format('%s: %s is %s; company %s allows at most %s (%s)', context, what, size, azi, size_limit, setting),
    hint = pg_catalog.format('Send less, or have an administrator raise the company''s limit: update sincro.apstatosyn set %s = ... where azi = %L.',
                             setting, azi);
end;
$$;


ALTER FUNCTION sincro_private.raise_too_large(context text, what text, size bigint, azi text, setting text, size_limit bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION raise_too_large(context text, what text, size bigint, azi text, setting text, size_limit bigint); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.raise_too_large(context text, what text, size bigint, azi text, setting text, size_limit bigint) IS 'Raises SY140: something is larger than the company''s setting allows, naming the setting to raise.';


--
-- Name: replace_order_lines(text, bigint, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.replace_order_lines(azi text, id_pub bigint, lines jsonb) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
  c_line_keys constant text[] := array[
    'riga', 'articolo', 'descrizione', 'quantita', 'unita_misura', 'prezzo', 'sconto',
    'iva', 'data_consegna', 'note'];
  v_azi constant text := replace_order_lines.azi;
  v_id_pub constant bigint := replace_order_lines.id_pub;
  v_line jsonb;
  v_position integer := 0;
  v_key text;
  v_rows sincro.arporrig[] := '{}';
  v_row sincro.arporrig;
  v_deleted integer;
  v_written integer;
  v_max_lines integer;
begin
  -- validate
  if lines is null or pg_catalog.jsonb_typeof(lines) <> 'array' or pg_catalog.jsonb_array_length(lines) = 0 then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: "lines" must be a non-empty array of line objects',
      hint = 'Send every line of the order: the list replaces the lines the hub holds.';
  end if;
  select c.max_lines_per_order into v_max_lines from sincro_private.company c where c.azi = v_azi;
  if pg_catalog.jsonb_array_length(lines) > v_max_lines then
    perform sincro_private.raise_too_large('erp_write_order', 'the number of lines', pg_catalog.jsonb_array_length(lines),
                                           v_azi, 'max_lines_per_order', v_max_lines);
  end if;
  for v_line in select * from pg_catalog.jsonb_array_elements(lines) loop
    v_position := v_position + 1;
    if pg_catalog.jsonb_typeof(v_line) <> 'object' then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: lines[%s] must be an object', v_position);
    end if;
    for v_key in select k from pg_catalog.jsonb_object_keys(v_line) k loop
      if not v_key = any (c_line_keys) then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('erp_write_order: lines[%s] has unknown field "%s"', v_position, v_key),
          hint = pg_catalog.format('Line fields: %s.', pg_catalog.array_to_string(c_line_keys, ', '));
      elsif pg_catalog.jsonb_typeof(v_line -> v_key) in ('object', 'array') then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('erp_write_order: lines[%s] field "%s" must be a string, a number or null (got a JSON %s)',
                                      v_position, v_key, pg_catalog.jsonb_typeof(v_line -> v_key));
      end if;
    end loop;
    begin
      v_row := pg_catalog.jsonb_populate_record(null::sincro.arporrig, v_line);
    exception when data_exception then
      perform sincro_private.raise_bad_field(pg_catalog.format('erp_write_order: lines[%s]', v_position), v_line, null::sincro.arporrig);
    end;
    v_row.azi := v_azi;
    v_row.id_pub := v_id_pub;
    v_row.riga := coalesce(v_row.riga, v_position);
    v_row.prezzo := coalesce(v_row.prezzo, 0);
    v_row.sconto := coalesce(v_row.sconto, 0);
    v_rows := v_rows || v_row;
  end loop;
  if (select count(distinct r.riga) from pg_catalog.unnest(v_rows) r) <> pg_catalog.cardinality(v_rows) then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: two lines have the same "riga"',
      hint = 'Give each line its own riga, or omit riga on all lines to number them by position.';
  end if;

  -- apply
  delete from sincro.arporrig r
    where r.azi = v_azi and r.id_pub = v_id_pub
      and r.riga <> all (select n.riga from pg_catalog.unnest(v_rows) n);
  get diagnostics v_deleted = row_count;

  insert into sincro.arporrig as r
    (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  select n.azi, n.id_pub, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto,
         n.iva, n.data_consegna, n.note
  from pg_catalog.unnest(v_rows) n
  order by n.riga
  on conflict (azi, id_pub, riga) do update
    set articolo = excluded.articolo, descrizione = excluded.descrizione, quantita = excluded.quantita,
        unita_misura = excluded.unita_misura, prezzo = excluded.prezzo, sconto = excluded.sconto,
        iva = excluded.iva, data_consegna = excluded.data_consegna, note = excluded.note,
        updated_at = now()
    where (r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva, r.data_consegna, r.note)
      is distinct from
      (excluded.articolo, excluded.descrizione, excluded.quantita, excluded.unita_misura, excluded.prezzo,
       excluded.sconto, excluded.iva, excluded.data_consegna, excluded.note);
  get diagnostics v_written = row_count;

  return v_deleted + v_written > 0;
end;
$$;


ALTER FUNCTION sincro_private.replace_order_lines(azi text, id_pub bigint, lines jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION replace_order_lines(azi text, id_pub bigint, lines jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.replace_order_lines(azi text, id_pub bigint, lines jsonb) IS 'Makes the lines of an order equal to the ERP''s JSON list (delete, insert, update only what differs); returns whether anything changed.';


--
-- Name: reslice_customers(jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.reslice_customers(moves jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_entries jsonb;
begin
  -- the rows follow their customer
  update sincro.particolarita p set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where p.azi = m.azi and p.cod_cli = m.cod_cli and p.slice_agente is distinct from m.to_agente;
  update sincro.partite_aperte o set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where o.azi = m.azi and o.cod_cli = m.cod_cli and o.slice_agente is distinct from m.to_agente;
  update sincro.fidi f set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where f.azi = m.azi and f.cod_cli = m.cod_cli and f.slice_agente is distinct from m.to_agente;
  update sincro.documenti d set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where d.azi = m.azi and d.cliente_cod = m.cod_cli and d.slice_agente is distinct from m.to_agente;

  -- the devices of both agents look at them again
  select coalesce(pg_catalog.jsonb_agg(x.v order by m.n, s.side, x.n), '[]') into v_entries
  from pg_catalog.jsonb_array_elements(moves) with ordinality m(v, n)
  cross join lateral (values (1, m.v ->> 'from_agente', true), (2, m.v ->> 'to_agente', false)) s(side, agent, with_customer)
  cross join lateral pg_catalog.jsonb_array_elements(
    case when s.agent is null then '[]'::jsonb
         else sincro_private.customer_slice_entries(m.v ->> 'azi', m.v ->> 'cod_cli', s.agent, s.with_customer) end)
    with ordinality x(v, n);
  perform sincro_private.append_slice_log(v_entries, 'reassigned');
end;
$$;


ALTER FUNCTION sincro_private.reslice_customers(moves jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION reslice_customers(moves jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.reslice_customers(moves jsonb) IS 'Customers changed agent ([{"azi","cod_cli","from_agente","to_agente"}]): moves their rows'' slice_agente and logs every row for both agents'' devices.';


--
-- Name: restore_party(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.restore_party(previous text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  perform pg_catalog.set_config('sincro.party', coalesce(previous, ''), true);
end;
$$;


ALTER FUNCTION sincro_private.restore_party(previous text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION restore_party(previous text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.restore_party(previous text) IS 'Puts back the sincro.party setting that set_party returned.';


--
-- Name: ring_dispatcher(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.ring_dispatcher() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- (1397313091, 1): 'SINC', the dispatcher's doze; shared locks never conflict with each other
  if not pg_catalog.pg_try_advisory_xact_lock_shared(1397313091, 1) then
    perform pg_catalog.pg_notify('sincro_dispatch', '');
  end if;
end;
$$;


ALTER FUNCTION sincro_private.ring_dispatcher() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION ring_dispatcher(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.ring_dispatcher() IS 'Called where new work for the worker''s dispatcher is written (an order''s push record, a webhook delivery): sends NOTIFY sincro_dispatch at commit, once per transaction, only while a dispatcher dozes (it holds the doze lock); otherwise takes the doze lock in share mode to the commit, so that no dispatcher starts dozing before this work is visible.';


--
-- Name: roll_sync_period(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.roll_sync_period(azi text) RETURNS date
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_company sincro_private.company;
  v_start date;
begin
  select * into v_company from sincro_private.company c where c.azi = roll_sync_period.azi for no key update;
  v_start := sincro_private.current_period_start(v_company.sync_period_start, v_company.sync_period, current_date);
  if v_start <> v_company.sync_period_start then
    update sincro_private.company c set sync_period_start = v_start, sync_used = 0 where c.azi = roll_sync_period.azi;
  end if;
  return v_start;
end;
$$;


ALTER FUNCTION sincro_private.roll_sync_period(azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION roll_sync_period(azi text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.roll_sync_period(azi text) IS 'Moves a company to its current contract period (usage back to 0 when a period has ended) and returns the period''s first day. Locks the company row.';


--
-- Name: session_agent(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.session_agent() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  return (
    select l.cod_agente from sincro_private.login l where l.login = session_user
  );
end;
$$;


ALTER FUNCTION sincro_private.session_agent() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION session_agent(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.session_agent() IS 'Sales agent of this connection''s app login, for row-level security policies. SECURITY DEFINER to read the login table.';


--
-- Name: session_agents(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.session_agents() RETURNS text[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  return (
    select case
      when l.cod_agente is null then '{}'::text[]
      else array[l.cod_agente] || coalesce(
        (select pg_catalog.array_agg(a.cod_agente order by a.cod_agente)
         from sincro.agenti a
         where a.azi = l.azi and a.cod_supervisore = l.cod_agente and not a.deleted and a.cod_agente <> l.cod_agente),
        '{}')
    end
    from sincro_private.login l
    where l.login = session_user and l.kind = 'app'
  );
end;
$$;


ALTER FUNCTION sincro_private.session_agents() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION session_agents(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.session_agents() IS 'The agents whose slice this app login sees: its own cod_agente and the agents it supervises ({} for an app login without an agent, NULL for other logins). SECURITY DEFINER to read the login table.';


--
-- Name: session_company(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.session_company() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  return (
    select l.azi from sincro_private.login l where l.login = session_user
  );
end;
$$;


ALTER FUNCTION sincro_private.session_company() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION session_company(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.session_company() IS 'Company of this connection''s login, for row-level security policies. SECURITY DEFINER to read the login table.';


--
-- Name: session_device(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.session_device() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  return (
    select l.prov_id from sincro_private.login l where l.login = session_user
  );
end;
$$;


ALTER FUNCTION sincro_private.session_device() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION session_device(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.session_device() IS 'Device ID of this connection''s app login, for row-level security policies. SECURITY DEFINER to read the login table.';


--
-- Name: session_history_from(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.session_history_from() RETURNS date
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  return (
    select c.device_history_from
    from sincro_private.login l join sincro_private.company c on c.azi = l.azi
    where l.login = session_user
  );
end;
$$;


ALTER FUNCTION sincro_private.session_history_from() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION session_history_from(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.session_history_from() IS 'First day of the device history window of this login''s company (orders and documents dated before it are out of every device''s slice). SECURITY DEFINER to read the company table.';


--
-- Name: login; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.login (
    azi text NOT NULL,
    login name NOT NULL,
    kind text NOT NULL,
    prov_id text,
    cod_agente text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT cod_agente_only_for_app CHECK (((kind = 'app'::text) OR (cod_agente IS NULL))),
    CONSTRAINT kind_is_company_bound CHECK ((kind = ANY (ARRAY['store'::text, 'app'::text, 'erp'::text, 'operator'::text]))),
    CONSTRAINT prov_id_only_for_app CHECK (((kind = 'app'::text) = (prov_id IS NOT NULL)))
);


ALTER TABLE sincro_private.login OWNER TO CURRENT_USER;

--
-- Name: TABLE login; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.login IS 'Database logins bound to a company: the party (store, app, erp) or a company''s console operator, and for an app its device and agent. Written by sincro.create_login.';


--
-- Name: COLUMN login.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.login.azi IS 'Company the login may see and write.';


--
-- Name: COLUMN login.login; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.login.login IS 'The login role''s name (session_user when it connects).';


--
-- Name: COLUMN login.kind; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.login.kind IS 'store, app or erp.';


--
-- Name: COLUMN login.prov_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.login.prov_id IS 'For an app login: the device ID it writes as prov_id.';


--
-- Name: COLUMN login.cod_agente; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.login.cod_agente IS 'For an app login: the sales agent whose ERP-made orders the device may read.';


--
-- Name: COLUMN login.created_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.login.created_at IS 'When the login was created.';


--
-- Name: session_login(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.session_login() RETURNS sincro_private.login
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_login sincro_private.login;
begin
  select l.* into v_login from sincro_private.login l where l.login = session_user;
  return v_login;
end;
$$;


ALTER FUNCTION sincro_private.session_login() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION session_login(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.session_login() IS 'The company-bound login of this connection (by session_user), or NULL. SECURITY DEFINER to read the login table.';


--
-- Name: set_party(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.set_party(party text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_previous text := coalesce(pg_catalog.current_setting('sincro.party', true), '');
begin
  perform pg_catalog.set_config('sincro.party',
    case when coalesce(party, '') = '' then ''
         else party || ':' || (select p.secret from sincro_private.party_secret p) end,
    true);
  return v_previous;
end;
$$;


ALTER FUNCTION sincro_private.set_party(party text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION set_party(party text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.set_party(party text) IS 'Claims an acting party (G, H) for the rest of the transaction, with the hub''s secret; returns the previous raw setting for restore_party.';


--
-- Name: shown(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.shown(value text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  return case when value is null then 'NULL'
              when pg_catalog.length(value) <= 40 then pg_catalog.quote_literal(value)
              else pg_catalog.quote_literal(pg_catalog.left(value, 40)) || pg_catalog.format('... (%s characters)', pg_catalog.length(value)) end;
end;
$$;


ALTER FUNCTION sincro_private.shown(value text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION shown(value text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.shown(value text) IS 'A value for an error message: quoted, at most 40 characters of it.';


--
-- Name: store_address(jsonb, text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_address(address jsonb, platform text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (case when pg_catalog.jsonb_typeof(address) = 'object' then pg_catalog.jsonb_build_object(
    'ragione_sociale', coalesce(sincro_private.store_blank_null(address ->> 'company'),
                                sincro_private.store_blank_null(pg_catalog.concat_ws(' ', sincro_private.store_blank_null(address ->> 'first_name'),
                                                                                     sincro_private.store_blank_null(address ->> 'last_name')))),
    'indirizzo', sincro_private.store_blank_null(pg_catalog.concat_ws(' ',
                   sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'address_1' else 'address1' end),
                   sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'address_2' else 'address2' end))),
    'cap', sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'postcode' else 'zip' end),
    'citta', sincro_private.store_blank_null(address ->> 'city'),
    'provincia', sincro_private.store_blank_null(address ->> case platform when 'woocommerce' then 'state' else 'province_code' end),
    'nazione', sincro_private.store_blank_null(pg_catalog.upper(address ->> case platform when 'woocommerce' then 'country' else 'country_code' end)),
    'telefono', sincro_private.store_blank_null(address ->> 'phone'))
  end);
end;
$$;


ALTER FUNCTION sincro_private.store_address(address jsonb, platform text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_address(address jsonb, platform text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_address(address jsonb, platform text) IS 'A WooCommerce (billing, shipping) or Shopify (billing_address, shipping_address) address as ragione_sociale (company, else first and last name), indirizzo, cap, citta, provincia, nazione, telefono.';


--
-- Name: store_blank_null(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_blank_null(value text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (nullif(pg_catalog.btrim(value), ''));
end;
$$;


ALTER FUNCTION sincro_private.store_blank_null(value text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_blank_null(value text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_blank_null(value text) IS 'Trimmed text, NULL when blank.';


--
-- Name: store_check_fiscal(jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_check_fiscal(customer jsonb) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v_problem text;
  v_cf text := customer ->> 'codice_fiscale';
begin
  if customer ->> 'partita_iva' is not null then
    v_problem := sincro.partita_iva_problem(customer ->> 'partita_iva');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer partita IVA %s: %s', sincro_private.shown(customer ->> 'partita_iva'), v_problem));
    end if;
  end if;
  if v_cf is not null then
    -- a company's codice fiscale is its 11-digit partita IVA number
    v_problem := case when v_cf ~ '^[0-9]{11}$' then sincro.partita_iva_problem(v_cf) else sincro.codice_fiscale_problem(v_cf) end;
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer codice fiscale %s: %s', sincro_private.shown(v_cf), v_problem));
    end if;
  end if;
  if customer ->> 'sdi' is not null then
    v_problem := sincro.sdi_code_problem(customer ->> 'sdi');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer SDI code %s: %s', sincro_private.shown(customer ->> 'sdi'), v_problem));
    end if;
  end if;
  if customer ->> 'pec' is not null then
    v_problem := sincro.pec_problem(customer ->> 'pec');
    if v_problem is not null then
      perform sincro_private.store_refuse(pg_catalog.format('customer PEC %s: %s', sincro_private.shown(customer ->> 'pec'), v_problem));
    end if;
  end if;
end;
$_$;


ALTER FUNCTION sincro_private.store_check_fiscal(customer jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_check_fiscal(customer jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_check_fiscal(customer jsonb) IS 'SY173 when a customer''s partita IVA, codice fiscale (16 characters, or 11 digits for a company), SDI code or PEC fails the hub''s fiscal checks.';


--
-- Name: store_default_settings(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_default_settings() RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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


ALTER FUNCTION sincro_private.store_default_settings() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_default_settings(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_default_settings() IS 'Every store setting and its default: article codes for shipping and fee lines, the natura code of 0 % VAT lines, WooCommerce statuses that make an order, keys of the Italian fiscal fields, payment codes, status back (WooCommerce status, Shopify tag).';


--
-- Name: store_enqueue_inbox(bigint); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_enqueue_inbox(inbox_id bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  update sincro_private.store_inbox i set doorbell_rung = true where i.inbox_id = store_enqueue_inbox.inbox_id and not i.doorbell_rung;
  select null from graphile_worker.add_job(
    identifier := 'store_inbox_apply',
    payload := pg_catalog.json_build_object('inbox_id', inbox_id),
    job_key := 'store_inbox:' || inbox_id,
    max_attempts := 25)
$$;


ALTER FUNCTION sincro_private.store_enqueue_inbox(inbox_id bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_enqueue_inbox(inbox_id bigint); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_enqueue_inbox(inbox_id bigint) IS 'Rings the worker for one inbox row: job store_inbox_apply, key store_inbox:<inbox_id>; marks the row rung. SECURITY DEFINER: the job queue is the owner''s.';


--
-- Name: store_inbox_ring(text, integer, interval, boolean); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_inbox_ring(azi text, per_job integer, grace interval, holder boolean) RETURNS graphile_worker.job_spec
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET enable_sort TO 'off'
    SET enable_incremental_sort TO 'off'
    SET jit TO 'off'
    AS $$
#variable_conflict use_variable
declare
  v_ids bigint[];
  v_key text;
begin
  select pg_catalog.array_agg(p.inbox_id order by p.received_at, p.inbox_id) into v_ids
  from (select i.inbox_id, i.received_at
        from sincro_private.store_inbox i
        where i.azi = azi and i.state = 'received' and not i.doorbell_rung and i.received_at <= now() - grace
        order by i.received_at, i.inbox_id
        limit per_job
        for update skip locked) p;
  if v_ids is null then
    return null;
  end if;
  v_key := 'store_inbox:' || v_ids[1] || '+' || pg_catalog.cardinality(v_ids);
  if holder then
    insert into sincro_private.store_inbox_gate as g (azi, job_key, rung_at) values (azi, v_key, now())
      on conflict on constraint store_inbox_gate_pkey do update set job_key = excluded.job_key, rung_at = excluded.rung_at;
  else
    insert into sincro_private.store_inbox_gate as g (azi, job_key, rung_at) values (azi, v_key, now())
      on conflict on constraint store_inbox_gate_pkey do update set job_key = excluded.job_key, rung_at = excluded.rung_at
      where g.rung_at <= now() - interval '10 seconds';
    if not found then
      return null;  -- another job of the company is under way: its chain takes these rows
    end if;
  end if;
  update sincro_private.store_inbox i set doorbell_rung = true where i.inbox_id = any (v_ids);
  return row('store_inbox_apply'::text, pg_catalog.json_build_object('inbox_ids', v_ids), null::text, null::timestamptz,
             25::smallint, v_key, null::smallint, null::text[])::graphile_worker.job_spec;
end;
$$;


ALTER FUNCTION sincro_private.store_inbox_ring(azi text, per_job integer, grace interval, holder boolean) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_inbox_ring(azi text, per_job integer, grace interval, holder boolean); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_inbox_ring(azi text, per_job integer, grace interval, holder boolean) IS 'One store_inbox_apply job''s spec for a company: up to per_job of its received, unrung deliveries older than grace (marked rung), with the company''s gate taken (if free, or always when holder); NULL when none or the gate is held. SECURITY DEFINER: the inbox is the owner''s.';


--
-- Name: store_map_shopify(jsonb, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_map_shopify(payload jsonb, settings jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v_keys constant jsonb := settings -> 'fiscal_keys';
  v_item record;
  v_lines jsonb := '[]';
  v_what text;
  v_qty numeric;
  v_price numeric;
  v_discount numeric;
  v_rate numeric;
  v_billing jsonb := coalesce(sincro_private.store_address(payload -> 'billing_address', 'shopify'),
                              sincro_private.store_address(payload -> 'customer' -> 'default_address', 'shopify'), '{}');
  v_shipping jsonb := sincro_private.store_address(payload -> 'shipping_address', 'shopify');
  v_customer jsonb;
  v_coupons text;
  v_date text := payload ->> 'created_at';
begin
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'line_items', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('line_items[%s] (%s)', v_item.n - 1, sincro_private.shown(coalesce(v_item.value ->> 'name', v_item.value ->> 'title')));
    if sincro_private.store_blank_null(v_item.value ->> 'sku') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has no SKU', v_what), 'Each product needs a SKU: it is the ERP''s article code.');
    end if;
    v_qty := sincro_private.store_number(v_item.value -> 'quantity', v_what || ' quantity');
    if v_qty <= 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s quantity must be positive (got %s)', v_what, v_qty));
    end if;
    v_price := sincro_private.store_number(v_item.value -> 'price', v_what || ' price');
    select coalesce(sum(sincro_private.store_number(d.value -> 'amount', v_what || ' discount_allocations amount')), 0) into v_discount
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'discount_allocations', '[]')) d(value);
    if v_discount = 0 then
      v_discount := sincro_private.store_number(v_item.value -> 'total_discount', v_what || ' total_discount', 0);
    end if;
    select coalesce(sum(sincro_private.store_number(t.value -> 'rate', v_what || ' tax_lines rate')), 0) * 100 into v_rate
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'tax_lines', '[]')) t(value);
    if v_price < 0 or v_discount < 0 or v_discount > v_price * v_qty then
      perform sincro_private.store_refuse(pg_catalog.format('%s amounts do not add up (price %s, discount %s)', v_what, v_price, v_discount));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', pg_catalog.btrim(v_item.value ->> 'sku'),
      'descrizione', sincro_private.store_blank_null(coalesce(v_item.value ->> 'name', v_item.value ->> 'title')),
      'quantita', v_qty,
      'prezzo', v_price,
      'sconto', case when v_price > 0 then pg_catalog.round(v_discount / (v_price * v_qty) * 100, 2) else 0 end,
      'iva', sincro_private.store_vat_code(v_rate, settings, v_what));
  end loop;
  if pg_catalog.jsonb_array_length(v_lines) = 0 then
    perform sincro_private.store_refuse('the order has no line_items');
  end if;

  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'shipping_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('shipping_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'title'));
    v_price := sincro_private.store_number(coalesce(v_item.value -> 'discounted_price', v_item.value -> 'price'), v_what || ' price');
    continue when v_price = 0;
    if v_price < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s price is negative (%s)', v_what, v_price));
    end if;
    select coalesce(sum(sincro_private.store_number(t.value -> 'rate', v_what || ' tax_lines rate')), 0) * 100 into v_rate
    from pg_catalog.jsonb_array_elements(coalesce(v_item.value -> 'tax_lines', '[]')) t(value);
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'shipping_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'title'),
      'quantita', 1, 'prezzo', v_price, 'sconto', 0, 'iva', sincro_private.store_vat_code(v_rate, settings, v_what));
  end loop;

  select pg_catalog.string_agg(c.value ->> 'code', ', ' order by c.n) into v_coupons
  from pg_catalog.jsonb_array_elements(coalesce(payload -> 'discount_codes', '[]')) with ordinality c(value, n);

  v_customer := v_billing || pg_catalog.jsonb_build_object(
    'platform_id', payload -> 'customer' ->> 'id',
    'email', sincro_private.store_blank_null(pg_catalog.lower(coalesce(payload ->> 'email', payload -> 'customer' ->> 'email'))),
    'telefono', coalesce(v_billing ->> 'telefono', sincro_private.store_blank_null(payload ->> 'phone')),
    'codice_fiscale', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'codice_fiscale', 'name')),
    'partita_iva', sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'partita_iva', 'name'),
    'pec', sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'pec', 'name'),
    'sdi', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'note_attributes', v_keys -> 'sdi', 'name')));

  if v_date is null or v_date !~ '^\d{4}-\d{2}-\d{2}' then
    perform sincro_private.store_refuse(pg_catalog.format('created_at is missing or not a date (got %s)', sincro_private.shown(v_date)));
  end if;
  if coalesce(pg_catalog.upper(payload ->> 'currency'), '') !~ '^[A-Z]{3}$' then
    perform sincro_private.store_refuse(pg_catalog.format('currency is missing or not an ISO 4217 code (got %s)', sincro_private.shown(payload ->> 'currency')));
  end if;

  return pg_catalog.jsonb_build_object(
    'order_id', payload ->> 'id',
    'number', coalesce(sincro_private.store_blank_null(payload ->> 'name'), payload ->> 'order_number', payload ->> 'id'),
    'data_ordine', pg_catalog.substr(v_date, 1, 10),
    'currency', pg_catalog.upper(payload ->> 'currency'),
    'note', sincro_private.store_blank_null(payload ->> 'note'),
    'coupons', v_coupons,
    'payment', sincro_private.store_blank_null(payload -> 'payment_gateway_names' ->> 0),
    'payment_title', sincro_private.store_blank_null(payload -> 'payment_gateway_names' ->> 0),
    'totale_documento', sincro_private.store_number(payload -> 'total_price', 'total_price'),
    'totale_iva', sincro_private.store_number(payload -> 'total_tax', 'total_tax', 0),
    'customer', v_customer,
    'dest', case when v_shipping ->> 'indirizzo' is not null then v_shipping end,
    'lines', v_lines);
end;
$_$;


ALTER FUNCTION sincro_private.store_map_shopify(payload jsonb, settings jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_map_shopify(payload jsonb, settings jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_map_shopify(payload jsonb, settings jsonb) IS 'A Shopify REST Admin order as the neutral order store_inbox_apply writes (docs/stores.md, field by field); SY173 when it cannot be mapped faithfully.';


--
-- Name: store_map_woocommerce(jsonb, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_map_woocommerce(payload jsonb, settings jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v_gross constant boolean := coalesce((payload ->> 'prices_include_tax')::boolean, false);
  v_keys constant jsonb := settings -> 'fiscal_keys';
  v_item record;
  v_lines jsonb := '[]';
  v_what text;
  v_qty numeric;
  v_subtotal numeric;
  v_subtotal_tax numeric;
  v_total numeric;
  v_total_tax numeric;
  v_billing jsonb := sincro_private.store_address(payload -> 'billing', 'woocommerce');
  v_shipping jsonb := sincro_private.store_address(payload -> 'shipping', 'woocommerce');
  v_customer jsonb;
  v_coupons text;
  v_number text := coalesce(sincro_private.store_blank_null(payload ->> 'number'), payload ->> 'id');
  v_date text := payload ->> 'date_created';
begin
  -- products
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'line_items', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('line_items[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'name'));
    if sincro_private.store_blank_null(v_item.value ->> 'sku') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has no SKU', v_what), 'Each product needs a SKU: it is the ERP''s article code.');
    end if;
    v_qty := sincro_private.store_number(v_item.value -> 'quantity', v_what || ' quantity');
    if v_qty <= 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s quantity must be positive (got %s)', v_what, v_qty));
    end if;
    v_subtotal := sincro_private.store_number(v_item.value -> 'subtotal', v_what || ' subtotal');
    v_subtotal_tax := sincro_private.store_number(v_item.value -> 'subtotal_tax', v_what || ' subtotal_tax', 0);
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    if v_subtotal < 0 or v_total < 0 or v_total > v_subtotal then
      perform sincro_private.store_refuse(pg_catalog.format('%s amounts do not add up (subtotal %s, total %s)', v_what, v_subtotal, v_total));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', pg_catalog.btrim(v_item.value ->> 'sku'),
      'descrizione', sincro_private.store_blank_null(v_item.value ->> 'name'),
      'quantita', v_qty,
      'prezzo', pg_catalog.round(case when v_gross then v_subtotal + v_subtotal_tax else v_subtotal end / v_qty, 4),
      'sconto', case when v_subtotal > 0 then pg_catalog.round((v_subtotal - v_total) / v_subtotal * 100, 2) else 0 end,
      'iva', sincro_private.store_vat_code(case when v_subtotal > 0 then v_subtotal_tax / v_subtotal * 100 else 0 end, settings, v_what));
  end loop;
  if pg_catalog.jsonb_array_length(v_lines) = 0 then
    perform sincro_private.store_refuse('the order has no line_items');
  end if;

  -- shipping and fees, as lines of their configured articles
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'shipping_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('shipping_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'method_title'));
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    continue when v_total = 0;
    if v_total < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s total is negative (%s)', v_what, v_total));
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'shipping_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'method_title'),
      'quantita', 1, 'prezzo', case when v_gross then v_total + v_total_tax else v_total end, 'sconto', 0,
      'iva', sincro_private.store_vat_code(v_total_tax / v_total * 100, settings, v_what));
  end loop;
  for v_item in select value, n from pg_catalog.jsonb_array_elements(coalesce(payload -> 'fee_lines', '[]')) with ordinality t(value, n) loop
    v_what := pg_catalog.format('fee_lines[%s] (%s)', v_item.n - 1, sincro_private.shown(v_item.value ->> 'name'));
    v_total := sincro_private.store_number(v_item.value -> 'total', v_what || ' total');
    v_total_tax := sincro_private.store_number(v_item.value -> 'total_tax', v_what || ' total_tax', 0);
    continue when v_total = 0;
    if v_total < 0 then
      perform sincro_private.store_refuse(pg_catalog.format('%s is a negative fee (%s): a discount the ERP cannot take as a line', v_what, v_total),
        'Give discounts as coupons, which WooCommerce spreads over the lines.');
    end if;
    v_lines := v_lines || pg_catalog.jsonb_build_object(
      'articolo', settings ->> 'fee_article', 'descrizione', sincro_private.store_blank_null(v_item.value ->> 'name'),
      'quantita', 1, 'prezzo', case when v_gross then v_total + v_total_tax else v_total end, 'sconto', 0,
      'iva', sincro_private.store_vat_code(v_total_tax / v_total * 100, settings, v_what));
  end loop;

  -- coupons: already spread over the lines' totals; their codes go in the note
  select pg_catalog.string_agg(c.value ->> 'code', ', ' order by c.n) into v_coupons
  from pg_catalog.jsonb_array_elements(coalesce(payload -> 'coupon_lines', '[]')) with ordinality c(value, n);

  -- the customer
  v_customer := v_billing || pg_catalog.jsonb_build_object(
    'platform_id', nullif(nullif(payload ->> 'customer_id', '0'), ''),
    'email', sincro_private.store_blank_null(pg_catalog.lower(payload -> 'billing' ->> 'email')),
    'codice_fiscale', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'codice_fiscale', 'key')),
    'partita_iva', sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'partita_iva', 'key'),
    'pec', sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'pec', 'key'),
    'sdi', pg_catalog.upper(sincro_private.store_pair_value(payload -> 'meta_data', v_keys -> 'sdi', 'key')));

  if v_date is null or v_date !~ '^\d{4}-\d{2}-\d{2}' then
    perform sincro_private.store_refuse(pg_catalog.format('date_created is missing or not a date (got %s)', sincro_private.shown(v_date)));
  end if;
  if coalesce(pg_catalog.upper(payload ->> 'currency'), '') !~ '^[A-Z]{3}$' then
    perform sincro_private.store_refuse(pg_catalog.format('currency is missing or not an ISO 4217 code (got %s)', sincro_private.shown(payload ->> 'currency')));
  end if;

  return pg_catalog.jsonb_build_object(
    'order_id', payload ->> 'id',
    'number', v_number,
    'data_ordine', pg_catalog.substr(v_date, 1, 10),
    'currency', pg_catalog.upper(payload ->> 'currency'),
    'note', sincro_private.store_blank_null(payload ->> 'customer_note'),
    'coupons', v_coupons,
    'payment', sincro_private.store_blank_null(payload ->> 'payment_method'),
    'payment_title', sincro_private.store_blank_null(payload ->> 'payment_method_title'),
    'totale_documento', sincro_private.store_number(payload -> 'total', 'total'),
    'totale_iva', sincro_private.store_number(payload -> 'total_tax', 'total_tax', 0),
    'customer', v_customer,
    'dest', case when v_shipping ->> 'indirizzo' is not null then v_shipping end,
    'lines', v_lines);
end;
$_$;


ALTER FUNCTION sincro_private.store_map_woocommerce(payload jsonb, settings jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_map_woocommerce(payload jsonb, settings jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_map_woocommerce(payload jsonb, settings jsonb) IS 'A WooCommerce REST v3 order as the neutral order store_inbox_apply writes (docs/stores.md, field by field); SY173 when it cannot be mapped faithfully.';


--
-- Name: store_number(jsonb, text, numeric); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_number(value jsonb, what text, if_missing numeric DEFAULT NULL::numeric) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v numeric;
begin
  if value is null or value = 'null'::jsonb or (pg_catalog.jsonb_typeof(value) = 'string' and pg_catalog.btrim(value #>> '{}') = '') then
    if if_missing is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s is missing', what));
    end if;
    return if_missing;
  end if;
  if pg_catalog.jsonb_typeof(value) not in ('number', 'string') or (value #>> '{}') !~ '^\s*-?[0-9]+(\.[0-9]+)?\s*$' then
    perform sincro_private.store_refuse(pg_catalog.format('%s is not a number (got %s)', what, sincro_private.shown(value #>> '{}')));
  end if;
  v := (value #>> '{}')::numeric;
  return v;
end;
$_$;


ALTER FUNCTION sincro_private.store_number(value jsonb, what text, if_missing numeric) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_number(value jsonb, what text, if_missing numeric); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_number(value jsonb, what text, if_missing numeric) IS 'A decimal from an order field (JSON number or numeric string); SY173 naming the field otherwise; if_missing when absent (SY173 when if_missing is NULL).';


--
-- Name: store_order_identity(text, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_order_identity(platform text, payload jsonb, OUT platform_order_id text, OUT modified_at timestamp with time zone) RETURNS record
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  if pg_catalog.jsonb_typeof(payload) <> 'object' or pg_catalog.jsonb_typeof(payload -> 'id') not in ('number', 'string') then
    return;
  end if;
  platform_order_id := payload ->> 'id';
  if pg_catalog.length(platform_order_id) > 40 then
    platform_order_id := null;
    return;
  end if;
  begin
    modified_at := case platform
      when 'woocommerce' then (nullif(payload ->> 'date_modified_gmt', '') || 'Z')::timestamptz
      else (payload ->> 'updated_at')::timestamptz end;
  exception when others then
    modified_at := null;  -- the worker refuses the order and says why
  end;
end;
$$;


ALTER FUNCTION sincro_private.store_order_identity(platform text, payload jsonb, OUT platform_order_id text, OUT modified_at timestamp with time zone) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_order_identity(platform text, payload jsonb, OUT platform_order_id text, OUT modified_at timestamp with time zone); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_order_identity(platform text, payload jsonb, OUT platform_order_id text, OUT modified_at timestamp with time zone) IS 'The platform order ID (id) and modification time (WooCommerce date_modified_gmt, Shopify updated_at) of an order payload; NULLs when absent or unreadable.';


--
-- Name: store_order_status(text, jsonb, jsonb); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_order_status(platform text, payload jsonb, settings jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (case platform
    when 'woocommerce' then pg_catalog.jsonb_build_object(
      'status', payload ->> 'status',
      'accept', coalesce(settings -> 'accept_statuses' ? (payload ->> 'status'), false),
      'cancelled', coalesce(payload ->> 'status' in ('cancelled', 'trash', 'failed'), false),
      'refunded', coalesce(payload ->> 'status' = 'refunded', false)
                  or coalesce(pg_catalog.jsonb_typeof(payload -> 'refunds') = 'array' and pg_catalog.jsonb_array_length(payload -> 'refunds') > 0, false))
    else pg_catalog.jsonb_build_object(
      'status', coalesce(payload ->> 'financial_status', 'unknown'),
      'accept', payload ->> 'cancelled_at' is null,
      'cancelled', payload ->> 'cancelled_at' is not null,
      'refunded', coalesce(payload ->> 'financial_status' in ('refunded', 'partially_refunded'), false))
  end);
end;
$$;


ALTER FUNCTION sincro_private.store_order_status(platform text, payload jsonb, settings jsonb) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_order_status(platform text, payload jsonb, settings jsonb); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_order_status(platform text, payload jsonb, settings jsonb) IS 'The shop''s status of an order payload: status, accept (it makes an order), cancelled, refunded (docs/stores.md, Updates).';


--
-- Name: store_pair_value(jsonb, jsonb, text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_pair_value(pairs jsonb, keys jsonb, key_field text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (select sincro_private.store_blank_null(p.value ->> 'value')
  from pg_catalog.jsonb_array_elements(case when pg_catalog.jsonb_typeof(pairs) = 'array' then pairs else '[]'::jsonb end)
         with ordinality p(value, n)
  join pg_catalog.jsonb_array_elements_text(keys) with ordinality k(key, rank) on k.key = p.value ->> key_field
  where pg_catalog.jsonb_typeof(p.value -> 'value') in ('string', 'number')
    and sincro_private.store_blank_null(p.value ->> 'value') is not null
  order by k.rank, p.n
  limit 1);
end;
$$;


ALTER FUNCTION sincro_private.store_pair_value(pairs jsonb, keys jsonb, key_field text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_pair_value(pairs jsonb, keys jsonb, key_field text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_pair_value(pairs jsonb, keys jsonb, key_field text) IS 'The first non-blank value in a list of {key, value} (WooCommerce meta_data) or {name, value} (Shopify note_attributes) whose key is listed, in the order of the list.';


--
-- Name: store_refuse(text, text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_refuse(what text, detail text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  raise exception using errcode = 'SY173', message = what, detail = coalesce(detail, ''),
    hint = 'Correct the order in the shop (or the store''s settings: docs/stores.md); the next update or reconciliation brings it again.';
end;
$$;


ALTER FUNCTION sincro_private.store_refuse(what text, detail text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_refuse(what text, detail text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_refuse(what text, detail text) IS 'Raises SY173: a store order that cannot become a hub order, and why.';


--
-- Name: store_settings(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_settings(store_id text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- PL/pgSQL, not SQL: called for each order the inbox applies, where an SQL function is parsed and planned again
  return (select sincro_private.store_default_settings() || s.settings from sincro_private.store s where s.store_id = store_settings.store_id);
end;
$$;


ALTER FUNCTION sincro_private.store_settings(store_id text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_settings(store_id text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_settings(store_id text) IS 'A store''s settings with the defaults for those it does not set.';


--
-- Name: store_vat_code(numeric, jsonb, text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.store_vat_code(rate numeric, settings jsonb, what text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_rate numeric := pg_catalog.round(rate, 2);
begin
  if v_rate = 0 then
    if sincro_private.store_blank_null(settings ->> 'natura_zero_vat') is null then
      perform sincro_private.store_refuse(pg_catalog.format('%s has 0 %% VAT and the store has no natura code', what),
        'A line without VAT needs its natura code (N1-N7) for the invoice: set the store''s natura_zero_vat setting.');
    end if;
    return settings ->> 'natura_zero_vat';
  end if;
  return pg_catalog.rtrim(pg_catalog.rtrim(v_rate::text, '0'), '.');
end;
$$;


ALTER FUNCTION sincro_private.store_vat_code(rate numeric, settings jsonb, what text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION store_vat_code(rate numeric, settings jsonb, what text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.store_vat_code(rate numeric, settings jsonb, what text) IS 'The iva code of a line: its VAT rate in percent, or for 0 % the store''s natura_zero_vat (SY173 when it has none).';


--
-- Name: sync_run_job_key(text, bigint); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.sync_run_job_key(azi text, run_id bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  select 'partial_sync/' || azi || '/' || run_id
$$;


ALTER FUNCTION sincro_private.sync_run_job_key(azi text, run_id bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_run_job_key(azi text, run_id bigint); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.sync_run_job_key(azi text, run_id bigint) IS 'The graphile-worker job key of a sync run queued for the worker (a partial sync, or a sync the console requested): how sync_run_begin tells a queued run from an abandoned one.';


--
-- Name: sync_run_progress(text, bigint, text, bigint, bigint, bigint, text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.sync_run_progress(azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  update sincro.sync_runs r
    set rows_received = r.rows_received + received, rows_changed = r.rows_changed + changed,
        rows_tombstoned = r.rows_tombstoned + tombstoned, erp_cursor_to = coalesce(erp_cursor, r.erp_cursor_to),
        progress_at = pg_catalog.now()
    where r.azi = sync_run_progress.azi and r.run_id = sync_run_progress.run_id and r.kind = sync_run_progress.kind
      and r.state = 'running';
  if not found then
    raise exception using
      errcode = 'SY123',
      message = pg_catalog.format('sync: run %s of company %s is not a running %s sync', run_id, azi, kind),
      hint = 'It ended or was closed as abandoned (see sincro.sync_runs); start a new one.';
  end if;
end;
$$;


ALTER FUNCTION sincro_private.sync_run_progress(azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_run_progress(azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.sync_run_progress(azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text) IS 'Adds a batch''s counts to a running changes/rebuild run and notes its progress; SY123 if the run is not running.';


--
-- Name: sync_run_stale_after(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.sync_run_stale_after(kind text) RETURNS interval
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  -- every kind notes progress at least once per batch or order, each far shorter than this
  select interval '10 minutes'
$$;


ALTER FUNCTION sincro_private.sync_run_stale_after(kind text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION sync_run_stale_after(kind text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.sync_run_stale_after(kind text) IS 'How long a running sync may go without progress before the next attempt closes it as abandoned.';


--
-- Name: tg__assign_pending_id_sincro(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg__assign_pending_id_sincro() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  perform sincro_private.assign_pending_id_sincro();
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg__assign_pending_id_sincro() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg__assign_pending_id_sincro(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg__assign_pending_id_sincro() IS 'Deferred (at commit), after an ERP-side write left id_sincro NULL: gives the transaction''s pending rows their change numbers. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';


--
-- Name: tg__refuse_delete(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg__refuse_delete() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  if sincro_private.current_party() is not distinct from 'H' then
    return old;
  end if;
  raise exception using
    errcode = 'SY108',
    message = pg_catalog.format('%s: rows are never deleted', tg_table_name),
    hint = case tg_table_name
             when 'arportes' then 'Orders are kept for good; the ERP changes an order through sincro.erp_write_order.'
             when 'arporrig' then 'Order lines are kept for good; the ERP replaces lines through sincro.erp_write_order.'
             when 'new_customers' then 'New customers are kept for good; the ERP gives them a code through sincro.erp_write_order.'
             else pg_catalog.format('%s keeps its rows for good.', tg_table_name)
           end;
end;
$$;


ALTER FUNCTION sincro_private.tg__refuse_delete() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg__refuse_delete(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg__refuse_delete() IS 'BEFORE DELETE: refuses deletes by anyone but the hub itself (SY108). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';


--
-- Name: tg__set_slice_agente(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg__set_slice_agente() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  new.slice_agente := case when tg_table_name = 'particolarita' and new.cod_cli = '*' then null
                           else (select c.cod_agente from sincro.clienti c where c.azi = new.azi and c.cod_cli = new.cod_cli) end;
  return new;
end;
$$;


ALTER FUNCTION sincro_private.tg__set_slice_agente() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg__set_slice_agente(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg__set_slice_agente() IS 'Before a row of a customer (particolarità, open item, credit) is inserted: slice_agente := the customer''s agent (null for article-level particolarità and customers the hub does not know yet).';


--
-- Name: tg_agenti__supervisor(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_agenti__supervisor() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_moves jsonb;
  v_entries jsonb;
begin
  -- the agents whose supervisor changed (a new agent had none; a deleted one has none)
  if tg_op = 'INSERT' then
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_agente', n.cod_agente, 'from_sup', null, 'to_sup', n.cod_supervisore))
      into v_moves
      from new_rows n where n.cod_supervisore is not null and not n.deleted;
  else
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_agente', n.cod_agente,
             'from_sup', case when o.deleted then null else o.cod_supervisore end,
             'to_sup', case when n.deleted then null else n.cod_supervisore end))
      into v_moves
      from new_rows n join old_rows o on o.azi = n.azi and o.cod_agente = n.cod_agente
      where (case when o.deleted then null else o.cod_supervisore end) is distinct from (case when n.deleted then null else n.cod_supervisore end);
  end if;
  if v_moves is null then
    return null;
  end if;

  -- the agent and every row of its customers, for both supervisors' devices
  select pg_catalog.jsonb_agg(e.v order by m.n, s.side, e.o1, e.o2) into v_entries
  from pg_catalog.jsonb_array_elements(v_moves) with ordinality m(m, n)
  cross join lateral (values (1, m.m ->> 'from_sup'), (2, m.m ->> 'to_sup')) s(side, sup)
  cross join lateral (
    select pg_catalog.jsonb_build_object('azi', m.m ->> 'azi', 'cod_agente', s.sup, 'entity', 'agent',
                                         'key', pg_catalog.jsonb_build_object('cod_agente', m.m ->> 'cod_agente')) as v, '' as o1, 0::bigint as o2
    union all
    select x.v, c.cod_cli, x.n
    from sincro.clienti c
    cross join lateral pg_catalog.jsonb_array_elements(sincro_private.customer_slice_entries(c.azi, c.cod_cli, s.sup, true))
      with ordinality x(v, n)
    where c.azi = m.m ->> 'azi' and c.cod_agente = m.m ->> 'cod_agente'
  ) e
  where s.sup is not null;
  if v_entries is not null then
    -- addressed to the supervisors themselves (not to their own supervisors: supervision is one level)
    perform sincro_private.append_slice_log(v_entries, 'supervisor', false);
  end if;
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_agenti__supervisor() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_agenti__supervisor(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_agenti__supervisor() IS 'After agents are written: for those whose supervisor changed, logs the agent and every row of its customers for the old and the new supervisor''s devices.';


--
-- Name: tg_apstatosyn__write(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_apstatosyn__write() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
begin
  if tg_op = 'DELETE' then
    raise exception using
      errcode = 'SY108', message = pg_catalog.format('apstatosyn: company %s cannot be deleted', old.azi),
      hint = 'Companies are kept with their orders.';
  end if;

  -- validate
  if tg_op = 'INSERT' then
    if new.azi is null or new.azi !~ '^[A-Za-z0-9_-]{1,20}$' then
      raise exception using
        errcode = case when new.azi is null then 'SY102' else 'SY101' end,
        message = pg_catalog.format('apstatosyn: azi must be 1-20 letters, digits, _ or - (got %s)', coalesce(pg_catalog.quote_literal(new.azi), 'NULL')),
        hint = 'For example C00001.';
    end if;
    if exists (select 1 from sincro_private.company c where c.azi = new.azi) then
      raise exception using
        errcode = 'SY110', message = pg_catalog.format('apstatosyn: company %s is already registered', new.azi);
    end if;
  elsif new.azi is distinct from old.azi then
    raise exception using errcode = 'SY103', message = 'apstatosyn: azi cannot be changed';
  end if;
  if (tg_op = 'INSERT' and (coalesce(new.last_id_pub, 0) <> 0 or coalesce(new.last_id_sincro, 0) <> 0))
     or (tg_op = 'UPDATE' and (new.last_id_pub is distinct from old.last_id_pub
                               or new.last_id_sincro is distinct from old.last_id_sincro)) then
    raise exception using
      errcode = 'SY103',
      message = pg_catalog.format('apstatosyn: the counters of company %s are kept by the hub', new.azi),
      hint = 'last_id_pub and last_id_sincro only move when orders are written.';
  end if;
  if new.push_mode is not null and new.push_mode not in ('auto', 'manual') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('apstatosyn: push_mode must be auto or manual (got %L)', new.push_mode);
  end if;
  if coalesce(new.sync_quota, 0) < 0 or coalesce(new.sync_used, 0) < 0 then
    raise exception using
      errcode = 'SY101', message = 'apstatosyn: sync_quota and sync_used cannot be negative';
  end if;
  if new.max_lines_per_order < 1 or new.max_text_length < 1 or new.max_document_bytes < 1 then
    raise exception using
      errcode = 'SY101', message = 'apstatosyn: max_lines_per_order, max_text_length and max_document_bytes must be 1 or more',
      hint = 'They bound what one order, field or ERP document may hold; omit them for the defaults.';
  end if;

  -- apply
  if tg_op = 'INSERT' then
    insert into sincro_private.company (azi, ragione_sociale, sync_quota, sync_used, sync_period_start, push_mode)
      values (new.azi, new.ragione_sociale, coalesce(new.sync_quota, 0), coalesce(new.sync_used, 0),
              coalesce(new.sync_period_start, current_date), coalesce(new.push_mode, 'auto'));
    -- the limits: the table's defaults unless given
    update sincro_private.company c
      set max_lines_per_order = coalesce(new.max_lines_per_order, c.max_lines_per_order),
          max_text_length = coalesce(new.max_text_length, c.max_text_length),
          max_document_bytes = coalesce(new.max_document_bytes, c.max_document_bytes)
      where c.azi = new.azi
        and (new.max_lines_per_order is not null or new.max_text_length is not null or new.max_document_bytes is not null);
    insert into sincro_private.id_pub_counter (azi) values (new.azi);
    insert into sincro_private.id_sincro_counter (azi) values (new.azi);
  else
    update sincro_private.company c
      set ragione_sociale = new.ragione_sociale, sync_quota = new.sync_quota, sync_used = new.sync_used,
          sync_period_start = new.sync_period_start, push_mode = new.push_mode,
          max_lines_per_order = new.max_lines_per_order, max_text_length = new.max_text_length,
          max_document_bytes = new.max_document_bytes
      where c.azi = old.azi;
  end if;
  select v.* into new from sincro.apstatosyn v where v.azi = new.azi;
  return new;
end;
$_$;


ALTER FUNCTION sincro_private.tg_apstatosyn__write() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_apstatosyn__write(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_apstatosyn__write() IS 'INSTEAD OF trigger on sincro.apstatosyn: registers a company (with both counters at 0), updates its name, quota and size limits, refuses counter edits and deletes. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';


--
-- Name: tg_arporrig__guard(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arporrig__guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_party constant text := sincro_private.current_party();
  v_order record;
  v_lines bigint;
  v_longest record;
begin
  if tg_op = 'DELETE' then
    if v_party in ('G', 'H') then
      return old;
    end if;
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arporrig: line %s of order %s cannot be deleted by a store or app', old.riga, old.id_pub),
      hint = 'Lines change only through the ERP (sincro.erp_write_order).';
  end if;

  -- the order, its company's limits and the connection's login (one query: this runs for every line while
  -- the order's transaction holds its company's counter); for a client login, only an order it may write
  -- lines of, so that another company's or device's order looks like a missing one
  select a.created_xact, c.max_text_length, c.max_lines_per_order, l.login into v_order
  from sincro.arportes a
  join sincro_private.company c on c.azi = a.azi
  left join sincro_private.login l on l.login = session_user and v_party is null
  where a.azi = new.azi and a.id_pub = new.id_pub
    and (l.login is null
         or (a.azi = l.azi
             and (l.kind = 'store' and a.prov_tipo = 'S'
                  or l.kind = 'app' and a.prov_tipo = 'A' and a.prov_id = l.prov_id)));
  if not found then
    raise exception using
      errcode = 'SY109',
      message = pg_catalog.format('arporrig: company %s has no order with id_pub %s that this connection may write lines of',
                                  sincro_private.shown(new.azi), new.id_pub),
      hint = 'Insert the header first and use the id_pub that INSERT ... RETURNING gives back.';
  end if;

  -- validate: fields
  if new.riga is null or new.articolo is null or pg_catalog.btrim(new.articolo) = '' or new.quantita is null then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('arporrig: %s is required (order %s)',
                                  case when new.riga is null then 'riga' when new.quantita is null then 'quantita' else 'articolo' end,
                                  new.id_pub),
      hint = 'Each line needs riga (1, 2, ...), articolo and quantita.';
  end if;
  if greatest(pg_catalog.length(new.articolo), pg_catalog.length(new.descrizione), pg_catalog.length(new.unita_misura),
              pg_catalog.length(new.iva), pg_catalog.length(new.note)) > v_order.max_text_length then
    select * into v_longest from sincro_private.longest_field(array['articolo', 'descrizione', 'unita_misura', 'iva', 'note'],
                                                              array[new.articolo, new.descrizione, new.unita_misura, new.iva, new.note]);
    perform sincro_private.raise_too_large(pg_catalog.format('arporrig (order %s, line %s)', new.id_pub, new.riga),
                                           pg_catalog.format('field %s (characters)', v_longest.field), v_longest.field_length,
                                           new.azi, 'max_text_length', v_order.max_text_length);
  end if;
  -- (NaN sorts above every number in PostgreSQL: it passes quantita > 0, so it is named first)
  if new.quantita = 'NaN' or new.prezzo = 'NaN' or new.sconto = 'NaN' or not pg_catalog.isfinite(new.data_consegna)
     or new.riga <= 0 or new.quantita <= 0 or new.prezzo < 0 or new.sconto < 0 or new.sconto > 100 then
    raise exception using
      errcode = 'SY104',
      message = pg_catalog.format('arporrig: %s (order %s, line %s)',
                                  case when new.quantita = 'NaN' then 'quantita must be a number (got NaN)'
                                       when new.prezzo = 'NaN' then 'prezzo must be a number (got NaN)'
                                       when new.sconto = 'NaN' then 'sconto must be a number (got NaN)'
                                       when not pg_catalog.isfinite(new.data_consegna) then pg_catalog.format('data_consegna must be a date (got %s)', new.data_consegna)
                                       when new.riga <= 0 then pg_catalog.format('riga must be positive (got %s)', new.riga)
                                       when new.quantita <= 0 then pg_catalog.format('quantita must be greater than 0 (got %s)', new.quantita)
                                       when new.prezzo < 0 then pg_catalog.format('prezzo cannot be negative (got %s)', new.prezzo)
                                       else pg_catalog.format('sconto must be a percentage from 0 to 100 (got %s)', new.sconto) end,
                                  new.id_pub, new.riga),
      hint = 'Fix the line and send the whole order again in one transaction.';
  end if;
  if tg_op = 'INSERT' and new.riga > v_order.max_lines_per_order then
    -- numbers up to the limit cannot make more lines than the limit; beyond it, count
    select pg_catalog.count(*) + 1 into v_lines
    from sincro.arporrig r where r.azi = new.azi and r.id_pub = new.id_pub;
    if v_lines > v_order.max_lines_per_order then
      perform sincro_private.raise_too_large(pg_catalog.format('arporrig (order %s)', new.id_pub), 'the number of lines', v_lines,
                                             new.azi, 'max_lines_per_order', v_order.max_lines_per_order);
    end if;
  end if;

  if v_party in ('G', 'H') then
    new.updated_at := now();
    return new;
  end if;

  -- validate: the order is being created in this very transaction
  if tg_op = 'UPDATE' or v_order.created_xact <> pg_catalog.pg_current_xact_id() then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arporrig: the lines of order %s can no longer be changed by a store or app', new.id_pub),
      hint = 'Lines are written in the transaction that creates the order; later changes come from the ERP.';
  end if;
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;


ALTER FUNCTION sincro_private.tg_arporrig__guard() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arporrig__guard(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arporrig__guard() IS 'BEFORE INSERT/UPDATE/DELETE on arporrig: validates line fields; a store or app may only insert lines in the transaction that created the order.';


--
-- Name: tg_arportes__count_pending(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes__count_pending() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_published_new boolean := coalesce(new.id_sincro, 1) > 0;
  v_published_old boolean := tg_op = 'UPDATE' and coalesce(old.id_sincro, 1) > 0;
  v_erp integer := (new.ack_gest = 0)::integer - (tg_op = 'UPDATE' and old.ack_gest = 0)::integer;
  v_store integer := (new.ack_store = 0 and v_published_new)::integer - (v_published_old and old.ack_store = 0)::integer;
  v_app integer := (new.ack_app = 0 and v_published_new)::integer - (v_published_old and old.ack_app = 0)::integer;
begin
  insert into sincro_private.metric_delta (azi, metric, n)
    select new.azi, d.metric, d.n
    from (values ('pending_erp', v_erp), ('pending_store', v_store), ('pending_app', v_app)) d(metric, n)
    where d.n <> 0;
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes__count_pending() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes__count_pending(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes__count_pending() IS 'AFTER INSERT/UPDATE on arportes, when an order enters or leaves what a party has not acquired: pending_erp / pending_store / pending_app deltas of +1 or -1. SECURITY DEFINER: fired by clients'' statements, it writes a table nobody else may.';


--
-- Name: tg_arportes__enqueue_push(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes__enqueue_push() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  insert into sincro.order_push (azi, id_pub) values (new.azi, new.id_pub);
  perform sincro_private.ring_dispatcher();
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes__enqueue_push() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes__enqueue_push(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes__enqueue_push() IS 'AFTER INSERT on arportes (store and app orders): records the push as pending, its doorbell not rung yet (the worker''s dispatcher takes it: sincro.push_take), and rings a dozing dispatcher (sincro_private.ring_dispatcher). SECURITY DEFINER: fired by clients'' statements, it reaches a table they have no rights on.';


--
-- Name: tg_arportes__guard_update(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes__guard_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_column text;
  v_login sincro_private.login;
begin
  if sincro_private.current_party() in ('G', 'H') then
    if sincro_private.current_party() = 'G' then
      new.updated_at := now();
    end if;
    return new;
  end if;

  -- validate: only acks change
  select n.key into v_column
  from pg_catalog.jsonb_each(pg_catalog.to_jsonb(new)) n
  join pg_catalog.jsonb_each(pg_catalog.to_jsonb(old)) o using (key)
  where n.value is distinct from o.value
    and n.key not in ('ack_store', 'ack_gest', 'ack_app', 'updated_at')
  order by n.key
  limit 1;
  if v_column is not null then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arportes: column %s of order %s cannot be changed by a store or app', v_column, old.id_pub),
      hint = 'After insert a party may only set its own ack to 1; order data changes come from the ERP.';
  end if;
  if new.ack_store < old.ack_store or new.ack_gest < old.ack_gest or new.ack_app < old.ack_app then
    raise exception using
      errcode = 'SY107',
      message = pg_catalog.format('arportes: an ack of order %s cannot go back from 1 to 0', old.id_pub),
      hint = 'An ack says the party has acquired the order; follow later changes with sincro.changes_since.';
  end if;
  if (new.ack_store, new.ack_gest, new.ack_app) is not distinct from (old.ack_store, old.ack_gest, old.ack_app) then
    return null;  -- nothing changes: skip the row
  end if;

  -- validate: a login sets only its own party's ack
  v_login := sincro_private.session_login();
  if v_login.login is not null then
    v_column := case
      when new.ack_store <> old.ack_store and v_login.kind <> 'store' then 'ack_store'
      when new.ack_app <> old.ack_app and v_login.kind <> 'app' then 'ack_app'
      when new.ack_gest <> old.ack_gest and v_login.kind <> 'erp' then 'ack_gest'
    end;
    if v_column is not null then
      raise exception using
        errcode = 'SY111',
        message = pg_catalog.format('arportes: a %s login cannot set %s (order %s)', v_login.kind, v_column, old.id_pub),
        hint = 'Each party sets only its own ack: ack_store the store, ack_app an app, ack_gest the ERP.';
    end if;
  end if;

  new.updated_at := now();
  return new;
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes__guard_update() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes__guard_update(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes__guard_update() IS 'BEFORE UPDATE on arportes: a direct update may only set acks from 0 to 1; the ERP and the hub write through their functions.';


--
-- Name: tg_arportes__history(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes__history() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_party text := sincro_private.current_party();
begin
  if tg_op = 'DELETE' then
    insert into sincro.arportes_history values (default, tg_op, coalesce(v_party, 'H'), session_user, pg_catalog.clock_timestamp(), old.*);
    return null;
  end if;
  if tg_op = 'UPDATE' and (old.id_sincro is null and new.id_sincro is not null or new is not distinct from old) then
    return null;  -- the commit-time stamp completes a version; an update that changes nothing is none
  end if;
  if v_party is null then
    v_party := case
      when tg_op = 'INSERT' then new.prov_tipo
      when new.ack_store <> old.ack_store then 'S'
      when new.ack_app <> old.ack_app then 'A'
      when new.ack_gest <> old.ack_gest then 'G'
    end;
  end if;
  insert into sincro.arportes_history values (default, tg_op, v_party, session_user, pg_catalog.clock_timestamp(), new.*);
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes__history() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes__history(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes__history() IS 'AFTER INSERT/UPDATE/DELETE on arportes: appends the new version to arportes_history with the acting party. SECURITY DEFINER because clients cannot write history.';


--
-- Name: tg_arportes__prepare_insert(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes__prepare_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_erp constant boolean := sincro_private.current_party() is not distinct from 'G';
  v_existing sincro.arportes;
  v_login sincro_private.login;
  v_company sincro_private.company;
  v_longest record;
begin
  -- validate: a login writes its own company only (before the company's existence is looked at)
  if not v_erp then
    v_login := sincro_private.session_login();
    if v_login.login is not null and new.azi is distinct from v_login.azi then
      raise exception using
        errcode = 'SY111',
        message = pg_catalog.format('arportes: login %s belongs to company %s, not %s', v_login.login, v_login.azi, sincro_private.shown(new.azi)),
        hint = 'A login writes orders of its own company only.';
    end if;
  end if;

  -- validate: company
  select * into v_company from sincro_private.company c where c.azi = new.azi;
  if not found then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('arportes: unknown company (azi = %s)', sincro_private.shown(new.azi)),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;

  -- validate: sizes, before anything else is done with the values
  if greatest(pg_catalog.length(new.id_int), pg_catalog.length(new.prov_id), pg_catalog.length(new.prov_tipo),
              pg_catalog.length(new.autore_tipo), pg_catalog.length(new.autore_cod), pg_catalog.length(new.tor_chia),
              pg_catalog.length(new.conferma), pg_catalog.length(new.cliente_cod), pg_catalog.length(new.cod_agente),
              pg_catalog.length(new.dest_ragione_sociale), pg_catalog.length(new.dest_indirizzo), pg_catalog.length(new.dest_cap),
              pg_catalog.length(new.dest_citta), pg_catalog.length(new.dest_provincia), pg_catalog.length(new.dest_nazione),
              pg_catalog.length(new.cod_pagamento), pg_catalog.length(new.note), pg_catalog.length(new.valuta))
     > v_company.max_text_length then
    select * into v_longest from sincro_private.longest_field(
      array['id_int', 'prov_id', 'prov_tipo', 'autore_tipo', 'autore_cod', 'tor_chia', 'conferma', 'cliente_cod', 'cod_agente',
            'dest_ragione_sociale', 'dest_indirizzo', 'dest_cap', 'dest_citta', 'dest_provincia', 'dest_nazione', 'cod_pagamento', 'note', 'valuta'],
      array[new.id_int, new.prov_id, new.prov_tipo, new.autore_tipo, new.autore_cod, new.tor_chia, new.conferma, new.cliente_cod, new.cod_agente,
            new.dest_ragione_sociale, new.dest_indirizzo, new.dest_cap, new.dest_citta, new.dest_provincia, new.dest_nazione,
            new.cod_pagamento, new.note, new.valuta]);
    perform sincro_private.raise_too_large('arportes', pg_catalog.format('field %s (characters)', v_longest.field), v_longest.field_length,
                                           new.azi, 'max_text_length', v_company.max_text_length);
  end if;

  -- validate: numbers and dates (NaN passes numeric, infinity passes date)
  if new.totale_imponibile = 'NaN' or new.totale_iva = 'NaN' or new.totale_documento = 'NaN' or not pg_catalog.isfinite(new.data_ordine) then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('arportes: %s must be %s',
                                  case when new.totale_imponibile = 'NaN' then 'totale_imponibile' when new.totale_iva = 'NaN' then 'totale_iva'
                                       when new.totale_documento = 'NaN' then 'totale_documento' else 'data_ordine' end,
                                  case when pg_catalog.isfinite(new.data_ordine) is not false then 'a number (got NaN)' else 'a date (got infinity)' end);
  end if;

  -- validate: columns the hub owns
  if new.id_pub is not null then
    raise exception using
      errcode = 'SY103',
      message = 'arportes: id_pub is assigned by the hub and cannot be supplied',
      hint = 'Omit id_pub and read it back with INSERT ... RETURNING id_pub.';
  end if;
  if not v_erp then
    if new.id_sincro is not null or new.tor_chia is not null or new.conferma is not null then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('arportes: %s is written by the ERP side and cannot be supplied by a store or app',
                                    case when new.id_sincro is not null then 'id_sincro'
                                         when new.tor_chia is not null then 'tor_chia' else 'conferma' end),
        hint = 'Omit it; the ERP''s answer fills it.';
    end if;

    -- validate: provenance
    if new.prov_tipo is null then
      raise exception using
        errcode = 'SY102', message = 'arportes: prov_tipo is required',
        hint = 'S for the store, A for an app.';
    elsif new.prov_tipo = 'G' then
      raise exception using
        errcode = 'SY103', message = 'arportes: prov_tipo G (ERP-made order) cannot be inserted directly',
        hint = 'The ERP exports its own orders through sincro.erp_write_order.';
    elsif new.prov_tipo not in ('S', 'A') then
      raise exception using
        errcode = 'SY101', message = pg_catalog.format('arportes: prov_tipo must be S, A or G (got %s)', sincro_private.shown(new.prov_tipo)),
        hint = 'S for the store, A for an app.';
    end if;
    if new.id_int is null or pg_catalog.btrim(new.id_int) = '' then
      raise exception using
        errcode = 'SY102', message = 'arportes: id_int is required for store and app orders',
        hint = 'id_int is the order''s own ID inside the store or device; it makes a retried insert harmless.';
    end if;
    if new.prov_tipo = 'A' and (new.prov_id is null or pg_catalog.btrim(new.prov_id) = '') then
      raise exception using
        errcode = 'SY102', message = 'arportes: prov_id (the device ID) is required for app orders',
        hint = 'Send the ID of the device that took the order.';
    elsif new.prov_tipo = 'S' and new.prov_id is not null then
      raise exception using
        errcode = 'SY101', message = 'arportes: prov_id is for app devices only and must be empty for store orders';
    end if;

    -- validate: a store or app login writes only as itself: its party, its device, its author
    if v_login.login is not null then
      if v_login.kind <> 'store' and new.prov_tipo = 'S' or v_login.kind <> 'app' and new.prov_tipo = 'A' then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: a %s login cannot insert %s orders', v_login.kind,
                                      case new.prov_tipo when 'S' then 'store' else 'app' end),
          hint = 'Each party inserts only its own orders: the store prov_tipo S, an app prov_tipo A.';
      elsif v_login.kind = 'app' and new.prov_id is distinct from v_login.prov_id then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: login %s is device %s and cannot write prov_id %s',
                                      v_login.login, v_login.prov_id, sincro_private.shown(new.prov_id)),
          hint = 'An app writes its own device ID in prov_id.';
      elsif v_login.kind = 'store' and new.autore_tipo is distinct from 'C' then
        raise exception using
          errcode = 'SY111',
          message = pg_catalog.format('arportes: a store login writes orders of customers (autore_tipo C), not %s', sincro_private.shown(new.autore_tipo)),
          hint = 'Agents write through their apps, operators through the ERP.';
      elsif v_login.kind = 'app' and (v_login.cod_agente is null or new.autore_tipo is distinct from 'T'
                                      or new.autore_cod is distinct from v_login.cod_agente
                                      or coalesce(new.cod_agente, v_login.cod_agente) <> v_login.cod_agente) then
        raise exception using
          errcode = 'SY111',
          message = case when v_login.cod_agente is null
                         then pg_catalog.format('arportes: login %s has no agent and cannot write orders', v_login.login)
                         else pg_catalog.format('arportes: login %s writes as agent %s (autore_tipo T, autore_cod and cod_agente %s), not as %s %s',
                                                v_login.login, v_login.cod_agente, v_login.cod_agente, sincro_private.shown(new.autore_tipo),
                                                sincro_private.shown(coalesce(nullif(new.cod_agente, v_login.cod_agente), new.autore_cod))) end,
          hint = 'An app writes orders as its own agent: create the login with cod_agente (sincro.create_login).';
      end if;
    end if;

    -- validate: acks (only the creator's own may be given, and it is 1 anyway)
    if (new.prov_tipo <> 'S' and new.ack_store is distinct from 0 and new.ack_store is not null)
       or (new.ack_gest is distinct from 0 and new.ack_gest is not null)
       or (new.prov_tipo <> 'A' and new.ack_app is distinct from 0 and new.ack_app is not null) then
      raise exception using
        errcode = 'SY103',
        message = pg_catalog.format('arportes: an order from %s cannot set another party''s ack',
                                    case new.prov_tipo when 'S' then 'the store' else 'an app' end),
        hint = 'Omit the ack columns; the hub sets the creator''s ack to 1 and the others to 0.';
    end if;
  end if;

  -- validate: author
  if new.autore_tipo is null or new.autore_cod is null then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('arportes: %s is required', case when new.autore_tipo is null then 'autore_tipo' else 'autore_cod' end),
      hint = 'autore_tipo C customer, T sales agent, O ERP operator; autore_cod their code (0 for a new web customer).';
  elsif new.autore_tipo not in ('C', 'T', 'O') then
    raise exception using
      errcode = 'SY101', message = pg_catalog.format('arportes: autore_tipo must be C, T or O (got %s)', sincro_private.shown(new.autore_tipo)),
      hint = 'C customer, T sales agent, O ERP operator.';
  end if;
  -- a new customer goes with orders of the party (and device) that wrote it; another's looks like none
  if new.new_customer_id is not null and not exists (
    select 1 from sincro.new_customers c
    where c.azi = new.azi and c.customer_id = new.new_customer_id
      and c.prov_tipo = new.prov_tipo and c.prov_id is not distinct from new.prov_id
  ) then
    raise exception using
      errcode = 'SY101',
      message = pg_catalog.format('arportes: new_customer_id %s is not a new customer of this %s', new.new_customer_id,
                                  case new.prov_tipo when 'S' then 'store' when 'A' then 'device' else 'party' end),
      hint = 'Insert the customer into sincro.new_customers first (as the same store or device) and use the customer_id it returns.';
  end if;

  -- public ID: the counter lock serializes inserts of one company until commit
  update sincro_private.id_pub_counter c
    set last_value = c.last_value + 1
    where c.azi = new.azi
    returning c.last_value into new.id_pub;

  -- idempotency: the same creator key again is the same order
  if not v_erp then
    -- (written so that uniq_arportes__creator_key answers it: IS NOT DISTINCT FROM would scan the table)
    if new.prov_id is null then
      select * into v_existing from sincro.arportes a
      where a.azi = new.azi and a.prov_tipo = new.prov_tipo and a.prov_tipo <> 'G'
        and a.prov_id is null and a.id_int = new.id_int;
    else
      select * into v_existing from sincro.arportes a
      where a.azi = new.azi and a.prov_tipo = new.prov_tipo and a.prov_tipo <> 'G'
        and a.prov_id = new.prov_id and a.id_int = new.id_int;
    end if;
    if found then
      update sincro_private.id_pub_counter c set last_value = c.last_value - 1 where c.azi = new.azi;
      if (v_existing.autore_tipo, v_existing.autore_cod, v_existing.cliente_cod, v_existing.new_customer_id,
          v_existing.cod_agente,
          v_existing.dest_ragione_sociale, v_existing.dest_indirizzo, v_existing.dest_cap, v_existing.dest_citta,
          v_existing.dest_provincia, v_existing.dest_nazione, v_existing.cod_pagamento, v_existing.note,
          v_existing.valuta, v_existing.totale_imponibile, v_existing.totale_iva, v_existing.totale_documento)
         is not distinct from
         (new.autore_tipo, new.autore_cod, new.cliente_cod, new.new_customer_id,
          coalesce(new.cod_agente, case when new.autore_tipo = 'T' then new.autore_cod end),
          new.dest_ragione_sociale, new.dest_indirizzo, new.dest_cap, new.dest_citta,
          new.dest_provincia, new.dest_nazione, new.cod_pagamento, new.note,
          new.valuta, new.totale_imponibile, new.totale_iva, new.totale_documento)
         and (new.data_ordine is null or new.data_ordine = v_existing.data_ordine) then
        return null;  -- already stored: skip, nothing written
      end if;
      raise exception using
        errcode = 'SY106',
        message = pg_catalog.format('arportes: order %s of %s%s already exists as id_pub %s with different content',
                                    sincro_private.shown(new.id_int), case new.prov_tipo when 'S' then 'the store' else 'device ' end,
                                    coalesce(new.prov_id, ''), v_existing.id_pub),
        detail = pg_catalog.format('azi %s, prov_tipo %s, prov_id %s, id_int %s', new.azi, new.prov_tipo,
                                   coalesce(new.prov_id, '(none)'), sincro_private.shown(new.id_int)),
        hint = 'A retry must send the same order; a different order needs its own id_int.';
    end if;
  end if;

  -- fill: acks, change number, bookkeeping
  new.ack_store := case when new.prov_tipo = 'S' then 1 else 0 end;
  new.ack_app := case when new.prov_tipo = 'A' then 1 else 0 end;
  new.ack_gest := case when new.prov_tipo = 'G' then 1 else 0 end;
  new.id_sincro := case when v_erp then null else 0 end;
  new.data_ordine := coalesce(new.data_ordine, current_date);
  new.cod_agente := coalesce(new.cod_agente, case when new.autore_tipo = 'T' then new.autore_cod end);
  new.created_xact := pg_catalog.pg_current_xact_id();
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes__prepare_insert() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes__prepare_insert(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes__prepare_insert() IS 'BEFORE INSERT on arportes: validates a new order, skips an identical retry, refuses a conflicting one, assigns id_pub from the company counter and sets acks and id_sincro. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';


--
-- Name: tg_arportes__require_lines(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes__require_lines() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_max_lines integer;
  v_lines bigint;
begin
  -- one query (this runs at commit, while the transaction holds its company's counter); it counts no
  -- further than one past the limit, and finds nothing when the header is gone
  select c.max_lines_per_order,
         (select pg_catalog.count(*) from (select 1 from sincro.arporrig r where r.azi = a.azi and r.id_pub = a.id_pub
                                           limit c.max_lines_per_order + 1) r)
    into v_max_lines, v_lines
  from sincro.arportes a join sincro_private.company c on c.azi = a.azi
  where a.azi = new.azi and a.id_pub = new.id_pub;
  if not found then
    return null;
  end if;
  if v_lines = 0 then
    raise exception using
      errcode = 'SY105',
      message = pg_catalog.format('arportes: order %s of company %s has no lines', new.id_pub, new.azi),
      detail = pg_catalog.format('prov_tipo %s, id_int %s', new.prov_tipo, coalesce(new.id_int, '(none)')),
      hint = 'Insert the header and its lines (sincro.arporrig) in the same transaction.';
  elsif v_lines > v_max_lines then
    perform sincro_private.raise_too_large(pg_catalog.format('arportes (order %s)', new.id_pub), 'the number of lines',
                                           (select pg_catalog.count(*) from sincro.arporrig r where r.azi = new.azi and r.id_pub = new.id_pub),
                                           new.azi, 'max_lines_per_order', v_max_lines);
  end if;
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes__require_lines() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes__require_lines(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes__require_lines() IS 'Deferred (at commit), after insert on arportes: refuses an order that has no lines (SY105) or more lines than its company allows (SY140). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';


--
-- Name: tg_arportes__slice_move(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes__slice_move() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_agent text;
begin
  select c.cod_agente into v_agent from sincro.clienti c where c.azi = old.azi and c.cod_cli = old.cliente_cod;
  if v_agent is not null
     and old.data_ordine >= (select k.device_history_from from sincro_private.company k where k.azi = old.azi) then
    insert into sincro_private.order_slice_moves (azi, id_pub, cod_agente) values (old.azi, old.id_pub, v_agent)
      on conflict do nothing;
    perform pg_catalog.set_config('sincro.order_slice_moves', 'on', true);
  end if;
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes__slice_move() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes__slice_move(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes__slice_move() IS 'After an order changes customer or date: notes it for the slice log of the agent whose devices held it (written at commit). SECURITY DEFINER: fired by the ERP''s statements, it writes a private table.';


--
-- Name: tg_arportes__store_status_back(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes__store_status_back() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  update sincro_private.store_order o
    set status_back = 'pending', status_back_at = now()
    where o.azi = new.azi and o.id_pub = new.id_pub and o.status_back = 'waiting';
  if found then
    perform sincro_private.enqueue_store_status_back(new.azi, new.id_pub);
  end if;
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes__store_status_back() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes__store_status_back(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes__store_status_back() IS 'AFTER UPDATE of ack_gest on arportes: a store connector''s order the ERP just acquired gets its status back pending and a job. SECURITY DEFINER: fired by the ERP''s and the worker''s writes, it reaches sincro_private and the job queue.';


--
-- Name: tg_arportes_history__append_only(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_arportes_history__append_only() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  if tg_op = 'UPDATE' and sincro_private.current_party() is not distinct from 'H'
     and old.id_sincro is null and new.id_sincro is not null
     and (pg_catalog.to_jsonb(old) - 'id_sincro') = (pg_catalog.to_jsonb(new) - 'id_sincro') then
    return new;
  end if;
  raise exception using
    errcode = 'SY108',
    message = 'arportes_history: history is append-only',
    hint = 'Each change of an order adds a version; versions are never changed or removed.';
end;
$$;


ALTER FUNCTION sincro_private.tg_arportes_history__append_only() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_arportes_history__append_only(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_arportes_history__append_only() IS 'BEFORE UPDATE/DELETE on arportes_history: refuses every change except the hub stamping a pending change number. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';


--
-- Name: tg_clienti__reslice(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_clienti__reslice() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_moves jsonb;
begin
  if tg_op = 'INSERT' then
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_cli', n.cod_cli, 'from_agente', null, 'to_agente', n.cod_agente)
                                order by n.azi, n.cod_cli)
      into v_moves
      from new_rows n where n.cod_agente is not null;
  else
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_cli', n.cod_cli, 'from_agente', o.cod_agente, 'to_agente', n.cod_agente)
                                order by n.azi, n.cod_cli)
      into v_moves
      from new_rows n join old_rows o on o.azi = n.azi and o.cod_cli = n.cod_cli
      where o.cod_agente is distinct from n.cod_agente;
  end if;
  if v_moves is not null then
    perform sincro_private.reslice_customers(v_moves);
  end if;
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_clienti__reslice() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_clienti__reslice(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_clienti__reslice() IS 'After customers are written: those whose agent changed (or who arrived with one) take their rows to the new agent''s slice and are logged for both agents'' devices.';


--
-- Name: tg_company__keep_erp_rows(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_company__keep_erp_rows() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
  v_table regclass;
  v_holds boolean;
begin
  for v_table in select e.table_name from sincro_private.erp_entity e order by e.entity loop
    execute pg_catalog.format('select exists (select 1 from %s t where t.azi = $1)', v_table) into v_holds using old.azi;
    if v_holds then
      raise exception using
        errcode = 'SY108',
        message = pg_catalog.format('company %s cannot be deleted: it still holds rows of %s', old.azi, v_table),
        hint = 'ERP-owned rows go with the company''s data; the hub never deletes a company.';
    end if;
  end loop;
  return old;
end;
$_$;


ALTER FUNCTION sincro_private.tg_company__keep_erp_rows() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_company__keep_erp_rows(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_company__keep_erp_rows() IS 'BEFORE DELETE trigger on sincro_private.company: refuses (SY108) to delete a company that still holds ERP-owned rows, which keep no foreign key to it.';


--
-- Name: tg_documenti__moved(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_documenti__moved() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_entries jsonb;
begin
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'azi', o.azi, 'cod_agente', o.slice_agente, 'entity', 'document',
           'key', pg_catalog.jsonb_build_object('tipo_doc', o.tipo_doc, 'numero', o.numero)) order by o.azi, o.tipo_doc, o.numero)
    into v_entries
  from old_rows o
  join new_rows n on n.azi = o.azi and n.tipo_doc = o.tipo_doc and n.numero = o.numero
  join sincro_private.company k on k.azi = o.azi
  -- tombstones too: a device may not have read the tombstone before the row left its slice
  where o.slice_agente is not null
    and (o.data_doc is null or o.data_doc >= k.device_history_from)
    and (n.cliente_cod is distinct from o.cliente_cod or n.data_doc is distinct from o.data_doc)
    and (n.slice_agente is distinct from o.slice_agente or n.data_doc < k.device_history_from);
  if v_entries is not null then
    perform sincro_private.append_slice_log(v_entries, 'moved');
  end if;
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_documenti__moved() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_documenti__moved(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_documenti__moved() IS 'After documents are updated: those that left their agent''s slice (another customer, or dated before the history window) are logged for that agent''s devices.';


--
-- Name: tg_documenti__set_slice_agente(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_documenti__set_slice_agente() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  new.slice_agente := (select c.cod_agente from sincro.clienti c where c.azi = new.azi and c.cod_cli = new.cliente_cod);
  return new;
end;
$$;


ALTER FUNCTION sincro_private.tg_documenti__set_slice_agente() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_documenti__set_slice_agente(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_documenti__set_slice_agente() IS 'Before a document is inserted or its customer written: slice_agente := the agent of cliente_cod.';


--
-- Name: tg_new_customers__guard_update(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_new_customers__guard_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  if sincro_private.current_party() in ('G', 'H') then
    new.updated_at := now();
    return new;
  end if;
  raise exception using
    errcode = 'SY107',
    message = pg_catalog.format('new_customers: customer %s cannot be changed by a store or app', old.customer_id),
    hint = 'Once written, a new customer changes only by the ERP''s answer (its code).';
end;
$$;


ALTER FUNCTION sincro_private.tg_new_customers__guard_update() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_new_customers__guard_update(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_new_customers__guard_update() IS 'BEFORE UPDATE on new_customers: only the ERP side changes a stored customer (SY107 otherwise). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';


--
-- Name: tg_new_customers__prepare_insert(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_new_customers__prepare_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
  v_existing sincro.new_customers;
  v_login sincro_private.login := sincro_private.session_login();
  v_company sincro_private.company;
  v_longest record;
begin
  -- validate: a login writes its own company only (before the company's existence is looked at)
  if v_login.login is not null and new.azi is distinct from v_login.azi then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('new_customers: login %s belongs to company %s, not %s', v_login.login, v_login.azi, sincro_private.shown(new.azi)),
      hint = 'A login writes customers of its own company only.';
  end if;
  select * into v_company from sincro_private.company c where c.azi = new.azi;
  if not found then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('new_customers: unknown company (azi = %s)', sincro_private.shown(new.azi)),
      hint = 'Register the company first: insert into sincro.apstatosyn(azi) values (...).';
  end if;
  if greatest(pg_catalog.length(new.prov_tipo), pg_catalog.length(new.prov_id), pg_catalog.length(new.id_int),
              pg_catalog.length(new.ragione_sociale), pg_catalog.length(new.partita_iva), pg_catalog.length(new.codice_fiscale),
              pg_catalog.length(new.email), pg_catalog.length(new.telefono), pg_catalog.length(new.indirizzo),
              pg_catalog.length(new.cap), pg_catalog.length(new.citta), pg_catalog.length(new.provincia),
              pg_catalog.length(new.nazione), pg_catalog.length(new.cod_cli)) > v_company.max_text_length then
    select * into v_longest from sincro_private.longest_field(
      array['prov_tipo', 'prov_id', 'id_int', 'ragione_sociale', 'partita_iva', 'codice_fiscale', 'email', 'telefono', 'indirizzo',
            'cap', 'citta', 'provincia', 'nazione', 'cod_cli'],
      array[new.prov_tipo, new.prov_id, new.id_int, new.ragione_sociale, new.partita_iva, new.codice_fiscale, new.email, new.telefono,
            new.indirizzo, new.cap, new.citta, new.provincia, new.nazione, new.cod_cli]);
    perform sincro_private.raise_too_large('new_customers', pg_catalog.format('field %s (characters)', v_longest.field), v_longest.field_length,
                                           new.azi, 'max_text_length', v_company.max_text_length);
  end if;
  if new.prov_tipo is null or new.prov_tipo not in ('S', 'A') then
    raise exception using
      errcode = case when new.prov_tipo is null then 'SY102' else 'SY101' end,
      message = pg_catalog.format('new_customers: prov_tipo must be S or A (got %s)', sincro_private.shown(new.prov_tipo)),
      hint = 'S for the store, A for an app; the ERP''s own customers arrive by sync.';
  end if;
  if new.id_int is null or pg_catalog.btrim(new.id_int) = '' then
    raise exception using
      errcode = 'SY102', message = 'new_customers: id_int is required',
      hint = 'id_int is the customer''s ID inside the store or device.';
  end if;
  if new.prov_tipo = 'A' and (new.prov_id is null or pg_catalog.btrim(new.prov_id) = '') then
    raise exception using errcode = 'SY102', message = 'new_customers: prov_id (the device ID) is required for app customers';
  elsif new.prov_tipo = 'S' and new.prov_id is not null then
    raise exception using errcode = 'SY101', message = 'new_customers: prov_id must be empty for store customers';
  end if;
  if v_login.login is not null and (
       v_login.kind <> case new.prov_tipo when 'S' then 'store' else 'app' end
       or (v_login.kind = 'app' and new.prov_id is distinct from v_login.prov_id)) then
    raise exception using
      errcode = 'SY111',
      message = pg_catalog.format('new_customers: login %s (%s of company %s%s) cannot write a customer as %s %s',
                                  v_login.login, v_login.kind, v_login.azi, coalesce(', device ' || v_login.prov_id, ''),
                                  new.prov_tipo, sincro_private.shown(new.prov_id)),
      hint = 'A login writes customers of its own company, as its own party and device.';
  end if;
  if new.ragione_sociale is null or pg_catalog.btrim(new.ragione_sociale) = '' then
    raise exception using errcode = 'SY102', message = 'new_customers: ragione_sociale (the customer''s name) is required';
  end if;
  if new.cod_cli is not null then
    raise exception using
      errcode = 'SY103', message = 'new_customers: cod_cli is assigned by the ERP and cannot be supplied',
      hint = 'For a customer the ERP already knows, put its code in arportes.cliente_cod instead.';
  end if;

  -- validate: Italian fiscal identifiers (sql/common/fiscal.sql), stored in the form that was checked
  -- (trimmed, codice fiscale in upper case, blank as NULL), before the retry check compares them;
  -- a customer abroad keeps its own country's numbers, which the ERP checks
  if pg_catalog.upper(pg_catalog.btrim(new.nazione)) = 'IT' then
    new.partita_iva := sincro_private.fiscal_normalised('partita_iva', new.partita_iva);
    new.codice_fiscale := sincro_private.fiscal_normalised('codice_fiscale', new.codice_fiscale);
    perform sincro_private.check_fiscal_fields('new_customers', new.partita_iva, new.codice_fiscale);
  end if;

  -- idempotency: identical retries wait for each other on the company's counter row, then see each other
  perform 1 from sincro_private.id_pub_counter c where c.azi = new.azi for no key update;
  -- (two queries, so that uniq_new_customers__creator_key answers each: with "c.prov_id = new.prov_id or both
  -- null" the index could only narrow to the company's party, and every insert read all its customers)
  if new.prov_id is null then
    select * into v_existing from sincro.new_customers c
    where c.azi = new.azi and c.prov_tipo = new.prov_tipo and c.prov_id is null and c.id_int = new.id_int;
  else
    select * into v_existing from sincro.new_customers c
    where c.azi = new.azi and c.prov_tipo = new.prov_tipo and c.prov_id = new.prov_id and c.id_int = new.id_int;
  end if;
  if found then
    if (v_existing.ragione_sociale, v_existing.partita_iva, v_existing.codice_fiscale, v_existing.email,
        v_existing.telefono, v_existing.indirizzo, v_existing.cap, v_existing.citta, v_existing.provincia,
        v_existing.nazione)
       is not distinct from
       (new.ragione_sociale, new.partita_iva, new.codice_fiscale, new.email, new.telefono, new.indirizzo,
        new.cap, new.citta, new.provincia, new.nazione) then
      return null;
    end if;
    raise exception using
      errcode = 'SY106',
      message = pg_catalog.format('new_customers: customer %s already exists as customer_id %s with different content',
                                  sincro_private.shown(new.id_int), v_existing.customer_id),
      hint = 'A retry must send the same customer; a different customer needs its own id_int.';
  end if;

  new.created_xact := pg_catalog.pg_current_xact_id();
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;


ALTER FUNCTION sincro_private.tg_new_customers__prepare_insert() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_new_customers__prepare_insert(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_new_customers__prepare_insert() IS 'BEFORE INSERT on new_customers: validates, skips an identical retry, refuses a conflicting one (SY106). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';


--
-- Name: tg_order_events__append_only(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_order_events__append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  raise exception using
    errcode = 'SY108',
    message = 'order_events: events are append-only',
    hint = 'Each push attempt and operator action adds an event; events are never changed or removed.';
end;
$$;


ALTER FUNCTION sincro_private.tg_order_events__append_only() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_order_events__append_only(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_order_events__append_only() IS 'BEFORE UPDATE/DELETE on order_events: refuses every change (SY108).';


--
-- Name: tg_order_events__count_outcome(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_order_events__count_outcome() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  insert into sincro_private.metric_delta (azi, metric, n) values (new.azi, new.event, 1);
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_order_events__count_outcome() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_order_events__count_outcome(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_order_events__count_outcome() IS 'AFTER INSERT on order_events of push_rejected and push_failed: one delta of that name. SECURITY DEFINER: writes a table nobody else may.';


--
-- Name: tg_order_push__count_acquired(); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tg_order_push__count_acquired() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
  -- the duration's bucket is found when the delta is folded or scraped: nothing more on the push path
  insert into sincro_private.metric_delta (azi, metric, n, seconds)
    values (new.azi, 'push_acquired', 1, extract(epoch from new.acquired_at - new.created_at));
  return null;
end;
$$;


ALTER FUNCTION sincro_private.tg_order_push__count_acquired() OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tg_order_push__count_acquired(); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tg_order_push__count_acquired() IS 'AFTER INSERT/UPDATE on order_push, when a push becomes acquired: one push_acquired delta with its insert → acquired seconds. SECURITY DEFINER: fired by the worker''s and operators'' functions, it writes a table nobody else may.';


--
-- Name: tombstone_erp_rows(text, text, jsonb, bigint); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tombstone_erp_rows(entity text, azi text, keys jsonb DEFAULT NULL::jsonb, run_id bigint DEFAULT NULL::bigint) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "DateStyle" TO 'ISO, YMD'
    SET jit TO 'off'
    AS $_$
declare
  v_table regclass;
  v_keys text[];
  v_key_text text;
  v_chosen text;
  v_count integer;
  v_hashjoin constant text := pg_catalog.current_setting('enable_hashjoin');
  v_mergejoin constant text := pg_catalog.current_setting('enable_mergejoin');
  v_seqscan constant text := pg_catalog.current_setting('enable_seqscan');
  v_nestloop constant text := pg_catalog.current_setting('enable_nestloop');
begin
  -- validate
  select e.table_name, e.key_columns into v_table, v_keys
    from sincro_private.erp_entity e where e.entity = tombstone_erp_rows.entity;
  if v_table is null then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: unknown entity "%s"', entity);
  end if;
  if (keys is null) = (run_id is null) then
    raise exception using errcode = 'SY201', message = 'tombstone_erp_rows: give either keys or run_id';
  end if;
  v_key_text := (select pg_catalog.string_agg(pg_catalog.format('t.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k);

  if run_id is not null then
    v_chosen := pg_catalog.format($sql$
      select %1$s, pg_catalog.row_number() over (order by %1$s) as position
      from %2$s t
      where t.azi = $1 and not t.deleted
        -- rows numbered after the rebuild began were written by it: received, nothing to check
        and t.id_sincro <= (select r.id_sincro_at_start from sincro.sync_runs r where r.azi = $1 and r.run_id = $3)
        and not exists (select 1 from sincro_private.rebuild_seen s
                        where s.azi = $1 and s.run_id = $3 and s.entity = $4 and s.key = %3$s)
      $sql$, (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k), v_table, v_key_text);
  else
    v_chosen := pg_catalog.format($sql$
      select %1$s, pg_catalog.row_number() over (order by %1$s) as position
      from %2$s t
      join (select distinct %3$s as key_text from pg_catalog.jsonb_array_elements($2) e(x),
              pg_catalog.jsonb_populate_record(null::%2$s, e.x) t) k on k.key_text = %3$s
      where t.azi = $1 and not t.deleted
      $sql$, (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k), v_table, v_key_text);
  end if;

  -- apply (named keys: a few rows of a big table, probed by primary key, never a hash of the table)
  if keys is not null then
    perform pg_catalog.set_config('enable_hashjoin', 'off', true), pg_catalog.set_config('enable_mergejoin', 'off', true),
            pg_catalog.set_config('enable_seqscan', 'off', true);
  else
    -- the sweep: every live row against every key received, one hash anti-join (never a nested loop:
    -- the scratch table's statistics may say it is empty)
    perform pg_catalog.set_config('enable_nestloop', 'off', true);
  end if;
  execute pg_catalog.format($sql$
    with chosen as (%1$s),
    bump as (
      update sincro_private.id_sincro_counter c
        set last_value = c.last_value + (select pg_catalog.count(*) from chosen)
        where c.azi = $1 and exists (select 1 from chosen)
        returning c.last_value - (select pg_catalog.count(*) from chosen) as base
    )
    update %2$s t
      set deleted = true, id_sincro = b.base + c.position, updated_at = pg_catalog.now()
      from chosen c cross join bump b
      where t.azi = $1 and (%3$s) = (%4$s)
    $sql$, v_chosen, v_table,
    (select pg_catalog.string_agg(pg_catalog.format('t.%I', k), ', ') from pg_catalog.unnest(v_keys) k),
    (select pg_catalog.string_agg(pg_catalog.format('c.%I', k), ', ') from pg_catalog.unnest(v_keys) k))
    using azi, keys, run_id, entity;
  get diagnostics v_count = row_count;
  perform pg_catalog.set_config('enable_hashjoin', v_hashjoin, true), pg_catalog.set_config('enable_mergejoin', v_mergejoin, true),
          pg_catalog.set_config('enable_seqscan', v_seqscan, true), pg_catalog.set_config('enable_nestloop', v_nestloop, true);

  if v_table = 'sincro.documenti'::regclass and v_count > 0 then
    delete from sincro.documenti_righe r
      using sincro.documenti d
      where d.azi = tombstone_erp_rows.azi and d.deleted
        and r.azi = d.azi and r.tipo_doc = d.tipo_doc and r.numero = d.numero;
  end if;
  return v_count;
end;
$_$;


ALTER FUNCTION sincro_private.tombstone_erp_rows(entity text, azi text, keys jsonb, run_id bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tombstone_erp_rows(entity text, azi text, keys jsonb, run_id bigint); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tombstone_erp_rows(entity text, azi text, keys jsonb, run_id bigint) IS 'Marks ERP-owned rows deleted with a new change number: those named by keys (a sync for changes), or every live row a rebuild (run_id) did not receive. Returns how many.';


--
-- Name: tombstones_purged_through(text); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.tombstones_purged_through(azi text) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
  -- a company the caller may not see answers like one that does not exist
  select c.tombstones_purged_through from sincro_private.company c
  where c.azi = tombstones_purged_through.azi and sincro_private.may_see_company(c.azi)
$$;


ALTER FUNCTION sincro_private.tombstones_purged_through(azi text) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION tombstones_purged_through(azi text); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.tombstones_purged_through(azi text) IS 'Largest change number of a purged tombstone of a company (0: none); NULL for a company the caller may not see or that does not exist. For all_changes_since, which runs with the caller''s rights. SECURITY DEFINER: reads the company table.';


--
-- Name: upsert_documents(text, jsonb, bigint); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.upsert_documents(azi text, rows jsonb, run_id bigint DEFAULT NULL::bigint) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET enable_hashjoin TO 'off'
    SET enable_mergejoin TO 'off'
    SET enable_seqscan TO 'off'
    SET jit TO 'off'
    AS $$
#variable_conflict use_column
declare
  v_azi constant text := upsert_documents.azi;
  v_bad jsonb;
  v_lines_changed text[];
  v_changed integer;
  v_lines sincro.documenti_righe[];
  v_rows jsonb;
  v_max_lines integer := (select c.max_lines_per_order from sincro_private.company c where c.azi = upsert_documents.azi);
  v_rule text;
begin
  -- validate
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = 'sync: document rows must be a JSON array';
  end if;
  select x -> 'key' into v_bad from pg_catalog.jsonb_array_elements(rows) x
    where pg_catalog.jsonb_typeof(coalesce(x -> 'data' -> 'lines', '[]')) <> 'array'
       or exists (select 1 from pg_catalog.jsonb_array_elements(
                    case when pg_catalog.jsonb_typeof(x -> 'data' -> 'lines') = 'array' then x -> 'data' -> 'lines' else '[]' end) l
                  where pg_catalog.jsonb_typeof(l) <> 'object')
    limit 1;
  if found then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: document %s: "lines" must be an array of line objects', v_bad),
      hint = 'Line fields: riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva.';
  end if;

  select x -> 'key' into v_bad from pg_catalog.jsonb_array_elements(rows) x
    where pg_catalog.jsonb_array_length(coalesce(x -> 'data' -> 'lines', '[]')) > v_max_lines
    limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: document %s', v_bad), 'the number of lines',
                                           (select pg_catalog.max(pg_catalog.jsonb_array_length(coalesce(x -> 'data' -> 'lines', '[]')))
                                            from pg_catalog.jsonb_array_elements(rows) x),
                                           v_azi, 'max_lines_per_order', v_max_lines);
  end if;

  -- which documents' lines differ (read before anything is written). Held in a variable, never in a
  -- temporary table: a caller could have created that table first, with a trigger of its own.
  begin
    select pg_catalog.array_agg(row(v_azi, d.tipo_doc, d.numero, coalesce(l.riga, o.n::integer), l.articolo, l.descrizione, l.quantita,
                                    l.unita_misura, l.prezzo, l.sconto, l.iva)::sincro.documenti_righe)
      into v_lines
    from (
      select distinct on (x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero')
             x -> 'key' ->> 'tipo_doc' as tipo_doc, x -> 'key' ->> 'numero' as numero,
             coalesce(x -> 'data' -> 'lines', '[]') as lines
      from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
      order by x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero', e.n desc
    ) d
    cross join lateral pg_catalog.jsonb_array_elements(d.lines) with ordinality o(line, n)
    cross join lateral pg_catalog.jsonb_populate_record(null::sincro.documenti_righe, o.line) l;
  exception when data_exception then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: a document line has an invalid value (%s)', sqlerrm),
      hint = 'Send quantities and prices as JSON numbers or decimal strings.';
  end;

  select pg_catalog.array_agg(distinct c.tipo_doc || E'\x1f' || c.numero) into v_lines_changed
  from (
    (select n.tipo_doc, n.numero, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto, n.iva
     from pg_catalog.unnest(v_lines) n
     except all
     select r.tipo_doc, r.numero, r.riga, r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva
     from sincro.documenti_righe r
     where r.azi = v_azi and (r.tipo_doc, r.numero) in (select x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero'
                                                         from pg_catalog.jsonb_array_elements(rows) x))
    union all
    (select r.tipo_doc, r.numero, r.riga, r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva
     from sincro.documenti_righe r
     where r.azi = v_azi and (r.tipo_doc, r.numero) in (select x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero'
                                                         from pg_catalog.jsonb_array_elements(rows) x)
     except all
     select n.tipo_doc, n.numero, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto, n.iva
     from pg_catalog.unnest(v_lines) n)
  ) c;

  -- apply: headers (each with its lines as JSON: data.righe, the ERP's own replaced), then the lines of the
  -- documents whose lines changed
  select pg_catalog.jsonb_agg(e.x || pg_catalog.jsonb_build_object('data', coalesce(e.x -> 'data', '{}')
                                       || pg_catalog.jsonb_build_object('righe', coalesce(l.righe, '[]'))) order by e.n)
    into v_rows
  from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
  left join (
    select n.tipo_doc, n.numero, pg_catalog.jsonb_agg(pg_catalog.to_jsonb(n) - '{azi,tipo_doc,numero}'::text[] order by n.riga) as righe
    from pg_catalog.unnest(v_lines) n
    group by n.tipo_doc, n.numero
  ) l on l.tipo_doc = e.x -> 'key' ->> 'tipo_doc' and l.numero = e.x -> 'key' ->> 'numero';
  v_changed := sincro_private.upsert_erp_rows('document', v_azi, coalesce(v_rows, '[]'), run_id, coalesce(v_lines_changed, '{}'));
  if v_lines_changed is not null then
    delete from sincro.documenti_righe r
      where r.azi = v_azi and r.tipo_doc || E'\x1f' || r.numero = any (v_lines_changed);
    begin
      insert into sincro.documenti_righe
        select n.* from pg_catalog.unnest(v_lines) n where n.tipo_doc || E'\x1f' || n.numero = any (v_lines_changed);
    exception when check_violation then
      get stacked diagnostics v_rule = constraint_name;
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('sync: a document line breaks the rule %s (%s)', v_rule, sqlerrm),
        hint = 'Numbers must be numbers (not NaN).';
    end;
  end if;
  return v_changed;
end;
$$;


ALTER FUNCTION sincro_private.upsert_documents(azi text, rows jsonb, run_id bigint) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION upsert_documents(azi text, rows jsonb, run_id bigint); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.upsert_documents(azi text, rows jsonb, run_id bigint) IS 'Upserts a batch of ERP documents with their lines ([{"key":{"tipo_doc","numero"},"data":{...,"lines":[...]}}]); a document whose header or lines changed gets a new change number. Returns how many changed.';


--
-- Name: upsert_erp_rows(text, text, jsonb, bigint, text[]); Type: FUNCTION; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE FUNCTION sincro_private.upsert_erp_rows(entity text, azi text, rows jsonb, run_id bigint DEFAULT NULL::bigint, also_changed text[] DEFAULT '{}'::text[]) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "DateStyle" TO 'ISO, YMD'
    SET enable_hashjoin TO 'off'
    SET enable_mergejoin TO 'off'
    SET enable_seqscan TO 'off'
    SET jit TO 'off'
    AS $_$
declare
  v_table regclass;
  v_keys text[];
  v_data text[];
  v_key text;
  v_row jsonb;
  v_position integer := 0;
  v_sql text;
  v_changed integer;
  v_rule text;
begin
  -- validate
  select e.table_name, e.key_columns into v_table, v_keys
    from sincro_private.erp_entity e where e.entity = upsert_erp_rows.entity;
  if v_table is null then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: unknown entity "%s"', upsert_erp_rows.entity),
      hint = (select pg_catalog.format('Entities: order, %s.', pg_catalog.string_agg(e.entity, ', ' order by e.entity))
              from sincro_private.erp_entity e);
  end if;
  -- the tables keep no foreign key to the company (a quarter of a rebuild's cost): checked here, once a batch
  if not exists (select 1 from sincro_private.company c where c.azi = upsert_erp_rows.azi) then
    raise exception using
      errcode = 'SY100',
      message = pg_catalog.format('sync: unknown company (azi = %s)', sincro_private.shown(upsert_erp_rows.azi)),
      hint = 'Register the company first (insert into sincro.apstatosyn).';
  end if;
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = pg_catalog.format('sync: %s rows must be a JSON array', entity);
  end if;
  -- one pass over the batch finds the first malformed row
  select r, case when pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
                   or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object' then 'shape' else 'key' end
    into v_row, v_key
    from pg_catalog.jsonb_array_elements(rows) r
    where pg_catalog.jsonb_typeof(r -> 'key') is distinct from 'object'
       or pg_catalog.jsonb_typeof(coalesce(r -> 'data', '{}')) <> 'object'
       or exists (select 1 from pg_catalog.unnest(v_keys) k where pg_catalog.jsonb_typeof(r -> 'key' -> k) is distinct from 'string')
    limit 1;
  if v_key = 'shape' then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: each %s row must be {"key": {...}, "data": {...}} (got %s)', entity, pg_catalog.left(v_row::text, 200));
  elsif v_key = 'key' then
    raise exception using
      errcode = 'SY102',
      message = pg_catalog.format('sync: %s key field "%s" is missing or not a string (key %s)', entity,
                                  (select k from pg_catalog.unnest(v_keys) k
                                   where pg_catalog.jsonb_typeof(v_row -> 'key' -> k) is distinct from 'string' limit 1),
                                  v_row -> 'key'),
      hint = pg_catalog.format('The key of a %s is {%s}, every field a string.', entity, pg_catalog.array_to_string(v_keys, ', '));
  end if;

  -- the statement, for this entity's table: its key columns and its data columns (all but the hub's own)
  select pg_catalog.array_agg(a.attname::text order by a.attnum) into v_data
    from pg_catalog.pg_attribute a
    where a.attrelid = v_table and a.attnum > 0 and not a.attisdropped
      -- slice_agente: the hub's (the customer's agent, set by the slice triggers), never the ERP's
      and a.attname::text <> all (v_keys || '{azi,id_sincro,deleted,updated_at,slice_agente}'::text[]);
  v_sql := sincro_private.fill_sql_template($sql$
    with incoming as (
      -- the last state of each key in the batch, numbered in batch order
      -- (a field the ERP leaves out is null, or the column's default where the column needs a value)
      select distinct on ({r.keys}) {r.keys}, {incoming_data}, {key_text} as key_text, e.n
      from pg_catalog.jsonb_array_elements($2) with ordinality e(x, n)
      cross join lateral pg_catalog.jsonb_populate_record(null::{table}, (e.x -> 'key') || coalesce(e.x -> 'data', '{}')) r
      order by {r.keys}, e.n desc
    ),
    seen as (
      insert into sincro_private.rebuild_seen (azi, run_id, entity, key)
      select $1, $3, $4, i.key_text from incoming i where $3 is not null
    ),
    changed as (
      -- new keys, tombstones coming back, rows whose data differ, and the ones the caller says changed
      select i.*, pg_catalog.row_number() over (order by i.n) as position, t.row_id
      from incoming i
      left join lateral (
        select t.ctid as row_id, t.deleted, {t.data}
        from {table} t where t.azi = $1 and ({t.keys}) = ({i.keys})
        limit 1  -- keeps the probe a per-row primary-key lookup (not flattened into a join)
      ) t on true
      where t.row_id is null or t.deleted or i.key_text = any ($5)
         or row({i.data}) is distinct from row({t.data})
    ),
    bump as (
      update sincro_private.id_sincro_counter c
        set last_value = c.last_value + (select pg_catalog.count(*) from changed)
        where c.azi = $1 and exists (select 1 from changed)
        returning c.last_value - (select pg_catalog.count(*) from changed) as base
    ),
    inserted as (
      -- only syncs write these tables, one per company at a time: a plain insert cannot race
      insert into {table} (azi, {keys}, {data}, id_sincro, deleted, updated_at)
      select $1, {c.keys}, {c.data}, (select b.base from bump b) + c.position, false, pg_catalog.now()
      from changed c
      where c.row_id is null
    ),
    updated as (
      update {table} t
        set ({data}, id_sincro, deleted, updated_at) = ({c.data}, (select b.base from bump b) + c.position, false, pg_catalog.now())
        from changed c
        where c.row_id is not null and t.ctid = c.row_id
    )
    select pg_catalog.count(*) from changed
    $sql$,
    pg_catalog.jsonb_build_object(
      'table', v_table::text,
      'keys', sincro_private.column_list(v_keys),
      'data', sincro_private.column_list(v_data),
      't.keys', sincro_private.column_list(v_keys, 't'), 'i.keys', sincro_private.column_list(v_keys, 'i'),
      'c.keys', sincro_private.column_list(v_keys, 'c'),
      't.data', sincro_private.column_list(v_data, 't'), 'i.data', sincro_private.column_list(v_data, 'i'),
      'c.data', sincro_private.column_list(v_data, 'c'), 'r.keys', sincro_private.column_list(v_keys, 'r'),
      'incoming_data', (
        select pg_catalog.string_agg(
                 case when a.attnotnull and d.adbin is not null
                      then pg_catalog.format('coalesce(r.%1$I, %2$s) as %1$I', a.attname, pg_catalog.pg_get_expr(d.adbin, d.adrelid))
                      else pg_catalog.format('r.%I', a.attname) end,
                 ', ' order by u.o)
        from pg_catalog.unnest(v_data) with ordinality u(c, o)
        join pg_catalog.pg_attribute a on a.attrelid = v_table and a.attname = u.c
        left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum),
      -- the key as one text (fields joined by the unit separator), as rebuild_seen and also_changed hold it
      'key_text', (select pg_catalog.string_agg(pg_catalog.format('r.%I::text', k), ' || E''\x1f'' || ') from pg_catalog.unnest(v_keys) k)));

  -- apply
  begin
    execute v_sql into v_changed using azi, rows, run_id, entity, coalesce(also_changed, '{}');
  exception when check_violation then
    -- a value of the right type that the table's rules refuse: NaN, an infinite date
    get stacked diagnostics v_rule = constraint_name;
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: a %s row breaks the rule %s (%s)', entity, v_rule, sqlerrm),
      hint = 'Numbers must be numbers (not NaN) and dates real dates (not infinity).';
  when data_exception then
    -- find the row and field that did not fit, and say so
    for v_row in select r from pg_catalog.jsonb_array_elements(rows) r loop
      v_position := v_position + 1;
      begin
        execute pg_catalog.format('select pg_catalog.jsonb_populate_record(null::%s, $1)', v_table)
          using (v_row -> 'key') || coalesce(v_row -> 'data', '{}');
      exception when data_exception then
        execute pg_catalog.format('select sincro_private.raise_bad_field($1, $2, null::%s)', v_table)
          using pg_catalog.format('sync: %s row %s (key %s)', entity, v_position, v_row -> 'key'),
                (v_row -> 'key') || coalesce(v_row -> 'data', '{}');
      end;
    end loop;
    raise;
  end;
  return v_changed;
end;
$_$;


ALTER FUNCTION sincro_private.upsert_erp_rows(entity text, azi text, rows jsonb, run_id bigint, also_changed text[]) OWNER TO CURRENT_USER;

--
-- Name: FUNCTION upsert_erp_rows(entity text, azi text, rows jsonb, run_id bigint, also_changed text[]); Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON FUNCTION sincro_private.upsert_erp_rows(entity text, azi text, rows jsonb, run_id bigint, also_changed text[]) IS 'Upserts a batch of ERP-owned rows of one entity ([{"key":{...},"data":{...}}]); only rows that really change get a new change number. Returns how many changed. With run_id, remembers the keys for a rebuild''s sweep.';


--
-- Name: agenti; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.agenti (
    azi text NOT NULL,
    cod_agente text NOT NULL,
    nome text,
    email text,
    telefono text,
    cod_supervisore text,
    id_sincro bigint NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0))
);
ALTER TABLE ONLY sincro.agenti ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.agenti OWNER TO CURRENT_USER;

--
-- Name: TABLE agenti; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.agenti IS 'Sales agents of the ERP, each with an optional supervisor (area manager) who sees their customers. ERP-owned: written by syncs only; followed by id_sincro.';


--
-- Name: COLUMN agenti.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.azi IS 'Company code.';


--
-- Name: COLUMN agenti.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.cod_agente IS 'The ERP''s agent code (sincro.clienti.cod_agente, an app login''s cod_agente).';


--
-- Name: COLUMN agenti.nome; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.nome IS 'Name.';


--
-- Name: COLUMN agenti.email; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.email IS 'E-mail address.';


--
-- Name: COLUMN agenti.telefono; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.telefono IS 'Phone number.';


--
-- Name: COLUMN agenti.cod_supervisore; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.cod_supervisore IS 'Agent code of this agent''s supervisor (area manager), or null. The supervisor''s devices see this agent''s customers.';


--
-- Name: COLUMN agenti.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.id_sincro IS 'Change number of the row''s last change, from the company''s counter.';


--
-- Name: COLUMN agenti.deleted; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.deleted IS 'Tombstone: the ERP deleted this agent (a deleted agent supervises no one and is supervised by no one).';


--
-- Name: COLUMN agenti.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.agenti.updated_at IS 'Last change in the hub.';


--
-- Name: company; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.company (
    azi text NOT NULL,
    ragione_sociale text,
    sync_quota integer DEFAULT 0 NOT NULL,
    sync_used integer DEFAULT 0 NOT NULL,
    sync_period_start date DEFAULT CURRENT_DATE NOT NULL,
    push_mode text DEFAULT 'auto'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sync_period interval DEFAULT '1 mon'::interval NOT NULL,
    tombstone_retention interval DEFAULT '90 days'::interval NOT NULL,
    tombstones_purged_through bigint DEFAULT 0 NOT NULL,
    erp_cursor text DEFAULT ''::text NOT NULL,
    max_lines_per_order integer DEFAULT 1000 NOT NULL,
    max_text_length integer DEFAULT 4000 NOT NULL,
    max_document_bytes integer DEFAULT 1048576 NOT NULL,
    device_history_months integer DEFAULT 12 NOT NULL,
    device_history_from date DEFAULT ((CURRENT_DATE - '1 year'::interval))::date NOT NULL,
    CONSTRAINT azi_is_well_formed CHECK ((azi ~ '^[A-Za-z0-9_-]{1,20}$'::text)),
    CONSTRAINT device_history_months_is_in_range CHECK (((device_history_months >= 1) AND (device_history_months <= 120))),
    CONSTRAINT max_document_bytes_is_positive CHECK ((max_document_bytes > 0)),
    CONSTRAINT max_lines_per_order_is_positive CHECK ((max_lines_per_order > 0)),
    CONSTRAINT max_text_length_is_positive CHECK ((max_text_length > 0)),
    CONSTRAINT push_mode_is_known CHECK ((push_mode = ANY (ARRAY['auto'::text, 'manual'::text]))),
    CONSTRAINT sync_period_is_positive CHECK ((sync_period > '00:00:00'::interval)),
    CONSTRAINT sync_quota_is_not_negative CHECK ((sync_quota >= 0)),
    CONSTRAINT sync_used_is_not_negative CHECK ((sync_used >= 0)),
    CONSTRAINT tombstone_retention_is_positive CHECK ((tombstone_retention > '00:00:00'::interval))
);


ALTER TABLE sincro_private.company OWNER TO CURRENT_USER;

--
-- Name: TABLE company; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.company IS 'One row per company served by the hub. Registered through the view sincro.apstatosyn.';


--
-- Name: COLUMN company.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.azi IS 'Company code (e.g. C00001): 1-20 letters, digits, _ or -. First column of every primary key in the hub.';


--
-- Name: COLUMN company.ragione_sociale; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.ragione_sociale IS 'Company name, for operators.';


--
-- Name: COLUMN company.sync_quota; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.sync_quota IS 'Syncs (sync for changes or total rebuild) allowed per contract period.';


--
-- Name: COLUMN company.sync_used; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.sync_used IS 'Syncs used in the current contract period.';


--
-- Name: COLUMN company.sync_period_start; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.sync_period_start IS 'First day of the current contract period.';


--
-- Name: COLUMN company.push_mode; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.push_mode IS 'auto: a failed push is retried with backoff and swept; manual: one attempt, then the order waits for a partial sync (as the store vendor describes).';


--
-- Name: COLUMN company.created_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.created_at IS 'When the company was registered.';


--
-- Name: COLUMN company.sync_period; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.sync_period IS 'Length of a contract period; when it ends, sync_used restarts from 0 (sincro.set_sync_contract sets it).';


--
-- Name: COLUMN company.tombstone_retention; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.tombstone_retention IS 'How long rows the ERP deleted stay as tombstones (deleted = true) before sincro.purge_tombstones removes them. A consumer whose cursor is older must rebuild its copy (SY130).';


--
-- Name: COLUMN company.tombstones_purged_through; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.tombstones_purged_through IS 'Largest change number of a purged tombstone: a consumer cursor below it may have missed a deletion (SY130). 0: nothing purged.';


--
-- Name: COLUMN company.erp_cursor; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.erp_cursor IS 'The ERP''s change cursor up to which the hub has applied the ERP''s changes (empty: never synced). Moved only together with the changes it covers.';


--
-- Name: COLUMN company.max_lines_per_order; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.max_lines_per_order IS 'Most lines one order (or ERP document) may have; more is refused with SY140.';


--
-- Name: COLUMN company.max_text_length; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.max_text_length IS 'Most characters any one text field of an order, line or new customer may hold; more is refused with SY140.';


--
-- Name: COLUMN company.max_document_bytes; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.max_document_bytes IS 'Most bytes one ERP document (erp_write_order''s doc, one change or snapshot row of a sync) may take; more is refused with SY140.';


--
-- Name: COLUMN company.device_history_months; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.device_history_months IS 'How many months of orders and documents an app device holds (default 12); set with sincro.set_device_history_months.';


--
-- Name: COLUMN company.device_history_from; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.company.device_history_from IS 'The first day of the device history window now in force: documents and orders dated before it have left every device''s slice. Moved by sincro.device_history_advance (daily, by the worker), which logs the removals in the same transaction.';


--
-- Name: id_pub_counter; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.id_pub_counter (
    azi text NOT NULL,
    last_value bigint DEFAULT 0 NOT NULL,
    CONSTRAINT last_value_is_not_negative CHECK ((last_value >= 0))
)
WITH (fillfactor='10');


ALTER TABLE sincro_private.id_pub_counter OWNER TO CURRENT_USER;

--
-- Name: TABLE id_pub_counter; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.id_pub_counter IS 'Last public order ID handed out per company. Updated inside the inserting transaction, so its row lock makes IDs gap-free: a rollback returns the number.';


--
-- Name: COLUMN id_pub_counter.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.id_pub_counter.azi IS 'Company code.';


--
-- Name: COLUMN id_pub_counter.last_value; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.id_pub_counter.last_value IS 'Last id_pub given to an order of this company (0: none yet).';


--
-- Name: id_sincro_counter; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.id_sincro_counter (
    azi text NOT NULL,
    last_value bigint DEFAULT 0 NOT NULL,
    CONSTRAINT last_value_is_not_negative CHECK ((last_value >= 0))
)
WITH (fillfactor='10');


ALTER TABLE sincro_private.id_sincro_counter OWNER TO CURRENT_USER;

--
-- Name: TABLE id_sincro_counter; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.id_sincro_counter IS 'Last change number (id_sincro) handed out per company. Taken only at commit, by deferred triggers, and held until the commit ends, so change numbers grow in commit order.';


--
-- Name: COLUMN id_sincro_counter.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.id_sincro_counter.azi IS 'Company code.';


--
-- Name: COLUMN id_sincro_counter.last_value; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.id_sincro_counter.last_value IS 'Last id_sincro given to a row of this company (0: none yet).';


--
-- Name: apstatosyn; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.apstatosyn WITH (security_barrier='true') AS
 SELECT c.azi,
    c.ragione_sociale,
    p.last_value AS last_id_pub,
    s.last_value AS last_id_sincro,
    c.sync_quota,
    c.sync_used,
    c.sync_period_start,
    c.push_mode,
    c.created_at,
    c.max_lines_per_order,
    c.max_text_length,
    c.max_document_bytes
   FROM ((sincro_private.company c
     JOIN sincro_private.id_pub_counter p USING (azi))
     JOIN sincro_private.id_sincro_counter s USING (azi))
  WHERE sincro_private.may_see_company(c.azi);


ALTER TABLE sincro.apstatosyn OWNER TO CURRENT_USER;

--
-- Name: VIEW apstatosyn; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.apstatosyn IS 'One row per company: counters and sync quota. insert into sincro.apstatosyn(azi) values (...) registers a company.';


--
-- Name: COLUMN apstatosyn.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.azi IS 'Company code: 1-20 letters, digits, _ or -.';


--
-- Name: COLUMN apstatosyn.ragione_sociale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.ragione_sociale IS 'Company name.';


--
-- Name: COLUMN apstatosyn.last_id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.last_id_pub IS 'Last public order ID handed out (read-only).';


--
-- Name: COLUMN apstatosyn.last_id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.last_id_sincro IS 'Last change number handed out (read-only).';


--
-- Name: COLUMN apstatosyn.sync_quota; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.sync_quota IS 'Syncs allowed per contract period.';


--
-- Name: COLUMN apstatosyn.sync_used; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.sync_used IS 'Syncs used in the current period.';


--
-- Name: COLUMN apstatosyn.sync_period_start; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.sync_period_start IS 'First day of the current contract period.';


--
-- Name: COLUMN apstatosyn.push_mode; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.push_mode IS 'auto (retries and sweep) or manual (one attempt, then partial sync).';


--
-- Name: COLUMN apstatosyn.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.created_at IS 'When the company was registered.';


--
-- Name: COLUMN apstatosyn.max_lines_per_order; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.max_lines_per_order IS 'Most lines an order or ERP document may have (default 1000); more is refused (SY140).';


--
-- Name: COLUMN apstatosyn.max_text_length; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.max_text_length IS 'Most characters one text field of an order, line or new customer may hold (default 4000); more is refused (SY140).';


--
-- Name: COLUMN apstatosyn.max_document_bytes; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.apstatosyn.max_document_bytes IS 'Most bytes one ERP document or sync row may take (default 1 MiB); more is refused (SY140).';


--
-- Name: arporrig; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.arporrig (
    azi text NOT NULL,
    id_pub bigint NOT NULL,
    riga integer NOT NULL,
    articolo text NOT NULL,
    descrizione text,
    quantita numeric(14,3) NOT NULL,
    unita_misura text,
    prezzo numeric(14,4) DEFAULT 0 NOT NULL,
    sconto numeric(5,2) DEFAULT 0 NOT NULL,
    iva text,
    data_consegna date,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT articolo_is_not_blank CHECK ((btrim(articolo) <> ''::text)),
    CONSTRAINT data_consegna_is_finite CHECK (isfinite(data_consegna)),
    CONSTRAINT prezzo_is_a_number CHECK ((prezzo <> 'NaN'::numeric)),
    CONSTRAINT prezzo_is_not_negative CHECK ((prezzo >= (0)::numeric)),
    CONSTRAINT quantita_is_a_number CHECK ((quantita <> 'NaN'::numeric)),
    CONSTRAINT quantita_is_positive CHECK ((quantita > (0)::numeric)),
    CONSTRAINT riga_is_positive CHECK ((riga > 0)),
    CONSTRAINT sconto_is_a_number CHECK ((sconto <> 'NaN'::numeric)),
    CONSTRAINT sconto_is_percentage CHECK (((sconto >= (0)::numeric) AND (sconto <= (100)::numeric)))
);


ALTER TABLE sincro.arporrig OWNER TO CURRENT_USER;

--
-- Name: TABLE arporrig; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.arporrig IS 'Order lines (ARPORRIG), written with their header in one transaction.';


--
-- Name: COLUMN arporrig.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.azi IS 'Company code.';


--
-- Name: COLUMN arporrig.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.id_pub IS 'Public ID of the order the line belongs to.';


--
-- Name: COLUMN arporrig.riga; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.riga IS 'Line number within the order, from 1.';


--
-- Name: COLUMN arporrig.articolo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.articolo IS 'Article code.';


--
-- Name: COLUMN arporrig.descrizione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.descrizione IS 'Line description.';


--
-- Name: COLUMN arporrig.quantita; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.quantita IS 'Quantity ordered; must be positive.';


--
-- Name: COLUMN arporrig.unita_misura; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.unita_misura IS 'Unit of measure.';


--
-- Name: COLUMN arporrig.prezzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.prezzo IS 'Unit price.';


--
-- Name: COLUMN arporrig.sconto; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.sconto IS 'Discount percentage, 0-100.';


--
-- Name: COLUMN arporrig.iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.iva IS 'VAT code.';


--
-- Name: COLUMN arporrig.data_consegna; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.data_consegna IS 'Requested delivery date.';


--
-- Name: COLUMN arporrig.note; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.note IS 'Free notes.';


--
-- Name: COLUMN arporrig.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.created_at IS 'When the line was written to the hub.';


--
-- Name: COLUMN arporrig.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arporrig.updated_at IS 'Last change in the hub.';


--
-- Name: arportes_history; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.arportes_history (
    history_id bigint NOT NULL,
    operation text NOT NULL,
    party text,
    db_user name DEFAULT CURRENT_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    azi text NOT NULL,
    id_pub bigint NOT NULL,
    tor_chia text,
    conferma text,
    id_int text,
    ack_store smallint NOT NULL,
    ack_gest smallint NOT NULL,
    ack_app smallint NOT NULL,
    prov_tipo text NOT NULL,
    prov_id text,
    autore_tipo text NOT NULL,
    autore_cod text NOT NULL,
    id_sincro bigint,
    data_ordine date NOT NULL,
    cliente_cod text,
    cod_agente text,
    new_customer_id bigint,
    dest_ragione_sociale text,
    dest_indirizzo text,
    dest_cap text,
    dest_citta text,
    dest_provincia text,
    dest_nazione text,
    cod_pagamento text,
    note text,
    valuta text NOT NULL,
    totale_imponibile numeric(14,2),
    totale_iva numeric(14,2),
    totale_documento numeric(14,2),
    created_xact xid8 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT operation_is_known CHECK ((operation = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text]))),
    CONSTRAINT party_is_known CHECK ((party = ANY (ARRAY['S'::text, 'A'::text, 'G'::text, 'H'::text])))
);


ALTER TABLE sincro.arportes_history OWNER TO CURRENT_USER;

--
-- Name: TABLE arportes_history; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.arportes_history IS 'Every committed version of every order header: what changed it, which party, when, and all its columns. Append-only.';


--
-- Name: COLUMN arportes_history.history_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.history_id IS 'Version number, increasing.';


--
-- Name: COLUMN arportes_history.operation; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.operation IS 'INSERT, UPDATE or DELETE.';


--
-- Name: COLUMN arportes_history.party; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.party IS 'Party that made the change: S store, A app, G ERP, H hub; empty when it cannot be told (an operator by hand).';


--
-- Name: COLUMN arportes_history.db_user; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.db_user IS 'Database role that made the change.';


--
-- Name: COLUMN arportes_history.recorded_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.recorded_at IS 'When the version was written.';


--
-- Name: COLUMN arportes_history.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.azi IS 'Company code.';


--
-- Name: COLUMN arportes_history.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.id_pub IS 'Public order ID.';


--
-- Name: COLUMN arportes_history.tor_chia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.tor_chia IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.conferma; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.conferma IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.id_int; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.id_int IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.ack_store; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.ack_store IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.ack_gest; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.ack_gest IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.ack_app; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.ack_app IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.prov_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.prov_tipo IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.prov_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.prov_id IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.autore_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.autore_tipo IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.autore_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.autore_cod IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.id_sincro IS 'As in sincro.arportes; the change number the version committed with.';


--
-- Name: COLUMN arportes_history.data_ordine; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.data_ordine IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.cliente_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.cliente_cod IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.cod_agente IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.new_customer_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.new_customer_id IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.dest_ragione_sociale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.dest_ragione_sociale IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.dest_indirizzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.dest_indirizzo IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.dest_cap; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.dest_cap IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.dest_citta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.dest_citta IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.dest_provincia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.dest_provincia IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.dest_nazione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.dest_nazione IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.cod_pagamento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.cod_pagamento IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.note; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.note IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.valuta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.valuta IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.totale_imponibile; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.totale_imponibile IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.totale_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.totale_iva IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.totale_documento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.totale_documento IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.created_xact; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.created_xact IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.created_at IS 'As in sincro.arportes.';


--
-- Name: COLUMN arportes_history.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.arportes_history.updated_at IS 'As in sincro.arportes.';


--
-- Name: arportes_history_history_id_seq; Type: SEQUENCE; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.arportes_history ALTER COLUMN history_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME sincro.arportes_history_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: articoli; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.articoli (
    azi text NOT NULL,
    cod_art text NOT NULL,
    descrizione text,
    unita_misura text,
    prezzo numeric(14,4),
    cod_iva text,
    giacenza numeric(14,3),
    id_sincro bigint NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT giacenza_is_a_number CHECK ((giacenza <> 'NaN'::numeric)),
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0)),
    CONSTRAINT prezzo_is_a_number CHECK ((prezzo <> 'NaN'::numeric))
);
ALTER TABLE ONLY sincro.articoli ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.articoli OWNER TO CURRENT_USER;

--
-- Name: TABLE articoli; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.articoli IS 'Articles of the ERP (ERP-owned). Written by sync for changes and total rebuild only; followed by id_sincro.';


--
-- Name: COLUMN articoli.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.azi IS 'Company code.';


--
-- Name: COLUMN articoli.cod_art; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.cod_art IS 'The ERP''s article code.';


--
-- Name: COLUMN articoli.descrizione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.descrizione IS 'Description.';


--
-- Name: COLUMN articoli.unita_misura; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.unita_misura IS 'Unit of measure.';


--
-- Name: COLUMN articoli.prezzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.prezzo IS 'List price.';


--
-- Name: COLUMN articoli.cod_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.cod_iva IS 'VAT code (accessory table).';


--
-- Name: COLUMN articoli.giacenza; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.giacenza IS 'Stock on hand.';


--
-- Name: COLUMN articoli.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.id_sincro IS 'Change number of the row''s last change, from the company''s counter (shared with orders).';


--
-- Name: COLUMN articoli.deleted; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.deleted IS 'Tombstone: the ERP deleted this article. Kept for the company''s tombstone_retention.';


--
-- Name: COLUMN articoli.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.articoli.updated_at IS 'Last change in the hub.';


--
-- Name: clienti; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.clienti (
    azi text NOT NULL,
    cod_cli text NOT NULL,
    ragione_sociale text,
    partita_iva text,
    codice_fiscale text,
    indirizzo text,
    cap text,
    citta text,
    provincia text,
    nazione text,
    email text,
    telefono text,
    listino text,
    cod_agente text,
    cod_pagamento text,
    id_sincro bigint NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0))
);
ALTER TABLE ONLY sincro.clienti ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.clienti OWNER TO CURRENT_USER;

--
-- Name: TABLE clienti; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.clienti IS 'Customers of the ERP (ERP-owned). Written by sync for changes and total rebuild only; followed by id_sincro.';


--
-- Name: COLUMN clienti.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.azi IS 'Company code.';


--
-- Name: COLUMN clienti.cod_cli; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.cod_cli IS 'The ERP''s customer code.';


--
-- Name: COLUMN clienti.ragione_sociale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.ragione_sociale IS 'Company or person name.';


--
-- Name: COLUMN clienti.partita_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.partita_iva IS 'VAT number.';


--
-- Name: COLUMN clienti.codice_fiscale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.codice_fiscale IS 'Fiscal code.';


--
-- Name: COLUMN clienti.indirizzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.indirizzo IS 'Street address.';


--
-- Name: COLUMN clienti.cap; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.cap IS 'Postal code.';


--
-- Name: COLUMN clienti.citta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.citta IS 'City.';


--
-- Name: COLUMN clienti.provincia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.provincia IS 'Province.';


--
-- Name: COLUMN clienti.nazione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.nazione IS 'ISO country code.';


--
-- Name: COLUMN clienti.email; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.email IS 'E-mail address.';


--
-- Name: COLUMN clienti.telefono; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.telefono IS 'Phone number.';


--
-- Name: COLUMN clienti.listino; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.listino IS 'Price list the customer buys on.';


--
-- Name: COLUMN clienti.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.cod_agente IS 'Sales agent who follows the customer.';


--
-- Name: COLUMN clienti.cod_pagamento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.cod_pagamento IS 'Default payment terms (accessory table).';


--
-- Name: COLUMN clienti.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.id_sincro IS 'Change number of the row''s last change, from the company''s counter (shared with orders).';


--
-- Name: COLUMN clienti.deleted; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.deleted IS 'Tombstone: the ERP deleted this customer. Kept for the company''s tombstone_retention.';


--
-- Name: COLUMN clienti.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.clienti.updated_at IS 'Last change in the hub.';


--
-- Name: company_status; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.company_status WITH (security_barrier='true') AS
 SELECT c.azi,
    ( SELECT count(*) AS count
           FROM sincro.arportes a
          WHERE ((a.azi = c.azi) AND (a.ack_gest = 0))) AS pending_gest,
    ( SELECT count(*) AS count
           FROM sincro.arportes a
          WHERE ((a.azi = c.azi) AND (a.ack_store = 0) AND (a.id_sincro > 0))) AS pending_store,
    ( SELECT count(*) AS count
           FROM sincro.arportes a
          WHERE ((a.azi = c.azi) AND (a.ack_app = 0) AND (a.id_sincro > 0))) AS pending_app,
    ( SELECT min(a.created_at) AS min
           FROM sincro.arportes a
          WHERE ((a.azi = c.azi) AND (a.ack_gest = 0))) AS oldest_unacquired_at,
    s.last_value AS last_change,
    c.erp_cursor,
    q.sync_quota,
    q.sync_used,
    q.sync_remaining,
    q.period_end
   FROM ((sincro_private.company c
     JOIN sincro_private.id_sincro_counter s USING (azi))
     CROSS JOIN LATERAL sincro.quota(c.azi) q(azi, sync_quota, sync_used, sync_remaining, period_start, period_end))
  WHERE sincro_private.may_see_company(c.azi);


ALTER TABLE sincro.company_status OWNER TO CURRENT_USER;

--
-- Name: VIEW company_status; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.company_status IS 'Per company: orders each party has not acquired, the oldest order the ERP has not acquired, last change number, ERP cursor, quota.';


--
-- Name: COLUMN company_status.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.azi IS 'Company code.';


--
-- Name: COLUMN company_status.pending_gest; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.pending_gest IS 'Orders the ERP has not acquired (ack_gest = 0).';


--
-- Name: COLUMN company_status.pending_store; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.pending_store IS 'Published orders the store has not acquired.';


--
-- Name: COLUMN company_status.pending_app; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.pending_app IS 'Published orders the apps have not acquired.';


--
-- Name: COLUMN company_status.oldest_unacquired_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.oldest_unacquired_at IS 'When the oldest order the ERP has not acquired was written.';


--
-- Name: COLUMN company_status.last_change; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.last_change IS 'The company''s last change number.';


--
-- Name: COLUMN company_status.erp_cursor; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.erp_cursor IS 'ERP change cursor the hub has applied up to.';


--
-- Name: COLUMN company_status.sync_quota; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.sync_quota IS 'Syncs allowed per period.';


--
-- Name: COLUMN company_status.sync_used; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.sync_used IS 'Syncs used this period.';


--
-- Name: COLUMN company_status.sync_remaining; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.sync_remaining IS 'Syncs left this period.';


--
-- Name: COLUMN company_status.period_end; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.company_status.period_end IS 'Last day of the current period.';


--
-- Name: consumer_cursors; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.consumer_cursors (
    azi text NOT NULL,
    consumer text NOT NULL,
    id_sincro_read bigint NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT consumer_is_well_formed CHECK ((consumer ~ '^[A-Za-z0-9:_.-]{1,80}$'::text)),
    CONSTRAINT id_sincro_read_is_not_negative CHECK ((id_sincro_read >= 0))
);


ALTER TABLE sincro.consumer_cursors OWNER TO CURRENT_USER;

--
-- Name: TABLE consumer_cursors; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.consumer_cursors IS 'Each consumer''s cursor: the largest change number it has imported. Written by sincro.advance_consumer_cursor.';


--
-- Name: COLUMN consumer_cursors.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_cursors.azi IS 'Company code.';


--
-- Name: COLUMN consumer_cursors.consumer; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_cursors.consumer IS 'store, app:<device id>, or another name an admin chose.';


--
-- Name: COLUMN consumer_cursors.id_sincro_read; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_cursors.id_sincro_read IS 'Largest id_sincro the consumer has imported.';


--
-- Name: COLUMN consumer_cursors.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_cursors.updated_at IS 'When the consumer last advanced it.';


--
-- Name: consumer_lag; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.consumer_lag WITH (security_barrier='true') AS
 SELECT k.azi,
    k.consumer,
    k.id_sincro_read AS cursor,
    c.last_value AS last_change,
    (c.last_value - k.id_sincro_read) AS lag,
    k.updated_at
   FROM (sincro.consumer_cursors k
     JOIN sincro_private.id_sincro_counter c USING (azi))
  WHERE sincro_private.may_see_company(k.azi);


ALTER TABLE sincro.consumer_lag OWNER TO CURRENT_USER;

--
-- Name: VIEW consumer_lag; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.consumer_lag IS 'Each consumer''s cursor, the company''s last change number, and the difference (changes not imported yet).';


--
-- Name: COLUMN consumer_lag.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_lag.azi IS 'Company code.';


--
-- Name: COLUMN consumer_lag.consumer; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_lag.consumer IS 'store or app:<device id>.';


--
-- Name: COLUMN consumer_lag.cursor; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_lag.cursor IS 'Largest change number the consumer has imported.';


--
-- Name: COLUMN consumer_lag.last_change; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_lag.last_change IS 'The company''s last change number.';


--
-- Name: COLUMN consumer_lag.lag; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_lag.lag IS 'Changes the consumer has not imported yet.';


--
-- Name: COLUMN consumer_lag.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.consumer_lag.updated_at IS 'When the consumer last advanced its cursor.';


--
-- Name: device_slice_log; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.device_slice_log (
    azi text NOT NULL,
    id_sincro bigint NOT NULL,
    cod_agente text NOT NULL,
    entity text NOT NULL,
    key jsonb NOT NULL,
    reason text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0)),
    CONSTRAINT key_is_object CHECK ((jsonb_typeof(key) = 'object'::text)),
    CONSTRAINT reason_is_known CHECK ((reason = ANY (ARRAY['reassigned'::text, 'supervisor'::text, 'moved'::text, 'aged_out'::text, 'history'::text])))
);
ALTER TABLE ONLY sincro.device_slice_log ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.device_slice_log OWNER TO CURRENT_USER;

--
-- Name: TABLE device_slice_log; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.device_slice_log IS 'Rows that entered or left an agent''s device slice without changing themselves (customer reassigned, supervisor changed, document moved or aged out), numbered on the company''s change counter. Read by sincro.device_changes_since; written by the hub only.';


--
-- Name: COLUMN device_slice_log.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.device_slice_log.azi IS 'Company code.';


--
-- Name: COLUMN device_slice_log.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.device_slice_log.id_sincro IS 'Change number of the entry (the company''s counter, shared with every change).';


--
-- Name: COLUMN device_slice_log.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.device_slice_log.cod_agente IS 'Agent whose slice (and whose supervisor''s) the row entered or left.';


--
-- Name: COLUMN device_slice_log.entity; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.device_slice_log.entity IS 'Entity of the row (device feed names: customer, particolarita, open_item, customer_credit, document, order, agent).';


--
-- Name: COLUMN device_slice_log.key; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.device_slice_log.key IS 'Key of the row, as the device feed gives it.';


--
-- Name: COLUMN device_slice_log.reason; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.device_slice_log.reason IS 'reassigned (customer''s agent changed), supervisor (agent''s supervisor changed), moved (document''s customer or date changed), aged_out / history (history window moved).';


--
-- Name: COLUMN device_slice_log.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.device_slice_log.created_at IS 'When the entry was written.';


--
-- Name: documenti; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.documenti (
    azi text NOT NULL,
    tipo_doc text NOT NULL,
    numero text NOT NULL,
    data_doc date,
    cliente_cod text,
    tor_chia text,
    note text,
    totale_imponibile numeric(14,2),
    totale_iva numeric(14,2),
    totale_documento numeric(14,2),
    id_sincro bigint NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    slice_agente text,
    righe jsonb,
    CONSTRAINT data_doc_is_finite CHECK (isfinite(data_doc)),
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0)),
    CONSTRAINT tipo_doc_is_known CHECK ((tipo_doc = ANY (ARRAY['preventivo'::text, 'ddt'::text, 'fattura'::text]))),
    CONSTRAINT totale_documento_is_a_number CHECK ((totale_documento <> 'NaN'::numeric)),
    CONSTRAINT totale_imponibile_is_a_number CHECK ((totale_imponibile <> 'NaN'::numeric)),
    CONSTRAINT totale_iva_is_a_number CHECK ((totale_iva <> 'NaN'::numeric))
);
ALTER TABLE ONLY sincro.documenti ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.documenti OWNER TO CURRENT_USER;

--
-- Name: TABLE documenti; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.documenti IS 'Quotes, delivery notes and invoices of the ERP (headers). Written by syncs only; followed by id_sincro.';


--
-- Name: COLUMN documenti.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.azi IS 'Company code.';


--
-- Name: COLUMN documenti.tipo_doc; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.tipo_doc IS 'preventivo (quote), ddt (delivery note) or fattura (invoice).';


--
-- Name: COLUMN documenti.numero; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.numero IS 'The ERP''s document number, unique per type.';


--
-- Name: COLUMN documenti.data_doc; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.data_doc IS 'Document date.';


--
-- Name: COLUMN documenti.cliente_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.cliente_cod IS 'Customer code.';


--
-- Name: COLUMN documenti.tor_chia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.tor_chia IS 'The ERP key of the order the document comes from (sincro.arportes.tor_chia), if any.';


--
-- Name: COLUMN documenti.note; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.note IS 'Free notes.';


--
-- Name: COLUMN documenti.totale_imponibile; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.totale_imponibile IS 'Taxable total.';


--
-- Name: COLUMN documenti.totale_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.totale_iva IS 'VAT total.';


--
-- Name: COLUMN documenti.totale_documento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.totale_documento IS 'Document total.';


--
-- Name: COLUMN documenti.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.id_sincro IS 'Change number of the document''s last change (header or lines), from the company''s counter.';


--
-- Name: COLUMN documenti.deleted; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.deleted IS 'Tombstone: the ERP deleted the document (its lines are removed). Kept for the company''s tombstone_retention.';


--
-- Name: COLUMN documenti.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.updated_at IS 'Last change in the hub.';


--
-- Name: COLUMN documenti.slice_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.slice_agente IS 'The customer''s agent (of cliente_cod), kept by the hub (not sent by the ERP): whose devices see the document.';


--
-- Name: COLUMN documenti.righe; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti.righe IS 'The document''s lines as a JSON array in riga order, each line its documenti_righe fields but the document''s key (riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva), written with documenti_righe by upsert_documents; NULL when not written that way (read documenti_righe then).';


--
-- Name: documenti_righe; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.documenti_righe (
    azi text NOT NULL,
    tipo_doc text NOT NULL,
    numero text NOT NULL,
    riga integer NOT NULL,
    articolo text,
    descrizione text,
    quantita numeric(14,3),
    unita_misura text,
    prezzo numeric(14,4),
    sconto numeric(6,2),
    iva text,
    CONSTRAINT prezzo_is_a_number CHECK ((prezzo <> 'NaN'::numeric)),
    CONSTRAINT quantita_is_a_number CHECK ((quantita <> 'NaN'::numeric)),
    CONSTRAINT sconto_is_a_number CHECK ((sconto <> 'NaN'::numeric))
);
ALTER TABLE ONLY sincro.documenti_righe ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.documenti_righe OWNER TO CURRENT_USER;

--
-- Name: TABLE documenti_righe; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.documenti_righe IS 'Lines of the ERP''s quotes, delivery notes and invoices. Replaced with the header by syncs; a change gives the header a new id_sincro.';


--
-- Name: COLUMN documenti_righe.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.azi IS 'Company code.';


--
-- Name: COLUMN documenti_righe.tipo_doc; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.tipo_doc IS 'Document type (see documenti).';


--
-- Name: COLUMN documenti_righe.numero; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.numero IS 'Document number.';


--
-- Name: COLUMN documenti_righe.riga; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.riga IS 'Line number.';


--
-- Name: COLUMN documenti_righe.articolo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.articolo IS 'Article code.';


--
-- Name: COLUMN documenti_righe.descrizione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.descrizione IS 'Description.';


--
-- Name: COLUMN documenti_righe.quantita; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.quantita IS 'Quantity.';


--
-- Name: COLUMN documenti_righe.unita_misura; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.unita_misura IS 'Unit of measure.';


--
-- Name: COLUMN documenti_righe.prezzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.prezzo IS 'Unit price.';


--
-- Name: COLUMN documenti_righe.sconto; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.sconto IS 'Discount, percent.';


--
-- Name: COLUMN documenti_righe.iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.documenti_righe.iva IS 'VAT code.';


--
-- Name: fidi; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.fidi (
    azi text NOT NULL,
    cod_cli text NOT NULL,
    fido numeric(14,2),
    esposizione numeric(14,2),
    bloccato boolean DEFAULT false NOT NULL,
    motivo_blocco text,
    slice_agente text,
    id_sincro bigint NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT esposizione_is_a_number CHECK ((esposizione <> 'NaN'::numeric)),
    CONSTRAINT fido_is_a_number CHECK ((fido <> 'NaN'::numeric)),
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0))
);
ALTER TABLE ONLY sincro.fidi ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.fidi OWNER TO CURRENT_USER;

--
-- Name: TABLE fidi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.fidi IS 'Credit data of the ERP''s customers: credit limit, current exposure, blocked flag. ERP-owned: written by syncs only; followed by id_sincro.';


--
-- Name: COLUMN fidi.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.azi IS 'Company code.';


--
-- Name: COLUMN fidi.cod_cli; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.cod_cli IS 'Customer.';


--
-- Name: COLUMN fidi.fido; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.fido IS 'Credit limit (null: none set).';


--
-- Name: COLUMN fidi.esposizione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.esposizione IS 'Current exposure: what the customer owes plus open orders, as the ERP computes it.';


--
-- Name: COLUMN fidi.bloccato; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.bloccato IS 'The ERP blocks new orders of this customer.';


--
-- Name: COLUMN fidi.motivo_blocco; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.motivo_blocco IS 'Why the customer is blocked.';


--
-- Name: COLUMN fidi.slice_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.slice_agente IS 'The customer''s agent, kept by the hub (not sent by the ERP): whose devices see the row.';


--
-- Name: COLUMN fidi.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.id_sincro IS 'Change number of the row''s last change, from the company''s counter.';


--
-- Name: COLUMN fidi.deleted; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.deleted IS 'Tombstone: the ERP deleted this credit record.';


--
-- Name: COLUMN fidi.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.fidi.updated_at IS 'Last change in the hub.';


--
-- Name: new_customers; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.new_customers (
    azi text NOT NULL,
    customer_id bigint NOT NULL,
    prov_tipo text NOT NULL,
    prov_id text,
    id_int text NOT NULL,
    ragione_sociale text NOT NULL,
    partita_iva text,
    codice_fiscale text,
    email text,
    telefono text,
    indirizzo text,
    cap text,
    citta text,
    provincia text,
    nazione text DEFAULT 'IT'::text NOT NULL,
    cod_cli text,
    created_xact xid8 DEFAULT pg_current_xact_id() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT prov_tipo_is_store_or_app CHECK ((prov_tipo = ANY (ARRAY['S'::text, 'A'::text]))),
    CONSTRAINT ragione_sociale_is_not_blank CHECK ((btrim(ragione_sociale) <> ''::text))
);


ALTER TABLE sincro.new_customers OWNER TO CURRENT_USER;

--
-- Name: TABLE new_customers; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.new_customers IS 'Customers created by a store or app together with an order, before the ERP knows them. The ERP fills cod_cli when it acquires the first order.';


--
-- Name: COLUMN new_customers.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.azi IS 'Company code.';


--
-- Name: COLUMN new_customers.customer_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.customer_id IS 'Hub-assigned identifier; read it with INSERT ... RETURNING and put it in arportes.new_customer_id.';


--
-- Name: COLUMN new_customers.prov_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.prov_tipo IS 'Who created the record: S store, A app.';


--
-- Name: COLUMN new_customers.prov_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.prov_id IS 'Device ID for an app (A); empty for the store.';


--
-- Name: COLUMN new_customers.id_int; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.id_int IS 'The customer''s ID inside the creating party (web account, device-local ID). With azi, prov_tipo and prov_id it makes a retried insert idempotent.';


--
-- Name: COLUMN new_customers.ragione_sociale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.ragione_sociale IS 'Customer name or company name.';


--
-- Name: COLUMN new_customers.partita_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.partita_iva IS 'VAT number.';


--
-- Name: COLUMN new_customers.codice_fiscale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.codice_fiscale IS 'Italian fiscal code.';


--
-- Name: COLUMN new_customers.email; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.email IS 'E-mail address.';


--
-- Name: COLUMN new_customers.telefono; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.telefono IS 'Phone number.';


--
-- Name: COLUMN new_customers.indirizzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.indirizzo IS 'Street address.';


--
-- Name: COLUMN new_customers.cap; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.cap IS 'Postal code.';


--
-- Name: COLUMN new_customers.citta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.citta IS 'City.';


--
-- Name: COLUMN new_customers.provincia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.provincia IS 'Province.';


--
-- Name: COLUMN new_customers.nazione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.nazione IS 'ISO country code.';


--
-- Name: COLUMN new_customers.cod_cli; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.cod_cli IS 'Customer code assigned by the ERP; empty until the ERP acquires the customer.';


--
-- Name: COLUMN new_customers.created_xact; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.created_xact IS 'Transaction that created the row (internal: orders may link to it only in that transaction).';


--
-- Name: COLUMN new_customers.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.created_at IS 'When the record was written to the hub.';


--
-- Name: COLUMN new_customers.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.new_customers.updated_at IS 'Last change in the hub.';


--
-- Name: new_customers_customer_id_seq; Type: SEQUENCE; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.new_customers ALTER COLUMN customer_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME sincro.new_customers_customer_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: order_credit_flags; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.order_credit_flags WITH (security_invoker='true') AS
 SELECT a.azi,
    a.id_pub,
    a.prov_tipo,
    a.prov_id,
    a.cod_agente,
    a.cliente_cod,
    a.data_ordine,
    a.totale_documento,
    f.bloccato,
    f.motivo_blocco,
    f.fido,
    f.esposizione,
        CASE
            WHEN f.bloccato THEN 'blocked'::text
            ELSE 'over_credit'::text
        END AS flag
   FROM (sincro.arportes a
     JOIN sincro.fidi f ON (((f.azi = a.azi) AND (f.cod_cli = a.cliente_cod) AND (NOT f.deleted))))
  WHERE ((a.ack_gest = 0) AND (f.bloccato OR ((f.fido IS NOT NULL) AND ((COALESCE(f.esposizione, (0)::numeric) + COALESCE(a.totale_documento, (0)::numeric)) > f.fido))));


ALTER TABLE sincro.order_credit_flags OWNER TO CURRENT_USER;

--
-- Name: VIEW order_credit_flags; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.order_credit_flags IS 'Orders not yet acquired by the ERP whose customer is blocked, or whose total takes the customer''s exposure over its credit limit (by the credit data the hub holds). They are accepted and pushed as usual; the ERP decides.';


--
-- Name: COLUMN order_credit_flags.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.azi IS 'Company code.';


--
-- Name: COLUMN order_credit_flags.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.id_pub IS 'Public ID of the order.';


--
-- Name: COLUMN order_credit_flags.prov_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.prov_tipo IS 'Who created it: S store, A app.';


--
-- Name: COLUMN order_credit_flags.prov_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.prov_id IS 'Device ID of an app order.';


--
-- Name: COLUMN order_credit_flags.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.cod_agente IS 'Agent of the order.';


--
-- Name: COLUMN order_credit_flags.cliente_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.cliente_cod IS 'Customer.';


--
-- Name: COLUMN order_credit_flags.data_ordine; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.data_ordine IS 'Order date.';


--
-- Name: COLUMN order_credit_flags.totale_documento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.totale_documento IS 'Order total as sent.';


--
-- Name: COLUMN order_credit_flags.bloccato; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.bloccato IS 'The customer is blocked in the ERP.';


--
-- Name: COLUMN order_credit_flags.motivo_blocco; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.motivo_blocco IS 'Why, as the ERP says.';


--
-- Name: COLUMN order_credit_flags.fido; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.fido IS 'Credit limit.';


--
-- Name: COLUMN order_credit_flags.esposizione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.esposizione IS 'Exposure before this order.';


--
-- Name: COLUMN order_credit_flags.flag; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_credit_flags.flag IS 'blocked, or over_credit (exposure + order total > limit).';


--
-- Name: order_events; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.order_events (
    event_id bigint NOT NULL,
    azi text NOT NULL,
    id_pub bigint NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    db_user name DEFAULT SESSION_USER NOT NULL,
    event text NOT NULL,
    detail text,
    CONSTRAINT event_is_known CHECK ((event = ANY (ARRAY['push_started'::text, 'push_acquired'::text, 'push_rejected'::text, 'push_failed'::text, 'retry'::text, 'resolved'::text, 'corrected'::text])))
);


ALTER TABLE sincro.order_events OWNER TO CURRENT_USER;

--
-- Name: TABLE order_events; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.order_events IS 'Events of an order that are not a new version of it (those are in arportes_history): each push attempt and the ERP''s answer, and what an operator did (retry, resolved with a note). Append-only; written by the push_* functions and the operator actions.';


--
-- Name: COLUMN order_events.event_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_events.event_id IS 'Order of recording.';


--
-- Name: COLUMN order_events.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_events.azi IS 'Company code.';


--
-- Name: COLUMN order_events.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_events.id_pub IS 'The order.';


--
-- Name: COLUMN order_events.recorded_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_events.recorded_at IS 'When it happened (clock time).';


--
-- Name: COLUMN order_events.db_user; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_events.db_user IS 'The login that caused it (session_user): the worker for pushes, the operator for actions.';


--
-- Name: COLUMN order_events.event; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_events.event IS 'push_started, push_acquired, push_rejected, push_failed, retry, resolved, corrected (the new customer''s fields an operator corrected).';


--
-- Name: COLUMN order_events.detail; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.order_events.detail IS 'The ERP''s key or message, the error, the operator''s note, or the corrected fields (before → after).';


--
-- Name: order_events_event_id_seq; Type: SEQUENCE; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.order_events ALTER COLUMN event_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME sincro.order_events_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: particolarita; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.particolarita (
    azi text NOT NULL,
    cod_cli text NOT NULL,
    cod_art text NOT NULL,
    valido_dal date NOT NULL,
    valido_al date,
    prezzo numeric(14,4),
    sconto numeric(6,2),
    id_sincro bigint NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    slice_agente text,
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0)),
    CONSTRAINT prezzo_is_a_number CHECK ((prezzo <> 'NaN'::numeric)),
    CONSTRAINT sconto_is_a_number CHECK ((sconto <> 'NaN'::numeric)),
    CONSTRAINT valido_al_is_finite CHECK (isfinite(valido_al)),
    CONSTRAINT valido_dal_is_finite CHECK (isfinite(valido_dal))
);
ALTER TABLE ONLY sincro.particolarita ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.particolarita OWNER TO CURRENT_USER;

--
-- Name: TABLE particolarita; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.particolarita IS 'Customer-specific prices and discounts (particolarità) of the ERP. Written by syncs only; followed by id_sincro.';


--
-- Name: COLUMN particolarita.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.azi IS 'Company code.';


--
-- Name: COLUMN particolarita.cod_cli; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.cod_cli IS 'Customer code.';


--
-- Name: COLUMN particolarita.cod_art; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.cod_art IS 'Article code.';


--
-- Name: COLUMN particolarita.valido_dal; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.valido_dal IS 'First day it applies.';


--
-- Name: COLUMN particolarita.valido_al; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.valido_al IS 'Last day it applies (empty: open-ended).';


--
-- Name: COLUMN particolarita.prezzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.prezzo IS 'The customer''s price (empty: list price).';


--
-- Name: COLUMN particolarita.sconto; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.sconto IS 'The customer''s discount, percent.';


--
-- Name: COLUMN particolarita.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.id_sincro IS 'Change number of the row''s last change, from the company''s counter (shared with orders).';


--
-- Name: COLUMN particolarita.deleted; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.deleted IS 'Tombstone: the ERP deleted it. Kept for the company''s tombstone_retention.';


--
-- Name: COLUMN particolarita.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.updated_at IS 'Last change in the hub.';


--
-- Name: COLUMN particolarita.slice_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.particolarita.slice_agente IS 'The customer''s agent, kept by the hub (not sent by the ERP): whose devices see the row. Null for article-level particolarità (cod_cli ''*''), which every device of the company sees.';


--
-- Name: partite_aperte; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.partite_aperte (
    azi text NOT NULL,
    cod_cli text NOT NULL,
    id_partita text NOT NULL,
    tipo_doc text,
    numero_doc text,
    data_doc date,
    data_scadenza date,
    importo numeric(14,2),
    importo_pagato numeric(14,2),
    pagata boolean DEFAULT false NOT NULL,
    slice_agente text,
    id_sincro bigint NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT data_doc_is_finite CHECK (isfinite(data_doc)),
    CONSTRAINT data_scadenza_is_finite CHECK (isfinite(data_scadenza)),
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0)),
    CONSTRAINT importo_is_a_number CHECK ((importo <> 'NaN'::numeric)),
    CONSTRAINT importo_pagato_is_a_number CHECK ((importo_pagato <> 'NaN'::numeric))
);
ALTER TABLE ONLY sincro.partite_aperte ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.partite_aperte OWNER TO CURRENT_USER;

--
-- Name: TABLE partite_aperte; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.partite_aperte IS 'Open items of the ERP: instalments a customer owes, with due date and amounts. ERP-owned: written by syncs only; followed by id_sincro.';


--
-- Name: COLUMN partite_aperte.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.azi IS 'Company code.';


--
-- Name: COLUMN partite_aperte.cod_cli; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.cod_cli IS 'Customer who owes it.';


--
-- Name: COLUMN partite_aperte.id_partita; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.id_partita IS 'The ERP''s key of the item within the customer (e.g. document and instalment).';


--
-- Name: COLUMN partite_aperte.tipo_doc; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.tipo_doc IS 'Kind of document it comes from (fattura, nota di credito, ...).';


--
-- Name: COLUMN partite_aperte.numero_doc; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.numero_doc IS 'Number of that document.';


--
-- Name: COLUMN partite_aperte.data_doc; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.data_doc IS 'Date of that document.';


--
-- Name: COLUMN partite_aperte.data_scadenza; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.data_scadenza IS 'Due date.';


--
-- Name: COLUMN partite_aperte.importo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.importo IS 'Amount due.';


--
-- Name: COLUMN partite_aperte.importo_pagato; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.importo_pagato IS 'Amount already paid.';


--
-- Name: COLUMN partite_aperte.pagata; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.pagata IS 'Paid in full.';


--
-- Name: COLUMN partite_aperte.slice_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.slice_agente IS 'The customer''s agent, kept by the hub (not sent by the ERP): whose devices see the row.';


--
-- Name: COLUMN partite_aperte.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.id_sincro IS 'Change number of the row''s last change, from the company''s counter.';


--
-- Name: COLUMN partite_aperte.deleted; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.deleted IS 'Tombstone: the ERP deleted (closed) this item.';


--
-- Name: COLUMN partite_aperte.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.partite_aperte.updated_at IS 'Last change in the hub.';


--
-- Name: pending_app; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.pending_app WITH (security_invoker='true') AS
 SELECT a.azi,
    a.id_pub,
    a.tor_chia,
    a.conferma,
    a.id_int,
    a.ack_store,
    a.ack_gest,
    a.ack_app,
    a.prov_tipo,
    a.prov_id,
    a.autore_tipo,
    a.autore_cod,
    a.id_sincro,
    a.data_ordine,
    a.cliente_cod,
    a.cod_agente,
    a.new_customer_id,
    a.dest_ragione_sociale,
    a.dest_indirizzo,
    a.dest_cap,
    a.dest_citta,
    a.dest_provincia,
    a.dest_nazione,
    a.cod_pagamento,
    a.note,
    a.valuta,
    a.totale_imponibile,
    a.totale_iva,
    a.totale_documento,
    a.created_xact,
    a.created_at,
    a.updated_at
   FROM sincro.arportes a
  WHERE ((a.ack_app = 0) AND (a.id_sincro > 0) AND ((sincro_private.session_device() IS NULL) OR ((a.prov_tipo = 'A'::text) AND (a.prov_id = sincro_private.session_device())) OR ((a.prov_tipo = 'G'::text) AND (a.cod_agente = sincro_private.session_agent()))));


ALTER TABLE sincro.pending_app OWNER TO CURRENT_USER;

--
-- Name: VIEW pending_app; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.pending_app IS 'Orders the ERP has published (id_sincro > 0) that the apps have not acquired (ack_app = 0).';


--
-- Name: COLUMN pending_app.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.azi IS 'Company code.';


--
-- Name: COLUMN pending_app.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.id_pub IS 'Public order ID, gap-free per company, assigned by the hub from the company counter. Never supplied by a client.';


--
-- Name: COLUMN pending_app.tor_chia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.tor_chia IS 'The ERP''s key of the order (e.g. C201700001230). Written by the ERP only; unique per company.';


--
-- Name: COLUMN pending_app.conferma; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.conferma IS 'The ERP''s order-confirmation number. Written by the ERP only.';


--
-- Name: COLUMN pending_app.id_int; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.id_int IS 'The order''s ID inside the party that created it (store order 150, device order 150). Empty for ERP-made orders.';


--
-- Name: COLUMN pending_app.ack_store; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.ack_store IS '1 once the store has acquired the order, else 0. The store sets it.';


--
-- Name: COLUMN pending_app.ack_gest; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.ack_gest IS '1 once the ERP has acquired the order, else 0. Set by sincro.erp_write_order.';


--
-- Name: COLUMN pending_app.ack_app; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.ack_app IS '1 once the app has acquired the order, else 0. The app sets it.';


--
-- Name: COLUMN pending_app.prov_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.prov_tipo IS 'Where the order came from: S store, A app, G ERP.';


--
-- Name: COLUMN pending_app.prov_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.prov_id IS 'Device ID for app orders (A); empty otherwise.';


--
-- Name: COLUMN pending_app.autore_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.autore_tipo IS 'Who wrote the order: C customer, T sales agent, O ERP operator.';


--
-- Name: COLUMN pending_app.autore_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.autore_cod IS 'The author''s code: customer, agent or operator. 0 for a web customer the ERP does not know yet.';


--
-- Name: COLUMN pending_app.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.id_sincro IS 'Change number: 0 until the ERP first writes the row, then a larger number at every ERP-side change, in commit order. NULL only inside the writing ERP transaction.';


--
-- Name: COLUMN pending_app.data_ordine; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.data_ordine IS 'Order date; today when omitted (no column default, so that a retried insert without it still matches the first one).';


--
-- Name: COLUMN pending_app.cliente_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.cliente_cod IS 'ERP code of the customer; empty while the customer is a new one (new_customer_id).';


--
-- Name: COLUMN pending_app.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.cod_agente IS 'Sales agent responsible for the order: the author for agent orders, set by the ERP for its own. An app login reads the ERP-made orders of its agent.';


--
-- Name: COLUMN pending_app.new_customer_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.new_customer_id IS 'The new customer created with this order, if the ERP does not know the customer yet.';


--
-- Name: COLUMN pending_app.dest_ragione_sociale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.dest_ragione_sociale IS 'Delivery address: recipient.';


--
-- Name: COLUMN pending_app.dest_indirizzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.dest_indirizzo IS 'Delivery address: street.';


--
-- Name: COLUMN pending_app.dest_cap; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.dest_cap IS 'Delivery address: postal code.';


--
-- Name: COLUMN pending_app.dest_citta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.dest_citta IS 'Delivery address: city.';


--
-- Name: COLUMN pending_app.dest_provincia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.dest_provincia IS 'Delivery address: province.';


--
-- Name: COLUMN pending_app.dest_nazione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.dest_nazione IS 'Delivery address: ISO country code.';


--
-- Name: COLUMN pending_app.cod_pagamento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.cod_pagamento IS 'Payment terms code (ERP accessory table).';


--
-- Name: COLUMN pending_app.note; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.note IS 'Free notes.';


--
-- Name: COLUMN pending_app.valuta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.valuta IS 'ISO currency code.';


--
-- Name: COLUMN pending_app.totale_imponibile; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.totale_imponibile IS 'Taxable total, as stated by the creator or the ERP.';


--
-- Name: COLUMN pending_app.totale_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.totale_iva IS 'VAT total.';


--
-- Name: COLUMN pending_app.totale_documento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.totale_documento IS 'Document total.';


--
-- Name: COLUMN pending_app.created_xact; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.created_xact IS 'Transaction that created the row (internal: lines may be added only in that transaction).';


--
-- Name: COLUMN pending_app.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.created_at IS 'When the order was written to the hub.';


--
-- Name: COLUMN pending_app.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_app.updated_at IS 'Last change in the hub.';


--
-- Name: pending_gest; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.pending_gest WITH (security_invoker='true') AS
 SELECT a.azi,
    a.id_pub,
    a.tor_chia,
    a.conferma,
    a.id_int,
    a.ack_store,
    a.ack_gest,
    a.ack_app,
    a.prov_tipo,
    a.prov_id,
    a.autore_tipo,
    a.autore_cod,
    a.id_sincro,
    a.data_ordine,
    a.cliente_cod,
    a.cod_agente,
    a.new_customer_id,
    a.dest_ragione_sociale,
    a.dest_indirizzo,
    a.dest_cap,
    a.dest_citta,
    a.dest_provincia,
    a.dest_nazione,
    a.cod_pagamento,
    a.note,
    a.valuta,
    a.totale_imponibile,
    a.totale_iva,
    a.totale_documento,
    a.created_xact,
    a.created_at,
    a.updated_at
   FROM sincro.arportes a
  WHERE (a.ack_gest = 0);


ALTER TABLE sincro.pending_gest OWNER TO CURRENT_USER;

--
-- Name: VIEW pending_gest; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.pending_gest IS 'Orders the ERP has not acquired yet (ack_gest = 0): store and app orders waiting to be pushed.';


--
-- Name: COLUMN pending_gest.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.azi IS 'Company code.';


--
-- Name: COLUMN pending_gest.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.id_pub IS 'Public order ID, gap-free per company, assigned by the hub from the company counter. Never supplied by a client.';


--
-- Name: COLUMN pending_gest.tor_chia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.tor_chia IS 'The ERP''s key of the order (e.g. C201700001230). Written by the ERP only; unique per company.';


--
-- Name: COLUMN pending_gest.conferma; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.conferma IS 'The ERP''s order-confirmation number. Written by the ERP only.';


--
-- Name: COLUMN pending_gest.id_int; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.id_int IS 'The order''s ID inside the party that created it (store order 150, device order 150). Empty for ERP-made orders.';


--
-- Name: COLUMN pending_gest.ack_store; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.ack_store IS '1 once the store has acquired the order, else 0. The store sets it.';


--
-- Name: COLUMN pending_gest.ack_gest; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.ack_gest IS '1 once the ERP has acquired the order, else 0. Set by sincro.erp_write_order.';


--
-- Name: COLUMN pending_gest.ack_app; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.ack_app IS '1 once the app has acquired the order, else 0. The app sets it.';


--
-- Name: COLUMN pending_gest.prov_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.prov_tipo IS 'Where the order came from: S store, A app, G ERP.';


--
-- Name: COLUMN pending_gest.prov_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.prov_id IS 'Device ID for app orders (A); empty otherwise.';


--
-- Name: COLUMN pending_gest.autore_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.autore_tipo IS 'Who wrote the order: C customer, T sales agent, O ERP operator.';


--
-- Name: COLUMN pending_gest.autore_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.autore_cod IS 'The author''s code: customer, agent or operator. 0 for a web customer the ERP does not know yet.';


--
-- Name: COLUMN pending_gest.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.id_sincro IS 'Change number: 0 until the ERP first writes the row, then a larger number at every ERP-side change, in commit order. NULL only inside the writing ERP transaction.';


--
-- Name: COLUMN pending_gest.data_ordine; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.data_ordine IS 'Order date; today when omitted (no column default, so that a retried insert without it still matches the first one).';


--
-- Name: COLUMN pending_gest.cliente_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.cliente_cod IS 'ERP code of the customer; empty while the customer is a new one (new_customer_id).';


--
-- Name: COLUMN pending_gest.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.cod_agente IS 'Sales agent responsible for the order: the author for agent orders, set by the ERP for its own. An app login reads the ERP-made orders of its agent.';


--
-- Name: COLUMN pending_gest.new_customer_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.new_customer_id IS 'The new customer created with this order, if the ERP does not know the customer yet.';


--
-- Name: COLUMN pending_gest.dest_ragione_sociale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.dest_ragione_sociale IS 'Delivery address: recipient.';


--
-- Name: COLUMN pending_gest.dest_indirizzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.dest_indirizzo IS 'Delivery address: street.';


--
-- Name: COLUMN pending_gest.dest_cap; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.dest_cap IS 'Delivery address: postal code.';


--
-- Name: COLUMN pending_gest.dest_citta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.dest_citta IS 'Delivery address: city.';


--
-- Name: COLUMN pending_gest.dest_provincia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.dest_provincia IS 'Delivery address: province.';


--
-- Name: COLUMN pending_gest.dest_nazione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.dest_nazione IS 'Delivery address: ISO country code.';


--
-- Name: COLUMN pending_gest.cod_pagamento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.cod_pagamento IS 'Payment terms code (ERP accessory table).';


--
-- Name: COLUMN pending_gest.note; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.note IS 'Free notes.';


--
-- Name: COLUMN pending_gest.valuta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.valuta IS 'ISO currency code.';


--
-- Name: COLUMN pending_gest.totale_imponibile; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.totale_imponibile IS 'Taxable total, as stated by the creator or the ERP.';


--
-- Name: COLUMN pending_gest.totale_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.totale_iva IS 'VAT total.';


--
-- Name: COLUMN pending_gest.totale_documento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.totale_documento IS 'Document total.';


--
-- Name: COLUMN pending_gest.created_xact; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.created_xact IS 'Transaction that created the row (internal: lines may be added only in that transaction).';


--
-- Name: COLUMN pending_gest.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.created_at IS 'When the order was written to the hub.';


--
-- Name: COLUMN pending_gest.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_gest.updated_at IS 'Last change in the hub.';


--
-- Name: pending_store; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.pending_store WITH (security_invoker='true') AS
 SELECT a.azi,
    a.id_pub,
    a.tor_chia,
    a.conferma,
    a.id_int,
    a.ack_store,
    a.ack_gest,
    a.ack_app,
    a.prov_tipo,
    a.prov_id,
    a.autore_tipo,
    a.autore_cod,
    a.id_sincro,
    a.data_ordine,
    a.cliente_cod,
    a.cod_agente,
    a.new_customer_id,
    a.dest_ragione_sociale,
    a.dest_indirizzo,
    a.dest_cap,
    a.dest_citta,
    a.dest_provincia,
    a.dest_nazione,
    a.cod_pagamento,
    a.note,
    a.valuta,
    a.totale_imponibile,
    a.totale_iva,
    a.totale_documento,
    a.created_xact,
    a.created_at,
    a.updated_at
   FROM sincro.arportes a
  WHERE ((a.ack_store = 0) AND (a.id_sincro > 0));


ALTER TABLE sincro.pending_store OWNER TO CURRENT_USER;

--
-- Name: VIEW pending_store; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.pending_store IS 'Orders the ERP has published (id_sincro > 0) that the store has not acquired (ack_store = 0).';


--
-- Name: COLUMN pending_store.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.azi IS 'Company code.';


--
-- Name: COLUMN pending_store.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.id_pub IS 'Public order ID, gap-free per company, assigned by the hub from the company counter. Never supplied by a client.';


--
-- Name: COLUMN pending_store.tor_chia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.tor_chia IS 'The ERP''s key of the order (e.g. C201700001230). Written by the ERP only; unique per company.';


--
-- Name: COLUMN pending_store.conferma; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.conferma IS 'The ERP''s order-confirmation number. Written by the ERP only.';


--
-- Name: COLUMN pending_store.id_int; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.id_int IS 'The order''s ID inside the party that created it (store order 150, device order 150). Empty for ERP-made orders.';


--
-- Name: COLUMN pending_store.ack_store; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.ack_store IS '1 once the store has acquired the order, else 0. The store sets it.';


--
-- Name: COLUMN pending_store.ack_gest; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.ack_gest IS '1 once the ERP has acquired the order, else 0. Set by sincro.erp_write_order.';


--
-- Name: COLUMN pending_store.ack_app; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.ack_app IS '1 once the app has acquired the order, else 0. The app sets it.';


--
-- Name: COLUMN pending_store.prov_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.prov_tipo IS 'Where the order came from: S store, A app, G ERP.';


--
-- Name: COLUMN pending_store.prov_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.prov_id IS 'Device ID for app orders (A); empty otherwise.';


--
-- Name: COLUMN pending_store.autore_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.autore_tipo IS 'Who wrote the order: C customer, T sales agent, O ERP operator.';


--
-- Name: COLUMN pending_store.autore_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.autore_cod IS 'The author''s code: customer, agent or operator. 0 for a web customer the ERP does not know yet.';


--
-- Name: COLUMN pending_store.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.id_sincro IS 'Change number: 0 until the ERP first writes the row, then a larger number at every ERP-side change, in commit order. NULL only inside the writing ERP transaction.';


--
-- Name: COLUMN pending_store.data_ordine; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.data_ordine IS 'Order date; today when omitted (no column default, so that a retried insert without it still matches the first one).';


--
-- Name: COLUMN pending_store.cliente_cod; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.cliente_cod IS 'ERP code of the customer; empty while the customer is a new one (new_customer_id).';


--
-- Name: COLUMN pending_store.cod_agente; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.cod_agente IS 'Sales agent responsible for the order: the author for agent orders, set by the ERP for its own. An app login reads the ERP-made orders of its agent.';


--
-- Name: COLUMN pending_store.new_customer_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.new_customer_id IS 'The new customer created with this order, if the ERP does not know the customer yet.';


--
-- Name: COLUMN pending_store.dest_ragione_sociale; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.dest_ragione_sociale IS 'Delivery address: recipient.';


--
-- Name: COLUMN pending_store.dest_indirizzo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.dest_indirizzo IS 'Delivery address: street.';


--
-- Name: COLUMN pending_store.dest_cap; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.dest_cap IS 'Delivery address: postal code.';


--
-- Name: COLUMN pending_store.dest_citta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.dest_citta IS 'Delivery address: city.';


--
-- Name: COLUMN pending_store.dest_provincia; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.dest_provincia IS 'Delivery address: province.';


--
-- Name: COLUMN pending_store.dest_nazione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.dest_nazione IS 'Delivery address: ISO country code.';


--
-- Name: COLUMN pending_store.cod_pagamento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.cod_pagamento IS 'Payment terms code (ERP accessory table).';


--
-- Name: COLUMN pending_store.note; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.note IS 'Free notes.';


--
-- Name: COLUMN pending_store.valuta; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.valuta IS 'ISO currency code.';


--
-- Name: COLUMN pending_store.totale_imponibile; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.totale_imponibile IS 'Taxable total, as stated by the creator or the ERP.';


--
-- Name: COLUMN pending_store.totale_iva; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.totale_iva IS 'VAT total.';


--
-- Name: COLUMN pending_store.totale_documento; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.totale_documento IS 'Document total.';


--
-- Name: COLUMN pending_store.created_xact; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.created_xact IS 'Transaction that created the row (internal: lines may be added only in that transaction).';


--
-- Name: COLUMN pending_store.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.created_at IS 'When the order was written to the hub.';


--
-- Name: COLUMN pending_store.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.pending_store.updated_at IS 'Last change in the hub.';


--
-- Name: push_problems; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.push_problems WITH (security_invoker='true') AS
 SELECT p.azi,
    p.id_pub,
    a.prov_tipo,
    a.prov_id,
    a.id_int,
    p.state,
    p.attempts,
    p.last_attempt_at,
    p.last_error,
    p.erp_message,
    p.created_at
   FROM (sincro.order_push p
     JOIN sincro.arportes a ON (((a.azi = p.azi) AND (a.id_pub = p.id_pub))))
  WHERE ((p.state = 'rejected'::text) OR ((p.state = ANY (ARRAY['pending'::text, 'in_flight'::text])) AND (p.attempts >= 3)));


ALTER TABLE sincro.push_problems OWNER TO CURRENT_USER;

--
-- Name: VIEW push_problems; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.push_problems IS 'Orders rejected by the ERP (erp_message) or failing to reach it after 3 or more attempts (last_error).';


--
-- Name: COLUMN push_problems.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.azi IS 'Company code.';


--
-- Name: COLUMN push_problems.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.id_pub IS 'The order.';


--
-- Name: COLUMN push_problems.prov_tipo; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.prov_tipo IS 'Who created it: S store, A app.';


--
-- Name: COLUMN push_problems.prov_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.prov_id IS 'Device of an app order.';


--
-- Name: COLUMN push_problems.id_int; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.id_int IS 'The creator''s own order ID.';


--
-- Name: COLUMN push_problems.state; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.state IS 'rejected, or pending / in_flight after repeated failures.';


--
-- Name: COLUMN push_problems.attempts; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.attempts IS 'Pushes started so far.';


--
-- Name: COLUMN push_problems.last_attempt_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.last_attempt_at IS 'When the last push started.';


--
-- Name: COLUMN push_problems.last_error; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.last_error IS 'Why the last push failed to reach the ERP.';


--
-- Name: COLUMN push_problems.erp_message; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.erp_message IS 'The ERP''s reason for rejecting the order.';


--
-- Name: COLUMN push_problems.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.push_problems.created_at IS 'When the order was queued for the ERP.';


--
-- Name: store_inbox; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.store_inbox (
    azi text NOT NULL,
    inbox_id bigint NOT NULL,
    store_id text NOT NULL,
    source text NOT NULL,
    topic text,
    headers jsonb DEFAULT '{}'::jsonb NOT NULL,
    body bytea NOT NULL,
    platform_order_id text,
    modified_at timestamp with time zone,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    state text DEFAULT 'received'::text NOT NULL,
    id_pub bigint,
    error text,
    processed_at timestamp with time zone,
    doorbell_rung boolean DEFAULT false NOT NULL,
    CONSTRAINT source_is_known CHECK ((source = ANY (ARRAY['webhook'::text, 'reconcile'::text]))),
    CONSTRAINT state_is_known CHECK ((state = ANY (ARRAY['received'::text, 'created'::text, 'duplicate'::text, 'updated'::text, 'ignored'::text, 'error'::text])))
);


ALTER TABLE sincro_private.store_inbox OWNER TO CURRENT_USER;

--
-- Name: TABLE store_inbox; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.store_inbox IS 'Every signed webhook delivery and every order reconciliation found, as received (raw body and headers), and what the worker made of it. Never deleted.';


--
-- Name: COLUMN store_inbox.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.azi IS 'The store''s company (for row-level reads by company).';


--
-- Name: COLUMN store_inbox.inbox_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.inbox_id IS 'Order of arrival.';


--
-- Name: COLUMN store_inbox.store_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.store_id IS 'The store it came from.';


--
-- Name: COLUMN store_inbox.source; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.source IS 'webhook (a signed delivery) or reconcile (found by polling the shop''s REST API).';


--
-- Name: COLUMN store_inbox.topic; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.topic IS 'X-WC-Webhook-Topic (order.created…) or X-Shopify-Topic (orders/create…); reconcile for polled orders.';


--
-- Name: COLUMN store_inbox.headers; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.headers IS 'The delivery''s headers (lower-case names), signature included; {} for polled orders.';


--
-- Name: COLUMN store_inbox.body; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.body IS 'The raw body, byte for byte as signed.';


--
-- Name: COLUMN store_inbox.platform_order_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.platform_order_id IS 'The order''s id on the platform, from the body; NULL when the body is not an order.';


--
-- Name: COLUMN store_inbox.modified_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.modified_at IS 'The order''s modification time on the platform (date_modified_gmt, updated_at).';


--
-- Name: COLUMN store_inbox.received_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.received_at IS 'When the hub stored it.';


--
-- Name: COLUMN store_inbox.state; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.state IS 'received (waiting for the worker), created (became order id_pub), duplicate (the order was already there, same or older version), updated (a later version of an order the hub has: status recorded, nothing sent to the ERP), ignored (not an order), error (see error; nothing was written).';


--
-- Name: COLUMN store_inbox.id_pub; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.id_pub IS 'The hub order it became or belongs to.';


--
-- Name: COLUMN store_inbox.error; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.error IS 'Why it could not become an order (malformed JSON, a missing SKU, a failed fiscal check…).';


--
-- Name: COLUMN store_inbox.processed_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.processed_at IS 'When the worker handled it.';


--
-- Name: COLUMN store_inbox.doorbell_rung; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox.doorbell_rung IS 'Whether the row''s store_inbox_apply job has been enqueued (by the worker''s dispatcher, reconciliation, the sweep, a retry). False for a webhook delivery until then.';


--
-- Name: store_inbox; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.store_inbox WITH (security_barrier='true') AS
 SELECT i.inbox_id,
    i.store_id,
    i.azi,
    i.source,
    i.topic,
    ((i.headers - 'x-wc-webhook-signature'::text) - 'x-shopify-hmac-sha256'::text) AS headers,
    octet_length(i.body) AS body_bytes,
    i.platform_order_id,
    i.modified_at,
    i.received_at,
    i.state,
    i.id_pub,
    i.error,
    i.processed_at
   FROM sincro_private.store_inbox i;


ALTER TABLE sincro.store_inbox OWNER TO CURRENT_USER;

--
-- Name: VIEW store_inbox; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.store_inbox IS 'The stores'' inbox without signatures and bodies (admin): what came in and what it became.';


--
-- Name: COLUMN store_inbox.inbox_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.inbox_id IS 'Order of arrival.';


--
-- Name: COLUMN store_inbox.store_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.store_id IS 'The store it came from.';


--
-- Name: COLUMN store_inbox.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.azi IS 'The store''s company.';


--
-- Name: COLUMN store_inbox.source; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.source IS 'webhook or reconcile.';


--
-- Name: COLUMN store_inbox.topic; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.topic IS 'The webhook topic (order.created, orders/updated…), or reconcile.';


--
-- Name: COLUMN store_inbox.headers; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.headers IS 'The delivery''s headers, without the signature.';


--
-- Name: COLUMN store_inbox.body_bytes; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.body_bytes IS 'Size of the raw body.';


--
-- Name: COLUMN store_inbox.platform_order_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.platform_order_id IS 'The order''s id on the platform.';


--
-- Name: COLUMN store_inbox.modified_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.modified_at IS 'The order''s modification time on the platform.';


--
-- Name: COLUMN store_inbox.received_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.received_at IS 'When the hub stored it.';


--
-- Name: COLUMN store_inbox.state; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.state IS 'received, created, duplicate, updated, ignored or error (docs/stores.md).';


--
-- Name: COLUMN store_inbox.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.id_pub IS 'The hub order it became or belongs to.';


--
-- Name: COLUMN store_inbox.error; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.error IS 'Why it did not become an order, or what changed on the shop.';


--
-- Name: COLUMN store_inbox.processed_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_inbox.processed_at IS 'When the worker handled it.';


--
-- Name: store_order; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.store_order (
    azi text NOT NULL,
    store_id text NOT NULL,
    platform_order_id text NOT NULL,
    id_pub bigint,
    order_number text,
    platform_customer_id text,
    modified_at timestamp with time zone,
    platform_status text,
    cancelled_at timestamp with time zone,
    refunded boolean DEFAULT false NOT NULL,
    status_back text DEFAULT 'waiting'::text NOT NULL,
    status_back_at timestamp with time zone,
    status_back_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT status_back_is_known CHECK ((status_back = ANY (ARRAY['waiting'::text, 'pending'::text, 'sent'::text, 'off'::text])))
);


ALTER TABLE sincro_private.store_order OWNER TO CURRENT_USER;

--
-- Name: TABLE store_order; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.store_order IS 'Which platform order became which hub order: one row per (store, platform order ID), written with the order in one transaction, so a second delivery finds it.';


--
-- Name: COLUMN store_order.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.azi IS 'Company of the hub order.';


--
-- Name: COLUMN store_order.store_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.store_id IS 'The store.';


--
-- Name: COLUMN store_order.platform_order_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.platform_order_id IS 'The order''s id on the platform.';


--
-- Name: COLUMN store_order.id_pub; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.id_pub IS 'The hub order (NULL only inside the transaction that writes it: the row is inserted first, so a second delivery of the same order waits for the first and then finds it).';


--
-- Name: COLUMN store_order.order_number; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.order_number IS 'The number the shop shows (WooCommerce number, Shopify name).';


--
-- Name: COLUMN store_order.platform_customer_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.platform_customer_id IS 'The platform''s customer ID (NULL for a guest).';


--
-- Name: COLUMN store_order.modified_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.modified_at IS 'The latest modification time the hub has seen; an older version is a duplicate.';


--
-- Name: COLUMN store_order.platform_status; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.platform_status IS 'The order''s status on the platform, as last seen (processing, cancelled, refunded…; Shopify financial_status).';


--
-- Name: COLUMN store_order.cancelled_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.cancelled_at IS 'When the hub learned the order was cancelled (or deleted) on the platform; shown to the operator, not sent to the ERP.';


--
-- Name: COLUMN store_order.refunded; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.refunded IS 'The platform says the order was refunded (fully or partly); shown to the operator, not sent to the ERP.';


--
-- Name: COLUMN store_order.status_back; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.status_back IS 'Telling the shop the ERP acquired the order: waiting (not acquired yet), pending (to send), sent, off (no API URL).';


--
-- Name: COLUMN store_order.status_back_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.status_back_at IS 'When status_back last changed.';


--
-- Name: COLUMN store_order.status_back_error; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.status_back_error IS 'Why the last attempt to tell the shop failed.';


--
-- Name: COLUMN store_order.created_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.created_at IS 'When the hub order was written.';


--
-- Name: COLUMN store_order.updated_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_order.updated_at IS 'When a later version was last recorded.';


--
-- Name: store_orders; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.store_orders WITH (security_barrier='true') AS
 SELECT o.store_id,
    o.platform_order_id,
    o.order_number,
    o.azi,
    o.id_pub,
    o.platform_customer_id,
    o.modified_at,
    o.platform_status,
    o.cancelled_at,
    o.refunded,
    o.status_back,
    o.status_back_at,
    o.status_back_error,
    o.created_at,
    o.updated_at
   FROM sincro_private.store_order o;


ALTER TABLE sincro.store_orders OWNER TO CURRENT_USER;

--
-- Name: VIEW store_orders; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.store_orders IS 'Which platform order became which hub order, with its status on the shop (cancelled, refunded) and the status back (admin).';


--
-- Name: COLUMN store_orders.store_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.store_id IS 'The store.';


--
-- Name: COLUMN store_orders.platform_order_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.platform_order_id IS 'The order''s id on the platform.';


--
-- Name: COLUMN store_orders.order_number; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.order_number IS 'The number the shop shows.';


--
-- Name: COLUMN store_orders.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.azi IS 'Company of the hub order.';


--
-- Name: COLUMN store_orders.id_pub; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.id_pub IS 'The hub order.';


--
-- Name: COLUMN store_orders.platform_customer_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.platform_customer_id IS 'The platform''s customer ID (NULL for a guest).';


--
-- Name: COLUMN store_orders.modified_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.modified_at IS 'The latest modification time the hub has seen.';


--
-- Name: COLUMN store_orders.platform_status; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.platform_status IS 'The order''s status on the shop, as last seen.';


--
-- Name: COLUMN store_orders.cancelled_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.cancelled_at IS 'When the hub learned the shop cancelled or deleted it.';


--
-- Name: COLUMN store_orders.refunded; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.refunded IS 'The shop says it was refunded (fully or partly).';


--
-- Name: COLUMN store_orders.status_back; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.status_back IS 'waiting, pending, sent or off: telling the shop the ERP acquired it.';


--
-- Name: COLUMN store_orders.status_back_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.status_back_at IS 'When status_back last changed.';


--
-- Name: COLUMN store_orders.status_back_error; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.status_back_error IS 'Why the last attempt to tell the shop failed.';


--
-- Name: COLUMN store_orders.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.created_at IS 'When the hub order was written.';


--
-- Name: COLUMN store_orders.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.store_orders.updated_at IS 'When a later version was last recorded.';


--
-- Name: store; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.store (
    azi text NOT NULL,
    store_id text NOT NULL,
    platform text NOT NULL,
    hmac_ipad bytea,
    hmac_opad bytea,
    api_url text,
    api_key text,
    api_secret text,
    id_int_prefix text DEFAULT ''::text NOT NULL,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL,
    reconcile_every interval DEFAULT '00:05:00'::interval NOT NULL,
    watermark timestamp with time zone,
    last_reconciled_at timestamp with time zone,
    last_reconcile_error text,
    removed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT hmac_pads_are_64_bytes CHECK (((octet_length(hmac_ipad) = 64) AND (octet_length(hmac_opad) = 64))),
    CONSTRAINT id_int_prefix_is_short CHECK ((id_int_prefix ~ '^[A-Za-z0-9_:-]{0,20}$'::text)),
    CONSTRAINT keys_while_active CHECK (((removed_at IS NOT NULL) OR ((hmac_ipad IS NOT NULL) AND (hmac_opad IS NOT NULL)))),
    CONSTRAINT platform_is_known CHECK ((platform = ANY (ARRAY['woocommerce'::text, 'shopify'::text]))),
    CONSTRAINT reconcile_every_is_sane CHECK ((reconcile_every >= '00:00:10'::interval)),
    CONSTRAINT settings_is_object CHECK ((jsonb_typeof(settings) = 'object'::text)),
    CONSTRAINT store_id_is_well_formed CHECK ((store_id ~ '^[A-Za-z0-9_-]{1,40}$'::text))
);


ALTER TABLE sincro_private.store OWNER TO CURRENT_USER;

--
-- Name: TABLE store; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.store IS 'A WooCommerce or Shopify shop whose orders the hub takes as a store party of its company (prov_tipo S). Owner only: the webhook key and API credentials live here.';


--
-- Name: COLUMN store.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.azi IS 'The company whose store party writes the orders.';


--
-- Name: COLUMN store.store_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.store_id IS 'The store''s ID in the hub, in its webhook URL /stores/<platform>/<store_id>/webhook; never reused.';


--
-- Name: COLUMN store.platform; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.platform IS 'woocommerce or shopify.';


--
-- Name: COLUMN store.hmac_ipad; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.hmac_ipad IS 'The webhook secret as HMAC-SHA256 inner key (key xor 0x36, 64 bytes): the secret itself is not kept. NULL once removed.';


--
-- Name: COLUMN store.hmac_opad; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.hmac_opad IS 'The webhook secret as HMAC-SHA256 outer key (key xor 0x5c, 64 bytes). NULL once removed.';


--
-- Name: COLUMN store.api_url; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.api_url IS 'The shop''s base URL (https://shop.example.com, https://x.myshopify.com) for reconciliation and status back; NULL: neither runs.';


--
-- Name: COLUMN store.api_key; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.api_key IS 'WooCommerce REST consumer key (ck_…); unused for Shopify.';


--
-- Name: COLUMN store.api_secret; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.api_secret IS 'WooCommerce REST consumer secret (cs_…) or Shopify Admin API access token (shpat_…).';


--
-- Name: COLUMN store.id_int_prefix; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.id_int_prefix IS 'Put before the platform order ID to make arportes.id_int: empty for a company''s first store, required to tell a second store''s orders apart.';


--
-- Name: COLUMN store.settings; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.settings IS 'Mapping settings (article codes for shipping and fees, fiscal meta keys, natura code, status back, payment codes): docs/stores.md.';


--
-- Name: COLUMN store.reconcile_every; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.reconcile_every IS 'How often the worker asks the shop''s REST API for orders modified since the watermark.';


--
-- Name: COLUMN store.watermark; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.watermark IS 'Orders modified at or after this time may not all have been seen; NULL: from the store''s registration.';


--
-- Name: COLUMN store.last_reconciled_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.last_reconciled_at IS 'When the last reconciliation pass ended (successfully or not).';


--
-- Name: COLUMN store.last_reconcile_error; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.last_reconcile_error IS 'Why the last reconciliation pass failed; NULL when it succeeded.';


--
-- Name: COLUMN store.removed_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.removed_at IS 'When the store was removed: its webhooks answer 404, nothing is reconciled, its keys are wiped; its inbox and orders stay.';


--
-- Name: COLUMN store.created_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store.created_at IS 'When the store was registered.';


--
-- Name: stores; Type: VIEW; Schema: sincro; Owner: CURRENT_USER
--

CREATE VIEW sincro.stores WITH (security_barrier='true') AS
 SELECT s.store_id,
    s.azi,
    s.platform,
    s.api_url,
    (s.api_secret IS NOT NULL) AS has_api_credentials,
    s.id_int_prefix,
    (sincro_private.store_default_settings() || s.settings) AS settings,
    s.reconcile_every,
    s.watermark,
    s.last_reconciled_at,
    s.last_reconcile_error,
    s.removed_at,
    s.created_at
   FROM sincro_private.store s;


ALTER TABLE sincro.stores OWNER TO CURRENT_USER;

--
-- Name: VIEW stores; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON VIEW sincro.stores IS 'The registered stores without their keys (admin).';


--
-- Name: COLUMN stores.store_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.store_id IS 'The store''s ID in the hub (its webhook URL).';


--
-- Name: COLUMN stores.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.azi IS 'The company whose store party writes the orders.';


--
-- Name: COLUMN stores.platform; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.platform IS 'woocommerce or shopify.';


--
-- Name: COLUMN stores.api_url; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.api_url IS 'The shop''s base URL for reconciliation and status back; NULL: webhooks only.';


--
-- Name: COLUMN stores.has_api_credentials; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.has_api_credentials IS 'Whether REST credentials are stored (they are never shown).';


--
-- Name: COLUMN stores.id_int_prefix; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.id_int_prefix IS 'Put before the platform order ID to make arportes.id_int.';


--
-- Name: COLUMN stores.settings; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.settings IS 'The store''s settings, with the defaults of those it does not set.';


--
-- Name: COLUMN stores.reconcile_every; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.reconcile_every IS 'How often the shop is reconciled.';


--
-- Name: COLUMN stores.watermark; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.watermark IS 'Orders modified since this time may not all have been seen.';


--
-- Name: COLUMN stores.last_reconciled_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.last_reconciled_at IS 'When the last reconciliation pass ended.';


--
-- Name: COLUMN stores.last_reconcile_error; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.last_reconcile_error IS 'Why the last reconciliation pass failed; NULL when it succeeded.';


--
-- Name: COLUMN stores.removed_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.removed_at IS 'When the store was removed; NULL while active.';


--
-- Name: COLUMN stores.created_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.stores.created_at IS 'When the store was registered.';


--
-- Name: sync_runs; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.sync_runs (
    azi text NOT NULL,
    run_id bigint NOT NULL,
    kind text NOT NULL,
    state text DEFAULT 'running'::text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    orders_pushed integer DEFAULT 0 NOT NULL,
    orders_rejected integer DEFAULT 0 NOT NULL,
    orders_failed integer DEFAULT 0 NOT NULL,
    error text,
    uses_quota boolean DEFAULT false NOT NULL,
    rows_received bigint DEFAULT 0 NOT NULL,
    rows_changed bigint DEFAULT 0 NOT NULL,
    rows_tombstoned bigint DEFAULT 0 NOT NULL,
    progress_at timestamp with time zone DEFAULT now() NOT NULL,
    backend_pid integer,
    erp_cursor_from text,
    erp_cursor_to text,
    id_sincro_at_start bigint,
    phase text DEFAULT 'starting'::text,
    phase_item text,
    phase_step integer,
    phase_steps integer,
    CONSTRAINT finished_when_done CHECK (((state = 'running'::text) = (finished_at IS NULL))),
    CONSTRAINT kind_is_known CHECK ((kind = ANY (ARRAY['partial'::text, 'changes'::text, 'rebuild'::text]))),
    CONSTRAINT phase_is_known CHECK ((phase = ANY (ARRAY['queued'::text, 'starting'::text, 'reading'::text, 'tombstoning'::text, 'fetching'::text, 'applying'::text, 'pushing'::text, 'done'::text]))),
    CONSTRAINT phase_step_is_positive CHECK (((phase_step > 0) AND ((phase_steps IS NULL) OR (phase_step <= phase_steps)))),
    CONSTRAINT state_is_known CHECK ((state = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text])))
);


ALTER TABLE sincro.sync_runs OWNER TO CURRENT_USER;

--
-- Name: TABLE sync_runs; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.sync_runs IS 'One row per sync run of a company: kind, times, counts, outcome.';


--
-- Name: COLUMN sync_runs.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.azi IS 'Company code.';


--
-- Name: COLUMN sync_runs.run_id; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.run_id IS 'Run number.';


--
-- Name: COLUMN sync_runs.kind; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.kind IS 'partial (push pending orders, no quota), changes (sync for changes), rebuild (total rebuild).';


--
-- Name: COLUMN sync_runs.state; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.state IS 'running, succeeded or failed.';


--
-- Name: COLUMN sync_runs.started_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.started_at IS 'When the run started.';


--
-- Name: COLUMN sync_runs.finished_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.finished_at IS 'When it ended.';


--
-- Name: COLUMN sync_runs.orders_pushed; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.orders_pushed IS 'Orders the ERP acquired in this run.';


--
-- Name: COLUMN sync_runs.orders_rejected; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.orders_rejected IS 'Orders the ERP rejected in this run.';


--
-- Name: COLUMN sync_runs.orders_failed; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.orders_failed IS 'Orders that could not reach the ERP in this run (still pending).';


--
-- Name: COLUMN sync_runs.error; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.error IS 'Why the run failed, if it did.';


--
-- Name: COLUMN sync_runs.uses_quota; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.uses_quota IS 'Whether the run counts against the contracted quota (never for partial syncs).';


--
-- Name: COLUMN sync_runs.rows_received; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.rows_received IS 'Changes or snapshot rows received from the ERP.';


--
-- Name: COLUMN sync_runs.rows_changed; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.rows_changed IS 'Rows that really changed in the hub (each got a new change number).';


--
-- Name: COLUMN sync_runs.rows_tombstoned; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.rows_tombstoned IS 'Rows a total rebuild marked deleted because the ERP no longer has them.';


--
-- Name: COLUMN sync_runs.progress_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.progress_at IS 'Last time the run applied something: a run with no progress for 10 minutes, or whose session is gone, is closed as abandoned.';


--
-- Name: COLUMN sync_runs.backend_pid; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.backend_pid IS 'PostgreSQL backend of the session that began the run (to tell a crashed run from a slow one).';


--
-- Name: COLUMN sync_runs.erp_cursor_from; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.erp_cursor_from IS 'ERP cursor when the run began (changes and rebuild).';


--
-- Name: COLUMN sync_runs.erp_cursor_to; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.erp_cursor_to IS 'ERP cursor the run has applied up to.';


--
-- Name: COLUMN sync_runs.id_sincro_at_start; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.id_sincro_at_start IS 'The company''s last change number when a rebuild began: rows numbered above it were written by this rebuild, so its sweep need not check them.';


--
-- Name: COLUMN sync_runs.phase; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.phase IS 'What the run is doing (a failed run keeps the phase it failed in): queued (waiting for the worker), starting, reading (a rebuild downloading and applying the snapshot of phase_item, entity phase_step of phase_steps), tombstoning (a rebuild removing what no snapshot held), fetching / applying (a sync for changes: page phase_step from the ERP, into the hub), pushing (a partial sync: order phase_step of phase_steps), done. NULL for runs from before phases were recorded.';


--
-- Name: COLUMN sync_runs.phase_item; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.phase_item IS 'The entity a rebuild is reading (reading); NULL otherwise.';


--
-- Name: COLUMN sync_runs.phase_step; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.phase_step IS 'Which step of the phase, from 1: the entity (reading), the page (fetching, applying), the order (pushing); NULL when the phase has none.';


--
-- Name: COLUMN sync_runs.phase_steps; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.sync_runs.phase_steps IS 'How many steps the phase has, when known (entities of a rebuild, orders of a partial sync); NULL otherwise.';


--
-- Name: sync_runs_run_id_seq; Type: SEQUENCE; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.sync_runs ALTER COLUMN run_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME sincro.sync_runs_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tabelle_accessorie; Type: TABLE; Schema: sincro; Owner: CURRENT_USER
--

CREATE TABLE sincro.tabelle_accessorie (
    azi text NOT NULL,
    tabella text NOT NULL,
    codice text NOT NULL,
    descrizione text,
    dati jsonb DEFAULT '{}'::jsonb NOT NULL,
    id_sincro bigint NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT dati_is_object CHECK ((jsonb_typeof(dati) = 'object'::text)),
    CONSTRAINT id_sincro_is_positive CHECK ((id_sincro > 0))
);
ALTER TABLE ONLY sincro.tabelle_accessorie ALTER COLUMN azi SET STATISTICS 0;


ALTER TABLE sincro.tabelle_accessorie OWNER TO CURRENT_USER;

--
-- Name: TABLE tabelle_accessorie; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro.tabelle_accessorie IS 'Accessory tables of the ERP (payment terms, carriers, VAT codes, ...), one row per entry. Written by syncs only; followed by id_sincro.';


--
-- Name: COLUMN tabelle_accessorie.azi; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.tabelle_accessorie.azi IS 'Company code.';


--
-- Name: COLUMN tabelle_accessorie.tabella; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.tabelle_accessorie.tabella IS 'Which table, e.g. pagamenti, vettori, iva.';


--
-- Name: COLUMN tabelle_accessorie.codice; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.tabelle_accessorie.codice IS 'The entry''s code in that table.';


--
-- Name: COLUMN tabelle_accessorie.descrizione; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.tabelle_accessorie.descrizione IS 'Description of the entry.';


--
-- Name: COLUMN tabelle_accessorie.dati; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.tabelle_accessorie.dati IS 'The entry''s other fields, as the ERP sends them (a JSON object).';


--
-- Name: COLUMN tabelle_accessorie.id_sincro; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.tabelle_accessorie.id_sincro IS 'Change number of the row''s last change, from the company''s counter (shared with orders).';


--
-- Name: COLUMN tabelle_accessorie.deleted; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.tabelle_accessorie.deleted IS 'Tombstone: the ERP deleted the entry. Kept for the company''s tombstone_retention.';


--
-- Name: COLUMN tabelle_accessorie.updated_at; Type: COMMENT; Schema: sincro; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro.tabelle_accessorie.updated_at IS 'Last change in the hub.';


--
-- Name: erp_entity; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.erp_entity (
    entity text NOT NULL,
    table_name regclass NOT NULL,
    key_columns text[] NOT NULL,
    CONSTRAINT key_columns_is_not_empty CHECK ((cardinality(key_columns) > 0))
);


ALTER TABLE sincro_private.erp_entity OWNER TO CURRENT_USER;

--
-- Name: TABLE erp_entity; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.erp_entity IS 'ERP-owned entities other than orders: the wire name the ERP uses, the hub table, its key columns after azi. The generic upsert, tombstone and purge read it; sincro.all_changes_since names each table (documents carry their lines), so a new entity is a table, a row here and a branch there.';


--
-- Name: COLUMN erp_entity.entity; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.erp_entity.entity IS 'Name on the wire (ERP API): accessory, article, customer, particolarita, document.';


--
-- Name: COLUMN erp_entity.table_name; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.erp_entity.table_name IS 'Hub table holding the entity.';


--
-- Name: COLUMN erp_entity.key_columns; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.erp_entity.key_columns IS 'Key columns after azi, in primary-key order.';


--
-- Name: metric_compaction; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.metric_compaction (
    only_row boolean DEFAULT true NOT NULL,
    compacted_at timestamp with time zone,
    deltas_folded bigint DEFAULT 0 NOT NULL,
    CONSTRAINT only_one_row CHECK (only_row)
);


ALTER TABLE sincro_private.metric_compaction OWNER TO CURRENT_USER;

--
-- Name: TABLE metric_compaction; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.metric_compaction IS 'One row: a compaction locks it (skipping when another compaction holds it, which is doing the same work) and records when it last ran.';


--
-- Name: COLUMN metric_compaction.only_row; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_compaction.only_row IS 'Always true: the table has one row.';


--
-- Name: COLUMN metric_compaction.compacted_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_compaction.compacted_at IS 'When a compaction last ran.';


--
-- Name: COLUMN metric_compaction.deltas_folded; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_compaction.deltas_folded IS 'Delta rows folded by every compaction so far.';


--
-- Name: metric_delta; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.metric_delta (
    azi text NOT NULL,
    delta_id bigint NOT NULL,
    metric text NOT NULL,
    n bigint NOT NULL,
    seconds numeric DEFAULT 0 NOT NULL,
    CONSTRAINT metric_is_known CHECK ((metric = ANY (ARRAY['push_acquired'::text, 'push_rejected'::text, 'push_failed'::text, 'pending_erp'::text, 'pending_store'::text, 'pending_app'::text])))
);


ALTER TABLE sincro_private.metric_delta OWNER TO CURRENT_USER;

--
-- Name: TABLE metric_delta; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.metric_delta IS 'What changed in the figures /metrics reports, one row per change, written by triggers in the transaction of the change (insert-only: concurrent writers of one company never wait for each other). sincro.metric_compact folds the rows into metric_rollup; a scrape adds the rows not folded yet. Read only whole (by the compaction and the scrape).';


--
-- Name: COLUMN metric_delta.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_delta.azi IS 'Company code.';


--
-- Name: COLUMN metric_delta.delta_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_delta.delta_id IS 'Order of recording (identifies the row).';


--
-- Name: COLUMN metric_delta.metric; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_delta.metric IS 'push_acquired (an order became acquired; seconds: its insert → acquired time), push_rejected and push_failed (an event of that kind), pending_erp / pending_store / pending_app (an order entered (+1) or left (-1) what that party has not acquired).';


--
-- Name: COLUMN metric_delta.n; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_delta.n IS 'How much the count changes: 1 for a push outcome, +1 or -1 for a pending count.';


--
-- Name: COLUMN metric_delta.seconds; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_delta.seconds IS 'For push_acquired: the insert → acquired time in seconds (exact, to the microsecond; its histogram bucket is found when the delta is folded or scraped, not on the push path); 0 otherwise.';


--
-- Name: metric_delta_delta_id_seq; Type: SEQUENCE; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE sincro_private.metric_delta ALTER COLUMN delta_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME sincro_private.metric_delta_delta_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: metric_rollup; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.metric_rollup (
    azi text NOT NULL,
    metric text NOT NULL,
    bucket text DEFAULT ''::text NOT NULL,
    n bigint NOT NULL,
    seconds numeric DEFAULT 0 NOT NULL,
    CONSTRAINT metric_is_known CHECK ((metric = ANY (ARRAY['push_acquired'::text, 'push_rejected'::text, 'push_failed'::text, 'pending_erp'::text, 'pending_store'::text, 'pending_app'::text])))
);


ALTER TABLE sincro_private.metric_rollup OWNER TO CURRENT_USER;

--
-- Name: TABLE metric_rollup; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.metric_rollup IS 'The sums of the metric_delta rows folded so far, per company, metric and bucket. Written only by sincro.metric_compact (and by the migration that created it, from the data already held).';


--
-- Name: COLUMN metric_rollup.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_rollup.azi IS 'Company code.';


--
-- Name: COLUMN metric_rollup.metric; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_rollup.metric IS 'As metric_delta.metric.';


--
-- Name: COLUMN metric_rollup.bucket; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_rollup.bucket IS 'For push_acquired: the smallest histogram bound (seconds, as text) the durations do not exceed, or +Inf (sincro_private.push_duration_bucket); '''' otherwise.';


--
-- Name: COLUMN metric_rollup.n; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_rollup.n IS 'The sum of the folded deltas'' n.';


--
-- Name: COLUMN metric_rollup.seconds; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.metric_rollup.seconds IS 'The sum of the folded deltas'' seconds.';


--
-- Name: order_slice_moves; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.order_slice_moves (
    azi text NOT NULL,
    id_pub bigint NOT NULL,
    cod_agente text NOT NULL
);


ALTER TABLE sincro_private.order_slice_moves OWNER TO CURRENT_USER;

--
-- Name: TABLE order_slice_moves; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.order_slice_moves IS 'Scratch, per transaction: orders that left an agent''s device slice by a change of their own, waiting for their slice-log entry at commit (sincro_private.assign_pending_id_sincro).';


--
-- Name: COLUMN order_slice_moves.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.order_slice_moves.azi IS 'Company code.';


--
-- Name: COLUMN order_slice_moves.id_pub; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.order_slice_moves.id_pub IS 'The order.';


--
-- Name: COLUMN order_slice_moves.cod_agente; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.order_slice_moves.cod_agente IS 'The agent whose devices held it through its customer.';


--
-- Name: party_secret; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.party_secret (
    singleton boolean DEFAULT true NOT NULL,
    secret text DEFAULT md5(((gen_random_uuid())::text || (clock_timestamp())::text)) NOT NULL,
    CONSTRAINT one_row CHECK (singleton)
);


ALTER TABLE sincro_private.party_secret OWNER TO CURRENT_USER;

--
-- Name: TABLE party_secret; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.party_secret IS 'One random secret that proves a sincro.party claim comes from the hub''s own functions. Readable by the owner only.';


--
-- Name: COLUMN party_secret.singleton; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.party_secret.singleton IS 'Always true: the table has one row.';


--
-- Name: COLUMN party_secret.secret; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.party_secret.secret IS 'Random token appended to the sincro.party setting by set_party.';


--
-- Name: rebuild_seen; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE UNLOGGED TABLE sincro_private.rebuild_seen (
    azi text NOT NULL,
    run_id bigint NOT NULL,
    entity text NOT NULL,
    key text NOT NULL
);


ALTER TABLE sincro_private.rebuild_seen OWNER TO CURRENT_USER;

--
-- Name: TABLE rebuild_seen; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.rebuild_seen IS 'Scratch: keys received by a running total rebuild, per run and entity; emptied when the rebuild ends.';


--
-- Name: COLUMN rebuild_seen.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.rebuild_seen.azi IS 'Company code.';


--
-- Name: COLUMN rebuild_seen.run_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.rebuild_seen.run_id IS 'The rebuild run (sincro.sync_runs.run_id).';


--
-- Name: COLUMN rebuild_seen.entity; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.rebuild_seen.entity IS 'Entity (see sincro_private.erp_entity).';


--
-- Name: COLUMN rebuild_seen.key; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.rebuild_seen.key IS 'The row''s key fields as text, joined by U+001F.';


--
-- Name: store_customer; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.store_customer (
    azi text NOT NULL,
    store_id text NOT NULL,
    match_kind text NOT NULL,
    match_value text NOT NULL,
    cliente_cod text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT match_kind_is_known CHECK ((match_kind = ANY (ARRAY['customer_id'::text, 'email'::text])))
);


ALTER TABLE sincro_private.store_customer OWNER TO CURRENT_USER;

--
-- Name: TABLE store_customer; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.store_customer IS 'A shop customer the ERP knows: by platform customer ID or e-mail (lower case), the ERP''s cliente_cod; orders of a customer not listed bring a new customer.';


--
-- Name: COLUMN store_customer.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_customer.azi IS 'The store''s company.';


--
-- Name: COLUMN store_customer.store_id; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_customer.store_id IS 'The store.';


--
-- Name: COLUMN store_customer.match_kind; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_customer.match_kind IS 'customer_id (the platform''s) or email.';


--
-- Name: COLUMN store_customer.match_value; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_customer.match_value IS 'The platform customer ID, or the e-mail in lower case.';


--
-- Name: COLUMN store_customer.cliente_cod; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_customer.cliente_cod IS 'The ERP''s customer code orders of this customer carry.';


--
-- Name: COLUMN store_customer.created_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_customer.created_at IS 'When the mapping was stored.';


--
-- Name: store_inbox_gate; Type: TABLE; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TABLE sincro_private.store_inbox_gate (
    azi text NOT NULL,
    job_key text NOT NULL,
    rung_at timestamp with time zone NOT NULL
)
WITH (fillfactor='10');


ALTER TABLE sincro_private.store_inbox_gate OWNER TO CURRENT_USER;

--
-- Name: TABLE store_inbox_gate; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON TABLE sincro_private.store_inbox_gate IS 'A company whose store_inbox_apply chain is under way: the job last rung (job_key) and when. Free again 10 s after rung_at (a job that died). Written by store_inbox_dispatch and store_inbox_apply_many only.';


--
-- Name: COLUMN store_inbox_gate.azi; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox_gate.azi IS 'The company whose chain of store_inbox_apply jobs is under way.';


--
-- Name: COLUMN store_inbox_gate.job_key; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox_gate.job_key IS 'The key of the chain''s job rung last (store_inbox:<first inbox_id>+<rows>).';


--
-- Name: COLUMN store_inbox_gate.rung_at; Type: COMMENT; Schema: sincro_private; Owner: CURRENT_USER
--

COMMENT ON COLUMN sincro_private.store_inbox_gate.rung_at IS 'When that job was rung; 10 s later the gate is free again.';


--
-- Name: store_inbox_inbox_id_seq; Type: SEQUENCE; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE sincro_private.store_inbox ALTER COLUMN inbox_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME sincro_private.store_inbox_inbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: agenti agenti_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.agenti
    ADD CONSTRAINT agenti_pkey PRIMARY KEY (azi, cod_agente);


--
-- Name: arporrig arporrig_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.arporrig
    ADD CONSTRAINT arporrig_pkey PRIMARY KEY (azi, id_pub, riga);


--
-- Name: arportes_history arportes_history_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.arportes_history
    ADD CONSTRAINT arportes_history_pkey PRIMARY KEY (azi, history_id);


--
-- Name: arportes arportes_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.arportes
    ADD CONSTRAINT arportes_pkey PRIMARY KEY (azi, id_pub);


--
-- Name: articoli articoli_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.articoli
    ADD CONSTRAINT articoli_pkey PRIMARY KEY (azi, cod_art);


--
-- Name: clienti clienti_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.clienti
    ADD CONSTRAINT clienti_pkey PRIMARY KEY (azi, cod_cli);


--
-- Name: consumer_cursors consumer_cursors_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.consumer_cursors
    ADD CONSTRAINT consumer_cursors_pkey PRIMARY KEY (azi, consumer);


--
-- Name: device_slice_log device_slice_log_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.device_slice_log
    ADD CONSTRAINT device_slice_log_pkey PRIMARY KEY (azi, id_sincro);


--
-- Name: documenti documenti_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.documenti
    ADD CONSTRAINT documenti_pkey PRIMARY KEY (azi, tipo_doc, numero);


--
-- Name: documenti_righe documenti_righe_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.documenti_righe
    ADD CONSTRAINT documenti_righe_pkey PRIMARY KEY (azi, tipo_doc, numero, riga);


--
-- Name: fidi fidi_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.fidi
    ADD CONSTRAINT fidi_pkey PRIMARY KEY (azi, cod_cli);


--
-- Name: new_customers new_customers_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.new_customers
    ADD CONSTRAINT new_customers_pkey PRIMARY KEY (azi, customer_id);


--
-- Name: order_events order_events_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.order_events
    ADD CONSTRAINT order_events_pkey PRIMARY KEY (azi, event_id);


--
-- Name: order_push order_push_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.order_push
    ADD CONSTRAINT order_push_pkey PRIMARY KEY (azi, id_pub);


--
-- Name: particolarita particolarita_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.particolarita
    ADD CONSTRAINT particolarita_pkey PRIMARY KEY (azi, cod_cli, cod_art, valido_dal);


--
-- Name: partite_aperte partite_aperte_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.partite_aperte
    ADD CONSTRAINT partite_aperte_pkey PRIMARY KEY (azi, cod_cli, id_partita);


--
-- Name: sync_runs sync_runs_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.sync_runs
    ADD CONSTRAINT sync_runs_pkey PRIMARY KEY (azi, run_id);


--
-- Name: tabelle_accessorie tabelle_accessorie_pkey; Type: CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.tabelle_accessorie
    ADD CONSTRAINT tabelle_accessorie_pkey PRIMARY KEY (azi, tabella, codice);


--
-- Name: company company_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.company
    ADD CONSTRAINT company_pkey PRIMARY KEY (azi);


--
-- Name: erp_entity erp_entity_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.erp_entity
    ADD CONSTRAINT erp_entity_pkey PRIMARY KEY (entity);


--
-- Name: erp_entity erp_entity_table_name_key; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.erp_entity
    ADD CONSTRAINT erp_entity_table_name_key UNIQUE (table_name);


--
-- Name: id_pub_counter id_pub_counter_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.id_pub_counter
    ADD CONSTRAINT id_pub_counter_pkey PRIMARY KEY (azi);


--
-- Name: id_sincro_counter id_sincro_counter_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.id_sincro_counter
    ADD CONSTRAINT id_sincro_counter_pkey PRIMARY KEY (azi);


--
-- Name: store_inbox inbox_id_is_unique; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_inbox
    ADD CONSTRAINT inbox_id_is_unique UNIQUE (inbox_id);


--
-- Name: login login_is_unique; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.login
    ADD CONSTRAINT login_is_unique UNIQUE (login);


--
-- Name: login login_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.login
    ADD CONSTRAINT login_pkey PRIMARY KEY (azi, login);


--
-- Name: metric_compaction metric_compaction_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.metric_compaction
    ADD CONSTRAINT metric_compaction_pkey PRIMARY KEY (only_row);


--
-- Name: metric_delta metric_delta_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.metric_delta
    ADD CONSTRAINT metric_delta_pkey PRIMARY KEY (azi, delta_id);


--
-- Name: metric_rollup metric_rollup_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.metric_rollup
    ADD CONSTRAINT metric_rollup_pkey PRIMARY KEY (azi, metric, bucket);


--
-- Name: order_slice_moves order_slice_moves_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.order_slice_moves
    ADD CONSTRAINT order_slice_moves_pkey PRIMARY KEY (azi, id_pub, cod_agente);


--
-- Name: party_secret party_secret_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.party_secret
    ADD CONSTRAINT party_secret_pkey PRIMARY KEY (singleton);


--
-- Name: store_customer store_customer_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_customer
    ADD CONSTRAINT store_customer_pkey PRIMARY KEY (azi, store_id, match_kind, match_value);


--
-- Name: store store_id_is_unique; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store
    ADD CONSTRAINT store_id_is_unique UNIQUE (store_id);


--
-- Name: store_inbox_gate store_inbox_gate_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_inbox_gate
    ADD CONSTRAINT store_inbox_gate_pkey PRIMARY KEY (azi);


--
-- Name: store_inbox store_inbox_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_inbox
    ADD CONSTRAINT store_inbox_pkey PRIMARY KEY (azi, inbox_id);


--
-- Name: store_order store_order_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_order
    ADD CONSTRAINT store_order_pkey PRIMARY KEY (azi, store_id, platform_order_id);


--
-- Name: store store_pkey; Type: CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store
    ADD CONSTRAINT store_pkey PRIMARY KEY (azi, store_id);


--
-- Name: idx_agenti__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_agenti__id_sincro ON sincro.agenti USING btree (azi, id_sincro);


--
-- Name: idx_agenti__supervisor; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_agenti__supervisor ON sincro.agenti USING btree (azi, cod_supervisore) WHERE (cod_supervisore IS NOT NULL);


--
-- Name: idx_arportes__customer; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes__customer ON sincro.arportes USING btree (azi, cliente_cod, data_ordine) WHERE (cliente_cod IS NOT NULL);


--
-- Name: idx_arportes__date; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes__date ON sincro.arportes USING btree (azi, data_ordine);


--
-- Name: idx_arportes__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes__id_sincro ON sincro.arportes USING btree (azi, id_sincro);


--
-- Name: idx_arportes__id_sincro_pending; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes__id_sincro_pending ON sincro.arportes USING btree (azi, id_pub) WHERE (id_sincro IS NULL);


--
-- Name: idx_arportes__new_customer; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes__new_customer ON sincro.arportes USING btree (azi, new_customer_id) WHERE (new_customer_id IS NOT NULL);


--
-- Name: idx_arportes__oldest_pending_app; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes__oldest_pending_app ON sincro.arportes USING btree (azi, updated_at) WHERE ((ack_app = 0) AND (id_sincro > 0));


--
-- Name: idx_arportes__oldest_pending_store; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes__oldest_pending_store ON sincro.arportes USING btree (azi, updated_at) WHERE ((ack_store = 0) AND (id_sincro > 0));


--
-- Name: idx_arportes__pending_gest; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes__pending_gest ON sincro.arportes USING btree (azi, id_pub) WHERE (ack_gest = 0);


--
-- Name: idx_arportes_history__id_sincro_pending; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes_history__id_sincro_pending ON sincro.arportes_history USING btree (azi, id_pub) WHERE (id_sincro IS NULL);


--
-- Name: idx_arportes_history__order; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_arportes_history__order ON sincro.arportes_history USING btree (azi, id_pub, history_id);


--
-- Name: idx_articoli__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_articoli__id_sincro ON sincro.articoli USING btree (azi, id_sincro);


--
-- Name: idx_clienti__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_clienti__id_sincro ON sincro.clienti USING btree (azi, id_sincro);


--
-- Name: idx_clienti__slice; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_clienti__slice ON sincro.clienti USING btree (azi, cod_agente, id_sincro);


--
-- Name: idx_device_slice_log__agent; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_device_slice_log__agent ON sincro.device_slice_log USING btree (azi, cod_agente, id_sincro);


--
-- Name: idx_documenti__customer; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_documenti__customer ON sincro.documenti USING btree (azi, cliente_cod);


--
-- Name: idx_documenti__date; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_documenti__date ON sincro.documenti USING btree (azi, data_doc);


--
-- Name: idx_documenti__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_documenti__id_sincro ON sincro.documenti USING btree (azi, id_sincro);


--
-- Name: idx_documenti__order; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_documenti__order ON sincro.documenti USING btree (azi, tor_chia) WHERE (tor_chia IS NOT NULL);


--
-- Name: idx_documenti__slice; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_documenti__slice ON sincro.documenti USING btree (azi, slice_agente, id_sincro);


--
-- Name: idx_fidi__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_fidi__id_sincro ON sincro.fidi USING btree (azi, id_sincro);


--
-- Name: idx_fidi__slice; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_fidi__slice ON sincro.fidi USING btree (azi, slice_agente, id_sincro);


--
-- Name: idx_order_events__order; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_order_events__order ON sincro.order_events USING btree (azi, id_pub, event_id);


--
-- Name: idx_order_push__doorbell; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_order_push__doorbell ON sincro.order_push USING btree (created_at, azi, id_pub) WHERE ((state = 'pending'::text) AND (NOT doorbell_rung));


--
-- Name: idx_order_push__open; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_order_push__open ON sincro.order_push USING btree (azi, id_pub) WHERE (state = ANY (ARRAY['pending'::text, 'in_flight'::text]));


--
-- Name: idx_order_push__problems; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_order_push__problems ON sincro.order_push USING btree (azi, created_at, id_pub) WHERE (state = ANY (ARRAY['rejected'::text, 'pending'::text, 'in_flight'::text]));


--
-- Name: idx_particolarita__article_level; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_particolarita__article_level ON sincro.particolarita USING btree (azi, id_sincro) WHERE (cod_cli = '*'::text);


--
-- Name: idx_particolarita__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_particolarita__id_sincro ON sincro.particolarita USING btree (azi, id_sincro);


--
-- Name: idx_particolarita__slice; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_particolarita__slice ON sincro.particolarita USING btree (azi, slice_agente, id_sincro);


--
-- Name: idx_partite_aperte__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_partite_aperte__id_sincro ON sincro.partite_aperte USING btree (azi, id_sincro);


--
-- Name: idx_partite_aperte__slice; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_partite_aperte__slice ON sincro.partite_aperte USING btree (azi, slice_agente, id_sincro);


--
-- Name: idx_tabelle_accessorie__id_sincro; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE INDEX idx_tabelle_accessorie__id_sincro ON sincro.tabelle_accessorie USING btree (azi, id_sincro);


--
-- Name: uniq_arportes__creator_key; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE UNIQUE INDEX uniq_arportes__creator_key ON sincro.arportes USING btree (azi, prov_tipo, prov_id, id_int) NULLS NOT DISTINCT WHERE (prov_tipo <> 'G'::text);


--
-- Name: uniq_arportes__tor_chia; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE UNIQUE INDEX uniq_arportes__tor_chia ON sincro.arportes USING btree (azi, tor_chia);


--
-- Name: uniq_new_customers__creator_key; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE UNIQUE INDEX uniq_new_customers__creator_key ON sincro.new_customers USING btree (azi, prov_tipo, prov_id, id_int) NULLS NOT DISTINCT;


--
-- Name: uniq_sync_runs__one_running; Type: INDEX; Schema: sincro; Owner: CURRENT_USER
--

CREATE UNIQUE INDEX uniq_sync_runs__one_running ON sincro.sync_runs USING btree (azi, ((kind = 'partial'::text))) WHERE (state = 'running'::text);


--
-- Name: idx_store_inbox__doorbell_by_company; Type: INDEX; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE INDEX idx_store_inbox__doorbell_by_company ON sincro_private.store_inbox USING btree (azi, received_at, inbox_id) WHERE ((state = 'received'::text) AND (NOT doorbell_rung));


--
-- Name: idx_store_inbox__errors; Type: INDEX; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE INDEX idx_store_inbox__errors ON sincro_private.store_inbox USING btree (azi, inbox_id) WHERE (state = 'error'::text);


--
-- Name: idx_store_inbox__order; Type: INDEX; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE INDEX idx_store_inbox__order ON sincro_private.store_inbox USING btree (store_id, platform_order_id, modified_at);


--
-- Name: idx_store_inbox__received; Type: INDEX; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE INDEX idx_store_inbox__received ON sincro_private.store_inbox USING btree (received_at) WHERE (state = 'received'::text);


--
-- Name: idx_store_order__status_back; Type: INDEX; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE INDEX idx_store_order__status_back ON sincro_private.store_order USING btree (status_back_at) WHERE (status_back = 'pending'::text);


--
-- Name: uniq_store__company_prefix; Type: INDEX; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE UNIQUE INDEX uniq_store__company_prefix ON sincro_private.store USING btree (azi, id_int_prefix) WHERE (removed_at IS NULL);


--
-- Name: uniq_store_order__order; Type: INDEX; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE UNIQUE INDEX uniq_store_order__order ON sincro_private.store_order USING btree (azi, id_pub);


--
-- Name: arportes_history _100_append_only; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON sincro.arportes_history FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_arportes_history__append_only();


--
-- Name: order_events _100_append_only; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_append_only BEFORE DELETE OR UPDATE ON sincro.order_events FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_order_events__append_only();


--
-- Name: arporrig _100_guard; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_guard BEFORE INSERT OR DELETE OR UPDATE ON sincro.arporrig FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_arporrig__guard();


--
-- Name: arportes _100_guard_update; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_guard_update BEFORE UPDATE ON sincro.arportes FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_arportes__guard_update();


--
-- Name: new_customers _100_guard_update; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_guard_update BEFORE UPDATE ON sincro.new_customers FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_new_customers__guard_update();


--
-- Name: arportes _100_prepare_insert; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_prepare_insert BEFORE INSERT ON sincro.arportes FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_arportes__prepare_insert();


--
-- Name: new_customers _100_prepare_insert; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_prepare_insert BEFORE INSERT ON sincro.new_customers FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_new_customers__prepare_insert();


--
-- Name: arportes _100_refuse_delete; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_refuse_delete BEFORE DELETE ON sincro.arportes FOR EACH ROW EXECUTE FUNCTION sincro_private.tg__refuse_delete();


--
-- Name: new_customers _100_refuse_delete; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_refuse_delete BEFORE DELETE ON sincro.new_customers FOR EACH ROW EXECUTE FUNCTION sincro_private.tg__refuse_delete();


--
-- Name: documenti _100_set_slice_agente; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_set_slice_agente BEFORE INSERT OR UPDATE OF cliente_cod ON sincro.documenti FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_documenti__set_slice_agente();


--
-- Name: fidi _100_set_slice_agente; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_set_slice_agente BEFORE INSERT ON sincro.fidi FOR EACH ROW EXECUTE FUNCTION sincro_private.tg__set_slice_agente();


--
-- Name: particolarita _100_set_slice_agente; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_set_slice_agente BEFORE INSERT ON sincro.particolarita FOR EACH ROW EXECUTE FUNCTION sincro_private.tg__set_slice_agente();


--
-- Name: partite_aperte _100_set_slice_agente; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_set_slice_agente BEFORE INSERT ON sincro.partite_aperte FOR EACH ROW EXECUTE FUNCTION sincro_private.tg__set_slice_agente();


--
-- Name: apstatosyn _100_write; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _100_write INSTEAD OF INSERT OR DELETE OR UPDATE ON sincro.apstatosyn FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_apstatosyn__write();


--
-- Name: arportes _500_enqueue_push; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _500_enqueue_push AFTER INSERT ON sincro.arportes FOR EACH ROW WHEN ((new.prov_tipo = ANY (ARRAY['S'::text, 'A'::text]))) EXECUTE FUNCTION sincro_private.tg_arportes__enqueue_push();


--
-- Name: documenti _500_moved; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _500_moved AFTER UPDATE ON sincro.documenti REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sincro_private.tg_documenti__moved();


--
-- Name: clienti _500_reslice_inserted; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _500_reslice_inserted AFTER INSERT ON sincro.clienti REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sincro_private.tg_clienti__reslice();


--
-- Name: clienti _500_reslice_updated; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _500_reslice_updated AFTER UPDATE ON sincro.clienti REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sincro_private.tg_clienti__reslice();


--
-- Name: agenti _500_supervisor_inserted; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _500_supervisor_inserted AFTER INSERT ON sincro.agenti REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sincro_private.tg_agenti__supervisor();


--
-- Name: agenti _500_supervisor_updated; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _500_supervisor_updated AFTER UPDATE ON sincro.agenti REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sincro_private.tg_agenti__supervisor();


--
-- Name: arportes _600_slice_move; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _600_slice_move AFTER UPDATE ON sincro.arportes FOR EACH ROW WHEN (((old.cliente_cod IS DISTINCT FROM new.cliente_cod) OR (old.data_ordine IS DISTINCT FROM new.data_ordine))) EXECUTE FUNCTION sincro_private.tg_arportes__slice_move();


--
-- Name: arportes _600_store_status_back; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _600_store_status_back AFTER UPDATE OF ack_gest ON sincro.arportes FOR EACH ROW WHEN (((old.ack_gest = 0) AND (new.ack_gest = 1) AND (new.prov_tipo = 'S'::text))) EXECUTE FUNCTION sincro_private.tg_arportes__store_status_back();


--
-- Name: order_push _800_count_acquired; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _800_count_acquired AFTER INSERT ON sincro.order_push FOR EACH ROW WHEN (((new.state = 'acquired'::text) AND (new.acquired_at IS NOT NULL))) EXECUTE FUNCTION sincro_private.tg_order_push__count_acquired();


--
-- Name: order_push _800_count_acquired_update; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _800_count_acquired_update AFTER UPDATE OF state, acquired_at ON sincro.order_push FOR EACH ROW WHEN (((new.state = 'acquired'::text) AND (new.acquired_at IS NOT NULL) AND ((old.state <> 'acquired'::text) OR (old.acquired_at IS NULL)))) EXECUTE FUNCTION sincro_private.tg_order_push__count_acquired();


--
-- Name: order_events _800_count_outcome; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _800_count_outcome AFTER INSERT ON sincro.order_events FOR EACH ROW WHEN ((new.event = ANY (ARRAY['push_rejected'::text, 'push_failed'::text]))) EXECUTE FUNCTION sincro_private.tg_order_events__count_outcome();


--
-- Name: arportes _800_count_pending; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _800_count_pending AFTER INSERT ON sincro.arportes FOR EACH ROW WHEN (((new.ack_gest = 0) OR ((COALESCE(new.id_sincro, (1)::bigint) > 0) AND ((new.ack_store = 0) OR (new.ack_app = 0))))) EXECUTE FUNCTION sincro_private.tg_arportes__count_pending();


--
-- Name: arportes _800_count_pending_update; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _800_count_pending_update AFTER UPDATE OF ack_gest, ack_store, ack_app, id_sincro ON sincro.arportes FOR EACH ROW WHEN ((((old.ack_gest = 0) <> (new.ack_gest = 0)) OR (((old.ack_store = 0) AND (COALESCE(old.id_sincro, (1)::bigint) > 0)) <> ((new.ack_store = 0) AND (COALESCE(new.id_sincro, (1)::bigint) > 0))) OR (((old.ack_app = 0) AND (COALESCE(old.id_sincro, (1)::bigint) > 0)) <> ((new.ack_app = 0) AND (COALESCE(new.id_sincro, (1)::bigint) > 0))))) EXECUTE FUNCTION sincro_private.tg_arportes__count_pending();


--
-- Name: arportes _800_require_lines; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE CONSTRAINT TRIGGER _800_require_lines AFTER INSERT ON sincro.arportes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_arportes__require_lines();


--
-- Name: arportes _900_history; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE TRIGGER _900_history AFTER INSERT OR DELETE OR UPDATE ON sincro.arportes FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_arportes__history();


--
-- Name: arportes _950_assign_id_sincro; Type: TRIGGER; Schema: sincro; Owner: CURRENT_USER
--

CREATE CONSTRAINT TRIGGER _950_assign_id_sincro AFTER INSERT OR UPDATE ON sincro.arportes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.id_sincro IS NULL)) EXECUTE FUNCTION sincro_private.tg__assign_pending_id_sincro();


--
-- Name: company _100_keep_erp_rows; Type: TRIGGER; Schema: sincro_private; Owner: CURRENT_USER
--

CREATE TRIGGER _100_keep_erp_rows BEFORE DELETE ON sincro_private.company FOR EACH ROW EXECUTE FUNCTION sincro_private.tg_company__keep_erp_rows();


--
-- Name: arporrig arporrig_azi_id_pub_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.arporrig
    ADD CONSTRAINT arporrig_azi_id_pub_fkey FOREIGN KEY (azi, id_pub) REFERENCES sincro.arportes(azi, id_pub) ON DELETE CASCADE;


--
-- Name: arportes arportes_azi_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.arportes
    ADD CONSTRAINT arportes_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE RESTRICT;


--
-- Name: arportes arportes_azi_new_customer_id_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.arportes
    ADD CONSTRAINT arportes_azi_new_customer_id_fkey FOREIGN KEY (azi, new_customer_id) REFERENCES sincro.new_customers(azi, customer_id) ON DELETE RESTRICT;


--
-- Name: consumer_cursors consumer_cursors_azi_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.consumer_cursors
    ADD CONSTRAINT consumer_cursors_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE CASCADE;


--
-- Name: device_slice_log device_slice_log_azi_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.device_slice_log
    ADD CONSTRAINT device_slice_log_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE RESTRICT;


--
-- Name: documenti_righe documenti_righe_azi_tipo_doc_numero_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.documenti_righe
    ADD CONSTRAINT documenti_righe_azi_tipo_doc_numero_fkey FOREIGN KEY (azi, tipo_doc, numero) REFERENCES sincro.documenti(azi, tipo_doc, numero) ON DELETE CASCADE;


--
-- Name: new_customers new_customers_azi_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.new_customers
    ADD CONSTRAINT new_customers_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE RESTRICT;


--
-- Name: order_events order_events_order_fk; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.order_events
    ADD CONSTRAINT order_events_order_fk FOREIGN KEY (azi, id_pub) REFERENCES sincro.arportes(azi, id_pub) ON DELETE RESTRICT;


--
-- Name: order_push order_push_azi_id_pub_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.order_push
    ADD CONSTRAINT order_push_azi_id_pub_fkey FOREIGN KEY (azi, id_pub) REFERENCES sincro.arportes(azi, id_pub) ON DELETE CASCADE;


--
-- Name: sync_runs sync_runs_azi_fkey; Type: FK CONSTRAINT; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro.sync_runs
    ADD CONSTRAINT sync_runs_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE RESTRICT;


--
-- Name: id_pub_counter id_pub_counter_azi_fkey; Type: FK CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.id_pub_counter
    ADD CONSTRAINT id_pub_counter_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE CASCADE;


--
-- Name: id_sincro_counter id_sincro_counter_azi_fkey; Type: FK CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.id_sincro_counter
    ADD CONSTRAINT id_sincro_counter_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE CASCADE;


--
-- Name: login login_azi_fkey; Type: FK CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.login
    ADD CONSTRAINT login_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE CASCADE;


--
-- Name: store store_azi_fkey; Type: FK CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store
    ADD CONSTRAINT store_azi_fkey FOREIGN KEY (azi) REFERENCES sincro_private.company(azi) ON DELETE RESTRICT;


--
-- Name: store_customer store_customer_azi_store_id_fkey; Type: FK CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_customer
    ADD CONSTRAINT store_customer_azi_store_id_fkey FOREIGN KEY (azi, store_id) REFERENCES sincro_private.store(azi, store_id) ON DELETE RESTRICT;


--
-- Name: store_inbox store_inbox_azi_store_id_fkey; Type: FK CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_inbox
    ADD CONSTRAINT store_inbox_azi_store_id_fkey FOREIGN KEY (azi, store_id) REFERENCES sincro_private.store(azi, store_id) ON DELETE RESTRICT;


--
-- Name: store_order store_order_azi_store_id_fkey; Type: FK CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_order
    ADD CONSTRAINT store_order_azi_store_id_fkey FOREIGN KEY (azi, store_id) REFERENCES sincro_private.store(azi, store_id) ON DELETE RESTRICT;


--
-- Name: store_order store_order_order_fk; Type: FK CONSTRAINT; Schema: sincro_private; Owner: CURRENT_USER
--

ALTER TABLE ONLY sincro_private.store_order
    ADD CONSTRAINT store_order_order_fk FOREIGN KEY (azi, id_pub) REFERENCES sincro.arportes(azi, id_pub) ON DELETE RESTRICT;


--
-- Name: agenti; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.agenti ENABLE ROW LEVEL SECURITY;

--
-- Name: articoli app_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_company ON sincro.articoli FOR SELECT TO sincro_app USING ((azi = ( SELECT sincro_private.session_company() AS session_company)));


--
-- Name: tabelle_accessorie app_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_company ON sincro.tabelle_accessorie FOR SELECT TO sincro_app USING ((azi = ( SELECT sincro_private.session_company() AS session_company)));


--
-- Name: new_customers app_device; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_device ON sincro.new_customers TO sincro_app USING (((azi = sincro_private.session_company()) AND (prov_tipo = 'A'::text) AND (prov_id = sincro_private.session_device()))) WITH CHECK (((azi = sincro_private.session_company()) AND (prov_tipo = 'A'::text) AND (prov_id = sincro_private.session_device())));


--
-- Name: arportes app_device_or_agent; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_device_or_agent ON sincro.arportes TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (((prov_tipo = 'A'::text) AND (prov_id = ( SELECT sincro_private.session_device() AS session_device))) OR ((prov_tipo = 'G'::text) AND (cod_agente = ( SELECT sincro_private.session_agent() AS session_agent)))))) WITH CHECK (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (((prov_tipo = 'A'::text) AND (prov_id = ( SELECT sincro_private.session_device() AS session_device))) OR ((prov_tipo = 'G'::text) AND (cod_agente = ( SELECT sincro_private.session_agent() AS session_agent))))));


--
-- Name: agenti app_slice; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice ON sincro.agenti FOR SELECT TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (cod_agente = ANY (( SELECT sincro_private.session_agents() AS session_agents)::text[]))));


--
-- Name: clienti app_slice; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice ON sincro.clienti FOR SELECT TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (cod_agente = ANY (( SELECT sincro_private.session_agents() AS session_agents)::text[]))));


--
-- Name: device_slice_log app_slice; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice ON sincro.device_slice_log FOR SELECT TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (cod_agente = ( SELECT sincro_private.session_agent() AS session_agent))));


--
-- Name: documenti app_slice; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice ON sincro.documenti FOR SELECT TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (slice_agente = ANY (( SELECT sincro_private.session_agents() AS session_agents)::text[])) AND ((data_doc IS NULL) OR (data_doc >= ( SELECT sincro_private.session_history_from() AS session_history_from)))));


--
-- Name: documenti_righe app_slice; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice ON sincro.documenti_righe FOR SELECT TO sincro_app USING ((EXISTS ( SELECT 1
   FROM sincro.documenti d
  WHERE ((d.azi = documenti_righe.azi) AND (d.tipo_doc = documenti_righe.tipo_doc) AND (d.numero = documenti_righe.numero)))));


--
-- Name: fidi app_slice; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice ON sincro.fidi FOR SELECT TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (slice_agente = ANY (( SELECT sincro_private.session_agents() AS session_agents)::text[]))));


--
-- Name: particolarita app_slice; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice ON sincro.particolarita FOR SELECT TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND ((slice_agente = ANY (( SELECT sincro_private.session_agents() AS session_agents)::text[])) OR (cod_cli = '*'::text))));


--
-- Name: partite_aperte app_slice; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice ON sincro.partite_aperte FOR SELECT TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (slice_agente = ANY (( SELECT sincro_private.session_agents() AS session_agents)::text[]))));


--
-- Name: arportes app_slice_customers; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY app_slice_customers ON sincro.arportes FOR SELECT TO sincro_app USING (((azi = ( SELECT sincro_private.session_company() AS session_company)) AND (data_ordine >= ( SELECT sincro_private.session_history_from() AS session_history_from)) AND (EXISTS ( SELECT 1
   FROM sincro.clienti c
  WHERE ((c.azi = arportes.azi) AND (c.cod_cli = arportes.cliente_cod) AND (c.cod_agente = ANY (( SELECT sincro_private.session_agents() AS session_agents)::text[])))))));


--
-- Name: arporrig; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.arporrig ENABLE ROW LEVEL SECURITY;

--
-- Name: arportes; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.arportes ENABLE ROW LEVEL SECURITY;

--
-- Name: arportes_history; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.arportes_history ENABLE ROW LEVEL SECURITY;

--
-- Name: articoli; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.articoli ENABLE ROW LEVEL SECURITY;

--
-- Name: clienti; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.clienti ENABLE ROW LEVEL SECURITY;

--
-- Name: consumer_cursors; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.consumer_cursors ENABLE ROW LEVEL SECURITY;

--
-- Name: device_slice_log; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.device_slice_log ENABLE ROW LEVEL SECURITY;

--
-- Name: documenti; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.documenti ENABLE ROW LEVEL SECURITY;

--
-- Name: documenti_righe; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.documenti_righe ENABLE ROW LEVEL SECURITY;

--
-- Name: arportes erp_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY erp_company ON sincro.arportes FOR SELECT TO sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: new_customers erp_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY erp_company ON sincro.new_customers FOR SELECT TO sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: sync_runs erp_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY erp_company ON sincro.sync_runs FOR SELECT TO sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: agenti every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.agenti FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: arportes every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.arportes FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: articoli every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.articoli FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: clienti every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.clienti FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: consumer_cursors every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.consumer_cursors FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: device_slice_log every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.device_slice_log FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: documenti every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.documenti FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: documenti_righe every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.documenti_righe FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: fidi every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.fidi FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: new_customers every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.new_customers FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: particolarita every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.particolarita FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: partite_aperte every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.partite_aperte FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: sync_runs every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.sync_runs FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: tabelle_accessorie every_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY every_company ON sincro.tabelle_accessorie FOR SELECT TO sincro_worker, sincro_admin USING (true);


--
-- Name: fidi; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.fidi ENABLE ROW LEVEL SECURITY;

--
-- Name: new_customers; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.new_customers ENABLE ROW LEVEL SECURITY;

--
-- Name: arportes operator_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY operator_company ON sincro.arportes FOR SELECT TO sincro_operator USING ((azi = sincro_private.session_company()));


--
-- Name: fidi operator_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY operator_company ON sincro.fidi FOR SELECT TO sincro_operator USING ((azi = sincro_private.session_company()));


--
-- Name: new_customers operator_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY operator_company ON sincro.new_customers FOR SELECT TO sincro_operator USING ((azi = sincro_private.session_company()));


--
-- Name: sync_runs operator_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY operator_company ON sincro.sync_runs FOR SELECT TO sincro_operator USING ((azi = sincro_private.session_company()));


--
-- Name: order_events; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.order_events ENABLE ROW LEVEL SECURITY;

--
-- Name: order_push; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.order_push ENABLE ROW LEVEL SECURITY;

--
-- Name: agenti own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.agenti FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: arporrig own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.arporrig FOR INSERT TO sincro_store, sincro_app WITH CHECK ((azi = sincro_private.session_company()));


--
-- Name: articoli own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.articoli FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: clienti own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.clienti FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: consumer_cursors own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.consumer_cursors FOR SELECT TO sincro_store, sincro_app, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: documenti own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.documenti FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: documenti_righe own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.documenti_righe FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: fidi own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.fidi FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: particolarita own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.particolarita FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: partite_aperte own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.partite_aperte FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: tabelle_accessorie own_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY own_company ON sincro.tabelle_accessorie FOR SELECT TO sincro_store, sincro_erp USING ((azi = sincro_private.session_company()));


--
-- Name: particolarita; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.particolarita ENABLE ROW LEVEL SECURITY;

--
-- Name: partite_aperte; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.partite_aperte ENABLE ROW LEVEL SECURITY;

--
-- Name: arportes store_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY store_company ON sincro.arportes TO sincro_store USING ((azi = sincro_private.session_company())) WITH CHECK ((azi = sincro_private.session_company()));


--
-- Name: new_customers store_company; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY store_company ON sincro.new_customers TO sincro_store USING (((azi = sincro_private.session_company()) AND (prov_tipo = 'S'::text))) WITH CHECK (((azi = sincro_private.session_company()) AND (prov_tipo = 'S'::text)));


--
-- Name: sync_runs; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.sync_runs ENABLE ROW LEVEL SECURITY;

--
-- Name: tabelle_accessorie; Type: ROW SECURITY; Schema: sincro; Owner: CURRENT_USER
--

ALTER TABLE sincro.tabelle_accessorie ENABLE ROW LEVEL SECURITY;

--
-- Name: arporrig visible_order; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY visible_order ON sincro.arporrig FOR SELECT USING ((EXISTS ( SELECT 1
   FROM sincro.arportes a
  WHERE ((a.azi = arporrig.azi) AND (a.id_pub = arporrig.id_pub)))));


--
-- Name: arportes_history visible_order; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY visible_order ON sincro.arportes_history FOR SELECT USING ((EXISTS ( SELECT 1
   FROM sincro.arportes a
  WHERE ((a.azi = arportes_history.azi) AND (a.id_pub = arportes_history.id_pub)))));


--
-- Name: order_events visible_order; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY visible_order ON sincro.order_events FOR SELECT USING ((EXISTS ( SELECT 1
   FROM sincro.arportes a
  WHERE ((a.azi = order_events.azi) AND (a.id_pub = order_events.id_pub)))));


--
-- Name: order_push visible_order; Type: POLICY; Schema: sincro; Owner: CURRENT_USER
--

CREATE POLICY visible_order ON sincro.order_push FOR SELECT USING ((EXISTS ( SELECT 1
   FROM sincro.arportes a
  WHERE ((a.azi = order_push.azi) AND (a.id_pub = order_push.id_pub)))));


--
-- Name: SCHEMA sincro; Type: ACL; Schema: -; Owner: CURRENT_USER
--

GRANT USAGE ON SCHEMA sincro TO sincro_store;
GRANT USAGE ON SCHEMA sincro TO sincro_app;
GRANT USAGE ON SCHEMA sincro TO sincro_erp;
GRANT USAGE ON SCHEMA sincro TO sincro_worker;
GRANT USAGE ON SCHEMA sincro TO sincro_admin;
GRANT USAGE ON SCHEMA sincro TO sincro_operator;


--
-- Name: SCHEMA sincro_private; Type: ACL; Schema: -; Owner: CURRENT_USER
--

GRANT USAGE ON SCHEMA sincro_private TO sincro_store;
GRANT USAGE ON SCHEMA sincro_private TO sincro_app;
GRANT USAGE ON SCHEMA sincro_private TO sincro_erp;
GRANT USAGE ON SCHEMA sincro_private TO sincro_worker;
GRANT USAGE ON SCHEMA sincro_private TO sincro_admin;
GRANT USAGE ON SCHEMA sincro_private TO sincro_operator;


--
-- Name: FUNCTION advance_consumer_cursor(azi text, consumer text, cursor bigint); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.advance_consumer_cursor(azi text, consumer text, cursor bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.advance_consumer_cursor(azi text, consumer text, cursor bigint) TO sincro_store;
GRANT ALL ON FUNCTION sincro.advance_consumer_cursor(azi text, consumer text, cursor bigint) TO sincro_app;
GRANT ALL ON FUNCTION sincro.advance_consumer_cursor(azi text, consumer text, cursor bigint) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.advance_consumer_cursor(azi text, consumer text, cursor bigint) TO sincro_admin;


--
-- Name: FUNCTION all_changes_since(azi text, cursor bigint, max_rows integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.all_changes_since(azi text, cursor bigint, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.all_changes_since(azi text, cursor bigint, max_rows integer) TO sincro_store;
GRANT ALL ON FUNCTION sincro.all_changes_since(azi text, cursor bigint, max_rows integer) TO sincro_app;
GRANT ALL ON FUNCTION sincro.all_changes_since(azi text, cursor bigint, max_rows integer) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.all_changes_since(azi text, cursor bigint, max_rows integer) TO sincro_admin;


--
-- Name: TABLE arportes; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.arportes TO sincro_store;
GRANT SELECT ON TABLE sincro.arportes TO sincro_app;
GRANT SELECT ON TABLE sincro.arportes TO sincro_erp;
GRANT SELECT ON TABLE sincro.arportes TO sincro_worker;
GRANT SELECT ON TABLE sincro.arportes TO sincro_admin;
GRANT SELECT ON TABLE sincro.arportes TO sincro_operator;


--
-- Name: COLUMN arportes.azi; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(azi) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(azi) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.id_pub; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(id_pub) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(id_pub) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.tor_chia; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(tor_chia),UPDATE(tor_chia) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(tor_chia),UPDATE(tor_chia) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.conferma; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(conferma),UPDATE(conferma) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(conferma),UPDATE(conferma) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.id_int; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(id_int),UPDATE(id_int) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(id_int),UPDATE(id_int) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.ack_store; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(ack_store),UPDATE(ack_store) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(ack_store),UPDATE(ack_store) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.ack_gest; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(ack_gest),UPDATE(ack_gest) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(ack_gest),UPDATE(ack_gest) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.ack_app; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(ack_app),UPDATE(ack_app) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(ack_app),UPDATE(ack_app) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.prov_tipo; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(prov_tipo),UPDATE(prov_tipo) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(prov_tipo),UPDATE(prov_tipo) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.prov_id; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(prov_id),UPDATE(prov_id) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(prov_id),UPDATE(prov_id) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.autore_tipo; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(autore_tipo),UPDATE(autore_tipo) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(autore_tipo),UPDATE(autore_tipo) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.autore_cod; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(autore_cod),UPDATE(autore_cod) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(autore_cod),UPDATE(autore_cod) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.id_sincro; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(id_sincro),UPDATE(id_sincro) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(id_sincro),UPDATE(id_sincro) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.data_ordine; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(data_ordine),UPDATE(data_ordine) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(data_ordine),UPDATE(data_ordine) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.cliente_cod; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(cliente_cod),UPDATE(cliente_cod) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(cliente_cod),UPDATE(cliente_cod) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.cod_agente; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(cod_agente),UPDATE(cod_agente) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(cod_agente),UPDATE(cod_agente) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.new_customer_id; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(new_customer_id),UPDATE(new_customer_id) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(new_customer_id),UPDATE(new_customer_id) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.dest_ragione_sociale; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(dest_ragione_sociale),UPDATE(dest_ragione_sociale) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(dest_ragione_sociale),UPDATE(dest_ragione_sociale) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.dest_indirizzo; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(dest_indirizzo),UPDATE(dest_indirizzo) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(dest_indirizzo),UPDATE(dest_indirizzo) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.dest_cap; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(dest_cap),UPDATE(dest_cap) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(dest_cap),UPDATE(dest_cap) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.dest_citta; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(dest_citta),UPDATE(dest_citta) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(dest_citta),UPDATE(dest_citta) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.dest_provincia; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(dest_provincia),UPDATE(dest_provincia) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(dest_provincia),UPDATE(dest_provincia) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.dest_nazione; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(dest_nazione),UPDATE(dest_nazione) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(dest_nazione),UPDATE(dest_nazione) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.cod_pagamento; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(cod_pagamento),UPDATE(cod_pagamento) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(cod_pagamento),UPDATE(cod_pagamento) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.note; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(note),UPDATE(note) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(note),UPDATE(note) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.valuta; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(valuta),UPDATE(valuta) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(valuta),UPDATE(valuta) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.totale_imponibile; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(totale_imponibile),UPDATE(totale_imponibile) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(totale_imponibile),UPDATE(totale_imponibile) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.totale_iva; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(totale_iva),UPDATE(totale_iva) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(totale_iva),UPDATE(totale_iva) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: COLUMN arportes.totale_documento; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(totale_documento),UPDATE(totale_documento) ON TABLE sincro.arportes TO sincro_store;
GRANT INSERT(totale_documento),UPDATE(totale_documento) ON TABLE sincro.arportes TO sincro_app;


--
-- Name: FUNCTION changes_since(azi text, cursor bigint, max_rows integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer) TO sincro_store;
GRANT ALL ON FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer) TO sincro_app;
GRANT ALL ON FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.changes_since(azi text, cursor bigint, max_rows integer) TO sincro_admin;


--
-- Name: FUNCTION codice_fiscale_problem(codice_fiscale text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) TO sincro_store;
GRANT ALL ON FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) TO sincro_app;
GRANT ALL ON FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.codice_fiscale_problem(codice_fiscale text) TO sincro_admin;


--
-- Name: FUNCTION create_login(role_name text, kind text, azi text, prov_id text, password text, cod_agente text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.create_login(role_name text, kind text, azi text, prov_id text, password text, cod_agente text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.create_login(role_name text, kind text, azi text, prov_id text, password text, cod_agente text) TO sincro_admin;


--
-- Name: FUNCTION device_changes_since(cursor bigint, max_rows integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.device_changes_since(cursor bigint, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.device_changes_since(cursor bigint, max_rows integer) TO sincro_app;


--
-- Name: FUNCTION device_history_advance(only_azi text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.device_history_advance(only_azi text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.device_history_advance(only_azi text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.device_history_advance(only_azi text) TO sincro_admin;


--
-- Name: FUNCTION device_slice_size(); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.device_slice_size() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.device_slice_size() TO sincro_app;


--
-- Name: FUNCTION dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean, OUT inbox integer, OUT azi text, OUT requests jsonb, OUT dozing boolean); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean, OUT inbox integer, OUT azi text, OUT requests jsonb, OUT dozing boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean, OUT inbox integer, OUT azi text, OUT requests jsonb, OUT dozing boolean) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.dispatch_poll(max_orders integer, take_orders boolean, ring_inbox boolean, doze boolean, held boolean, OUT inbox integer, OUT azi text, OUT requests jsonb, OUT dozing boolean) TO sincro_admin;


--
-- Name: FUNCTION end_overdue_sessions(idle_in_transaction_after interval, running_after interval); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.end_overdue_sessions(idle_in_transaction_after interval, running_after interval) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.end_overdue_sessions(idle_in_transaction_after interval, running_after interval) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.end_overdue_sessions(idle_in_transaction_after interval, running_after interval) TO sincro_admin;


--
-- Name: FUNCTION erp_cursor(azi text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.erp_cursor(azi text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.erp_cursor(azi text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.erp_cursor(azi text) TO sincro_admin;


--
-- Name: FUNCTION erp_write_order(azi text, doc jsonb); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.erp_write_order(azi text, doc jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.erp_write_order(azi text, doc jsonb) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.erp_write_order(azi text, doc jsonb) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.erp_write_order(azi text, doc jsonb) TO sincro_admin;


--
-- Name: FUNCTION find_new_customer(azi text, prov_tipo text, prov_id text, id_int text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_store;
GRANT ALL ON FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_app;
GRANT ALL ON FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_admin;


--
-- Name: FUNCTION find_order(azi text, prov_tipo text, prov_id text, id_int text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_store;
GRANT ALL ON FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_app;
GRANT ALL ON FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text) TO sincro_admin;


--
-- Name: FUNCTION locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text) TO sincro_admin;
GRANT ALL ON FUNCTION sincro.locate_order(azi text, id_pub bigint, tor_chia text, store_order text, device text, device_order text) TO sincro_operator;


--
-- Name: FUNCTION metric_compact(); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.metric_compact() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.metric_compact() TO sincro_worker;
GRANT ALL ON FUNCTION sincro.metric_compact() TO sincro_admin;


--
-- Name: FUNCTION metric_samples(); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.metric_samples() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.metric_samples() TO sincro_admin;


--
-- Name: FUNCTION new_customer_correct(azi text, id_pub bigint, corrections jsonb); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.new_customer_correct(azi text, id_pub bigint, corrections jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.new_customer_correct(azi text, id_pub bigint, corrections jsonb) TO sincro_operator;
GRANT ALL ON FUNCTION sincro.new_customer_correct(azi text, id_pub bigint, corrections jsonb) TO sincro_admin;


--
-- Name: FUNCTION order_problems(only_azi text, kind text, older_than interval, page_size integer, page_offset integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.order_problems(only_azi text, kind text, older_than interval, page_size integer, page_offset integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.order_problems(only_azi text, kind text, older_than interval, page_size integer, page_offset integer) TO sincro_operator;
GRANT ALL ON FUNCTION sincro.order_problems(only_azi text, kind text, older_than interval, page_size integer, page_offset integer) TO sincro_admin;


--
-- Name: FUNCTION order_timeline(azi text, id_pub bigint); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.order_timeline(azi text, id_pub bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.order_timeline(azi text, id_pub bigint) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.order_timeline(azi text, id_pub bigint) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.order_timeline(azi text, id_pub bigint) TO sincro_admin;
GRANT ALL ON FUNCTION sincro.order_timeline(azi text, id_pub bigint) TO sincro_operator;


--
-- Name: FUNCTION partial_sync(azi text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.partial_sync(azi text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.partial_sync(azi text) TO sincro_admin;
GRANT ALL ON FUNCTION sincro.partial_sync(azi text) TO sincro_operator;


--
-- Name: FUNCTION partial_sync_finish(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.partial_sync_finish(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.partial_sync_finish(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.partial_sync_finish(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer, error text) TO sincro_admin;


--
-- Name: FUNCTION partial_sync_progress(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.partial_sync_progress(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.partial_sync_progress(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.partial_sync_progress(azi text, run_id bigint, orders_pushed integer, orders_rejected integer, orders_failed integer) TO sincro_admin;


--
-- Name: FUNCTION partita_iva_problem(partita_iva text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.partita_iva_problem(partita_iva text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.partita_iva_problem(partita_iva text) TO sincro_store;
GRANT ALL ON FUNCTION sincro.partita_iva_problem(partita_iva text) TO sincro_app;
GRANT ALL ON FUNCTION sincro.partita_iva_problem(partita_iva text) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.partita_iva_problem(partita_iva text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.partita_iva_problem(partita_iva text) TO sincro_admin;


--
-- Name: FUNCTION pec_problem(pec text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.pec_problem(pec text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.pec_problem(pec text) TO sincro_store;
GRANT ALL ON FUNCTION sincro.pec_problem(pec text) TO sincro_app;
GRANT ALL ON FUNCTION sincro.pec_problem(pec text) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.pec_problem(pec text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.pec_problem(pec text) TO sincro_admin;


--
-- Name: FUNCTION purge_tombstones(only_azi text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.purge_tombstones(only_azi text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.purge_tombstones(only_azi text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.purge_tombstones(only_azi text) TO sincro_admin;


--
-- Name: FUNCTION push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.push_acquired(azi text, id_pub bigint, tor_chia text, cliente_cod text) TO sincro_admin;


--
-- Name: FUNCTION push_answers(azi text, answers jsonb); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_answers(azi text, answers jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_answers(azi text, answers jsonb) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.push_answers(azi text, answers jsonb) TO sincro_admin;


--
-- Name: FUNCTION push_claim(azi text, id_pub bigint); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_claim(azi text, id_pub bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_claim(azi text, id_pub bigint) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.push_claim(azi text, id_pub bigint) TO sincro_admin;


--
-- Name: FUNCTION push_claim_batch(azi text, id_pub bigint, max_orders integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_claim_batch(azi text, id_pub bigint, max_orders integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_claim_batch(azi text, id_pub bigint, max_orders integer) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.push_claim_batch(azi text, id_pub bigint, max_orders integer) TO sincro_admin;


--
-- Name: FUNCTION push_failed(azi text, id_pub bigint, error text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_failed(azi text, id_pub bigint, error text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_failed(azi text, id_pub bigint, error text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.push_failed(azi text, id_pub bigint, error text) TO sincro_admin;


--
-- Name: FUNCTION push_rejected(azi text, id_pub bigint, erp_message text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_rejected(azi text, id_pub bigint, erp_message text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_rejected(azi text, id_pub bigint, erp_message text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.push_rejected(azi text, id_pub bigint, erp_message text) TO sincro_admin;


--
-- Name: FUNCTION push_resolve(azi text, id_pub bigint, note text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_resolve(azi text, id_pub bigint, note text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_resolve(azi text, id_pub bigint, note text) TO sincro_operator;
GRANT ALL ON FUNCTION sincro.push_resolve(azi text, id_pub bigint, note text) TO sincro_admin;


--
-- Name: FUNCTION push_retry(azi text, id_pub bigint); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_retry(azi text, id_pub bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_retry(azi text, id_pub bigint) TO sincro_operator;
GRANT ALL ON FUNCTION sincro.push_retry(azi text, id_pub bigint) TO sincro_admin;


--
-- Name: FUNCTION push_retry_later(azi text, id_pubs bigint[], after interval); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_retry_later(azi text, id_pubs bigint[], after interval) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_retry_later(azi text, id_pubs bigint[], after interval) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.push_retry_later(azi text, id_pubs bigint[], after interval) TO sincro_admin;


--
-- Name: FUNCTION push_take(max_orders integer, OUT azi text, OUT requests jsonb); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.push_take(max_orders integer, OUT azi text, OUT requests jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.push_take(max_orders integer, OUT azi text, OUT requests jsonb) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.push_take(max_orders integer, OUT azi text, OUT requests jsonb) TO sincro_admin;


--
-- Name: FUNCTION pushable_orders(azi text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.pushable_orders(azi text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.pushable_orders(azi text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.pushable_orders(azi text) TO sincro_admin;


--
-- Name: FUNCTION quota(only_azi text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.quota(only_azi text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.quota(only_azi text) TO sincro_admin;
GRANT ALL ON FUNCTION sincro.quota(only_azi text) TO sincro_operator;


--
-- Name: FUNCTION sdi_code_problem(sdi_code text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sdi_code_problem(sdi_code text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sdi_code_problem(sdi_code text) TO sincro_store;
GRANT ALL ON FUNCTION sincro.sdi_code_problem(sdi_code text) TO sincro_app;
GRANT ALL ON FUNCTION sincro.sdi_code_problem(sdi_code text) TO sincro_erp;
GRANT ALL ON FUNCTION sincro.sdi_code_problem(sdi_code text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sdi_code_problem(sdi_code text) TO sincro_admin;


--
-- Name: FUNCTION set_device_history_months(azi text, months integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.set_device_history_months(azi text, months integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.set_device_history_months(azi text, months integer) TO sincro_admin;


--
-- Name: FUNCTION set_sync_contract(azi text, sync_quota integer, period interval, period_start date); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.set_sync_contract(azi text, sync_quota integer, period interval, period_start date) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.set_sync_contract(azi text, sync_quota integer, period interval, period_start date) TO sincro_admin;


--
-- Name: FUNCTION store_add(store_id text, azi text, platform text, secret text, api_url text, api_key text, api_secret text, id_int_prefix text, settings jsonb, reconcile_every interval, replace boolean); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_add(store_id text, azi text, platform text, secret text, api_url text, api_key text, api_secret text, id_int_prefix text, settings jsonb, reconcile_every interval, replace boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_add(store_id text, azi text, platform text, secret text, api_url text, api_key text, api_secret text, id_int_prefix text, settings jsonb, reconcile_every interval, replace boolean) TO sincro_admin;


--
-- Name: FUNCTION store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_customer_map(store_id text, match_kind text, match_value text, cliente_cod text) TO sincro_admin;


--
-- Name: FUNCTION store_inbox_apply(inbox_id bigint, OUT state text, OUT id_pub bigint, OUT error text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_inbox_apply(inbox_id bigint, OUT state text, OUT id_pub bigint, OUT error text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_inbox_apply(inbox_id bigint, OUT state text, OUT id_pub bigint, OUT error text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.store_inbox_apply(inbox_id bigint, OUT state text, OUT id_pub bigint, OUT error text) TO sincro_admin;


--
-- Name: FUNCTION store_inbox_apply_many(inbox_ids bigint[]); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_inbox_apply_many(inbox_ids bigint[]) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_inbox_apply_many(inbox_ids bigint[]) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.store_inbox_apply_many(inbox_ids bigint[]) TO sincro_admin;


--
-- Name: FUNCTION store_inbox_dispatch(max_rows integer, grace interval, per_job integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_inbox_dispatch(max_rows integer, grace interval, per_job integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_inbox_dispatch(max_rows integer, grace interval, per_job integer) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.store_inbox_dispatch(max_rows integer, grace interval, per_job integer) TO sincro_admin;


--
-- Name: FUNCTION store_inbox_retry(inbox_id bigint); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_inbox_retry(inbox_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_inbox_retry(inbox_id bigint) TO sincro_admin;
GRANT ALL ON FUNCTION sincro.store_inbox_retry(inbox_id bigint) TO sincro_operator;


--
-- Name: FUNCTION store_problems(only_azi text, page_size integer, page_offset integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_problems(only_azi text, page_size integer, page_offset integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_problems(only_azi text, page_size integer, page_offset integer) TO sincro_admin;
GRANT ALL ON FUNCTION sincro.store_problems(only_azi text, page_size integer, page_offset integer) TO sincro_operator;


--
-- Name: FUNCTION store_reconcile_begin(store_id text, OUT platform text, OUT api_url text, OUT api_key text, OUT api_secret text, OUT modified_after timestamp with time zone, OUT polled_at timestamp with time zone); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_reconcile_begin(store_id text, OUT platform text, OUT api_url text, OUT api_key text, OUT api_secret text, OUT modified_after timestamp with time zone, OUT polled_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_reconcile_begin(store_id text, OUT platform text, OUT api_url text, OUT api_key text, OUT api_secret text, OUT modified_after timestamp with time zone, OUT polled_at timestamp with time zone) TO sincro_worker;


--
-- Name: FUNCTION store_reconcile_end(store_id text, polled_at timestamp with time zone, error text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_reconcile_end(store_id text, polled_at timestamp with time zone, error text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_reconcile_end(store_id text, polled_at timestamp with time zone, error text) TO sincro_worker;


--
-- Name: FUNCTION store_reconcile_offer(store_id text, body bytea); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_reconcile_offer(store_id text, body bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_reconcile_offer(store_id text, body bytea) TO sincro_worker;


--
-- Name: FUNCTION store_remove(store_id text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_remove(store_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_remove(store_id text) TO sincro_admin;


--
-- Name: FUNCTION store_status_back_claim(azi text, id_pub bigint); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_status_back_claim(azi text, id_pub bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_status_back_claim(azi text, id_pub bigint) TO sincro_worker;


--
-- Name: FUNCTION store_status_back_done(azi text, id_pub bigint, error text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_status_back_done(azi text, id_pub bigint, error text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_status_back_done(azi text, id_pub bigint, error text) TO sincro_worker;


--
-- Name: FUNCTION store_sweep(stale_after interval, OUT inbox_rows integer, OUT status_backs integer, OUT reconciliations integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_sweep(stale_after interval, OUT inbox_rows integer, OUT status_backs integer, OUT reconciliations integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_sweep(stale_after interval, OUT inbox_rows integer, OUT status_backs integer, OUT reconciliations integer) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.store_sweep(stale_after interval, OUT inbox_rows integer, OUT status_backs integer, OUT reconciliations integer) TO sincro_admin;


--
-- Name: FUNCTION store_webhook_receive(platform text, store_id text, body bytea, headers jsonb, OUT status integer, OUT inbox_id bigint, OUT reason text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.store_webhook_receive(platform text, store_id text, body bytea, headers jsonb, OUT status integer, OUT inbox_id bigint, OUT reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.store_webhook_receive(platform text, store_id text, body bytea, headers jsonb, OUT status integer, OUT inbox_id bigint, OUT reason text) TO sincro_admin;


--
-- Name: FUNCTION sweep_pushes(stale_after interval); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sweep_pushes(stale_after interval) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sweep_pushes(stale_after interval) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sweep_pushes(stale_after interval) TO sincro_admin;


--
-- Name: FUNCTION sync_changes_apply(azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_changes_apply(azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_changes_apply(azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sync_changes_apply(azi text, run_id bigint, from_cursor text, next_cursor text, changes jsonb) TO sincro_admin;


--
-- Name: FUNCTION sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sync_rebuild_apply(azi text, run_id bigint, entity text, rows jsonb) TO sincro_admin;


--
-- Name: FUNCTION sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sync_rebuild_sweep(azi text, run_id bigint, erp_cursor text) TO sincro_admin;


--
-- Name: FUNCTION sync_request(azi text, kind text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_request(azi text, kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_request(azi text, kind text) TO sincro_operator;
GRANT ALL ON FUNCTION sincro.sync_request(azi text, kind text) TO sincro_admin;


--
-- Name: FUNCTION sync_run_begin(azi text, kind text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_run_begin(azi text, kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_run_begin(azi text, kind text) TO sincro_admin;


--
-- Name: FUNCTION sync_run_complete(azi text, run_id bigint); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_run_complete(azi text, run_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_run_complete(azi text, run_id bigint) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sync_run_complete(azi text, run_id bigint) TO sincro_admin;


--
-- Name: FUNCTION sync_run_fail(azi text, run_id bigint, error text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_run_fail(azi text, run_id bigint, error text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_run_fail(azi text, run_id bigint, error text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sync_run_fail(azi text, run_id bigint, error text) TO sincro_admin;


--
-- Name: FUNCTION sync_run_phase(azi text, run_id bigint, phase text, item text, step integer, steps integer); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_run_phase(azi text, run_id bigint, phase text, item text, step integer, steps integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_run_phase(azi text, run_id bigint, phase text, item text, step integer, steps integer) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sync_run_phase(azi text, run_id bigint, phase text, item text, step integer, steps integer) TO sincro_admin;


--
-- Name: FUNCTION sync_run_take(azi text, run_id bigint, kind text); Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro.sync_run_take(azi text, run_id bigint, kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro.sync_run_take(azi text, run_id bigint, kind text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro.sync_run_take(azi text, run_id bigint, kind text) TO sincro_admin;


--
-- Name: FUNCTION append_slice_log(entries jsonb, reason text, with_supervisors boolean); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.append_slice_log(entries jsonb, reason text, with_supervisors boolean) FROM PUBLIC;


--
-- Name: FUNCTION assign_pending_id_sincro(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.assign_pending_id_sincro() FROM PUBLIC;


--
-- Name: FUNCTION check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) TO sincro_store;
GRANT ALL ON FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) TO sincro_app;
GRANT ALL ON FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) TO sincro_erp;
GRANT ALL ON FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) TO sincro_worker;
GRANT ALL ON FUNCTION sincro_private.check_feed_arguments(feed text, azi text, cursor bigint, max_rows integer) TO sincro_admin;


--
-- Name: FUNCTION check_fiscal_fields(context text, partita_iva text, codice_fiscale text, sdi_code text, pec text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.check_fiscal_fields(context text, partita_iva text, codice_fiscale text, sdi_code text, pec text) FROM PUBLIC;


--
-- Name: FUNCTION column_list(columns text[], alias text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.column_list(columns text[], alias text) FROM PUBLIC;


--
-- Name: FUNCTION current_party(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.current_party() FROM PUBLIC;


--
-- Name: FUNCTION current_period_start(period_start date, period interval, today date); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.current_period_start(period_start date, period interval, today date) FROM PUBLIC;


--
-- Name: FUNCTION customer_slice_entries(azi text, cod_cli text, cod_agente text, with_customer boolean); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.customer_slice_entries(azi text, cod_cli text, cod_agente text, with_customer boolean) FROM PUBLIC;


--
-- Name: FUNCTION device_feed_sql(agents text[], azi text, agent text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.device_feed_sql(agents text[], azi text, agent text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.device_feed_sql(agents text[], azi text, agent text) TO sincro_app;


--
-- Name: FUNCTION enqueue_push_order(azi text, id_pub bigint); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.enqueue_push_order(azi text, id_pub bigint) FROM PUBLIC;


--
-- Name: FUNCTION enqueue_store_status_back(azi text, id_pub bigint); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.enqueue_store_status_back(azi text, id_pub bigint) FROM PUBLIC;


--
-- Name: FUNCTION erp_export_order(azi text, fields sincro.arportes, lines jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.erp_export_order(azi text, fields sincro.arportes, lines jsonb) FROM PUBLIC;


--
-- Name: FUNCTION erp_locate_order(azi text, fields sincro.arportes); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.erp_locate_order(azi text, fields sincro.arportes) FROM PUBLIC;


--
-- Name: FUNCTION erp_order_fields(azi text, doc jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.erp_order_fields(azi text, doc jsonb) FROM PUBLIC;


--
-- Name: FUNCTION erp_update_order(old sincro.arportes, doc jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.erp_update_order(old sincro.arportes, doc jsonb) FROM PUBLIC;


--
-- Name: FUNCTION fill_sql_template(template text, fragments jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.fill_sql_template(template text, fragments jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.fill_sql_template(template text, fragments jsonb) TO sincro_app;


--
-- Name: FUNCTION fiscal_normalised(field text, value text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.fiscal_normalised(field text, value text) FROM PUBLIC;


--
-- Name: FUNCTION hmac_key_pads(secret bytea, OUT ipad bytea, OUT opad bytea); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.hmac_key_pads(secret bytea, OUT ipad bytea, OUT opad bytea) FROM PUBLIC;


--
-- Name: FUNCTION hmac_sha256(ipad bytea, opad bytea, message bytea); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.hmac_sha256(ipad bytea, opad bytea, message bytea) FROM PUBLIC;


--
-- Name: FUNCTION log_order_slice_moves(azi text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.log_order_slice_moves(azi text) FROM PUBLIC;


--
-- Name: FUNCTION login_limits(kind text, OUT connection_limit integer, OUT statement_timeout text, OUT lock_timeout text, OUT idle_in_transaction_timeout text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.login_limits(kind text, OUT connection_limit integer, OUT statement_timeout text, OUT lock_timeout text, OUT idle_in_transaction_timeout text) FROM PUBLIC;


--
-- Name: FUNCTION longest_field(names text[], vals text[], OUT field text, OUT field_length integer); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.longest_field(names text[], vals text[], OUT field text, OUT field_length integer) FROM PUBLIC;


--
-- Name: FUNCTION may_see_company(azi text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.may_see_company(azi text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.may_see_company(azi text) TO sincro_store;
GRANT ALL ON FUNCTION sincro_private.may_see_company(azi text) TO sincro_app;
GRANT ALL ON FUNCTION sincro_private.may_see_company(azi text) TO sincro_erp;
GRANT ALL ON FUNCTION sincro_private.may_see_company(azi text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro_private.may_see_company(azi text) TO sincro_admin;
GRANT ALL ON FUNCTION sincro_private.may_see_company(azi text) TO sincro_operator;


--
-- Name: TABLE order_push; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.order_push TO sincro_store;
GRANT SELECT ON TABLE sincro.order_push TO sincro_app;
GRANT SELECT ON TABLE sincro.order_push TO sincro_erp;
GRANT SELECT ON TABLE sincro.order_push TO sincro_worker;
GRANT SELECT ON TABLE sincro.order_push TO sincro_admin;
GRANT SELECT ON TABLE sincro.order_push TO sincro_operator;


--
-- Name: FUNCTION operator_order_push(azi text, id_pub bigint); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.operator_order_push(azi text, id_pub bigint) FROM PUBLIC;


--
-- Name: FUNCTION push_duration_bounds(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.push_duration_bounds() FROM PUBLIC;


--
-- Name: FUNCTION push_duration_bucket(seconds numeric); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.push_duration_bucket(seconds numeric) FROM PUBLIC;


--
-- Name: FUNCTION raise_bad_field(context text, doc jsonb, template anyelement); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.raise_bad_field(context text, doc jsonb, template anyelement) FROM PUBLIC;


--
-- Name: FUNCTION raise_too_large(context text, what text, size bigint, azi text, setting text, size_limit bigint); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.raise_too_large(context text, what text, size bigint, azi text, setting text, size_limit bigint) FROM PUBLIC;


--
-- Name: FUNCTION replace_order_lines(azi text, id_pub bigint, lines jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.replace_order_lines(azi text, id_pub bigint, lines jsonb) FROM PUBLIC;


--
-- Name: FUNCTION reslice_customers(moves jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.reslice_customers(moves jsonb) FROM PUBLIC;


--
-- Name: FUNCTION restore_party(previous text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.restore_party(previous text) FROM PUBLIC;


--
-- Name: FUNCTION ring_dispatcher(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.ring_dispatcher() FROM PUBLIC;


--
-- Name: FUNCTION roll_sync_period(azi text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.roll_sync_period(azi text) FROM PUBLIC;


--
-- Name: FUNCTION session_agent(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.session_agent() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.session_agent() TO sincro_store;
GRANT ALL ON FUNCTION sincro_private.session_agent() TO sincro_app;
GRANT ALL ON FUNCTION sincro_private.session_agent() TO sincro_erp;
GRANT ALL ON FUNCTION sincro_private.session_agent() TO sincro_worker;
GRANT ALL ON FUNCTION sincro_private.session_agent() TO sincro_admin;


--
-- Name: FUNCTION session_agents(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.session_agents() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.session_agents() TO sincro_store;
GRANT ALL ON FUNCTION sincro_private.session_agents() TO sincro_app;
GRANT ALL ON FUNCTION sincro_private.session_agents() TO sincro_erp;
GRANT ALL ON FUNCTION sincro_private.session_agents() TO sincro_worker;
GRANT ALL ON FUNCTION sincro_private.session_agents() TO sincro_admin;


--
-- Name: FUNCTION session_company(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.session_company() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.session_company() TO sincro_store;
GRANT ALL ON FUNCTION sincro_private.session_company() TO sincro_app;
GRANT ALL ON FUNCTION sincro_private.session_company() TO sincro_erp;
GRANT ALL ON FUNCTION sincro_private.session_company() TO sincro_worker;
GRANT ALL ON FUNCTION sincro_private.session_company() TO sincro_admin;
GRANT ALL ON FUNCTION sincro_private.session_company() TO sincro_operator;


--
-- Name: FUNCTION session_device(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.session_device() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.session_device() TO sincro_store;
GRANT ALL ON FUNCTION sincro_private.session_device() TO sincro_app;
GRANT ALL ON FUNCTION sincro_private.session_device() TO sincro_erp;
GRANT ALL ON FUNCTION sincro_private.session_device() TO sincro_worker;
GRANT ALL ON FUNCTION sincro_private.session_device() TO sincro_admin;


--
-- Name: FUNCTION session_history_from(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.session_history_from() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.session_history_from() TO sincro_store;
GRANT ALL ON FUNCTION sincro_private.session_history_from() TO sincro_app;
GRANT ALL ON FUNCTION sincro_private.session_history_from() TO sincro_erp;
GRANT ALL ON FUNCTION sincro_private.session_history_from() TO sincro_worker;
GRANT ALL ON FUNCTION sincro_private.session_history_from() TO sincro_admin;


--
-- Name: FUNCTION session_login(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.session_login() FROM PUBLIC;


--
-- Name: FUNCTION set_party(party text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.set_party(party text) FROM PUBLIC;


--
-- Name: FUNCTION shown(value text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.shown(value text) FROM PUBLIC;


--
-- Name: FUNCTION store_address(address jsonb, platform text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_address(address jsonb, platform text) FROM PUBLIC;


--
-- Name: FUNCTION store_blank_null(value text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_blank_null(value text) FROM PUBLIC;


--
-- Name: FUNCTION store_check_fiscal(customer jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_check_fiscal(customer jsonb) FROM PUBLIC;


--
-- Name: FUNCTION store_default_settings(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_default_settings() FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.store_default_settings() TO sincro_admin;


--
-- Name: FUNCTION store_enqueue_inbox(inbox_id bigint); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_enqueue_inbox(inbox_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION store_inbox_ring(azi text, per_job integer, grace interval, holder boolean); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_inbox_ring(azi text, per_job integer, grace interval, holder boolean) FROM PUBLIC;


--
-- Name: FUNCTION store_map_shopify(payload jsonb, settings jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_map_shopify(payload jsonb, settings jsonb) FROM PUBLIC;


--
-- Name: FUNCTION store_map_woocommerce(payload jsonb, settings jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_map_woocommerce(payload jsonb, settings jsonb) FROM PUBLIC;


--
-- Name: FUNCTION store_number(value jsonb, what text, if_missing numeric); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_number(value jsonb, what text, if_missing numeric) FROM PUBLIC;


--
-- Name: FUNCTION store_order_identity(platform text, payload jsonb, OUT platform_order_id text, OUT modified_at timestamp with time zone); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_order_identity(platform text, payload jsonb, OUT platform_order_id text, OUT modified_at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION store_order_status(platform text, payload jsonb, settings jsonb); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_order_status(platform text, payload jsonb, settings jsonb) FROM PUBLIC;


--
-- Name: FUNCTION store_pair_value(pairs jsonb, keys jsonb, key_field text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_pair_value(pairs jsonb, keys jsonb, key_field text) FROM PUBLIC;


--
-- Name: FUNCTION store_refuse(what text, detail text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_refuse(what text, detail text) FROM PUBLIC;


--
-- Name: FUNCTION store_settings(store_id text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_settings(store_id text) FROM PUBLIC;


--
-- Name: FUNCTION store_vat_code(rate numeric, settings jsonb, what text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.store_vat_code(rate numeric, settings jsonb, what text) FROM PUBLIC;


--
-- Name: FUNCTION sync_run_job_key(azi text, run_id bigint); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.sync_run_job_key(azi text, run_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION sync_run_progress(azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.sync_run_progress(azi text, run_id bigint, kind text, received bigint, changed bigint, tombstoned bigint, erp_cursor text) FROM PUBLIC;


--
-- Name: FUNCTION sync_run_stale_after(kind text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.sync_run_stale_after(kind text) FROM PUBLIC;


--
-- Name: FUNCTION tg__assign_pending_id_sincro(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg__assign_pending_id_sincro() FROM PUBLIC;


--
-- Name: FUNCTION tg__refuse_delete(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg__refuse_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg__set_slice_agente(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg__set_slice_agente() FROM PUBLIC;


--
-- Name: FUNCTION tg_agenti__supervisor(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_agenti__supervisor() FROM PUBLIC;


--
-- Name: FUNCTION tg_apstatosyn__write(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_apstatosyn__write() FROM PUBLIC;


--
-- Name: FUNCTION tg_arporrig__guard(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arporrig__guard() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes__count_pending(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes__count_pending() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes__enqueue_push(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes__enqueue_push() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes__guard_update(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes__guard_update() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes__history(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes__history() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes__prepare_insert(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes__prepare_insert() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes__require_lines(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes__require_lines() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes__slice_move(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes__slice_move() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes__store_status_back(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes__store_status_back() FROM PUBLIC;


--
-- Name: FUNCTION tg_arportes_history__append_only(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_arportes_history__append_only() FROM PUBLIC;


--
-- Name: FUNCTION tg_clienti__reslice(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_clienti__reslice() FROM PUBLIC;


--
-- Name: FUNCTION tg_company__keep_erp_rows(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_company__keep_erp_rows() FROM PUBLIC;


--
-- Name: FUNCTION tg_documenti__moved(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_documenti__moved() FROM PUBLIC;


--
-- Name: FUNCTION tg_documenti__set_slice_agente(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_documenti__set_slice_agente() FROM PUBLIC;


--
-- Name: FUNCTION tg_new_customers__guard_update(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_new_customers__guard_update() FROM PUBLIC;


--
-- Name: FUNCTION tg_new_customers__prepare_insert(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_new_customers__prepare_insert() FROM PUBLIC;


--
-- Name: FUNCTION tg_order_events__append_only(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_order_events__append_only() FROM PUBLIC;


--
-- Name: FUNCTION tg_order_events__count_outcome(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_order_events__count_outcome() FROM PUBLIC;


--
-- Name: FUNCTION tg_order_push__count_acquired(); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tg_order_push__count_acquired() FROM PUBLIC;


--
-- Name: FUNCTION tombstone_erp_rows(entity text, azi text, keys jsonb, run_id bigint); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tombstone_erp_rows(entity text, azi text, keys jsonb, run_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION tombstones_purged_through(azi text); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.tombstones_purged_through(azi text) FROM PUBLIC;
GRANT ALL ON FUNCTION sincro_private.tombstones_purged_through(azi text) TO sincro_store;
GRANT ALL ON FUNCTION sincro_private.tombstones_purged_through(azi text) TO sincro_app;
GRANT ALL ON FUNCTION sincro_private.tombstones_purged_through(azi text) TO sincro_worker;
GRANT ALL ON FUNCTION sincro_private.tombstones_purged_through(azi text) TO sincro_admin;


--
-- Name: FUNCTION upsert_documents(azi text, rows jsonb, run_id bigint); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.upsert_documents(azi text, rows jsonb, run_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION upsert_erp_rows(entity text, azi text, rows jsonb, run_id bigint, also_changed text[]); Type: ACL; Schema: sincro_private; Owner: CURRENT_USER
--

REVOKE ALL ON FUNCTION sincro_private.upsert_erp_rows(entity text, azi text, rows jsonb, run_id bigint, also_changed text[]) FROM PUBLIC;


--
-- Name: TABLE agenti; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.agenti TO sincro_store;
GRANT SELECT ON TABLE sincro.agenti TO sincro_app;
GRANT SELECT ON TABLE sincro.agenti TO sincro_erp;
GRANT SELECT ON TABLE sincro.agenti TO sincro_worker;
GRANT SELECT ON TABLE sincro.agenti TO sincro_admin;


--
-- Name: TABLE apstatosyn; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.apstatosyn TO sincro_store;
GRANT SELECT ON TABLE sincro.apstatosyn TO sincro_app;
GRANT SELECT ON TABLE sincro.apstatosyn TO sincro_erp;
GRANT SELECT ON TABLE sincro.apstatosyn TO sincro_worker;
GRANT SELECT ON TABLE sincro.apstatosyn TO sincro_admin;
GRANT SELECT ON TABLE sincro.apstatosyn TO sincro_operator;


--
-- Name: COLUMN apstatosyn.azi; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(azi) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: COLUMN apstatosyn.ragione_sociale; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(ragione_sociale),UPDATE(ragione_sociale) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: COLUMN apstatosyn.sync_quota; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(sync_quota),UPDATE(sync_quota) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: COLUMN apstatosyn.sync_used; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(sync_used),UPDATE(sync_used) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: COLUMN apstatosyn.sync_period_start; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(sync_period_start),UPDATE(sync_period_start) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: COLUMN apstatosyn.push_mode; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(push_mode),UPDATE(push_mode) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: COLUMN apstatosyn.max_lines_per_order; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(max_lines_per_order),UPDATE(max_lines_per_order) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: COLUMN apstatosyn.max_text_length; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(max_text_length),UPDATE(max_text_length) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: COLUMN apstatosyn.max_document_bytes; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(max_document_bytes),UPDATE(max_document_bytes) ON TABLE sincro.apstatosyn TO sincro_admin;


--
-- Name: TABLE arporrig; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.arporrig TO sincro_store;
GRANT SELECT ON TABLE sincro.arporrig TO sincro_app;
GRANT SELECT ON TABLE sincro.arporrig TO sincro_erp;
GRANT SELECT ON TABLE sincro.arporrig TO sincro_worker;
GRANT SELECT ON TABLE sincro.arporrig TO sincro_admin;
GRANT SELECT ON TABLE sincro.arporrig TO sincro_operator;


--
-- Name: COLUMN arporrig.azi; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(azi) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(azi) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.id_pub; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(id_pub) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(id_pub) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.riga; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(riga) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(riga) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.articolo; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(articolo) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(articolo) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.descrizione; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(descrizione) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(descrizione) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.quantita; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(quantita) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(quantita) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.unita_misura; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(unita_misura) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(unita_misura) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.prezzo; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(prezzo) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(prezzo) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.sconto; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(sconto) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(sconto) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.iva; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(iva) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(iva) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.data_consegna; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(data_consegna) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(data_consegna) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: COLUMN arporrig.note; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(note) ON TABLE sincro.arporrig TO sincro_store;
GRANT INSERT(note) ON TABLE sincro.arporrig TO sincro_app;


--
-- Name: TABLE arportes_history; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.arportes_history TO sincro_store;
GRANT SELECT ON TABLE sincro.arportes_history TO sincro_app;
GRANT SELECT ON TABLE sincro.arportes_history TO sincro_erp;
GRANT SELECT ON TABLE sincro.arportes_history TO sincro_worker;
GRANT SELECT ON TABLE sincro.arportes_history TO sincro_admin;
GRANT SELECT ON TABLE sincro.arportes_history TO sincro_operator;


--
-- Name: TABLE articoli; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.articoli TO sincro_store;
GRANT SELECT ON TABLE sincro.articoli TO sincro_app;
GRANT SELECT ON TABLE sincro.articoli TO sincro_erp;
GRANT SELECT ON TABLE sincro.articoli TO sincro_worker;
GRANT SELECT ON TABLE sincro.articoli TO sincro_admin;


--
-- Name: TABLE clienti; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.clienti TO sincro_store;
GRANT SELECT ON TABLE sincro.clienti TO sincro_app;
GRANT SELECT ON TABLE sincro.clienti TO sincro_erp;
GRANT SELECT ON TABLE sincro.clienti TO sincro_worker;
GRANT SELECT ON TABLE sincro.clienti TO sincro_admin;


--
-- Name: TABLE company_status; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.company_status TO sincro_worker;
GRANT SELECT ON TABLE sincro.company_status TO sincro_admin;
GRANT SELECT ON TABLE sincro.company_status TO sincro_operator;


--
-- Name: TABLE consumer_cursors; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.consumer_cursors TO sincro_store;
GRANT SELECT ON TABLE sincro.consumer_cursors TO sincro_app;
GRANT SELECT ON TABLE sincro.consumer_cursors TO sincro_worker;
GRANT SELECT ON TABLE sincro.consumer_cursors TO sincro_admin;


--
-- Name: TABLE consumer_lag; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.consumer_lag TO sincro_store;
GRANT SELECT ON TABLE sincro.consumer_lag TO sincro_app;
GRANT SELECT ON TABLE sincro.consumer_lag TO sincro_worker;
GRANT SELECT ON TABLE sincro.consumer_lag TO sincro_admin;
GRANT SELECT ON TABLE sincro.consumer_lag TO sincro_operator;


--
-- Name: TABLE device_slice_log; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.device_slice_log TO sincro_app;
GRANT SELECT ON TABLE sincro.device_slice_log TO sincro_worker;
GRANT SELECT ON TABLE sincro.device_slice_log TO sincro_admin;


--
-- Name: TABLE documenti; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.documenti TO sincro_store;
GRANT SELECT ON TABLE sincro.documenti TO sincro_app;
GRANT SELECT ON TABLE sincro.documenti TO sincro_erp;
GRANT SELECT ON TABLE sincro.documenti TO sincro_worker;
GRANT SELECT ON TABLE sincro.documenti TO sincro_admin;


--
-- Name: TABLE documenti_righe; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.documenti_righe TO sincro_store;
GRANT SELECT ON TABLE sincro.documenti_righe TO sincro_app;
GRANT SELECT ON TABLE sincro.documenti_righe TO sincro_erp;
GRANT SELECT ON TABLE sincro.documenti_righe TO sincro_worker;
GRANT SELECT ON TABLE sincro.documenti_righe TO sincro_admin;


--
-- Name: TABLE fidi; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.fidi TO sincro_store;
GRANT SELECT ON TABLE sincro.fidi TO sincro_app;
GRANT SELECT ON TABLE sincro.fidi TO sincro_erp;
GRANT SELECT ON TABLE sincro.fidi TO sincro_worker;
GRANT SELECT ON TABLE sincro.fidi TO sincro_admin;
GRANT SELECT ON TABLE sincro.fidi TO sincro_operator;


--
-- Name: TABLE new_customers; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.new_customers TO sincro_store;
GRANT SELECT ON TABLE sincro.new_customers TO sincro_app;
GRANT SELECT ON TABLE sincro.new_customers TO sincro_erp;
GRANT SELECT ON TABLE sincro.new_customers TO sincro_worker;
GRANT SELECT ON TABLE sincro.new_customers TO sincro_admin;
GRANT SELECT ON TABLE sincro.new_customers TO sincro_operator;


--
-- Name: COLUMN new_customers.azi; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(azi) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(azi) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.prov_tipo; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(prov_tipo) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(prov_tipo) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.prov_id; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(prov_id) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(prov_id) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.id_int; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(id_int) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(id_int) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.ragione_sociale; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(ragione_sociale) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(ragione_sociale) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.partita_iva; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(partita_iva) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(partita_iva) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.codice_fiscale; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(codice_fiscale) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(codice_fiscale) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.email; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(email) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(email) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.telefono; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(telefono) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(telefono) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.indirizzo; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(indirizzo) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(indirizzo) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.cap; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(cap) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(cap) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.citta; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(citta) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(citta) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.provincia; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(provincia) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(provincia) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.nazione; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(nazione) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(nazione) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: COLUMN new_customers.cod_cli; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT INSERT(cod_cli) ON TABLE sincro.new_customers TO sincro_store;
GRANT INSERT(cod_cli) ON TABLE sincro.new_customers TO sincro_app;


--
-- Name: TABLE order_credit_flags; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.order_credit_flags TO sincro_store;
GRANT SELECT ON TABLE sincro.order_credit_flags TO sincro_app;
GRANT SELECT ON TABLE sincro.order_credit_flags TO sincro_operator;
GRANT SELECT ON TABLE sincro.order_credit_flags TO sincro_worker;
GRANT SELECT ON TABLE sincro.order_credit_flags TO sincro_admin;


--
-- Name: TABLE order_events; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.order_events TO sincro_erp;
GRANT SELECT ON TABLE sincro.order_events TO sincro_worker;
GRANT SELECT ON TABLE sincro.order_events TO sincro_admin;
GRANT SELECT ON TABLE sincro.order_events TO sincro_operator;


--
-- Name: TABLE particolarita; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.particolarita TO sincro_store;
GRANT SELECT ON TABLE sincro.particolarita TO sincro_app;
GRANT SELECT ON TABLE sincro.particolarita TO sincro_erp;
GRANT SELECT ON TABLE sincro.particolarita TO sincro_worker;
GRANT SELECT ON TABLE sincro.particolarita TO sincro_admin;


--
-- Name: TABLE partite_aperte; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.partite_aperte TO sincro_store;
GRANT SELECT ON TABLE sincro.partite_aperte TO sincro_app;
GRANT SELECT ON TABLE sincro.partite_aperte TO sincro_erp;
GRANT SELECT ON TABLE sincro.partite_aperte TO sincro_worker;
GRANT SELECT ON TABLE sincro.partite_aperte TO sincro_admin;


--
-- Name: TABLE pending_app; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.pending_app TO sincro_app;
GRANT SELECT ON TABLE sincro.pending_app TO sincro_admin;


--
-- Name: TABLE pending_gest; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.pending_gest TO sincro_erp;
GRANT SELECT ON TABLE sincro.pending_gest TO sincro_worker;
GRANT SELECT ON TABLE sincro.pending_gest TO sincro_admin;


--
-- Name: TABLE pending_store; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.pending_store TO sincro_store;
GRANT SELECT ON TABLE sincro.pending_store TO sincro_admin;


--
-- Name: TABLE push_problems; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.push_problems TO sincro_erp;
GRANT SELECT ON TABLE sincro.push_problems TO sincro_worker;
GRANT SELECT ON TABLE sincro.push_problems TO sincro_admin;
GRANT SELECT ON TABLE sincro.push_problems TO sincro_operator;


--
-- Name: TABLE store_inbox; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.store_inbox TO sincro_admin;


--
-- Name: TABLE store_orders; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.store_orders TO sincro_admin;


--
-- Name: TABLE stores; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.stores TO sincro_admin;


--
-- Name: TABLE sync_runs; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.sync_runs TO sincro_erp;
GRANT SELECT ON TABLE sincro.sync_runs TO sincro_worker;
GRANT SELECT ON TABLE sincro.sync_runs TO sincro_admin;
GRANT SELECT ON TABLE sincro.sync_runs TO sincro_operator;


--
-- Name: TABLE tabelle_accessorie; Type: ACL; Schema: sincro; Owner: CURRENT_USER
--

GRANT SELECT ON TABLE sincro.tabelle_accessorie TO sincro_store;
GRANT SELECT ON TABLE sincro.tabelle_accessorie TO sincro_app;
GRANT SELECT ON TABLE sincro.tabelle_accessorie TO sincro_erp;
GRANT SELECT ON TABLE sincro.tabelle_accessorie TO sincro_worker;
GRANT SELECT ON TABLE sincro.tabelle_accessorie TO sincro_admin;


--
-- PostgreSQL database dump complete
--



--
-- What sincro grants on graphile-worker's schema (sql/security/graphile_worker.sql)
--
-- function graphile_worker.add_job(text,json,text,timestamp with time zone: sincro_worker EXECUTE
-- function graphile_worker.add_jobs(graphile_worker.job_spec[],boolean): sincro_worker EXECUTE
-- function graphile_worker.complete_jobs(bigint[]): sincro_worker EXECUTE
-- function graphile_worker.force_unlock_workers(text[]): sincro_worker EXECUTE
-- function graphile_worker.permanently_fail_jobs(bigint[],text): sincro_worker EXECUTE
-- function graphile_worker.remove_job(text): sincro_worker EXECUTE
-- function graphile_worker.reschedule_jobs(bigint[],timestamp with time zo: sincro_worker EXECUTE
-- schema graphile_worker: sincro_worker USAGE
-- sequence graphile_worker.job_queues_id_seq: sincro_worker SELECT, sincro_worker USAGE
-- sequence graphile_worker.jobs_id_seq1: sincro_worker SELECT, sincro_worker USAGE
-- sequence graphile_worker.tasks_id_seq: sincro_worker SELECT, sincro_worker USAGE
-- table graphile_worker._private_job_queues: sincro_worker DELETE, sincro_worker INSERT, sincro_worker SELECT, sincro_worker UPDATE
-- table graphile_worker._private_jobs: sincro_worker DELETE, sincro_worker INSERT, sincro_worker SELECT, sincro_worker UPDATE
-- table graphile_worker._private_known_crontabs: sincro_worker DELETE, sincro_worker INSERT, sincro_worker SELECT, sincro_worker UPDATE
-- table graphile_worker._private_tasks: sincro_worker DELETE, sincro_worker INSERT, sincro_worker SELECT, sincro_worker UPDATE
-- table graphile_worker.migrations: sincro_worker DELETE, sincro_worker INSERT, sincro_worker SELECT, sincro_worker UPDATE
-- view graphile_worker.jobs: sincro_worker DELETE, sincro_worker INSERT, sincro_worker SELECT, sincro_worker UPDATE
