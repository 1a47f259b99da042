-- Malformed input: NUL bytes, numbers out of range, deep or non-scalar JSON. Each is refused with a code
-- (PostgreSQL's own where it refuses before our code runs) and leaves nothing behind.
begin;
select plan(14);

select sincro_tests.hostile_setup();
select sincro_tests.footprint('C00001') as fp1 \gset

set local session authorization hx_store1;
-- TEST: NUL bytes never reach a text column
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, note) values ('C00001', 'S', 'm-1', 'C', '0', E'a\000b') $$,
                 '22021', null, 'a NUL byte in a literal: 22021');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, note) values ('C00001', 'S', 'm-2', 'C', '0', 'a' || chr(0)) $$,
                 '54000', null, 'chr(0): 54000');
-- TEST: numbers that do not fit
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'm-3', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select 'C00001', (select id_pub from sincro.arportes where id_int = 'm-3'), 1, 'A', 1e20 $$,
                 '22003', null, 'quantita 1e20: 22003');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'm-4', 'C', '0');
                    insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select 'C00001', (select id_pub from sincro.arportes where id_int = 'm-4'), 2147483648, 'A', 1 $$,
                 '22003', null, 'riga 2^31: 22003');
-- TEST: a company code that is not one
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values (repeat('C', 1048576), 'S', 'm-5', 'C', '0') $$,
                 'SY111', null, 'a 1 MB azi: not this login''s company (SY111)');
-- TEST: a refusal does not echo a huge value into the client's error and the server's log
select cmp_ok(length(sincro_tests.refusal_message($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod)
                                                     values (repeat('C', 1048576), 'S', 'm-5', 'C', '0') $$)), '<', 1000,
              'the refusal of a 1 MB azi says so in under 1000 characters');
select cmp_ok(length(sincro_tests.refusal_message($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod)
                                                     values ('C00001', repeat('S', 1048576), 'm-6', 'C', '0') $$)), '<', 1000,
              'the refusal of a 1 MB prov_tipo says so in under 1000 characters');
reset session authorization;

set local session authorization hx_erp1;
-- TEST: the ERP's documents: JSON that is not a document
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "note": "a\u0000b"}') $$, '22P05', null, 'ERP: \u0000 in JSON: 22P05');
select throws_ok($$ select sincro.erp_write_order('C00001', (repeat('[', 100000) || repeat(']', 100000))::jsonb) $$,
                 '54001', null, 'ERP: JSON nested 100000 deep: 54001');
select throws_ok($$ select sincro.erp_write_order('C00001', ('{"id_pub": 1, "note": ' || repeat('{"a": ', 500) || '1' || repeat('}', 500) || '}')::jsonb) $$,
                 'SY201', null, 'ERP: a note that is a nested object: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "cliente_cod": ["1", "2"]}') $$, 'SY201', null, 'ERP: a code that is an array: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "lines": [{"articolo": {"cod": "A"}, "quantita": 1}]}') $$, 'SY201', null,
                 'ERP: a line''s article that is an object: SY201');
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1.5}') $$, 'SY201', null, 'ERP: id_pub 1.5: SY201');
reset session authorization;

-- TEST: nothing was left behind
select is(sincro_tests.footprint('C00001'), :'fp1', 'C00001 unchanged');

select * from finish();
rollback;
