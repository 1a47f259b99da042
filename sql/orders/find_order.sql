/*
 * A retried insert of an order the hub already has is skipped (INSERT returns
 * no row), so the client needs a way to learn the public ID it got the first
 * time: this is it, by the creator's own key.
 */
create or replace function sincro.find_order(azi text, prov_tipo text, prov_id text, id_int text)
returns bigint
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro.find_order(text, text, text, text) is
  E'Public ID of the order a store (S, prov_id NULL) or app (A, its device ID) created with its own id_int; NULL if the hub has none. Use it after a retried INSERT returned no row.';

create or replace function sincro.find_new_customer(azi text, prov_tipo text, prov_id text, id_int text)
returns bigint
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro.find_new_customer(text, text, text, text) is
  E'customer_id of the new customer a store or app created with its own id_int; NULL if none. Use it after a retried INSERT returned no row.';

-- who may use it
revoke all on function sincro.find_new_customer(text,text,text,text) from public;
grant execute on function sincro.find_new_customer(text,text,text,text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
revoke all on function sincro.find_order(text,text,text,text) from public;
grant execute on function sincro.find_order(text,text,text,text) to sincro_store, sincro_app, sincro_erp, sincro_worker, sincro_admin;
