-- sincro.codice_fiscale_problem: a person's 16-character code (omocodia accepted) or a company's 11 digits.
begin;
select plan(41);

-- TEST: valid codes of persons, in any case and with blanks around them
select is(sincro.codice_fiscale_problem(v), null, pg_catalog.format('valid: %s', pg_catalog.to_json(v)))
from (values ('RSSMRA80A01F205X'), ('BNCNNA80A41F205U'), ('VRDGPP13E10B293Q'), ('MRTMTT91D08F205J'), ('DLLLCU85T71H501T'),
             ('rssmra80a01f205x'), (' MRTMTT91D08F205J '), (E'MRTMTT91D08F205J\n')) t(v);
-- TEST: omocodia: digits replaced by LMNPQRSTUV from the right, the check letter computed on the code as written
select is(sincro.codice_fiscale_problem(v), null, pg_catalog.format('omocodia: %s', pg_catalog.to_json(v)))
from (values ('RSSMRA80A01F20RS'), ('RSSMRA80A01F2LRD'), ('RSSMRA80A01FNLRS'), ('RSSMRAULALMFNLRD'),
             ('MRTMTT91D08F20RE'), ('MRTMTT91D08F2LRP'), ('MRTMTT91D08FNLRE'), ('MRTMTTVMDLUFNLRM'),
             ('DLLLCUURTTMHRLME'), ('BNCNNAULAQMFNLRB')) t(v);
-- TEST: a company's codice fiscale: 11 digits, the partita IVA's rule
select is(sincro.codice_fiscale_problem(v), null, pg_catalog.format('company: %s', pg_catalog.to_json(v)))
from (values ('00743110157'), ('12345678903')) t(v);
-- TEST: invalid: check letter, omocodia with the old check letter, a letter outside LMNPQRSTUV in a digit place,
-- month letter, day, length, characters, blank, an 11-digit code with a wrong check digit
select isnt(sincro.codice_fiscale_problem(v), null, pg_catalog.format('invalid: %s', pg_catalog.to_json(v)))
from (values ('RSSMRA80A01F205Y'), ('MRTMTT91D08F205K'), ('BNCNNA80A41F205X'), ('RSSMRA80A01F20RX'), ('MRTMTTVMDLUFNLRJ'),
             ('RSSMRA80A01F20AX'), ('RSSMRA8OA01F205X'), ('RSSMRA80F01F205X'), ('RSSMRA80A00F205X'), ('RSSMRA80A32F205X'),
             ('RSSMRA80A72F205X'), ('RSSMRA80A01F205'), ('RSSMRA80A01F205XX'), ('RSSMR480A01F205X'), ('RSSMRA80A01F2-5X'),
             ('RSS MRA80A01F205X'), (''), ('00743110158'), ('0074311015')) t(v);
-- TEST: the reasons name what is wrong
select is(sincro.codice_fiscale_problem('RSSMRA80A01F205Y'), 'check character (16th) is wrong', 'a wrong check letter is named');
-- TEST: NULL in, NULL out
select is(sincro.codice_fiscale_problem(null), null, 'NULL: nothing to check');

select * from finish();
rollback;
