-- erp_write_order "lines": the ERP's list replaces the order's lines; a change bumps the header.
begin;
select plan(5);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1', 3) as id \gset
select sincro.erp_write_order('C00001', '{"id_pub": 1, "tor_chia": "C201700001230"}') as w \gset
select sincro_tests.commit_point();

-- TEST: a changed quantity, a removed line and a new line
select sincro.erp_write_order('C00001', '{"id_pub": 1, "lines": [
  {"riga": 1, "articolo": "ART1", "quantita": 1, "prezzo": 10},
  {"riga": 2, "articolo": "ART2", "quantita": 5, "prezzo": 20},
  {"riga": 4, "articolo": "ART9", "quantita": 1, "prezzo": 1.5, "sconto": 10, "iva": "22"}]}') as w \gset
select sincro_tests.commit_point();
select results_eq($$ select riga, articolo, quantita, sconto, iva from sincro.arporrig where id_pub = 1 order by riga $$,
                  $$ values (1, 'ART1', 1.000, 0.00, null::text), (2, 'ART2', 5.000, 0.00, null), (4, 'ART9', 1.000, 10.00, '22') $$,
                  'lines replaced: 1 kept, 2 changed, 3 removed, 4 added');
-- TEST: a line change bumps the header
select is((select id_sincro from sincro.arportes where id_pub = 1), 2::bigint, 'id_sincro 2 after a line change');
-- TEST: unchanged lines are not rewritten
select is((select count(*)::int from sincro.arporrig where id_pub = 1 and riga = 1 and updated_at <> created_at), 0,
          'line 1, unchanged, was not rewritten');
-- TEST: a bad line is refused with the line guard's code, and nothing is left half-written
select throws_ok($$ select sincro.erp_write_order('C00001', '{"id_pub": 1, "lines": [{"riga": 1, "articolo": "ART1", "quantita": 0}]}') $$,
                 'SY104', null, 'quantita 0 from the ERP: SY104');
select results_eq($$ select count(*)::int from sincro.arporrig where id_pub = 1 $$, $$ values (3) $$, 'still three lines');

select * from finish();
rollback;
