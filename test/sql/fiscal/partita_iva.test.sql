-- sincro.partita_iva_problem: NULL for a valid Italian VAT number, a reason otherwise.
begin;
select plan(25);

-- TEST: valid numbers (real companies' and computed check digits), blanks around them ignored
select is(sincro.partita_iva_problem(v), null, pg_catalog.format('valid: %s', pg_catalog.to_json(v)))
from (values ('00743110157'), ('12345678903'), ('01234567897'), ('00488410010'), ('01114601006'), ('98765432103'),
             ('10000000009'), ('00000000026'), ('09876543217'), (' 00743110157 '), (E'\t12345678903\n')) t(v);
-- TEST: wrong check digit, length, characters, prefix, blank
select isnt(sincro.partita_iva_problem(v), null, pg_catalog.format('invalid: %s', pg_catalog.to_json(v)))
from (values ('00743110158'), ('12345678900'), ('01234567890'), ('0074311015'), ('007431101570'), ('0074311015A'),
             ('007 4311 0157'), ('IT00743110157'), ('00000000000'), (''), ('   '), ('-0743110157')) t(v);
-- TEST: the reasons say what is wrong
select is(sincro.partita_iva_problem('00743110158'), 'check digit is wrong', 'a wrong check digit is named');
-- TEST: NULL in, NULL out (nothing to check)
select is(sincro.partita_iva_problem(null), null, 'NULL: nothing to check');

select * from finish();
rollback;
