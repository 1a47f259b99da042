/*
 * The life of one order, for the console and `npx sincro timeline`: each
 * version of its header (arportes_history: who, which columns changed from
 * what to what, the three acks, id_sincro — the protocol's worked-example
 * table, for any real order) merged in time with its events (each push
 * attempt and the ERP's answer, operators' actions and notes).
 *
 * Both run with the caller's rights: row-level security decides which orders
 * a login may look up and read.
 */
create or replace function sincro.locate_order(
  azi text, id_pub bigint default null, tor_chia text default null,
  store_order text default null, device text default null, device_order text default null)
returns bigint
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro.locate_order(text, bigint, text, text, text, text) is
  E'Public ID of a company''s order by one of: its public ID, its ERP key (tor_chia), the store''s order number, or a device and its order number; NULL when the caller sees no such order. Runs with the caller''s rights.';

create or replace function sincro.order_timeline(azi text, id_pub bigint)
returns table (
  step integer, recorded_at timestamptz, what text, party text, db_user name, changes text,
  id_pub bigint, tor_chia text, conferma text, id_int text,
  ack_store smallint, ack_gest smallint, ack_app smallint,
  prov_tipo text, prov_id text, autore_tipo text, autore_cod text, id_sincro bigint, detail text)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
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

comment on function sincro.order_timeline(text, bigint) is
  E'One row per version of the order (INSERT/UPDATE/DELETE from arportes_history: acting party S/A/G/H, login, the columns changed before → after, the protocol columns) and per event (push_started/acquired/rejected/failed with the ERP''s answer, retry, resolved with the operator''s note), in time order. Empty when the caller sees no such order. Runs with the caller''s rights.';

-- who may use it
revoke all on function sincro.locate_order(text,bigint,text,text,text,text) from public;
grant execute on function sincro.locate_order(text,bigint,text,text,text,text) to sincro_erp, sincro_worker, sincro_admin, sincro_operator;
revoke all on function sincro.order_timeline(text,bigint) from public;
grant execute on function sincro.order_timeline(text,bigint) to sincro_erp, sincro_worker, sincro_admin, sincro_operator;
