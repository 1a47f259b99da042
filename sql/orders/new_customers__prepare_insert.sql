/*
 * New customers follow the same rules as orders: checked strictly (a login's
 * own company first, so "not yours" and "does not exist" answer alike, SY111;
 * sizes within the company's max_text_length, SY140; an Italian customer's
 * partita IVA and codice fiscale, SY180 and SY181), idempotent on the
 * creator's key, changed afterwards only by the ERP (the customer code).
 * Identical retries racing each other are serialized on the company's
 * public-ID counter row, which the order that names the customer takes next
 * in the same transaction anyway: a row no client can lock otherwise (an
 * advisory lock's key, by contrast, any session can compute and hold).
 */
create or replace function sincro_private.tg_new_customers__prepare_insert()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro_private.tg_new_customers__prepare_insert() is
  E'BEFORE INSERT on new_customers: validates, skips an identical retry, refuses a conflicting one (SY106). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create trigger _100_prepare_insert
  before insert on sincro.new_customers
  for each row execute function sincro_private.tg_new_customers__prepare_insert();

-- who may use it
revoke all on function sincro_private.tg_new_customers__prepare_insert() from public;
