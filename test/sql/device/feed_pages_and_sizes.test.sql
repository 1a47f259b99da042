-- The device feed: its arguments, pages that follow the cursor, the slice's size before a download,
-- and the credit flags an operator sees (orders for blocked customers are accepted).
begin;
select plan(16);

select sincro_tests.setup_company('C00001');
select sincro_private.upsert_erp_rows('agent', 'C00001', $$[{"key": {"cod_agente": "A1"}, "data": {}}, {"key": {"cod_agente": "A2"}, "data": {}}]$$);
select sincro_private.upsert_erp_rows('customer', 'C00001',
  (select jsonb_agg(jsonb_build_object('key', jsonb_build_object('cod_cli', 'K' || g), 'data', jsonb_build_object('cod_agente', case when g % 2 = 0 then 'A1' else 'A2' end)))
   from generate_series(1, 20) g));
select sincro_private.upsert_erp_rows('article', 'C00001',
  (select jsonb_agg(jsonb_build_object('key', jsonb_build_object('cod_art', 'ART' || g), 'data', jsonb_build_object('descrizione', 'Articolo ' || g))) from generate_series(1, 30) g));
select sincro_private.upsert_erp_rows('particolarita', 'C00001',
  (select jsonb_agg(jsonb_build_object('key', jsonb_build_object('cod_cli', 'K' || (1 + g % 20), 'cod_art', 'ART' || g, 'valido_dal', '2026-01-01'), 'data', jsonb_build_object('sconto', g % 10)))
   from generate_series(1, 30) g));
select sincro_private.upsert_erp_rows('customer_credit', 'C00001', $$[
  {"key": {"cod_cli": "K2"}, "data": {"fido": 100, "esposizione": 90}},
  {"key": {"cod_cli": "K4"}, "data": {"fido": 1000, "esposizione": 0, "bloccato": true, "motivo_blocco": "insoluto"}}]$$);
select sincro.create_login('t_dev_a1', 'app', 'C00001', 'dev-a1', null, 'A1');
select sincro.create_login('t_store', 'store', 'C00001');
select sincro_tests.commit_point();

create temp table paged (entity text, id_sincro bigint, deleted boolean, key jsonb, data jsonb);
grant select, insert on paged to public;

-- TEST: the feed is a device's: other logins may not call it, or get SY190
set local session authorization t_store;
select throws_ok($$ select * from sincro.device_changes_since(0) $$, '42501', null, 'a store login may not call it');
reset session authorization;
select throws_ok($$ select * from sincro.device_changes_since(0) $$, 'SY190', null, 'the owner: SY190');

set local session authorization t_dev_a1;
-- TEST: bad arguments
select throws_ok($$ select * from sincro.device_changes_since(-1) $$, 'SY101', null, 'a negative cursor: SY101');
select throws_ok($$ select * from sincro.device_changes_since(0, 0) $$, 'SY101', null, 'max_rows 0: SY101');

-- TEST: paging by 7 from cursor 0 gives exactly the rows of one read, in the same order
do $$
declare
  v_cursor bigint := 0;
  v_count integer;
begin
  loop
    insert into paged select * from sincro.device_changes_since(v_cursor, 7);
    get diagnostics v_count = row_count;
    exit when v_count < 7;
    select max(id_sincro) into v_cursor from paged;
  end loop;
end;
$$;
select results_eq($$ select * from paged order by id_sincro $$, $$ select entity, id_sincro, deleted, key, data::jsonb from sincro.device_changes_since(0, 1000) $$,
                  'pages of 7 equal one read of the whole slice');
-- TEST: the first download brings exactly the slice: 30 articles, A1's 10 customers, their particolarità, its agent row, its credit data
select results_eq($$ select entity, count(*)::int from sincro.device_changes_since(0, 1000) group by 1 order by 1 $$,
                  $$ values ('agent', 1), ('article', 30), ('customer', 10), ('customer_credit', 2), ('particolarita', 15) $$,
                  'cursor 0: every row of the slice, once');
select is((select count(*)::int from sincro.device_changes_since(0, 1000) where deleted), 0, 'cursor 0: no removal');
-- TEST: a key's date is ISO whatever the caller's DateStyle (the feed writes it as text), and each key is
-- the same jsonb as the row's key fields (the supervisor's path builds the same keys: reads_through_slice_indexes)
set local datestyle = 'German, DMY';
select is((select key from sincro.device_changes_since(0, 1000) where entity = 'particolarita' order by id_sincro limit 1),
          '{"cod_cli": "K2", "cod_art": "ART1", "valido_dal": "2026-01-01"}'::jsonb, 'a particolarità''s key under DateStyle German: valido_dal 2026-01-01');
select is((select current_setting('datestyle')), 'German, DMY', 'the caller''s DateStyle is left as it was');
reset datestyle;
-- TEST: the sizes announce the same rows
select results_eq($$ select entity, "rows"::int from sincro.device_slice_size() where "rows" > 0 order by 1 $$,
                  $$ values ('agent', 1), ('article', 30), ('customer', 10), ('customer_credit', 2), ('particolarita', 15) $$,
                  'device_slice_size: the rows the first download brings');
select ok((select bool_and(approx_bytes > "rows" * 20) from sincro.device_slice_size() where "rows" > 0), 'and some bytes for each');
-- TEST: the device sees its customer's blocked flag and credit data
select results_eq($$ select cod_cli, bloccato, motivo_blocco from sincro.fidi order by 1 $$,
                  $$ values ('K2', false, null::text), ('K4', true, 'insoluto') $$, 'credit data of K2 and K4');
-- TEST: an order for a blocked customer is accepted
select lives_ok($$
  with h as (insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, cod_agente, cliente_cod, totale_documento)
             values ('C00001', 'A', 'dev-a1', 'o1', 'T', 'A1', 'A1', 'K4', 50) returning azi, id_pub)
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) select azi, id_pub, 1, 'ART1', 1, 50 from h $$,
  'an order for blocked K4 is written');
select lives_ok($$
  with h as (insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, cod_agente, cliente_cod, totale_documento)
             values ('C00001', 'A', 'dev-a1', 'o2', 'T', 'A1', 'A1', 'K2', 50) returning azi, id_pub)
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) select azi, id_pub, 1, 'ART1', 1, 50 from h $$,
  'an order over K2''s credit limit is written');
reset session authorization;
select sincro_tests.commit_point();
-- TEST: the store's feed carries the new entities, and never the hub's slice column
select results_eq($$ select entity, count(*)::int, bool_or(data ? 'slice_agente') from sincro.all_changes_since('C00001', 0, 1000)
                     where entity in ('agent', 'customer_credit', 'particolarita') group by 1 order by 1 $$,
                  $$ values ('agent', 2, false), ('customer_credit', 2, false), ('particolarita', 30, false) $$,
                  'all_changes_since: agents, credit data, particolarità, without slice_agente');
-- TEST: and flagged for the operator
select results_eq($$ select cliente_cod, flag from sincro.order_credit_flags order by 1 $$,
                  $$ values ('K2', 'over_credit'), ('K4', 'blocked') $$,
                  'order_credit_flags: K2 over its credit, K4 blocked');

select * from finish();
rollback;
