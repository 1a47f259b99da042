-- Line guard (tg_arporrig__guard): field checks with our codes, before any constraint.
begin;
select plan(9);

select sincro_tests.setup_company('C00001') as a \gset
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'o1', 'C', '0') returning id_pub as id \gset

-- TEST: quantity zero
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 1, 1, 'A', 0) $$,
                 'SY104', null, 'quantita 0: SY104');
-- TEST: negative quantity
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 1, 1, 'A', -2) $$,
                 'SY104', null, 'quantita -2: SY104');
-- TEST: negative price
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo) values ('C00001', 1, 1, 'A', 1, -1) $$,
                 'SY104', null, 'prezzo -1: SY104');
-- TEST: discount above 100
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, sconto) values ('C00001', 1, 1, 'A', 1, 150) $$,
                 'SY104', null, 'sconto 150: SY104');
-- TEST: line number zero
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 1, 0, 'A', 1) $$,
                 'SY104', null, 'riga 0: SY104');
-- TEST: missing article
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 1, 1, ' ', 1) $$,
                 'SY102', null, 'blank articolo: SY102');
-- TEST: missing quantity
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo) values ('C00001', 1, 1, 'A') $$,
                 'SY102', null, 'missing quantita: SY102');
-- TEST: unknown order
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 99, 1, 'A', 1) $$,
                 'SY109', null, 'a line for an unknown order: SY109');
-- TEST: a good line is accepted
select lives_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo, sconto, iva)
                   values ('C00001', 1, 1, 'ART1', 2.5, 10.25, 5, '22') $$, 'a valid line is accepted');

select * from finish();
rollback;
