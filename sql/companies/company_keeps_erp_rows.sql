/*
 * A company that still holds ERP-owned rows (any table of
 * sincro_private.erp_entity) cannot be deleted: those tables keep no foreign
 * key to the company (checking one cost a quarter of a rebuild), so this
 * trigger keeps what the key's ON DELETE RESTRICT kept. Clients cannot delete
 * companies at all (sincro.apstatosyn refuses, SY108); this guards the hub's
 * owner working by hand.
 */
create or replace function sincro_private.tg_company__keep_erp_rows()
returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
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
$$;

comment on function sincro_private.tg_company__keep_erp_rows() is
  E'BEFORE DELETE trigger on sincro_private.company: refuses (SY108) to delete a company that still holds ERP-owned rows, which keep no foreign key to it.';

create trigger _100_keep_erp_rows
  before delete on sincro_private.company
  for each row execute function sincro_private.tg_company__keep_erp_rows();

-- who may use it
revoke all on function sincro_private.tg_company__keep_erp_rows() from public;
