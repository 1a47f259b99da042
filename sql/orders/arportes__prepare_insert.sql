/*
 * Every new order passes here. A store or app insert is checked strictly
 * (nothing the hub owns may be supplied, a login writes only as itself and
 * within its company's size limits), made idempotent on the creator's own
 * key, and given the next public ID. The counter row is locked before the
 * duplicate check, so two identical inserts racing each other are serialized:
 * the second one sees the first and is skipped, burning no number.
 *
 * A login's company is checked before anything that could tell it whether
 * another company exists: "not yours" and "does not exist" both answer SY111.
 * Client values are shown in messages through sincro_private.shown (cut short).
 */
create or replace function sincro_private.tg_arportes__prepare_insert()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro_private.tg_arportes__prepare_insert() is
  E'BEFORE INSERT on arportes: validates a new order, skips an identical retry, refuses a conflicting one, assigns id_pub from the company counter and sets acks and id_sincro. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_prepare_insert
  before insert on sincro.arportes
  for each row execute function sincro_private.tg_arportes__prepare_insert();

-- who may use it
revoke all on function sincro_private.tg_arportes__prepare_insert() from public;
