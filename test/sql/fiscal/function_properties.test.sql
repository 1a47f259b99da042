-- The fiscal checks are immutable, parallel safe and strict (NULL in, NULL out), and every client role may call them.
begin;
select plan(6);

-- TEST: immutable, parallel safe, strict
select is(
  (select pg_catalog.string_agg(pg_catalog.format('%s %s %s %s', p.proname, p.provolatile, p.proparallel, p.proisstrict), ', ' order by p.proname)
   from pg_catalog.pg_proc p
   where p.pronamespace = 'sincro'::regnamespace
     and p.proname in ('partita_iva_problem', 'codice_fiscale_problem', 'sdi_code_problem', 'pec_problem')),
  'codice_fiscale_problem i s t, partita_iva_problem i s t, pec_problem i s t, sdi_code_problem i s t',
  'the four checks are immutable, parallel safe, strict');
-- TEST: every client role may execute each of them; PUBLIC may not
select is(pg_catalog.bool_and(pg_catalog.has_function_privilege(r, f, 'execute')), true, pg_catalog.format('%s may call the checks', r))
from unnest(array['sincro_store', 'sincro_app', 'sincro_erp', 'sincro_worker', 'sincro_admin']) r,
     unnest(array['sincro.partita_iva_problem(text)', 'sincro.codice_fiscale_problem(text)',
                  'sincro.sdi_code_problem(text)', 'sincro.pec_problem(text)']) f
group by r order by r;

select * from finish();
rollback;
