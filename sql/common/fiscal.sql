/*
 * Italian fiscal identifiers (issue 13): one definition of "valid" for every
 * writer — the new-customer trigger, the store connectors, the console — so a
 * value the hub accepts is one an Italian ERP and the e-invoicing exchange
 * (SDI) accept too, instead of a rejection hours later at push time.
 *
 * Each *_problem function answers NULL when the value is valid and otherwise a
 * short English reason ("check digit is wrong"), fit to follow the field's name
 * in a message. NULL in, NULL out: a missing value is nothing to check (whether
 * a field is required is the caller's rule). The functions normalise what they
 * read — surrounding blanks (space, tab, CR, LF) are ignored, codice fiscale
 * and SDI code are read in upper case — so a caller may pass raw input; a
 * caller that stores the value should store the normalised form
 * (sincro_private.fiscal_normalised) so that what was checked is what is sent.
 * A blank value ('' or only blanks) is not valid: send NULL for "none".
 *
 * They only read their argument: immutable and parallel safe, usable in
 * CHECK constraints and indexes, callable by every client role (a store
 * connector or an app may check a form before it writes).
 */

/*
 * Partita IVA: 11 digits, the last one a check digit (a Luhn variant: digits
 * in even places doubled, 9 taken off a double above 9, the total plus the
 * check digit a multiple of 10). The "IT" country prefix of VIES is refused
 * with its own reason (the ERP's field holds the bare number). The office
 * code in digits 8–10 is not checked: the Agenzia delle Entrate adds offices,
 * and numbers such as 12345678903 are valid.
 */
create or replace function sincro.partita_iva_problem(partita_iva text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
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
$$;

comment on function sincro.partita_iva_problem(text) is
  E'NULL when the text is a valid Italian partita IVA (11 digits, correct check digit; blanks around it ignored), else a short reason. NULL for NULL.';

/*
 * Codice fiscale. A person's: 16 characters, AAAAAA 00 A 00 A 000 A (surname,
 * name, year, month letter, day — plus 40 for women —, place code, check
 * letter). Where two people would share a code the Agenzia replaces digits,
 * from the right, by the letters LMNPQRSTUV for 0–9 (omocodia): any of the
 * seven digit places may hold one of those letters, and the check letter is
 * computed on the code as written. A company's (or a provisional) codice
 * fiscale is 11 digits with the partita IVA's check digit.
 */
create or replace function sincro.codice_fiscale_problem(codice_fiscale text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
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
$$;

comment on function sincro.codice_fiscale_problem(text) is
  E'NULL when the text is a valid codice fiscale (16 characters with check letter, omocodia accepted; or 11 digits like a partita IVA; case and surrounding blanks ignored), else a short reason. NULL for NULL.';

/*
 * SDI code (codice destinatario): the e-invoicing channel a B2B invoice goes
 * to, 7 letters or digits. '0000000' means "no channel: deliver to the PEC
 * address (or the customer's tax drawer)"; 'XXXXXXX' is the code for a
 * customer abroad. A public administration office has a 6-character code
 * (codice univoco ufficio, from IPA) and receives FatturaPA in the public
 * format: accepted too, so one field serves both; telling B2B from B2G is the
 * ERP's (a 6-character code means the public format). '000000' is nobody's:
 * refused with a hint towards the seven zeros.
 */
create or replace function sincro.sdi_code_problem(sdi_code text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
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
$$;

comment on function sincro.sdi_code_problem(text) is
  E'NULL when the text is an SDI recipient code: 7 letters or digits (0000000 = deliver by PEC, XXXXXXX = abroad) or a public administration office''s 6-character code; case and surrounding blanks ignored. Else a short reason. NULL for NULL.';

/*
 * PEC address: whether it looks like an e-mail address, nothing more (whether
 * the domain is a certified-mail provider's cannot be told from the text).
 * One @, something before it, no blanks inside, a domain of dot-separated
 * non-empty parts with at least one dot, at most 254 characters (the SMTP
 * limit). Quoted local parts and IP-literal domains, legal in RFC 5321, are
 * refused: no PEC provider hands them out.
 */
create or replace function sincro.pec_problem(pec text)
returns text
language plpgsql
immutable
strict
parallel safe
set search_path = pg_catalog, pg_temp
as $$
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
$$;

comment on function sincro.pec_problem(text) is
  E'NULL when the text looks like an e-mail address (one @, no blanks, a domain with a dot; surrounding blanks ignored): a PEC address''s syntax only. Else a short reason. NULL for NULL.';

/*
 * The form a caller stores after a check passed: blanks around it removed,
 * codice fiscale and SDI code in upper case, a blank value NULL. Kept beside
 * the checks so the two cannot drift apart.
 */
create or replace function sincro_private.fiscal_normalised(field text, value text)
returns text
language plpgsql
immutable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
begin
  -- PL/pgSQL, not SQL: a new customer's trigger calls it for each fiscal field, and an SQL function's body is
  -- parsed and planned again at every call from a trigger
  return nullif(
    case when field in ('codice_fiscale', 'sdi_code') then pg_catalog.upper(pg_catalog.btrim(value, E' \t\r\n'))
         else pg_catalog.btrim(value, E' \t\r\n') end,
    '');
end;
$$;

comment on function sincro_private.fiscal_normalised(text, text) is
  E'The stored form of a fiscal field (partita_iva, codice_fiscale, sdi_code, pec): trimmed, upper case for codice fiscale and SDI code, NULL when blank.';

/*
 * The refusal every writer raises for a bad fiscal value, one code per kind
 * (SY180 partita IVA, SY181 codice fiscale, SY182 SDI code, SY183 PEC): the
 * message names the field and shows the value, the hint says what is wrong.
 * Values are checked as given (callers normalise first when they store).
 */
create or replace function sincro_private.check_fiscal_fields(
  context text, partita_iva text, codice_fiscale text, sdi_code text default null, pec text default null)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro_private.check_fiscal_fields(text, text, text, text, text) is
  E'Raises SY180 (partita_iva), SY181 (codice_fiscale), SY182 (sdi_code) or SY183 (pec) for the first value the *_problem functions find wrong; NULLs are not checked.';

-- who may use it
revoke all on function sincro.partita_iva_problem(text) from public;
revoke all on function sincro.codice_fiscale_problem(text) from public;
revoke all on function sincro.sdi_code_problem(text) from public;
revoke all on function sincro.pec_problem(text) from public;
revoke all on function sincro_private.fiscal_normalised(text, text) from public;
revoke all on function sincro_private.check_fiscal_fields(text, text, text, text, text) from public;
grant execute on function sincro.partita_iva_problem(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.codice_fiscale_problem(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.sdi_code_problem(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
grant execute on function sincro.pec_problem(text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
