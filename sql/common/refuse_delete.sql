/*
 * What the hub keeps is never deleted by a client: orders, their lines, new
 * customers (nothing is ever lost). Only the hub itself (party H, e.g. a
 * future retention job run by an administrator) may remove rows. Shared by
 * every table that keeps its rows for good; the hint names the table's way.
 */
create or replace function sincro_private.tg__refuse_delete()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro_private.tg__refuse_delete() is
  E'BEFORE DELETE: refuses deletes by anyone but the hub itself (SY108). SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

-- who may use it
revoke all on function sincro_private.tg__refuse_delete() from public;
