/*
 * Which party the current statement acts for: 'G' inside sincro.erp_write_order,
 * 'H' while the hub stamps change numbers at commit, NULL for a direct write by
 * a store or app. Triggers use it to tell a client's direct write (checked
 * strictly) from the hub's own functions.
 *
 * The value lives in the transaction-local setting `sincro.party`, which any
 * role can set. It is honoured only when it carries the hub's secret, which is
 * kept in a table no client can read: only the hub's SECURITY DEFINER functions
 * can claim a party. (The trigger functions must themselves be SECURITY DEFINER
 * to reach counters and history, so current_user cannot tell who called.)
 */

/*
 * PL/pgSQL, not SQL: every order's triggers call it (four times for an order of
 * two lines), and PostgreSQL parses and plans an SQL function's body at every
 * call from a trigger, while PL/pgSQL keeps its plan for the session.
 * A direct client write (no claim) reads nothing.
 */
create or replace function sincro_private.current_party()
returns text
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro_private.current_party() is
  E'The party the hub''s own functions act for (G ERP, H hub), or NULL for a direct client write. A claim without the hub''s secret is ignored. SECURITY DEFINER to read the secret.';

/*
 * Sets the acting party for the rest of the transaction and returns the raw
 * previous setting, so a caller can put it back with restore_party. Only the
 * owner can run it (it reads the secret); clients get no EXECUTE on it.
 */
create or replace function sincro_private.set_party(party text)
returns text
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro_private.set_party(text) is
  E'Claims an acting party (G, H) for the rest of the transaction, with the hub''s secret; returns the previous raw setting for restore_party.';

create or replace function sincro_private.restore_party(previous text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  perform pg_catalog.set_config('sincro.party', coalesce(previous, ''), true);
end;
$$;

comment on function sincro_private.restore_party(text) is
  E'Puts back the sincro.party setting that set_party returned.';

-- who may use it
revoke all on function sincro_private.current_party() from public;
revoke all on function sincro_private.restore_party(text) from public;
revoke all on function sincro_private.set_party(text) from public;
