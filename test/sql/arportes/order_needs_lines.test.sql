-- Deferred trigger _800_require_lines: an order without lines is refused at commit.
begin;
select plan(3);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: a header without lines is refused when the transaction commits
insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'empty', 'C', '0');
select throws_ok($$ set constraints all immediate $$, 'SY105', null, 'a header without lines: SY105 at commit');
set constraints all deferred;
-- TEST: the check is deferred: lines inserted after the header satisfy it
select lives_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 1, 1, 'ART1', 1);
                   set constraints all immediate $$, 'lines added later in the transaction satisfy the check');
set constraints all deferred;
-- TEST: an ERP-made order without lines is refused too
select throws_ok($$ select sincro.erp_write_order('C00001', '{"tor_chia": "C201700000009", "autore_tipo": "O", "autore_cod": "75"}') $$,
                 'SY102', null, 'an ERP-made order without lines: SY102');

select * from finish();
rollback;
