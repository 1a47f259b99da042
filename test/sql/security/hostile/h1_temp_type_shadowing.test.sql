-- H1: a login's temporary types never run inside the hub's functions. With search_path = '' PostgreSQL
-- searches the session's temporary schema first for type names, so a client's pg_temp.text domain (whose
-- CHECK calls its own function) would run as the owner of every SECURITY DEFINER function that declares
-- a text variable or casts to text. Each probe below is a plain client statement; pg_temp.spy() raises
-- XH001 naming the role whenever it runs as anyone but the client.
begin;
select plan(18);

-- Companies and logins first; the spy and its domains are planted before any other function of ours has
-- run in this session, as an attacker's fresh connection does (PL/pgSQL keeps a function's compiled
-- variable types for the session). Who plants them does not matter: a domain's CHECK runs as whoever
-- casts to it. TEMP is granted here so that the probes test the functions, not the TEMP privilege
-- (create_anywhere.test.sql checks that logins have none).
select sincro_tests.hostile_logins();
select current_database() as db \gset
grant temporary on database :"db" to hx_store1, hx_app1_31, hx_erp1, hx_worker, hx_admin;

set local session authorization hx_store1;
select sincro_tests.spy_sql() \gexec
create domain pg_temp.text as pg_catalog.text check (pg_temp.spy());
create domain pg_temp.jsonb as pg_catalog.jsonb check (pg_temp.spy());
create domain pg_temp.json as pg_catalog.json check (pg_temp.spy());
create domain pg_temp.date as pg_catalog.date check (pg_temp.spy());
create domain pg_temp.xid8 as pg_catalog.xid8 check (pg_temp.spy());
create domain pg_temp.regclass as pg_catalog.regclass check (pg_temp.spy());
create domain pg_temp.name as pg_catalog.name check (pg_temp.spy());
reset session authorization;

select sincro_tests.hostile_orders();

-- TEST: store — insert an order with lines, a new customer, an ack, the feed and its cursor
set local session authorization hx_store1;
select lives_ok($$
  insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'h1-s', 'C', '0');
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('C00001', 5, 1, 'A', 1, 1);
  select sincro_tests.commit_point() $$, 'store: an order with lines runs none of the caller''s code as the owner');
select lives_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00001', 'S', 'h1-c', 'Nuovo') $$,
                'store: a new customer, likewise');
select lives_ok($$ update sincro.arportes set ack_store = 1 where azi = 'C00001' and id_pub = 2 $$, 'store: an ack, likewise');
select lives_ok($$ select count(*) from sincro.all_changes_since('C00001', 0) $$, 'store: all_changes_since, likewise');
select lives_ok($$ select sincro.advance_consumer_cursor('C00001', 'store', 0) $$, 'store: advance_consumer_cursor, likewise');
reset session authorization;

-- TEST: app — an order with lines, an ack of its agent's ERP order
set local session authorization hx_app1_31;
select lives_ok($$
  insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '31', 'h1-a', 'T', 'AG1');
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('C00001', 6, 1, 'A', 1, 1);
  select sincro_tests.commit_point() $$, 'app: an order with lines, likewise');
select lives_ok($$ update sincro.arportes set ack_app = 1 where azi = 'C00001' and id_pub = 4 $$, 'app: an ack, likewise');
reset session authorization;

-- TEST: ERP — acquire a store order, export an order made in the ERP, and the commit that numbers them
set local session authorization hx_erp1;
select lives_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "K-H1-1"}') $$, 'ERP: acquires an order, likewise');
select lives_ok($$ select sincro.erp_write_order('C00001', '{"tor_chia": "K-H1-2", "autore_tipo": "O", "autore_cod": "75",
                   "lines": [{"articolo": "A", "quantita": 1, "prezzo": 2}]}') $$, 'ERP: exports a new order, likewise');
select lives_ok($$ select sincro_tests.commit_point() $$, 'ERP: the commit-time change numbers, likewise');
reset session authorization;

-- TEST: worker — a push, the sweep, the purge
set local session authorization hx_worker;
select lives_ok($$ select sincro.push_claim('C00001', 3) $$, 'worker: push_claim, likewise');
select lives_ok($$ select sincro.push_acquired('C00001', 3, 'K-H1-3', null) $$, 'worker: push_acquired, likewise');
select lives_ok($$ select sincro.sweep_pushes() $$, 'worker: sweep_pushes, likewise');
select lives_ok($$ select sincro.purge_tombstones() $$, 'worker: purge_tombstones, likewise');
reset session authorization;

-- TEST: admin — a sync for changes with every entity, a contract, a partial sync
set local session authorization hx_admin;
select lives_ok($$ select sincro.sync_run_begin('C00001', 'changes') $$, 'admin: sync_run_begin, likewise');
select lives_ok($$ select sincro.sync_changes_apply('C00001', (select max(run_id) from sincro.sync_runs where azi = 'C00001'), '', 'h1', '[
  {"entity": "article", "op": "upsert", "key": {"cod_art": "A1"}, "data": {"descrizione": "Vite", "prezzo": 1}},
  {"entity": "document", "op": "upsert", "key": {"tipo_doc": "ddt", "numero": "1"}, "data": {"lines": [{"articolo": "A1", "quantita": 1}]}},
  {"entity": "customer", "op": "delete", "key": {"cod_cli": "X"}}]') $$, 'admin: sync_changes_apply, likewise');
select lives_ok($$ select sincro.set_sync_contract('C00002', 20, '1 month', current_date) $$, 'admin: set_sync_contract, likewise');
select lives_ok($$ select sincro.partial_sync('C00002') $$, 'admin: partial_sync, likewise');
reset session authorization;

select * from finish();
rollback;
