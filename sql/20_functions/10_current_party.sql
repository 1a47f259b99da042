/*
 * Which party the current statement acts for: 'G' inside sincro.erp_write_order,
 * 'H' while the hub stamps change numbers at commit, NULL for a direct write by
 * a store or app. Triggers use it to tell a client's direct write (checked
 * strictly) from the hub's own functions.
 *
 * The value lives in the transaction-local setting `sincro.party`, which any
 * role could set; it is honoured only when the current role owns the sincro
 * schema, which a client role is not but our SECURITY DEFINER functions are.
 */
create or replace function sincro_private.current_party()
returns text
language sql
stable
set search_path = ''
as $$
  select nullif(pg_catalog.current_setting('sincro.party', true), '')
  where pg_catalog.pg_has_role(
    current_user,
    (select n.nspowner from pg_catalog.pg_namespace n where n.nspname = 'sincro'),
    'USAGE'
  )
$$;

comment on function sincro_private.current_party() is
  E'The party the hub''s own functions act for (G ERP, H hub), or NULL for a direct client write. Trusted only for the owner of schema sincro.';

/*
 * Sets the acting party for the rest of the transaction and returns the value
 * it replaces, so a caller can put it back.
 */
create or replace function sincro_private.set_party(party text)
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_previous text := coalesce(pg_catalog.current_setting('sincro.party', true), '');
begin
  perform pg_catalog.set_config('sincro.party', coalesce(party, ''), true);
  return v_previous;
end;
$$;

comment on function sincro_private.set_party(text) is
  E'Sets the transaction-local acting party (sincro.party) and returns the previous value.';
