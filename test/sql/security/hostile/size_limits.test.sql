-- Size limits: a company's orders, lines, new customers and ERP documents are bounded by its settings
-- (apstatosyn.max_lines_per_order, max_text_length, max_document_bytes; defaults 1000 lines, 4000
-- characters, 1 MiB), refused with SY140 before they can hold the company's counter for long.
begin;
select plan(20);

select sincro_tests.hostile_setup();
select sincro_tests.footprint('C00001') as fp1 \gset

-- TEST: a store's order
set local session authorization hx_store1;
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, note)
                    values ('C00001', 'S', 'big-1', 'C', '0', repeat('x', 1048576)) $$, 'SY140', null, 'a 1 MB note: SY140');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod)
                    values ('C00001', 'S', repeat('9', 1048576), 'C', '0') $$, 'SY140', null, 'a 1 MB id_int: SY140');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, dest_indirizzo)
                    values ('C00001', 'S', 'big-2', 'C', '0', repeat('via ', 1001)) $$, 'SY140', null, '4004 characters of address: SY140');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'big-3', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, descrizione)
                    select 'C00001', (select id_pub from sincro.arportes where id_int = 'big-3'), 1, 'A', 1, repeat('x', 1048576) $$,
                 'SY140', null, 'a line with a 1 MB description: SY140');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'big-4', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita)
                    select 'C00001', (select id_pub from sincro.arportes where id_int = 'big-4'), g, 'A', 1 from generate_series(1, 1001) g $$,
                 'SY140', null, '1001 lines: SY140');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'big-5', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita)
                    select 'C00001', (select id_pub from sincro.arportes where id_int = 'big-5'), g * 10, 'A', 1 from generate_series(1, 1001) g $$,
                 'SY140', null, '1001 lines numbered 10, 20, ...: SY140');
select lives_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'big-ok', 'C', '0');
                   insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita)
                   select 'C00001', (select id_pub from sincro.arportes where id_int = 'big-ok'), g * 10, 'A', 1 from generate_series(1, 1000) g $$,
                'exactly 1000 lines numbered by tens: accepted');
select throws_ok($$ insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00001', 'S', 'big-c', repeat('x', 1048576)) $$,
                 'SY140', null, 'a new customer with a 1 MB name: SY140');
reset session authorization;

-- TEST: an app's order
set local session authorization hx_app1_31;
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, note)
                    values ('C00001', 'A', '31', 'big-a', 'T', 'AG1', repeat('x', 4001)) $$, 'SY140', null, 'app: a 4001-character note: SY140');
reset session authorization;

-- TEST: the ERP's documents
set local session authorization hx_erp1;
select throws_ok(format($$ select sincro.erp_write_order('C00001', %L) $$,
                        jsonb_build_object('tor_chia', 'KB1', 'autore_tipo', 'O', 'autore_cod', '75',
                                           'lines', (select jsonb_agg(jsonb_build_object('articolo', 'A', 'quantita', 1)) from generate_series(1, 1001)))),
                 'SY140', null, 'ERP: an order of 1001 lines: SY140');
select throws_ok(format($$ select sincro.erp_write_order('C00001', %L) $$, jsonb_build_object('id_pub', 1, 'note', repeat('x', 4001))),
                 'SY140', null, 'ERP: a 4001-character note: SY140');
select throws_ok(format($$ select sincro.erp_write_order('C00001', %L) $$,
                        jsonb_build_object('tor_chia', 'KB2', 'autore_tipo', 'O', 'autore_cod', '75',
                                           'lines', (select jsonb_agg(jsonb_build_object('articolo', 'A', 'quantita', 1, 'descrizione', repeat('d', 3000), 'note', repeat('n', 3000)))
                                                     from generate_series(1, 200)))),
                 'SY140', null, 'ERP: a 1.2 MB order: SY140');
reset session authorization;

-- TEST: a sync's documents
select sincro.sync_run_begin('C00001', 'changes') as run \gset
set local session authorization hx_admin;
select throws_ok(format($$ select sincro.sync_changes_apply('C00001', %s, sincro.erp_cursor('C00001'), 'big', %L) $$, :run,
                        jsonb_build_array(jsonb_build_object('entity', 'document', 'op', 'upsert', 'key', jsonb_build_object('tipo_doc', 'ddt', 'numero', '1'),
                          'data', jsonb_build_object('lines', (select jsonb_agg(jsonb_build_object('articolo', 'A', 'quantita', 1)) from generate_series(1, 1001)))))),
                 'SY140', null, 'sync: a document of 1001 lines: SY140');
select throws_ok(format($$ select sincro.sync_changes_apply('C00001', %s, sincro.erp_cursor('C00001'), 'big', %L) $$, :run,
                        jsonb_build_array(jsonb_build_object('entity', 'article', 'op', 'upsert', 'key', jsonb_build_object('cod_art', 'A1'),
                          'data', jsonb_build_object('descrizione', repeat('x', 1100000))))),
                 'SY140', null, 'sync: an article of 1.1 MB: SY140');
reset session authorization;

-- TEST: nothing was left behind (the 1000-line order aside)
select results_eq($$ select count(*)::int, max(id_int), (select last_value from sincro_private.id_pub_counter where azi = 'C00001')::int,
                            (select count(*)::int from sincro.arporrig r where r.azi = 'C00001')
                     from sincro.arportes where azi = 'C00001' and id_int like 'big%' $$,
                  $$ values (1, 'big-ok', 5, 1005) $$, 'only the accepted order is there: one more public ID, its 1000 lines');
select is((select count(*)::int from sincro.new_customers where azi = 'C00001'), 2, 'no new customer was left');
select is((select count(*)::int from sincro.articoli where azi = 'C00001'), 0, 'no article was left');

-- TEST: the defaults
select results_eq($$ select max_lines_per_order, max_text_length, max_document_bytes from sincro.apstatosyn where azi = 'C00001' $$,
                  $$ values (1000, 4000, 1048576) $$, 'defaults: 1000 lines, 4000 characters, 1 MiB');

-- TEST: an admin raises a company's limits; the store's long note then passes
set local session authorization hx_admin;
select lives_ok($$ update sincro.apstatosyn set max_text_length = 2000000 where azi = 'C00001' $$, 'admin raises max_text_length');
reset session authorization;
set local session authorization hx_store1;
select lives_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, note) values ('C00001', 'S', 'big-note', 'C', '0', repeat('x', 1048576));
                   insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select 'C00001', (select id_pub from sincro.arportes where id_int = 'big-note'), 1, 'A', 1 $$,
                'a 1 MB note within the raised limit: accepted');
reset session authorization;

select * from finish();
rollback;
