-- sincro.sdi_code_problem and sincro.pec_problem: the e-invoicing channel's code, and a PEC address's syntax.
begin;
select plan(37);

-- TEST: SDI codes: 7 letters or digits, 0000000 (deliver by PEC), XXXXXXX (abroad), a public office's 6 characters; case and blanks ignored
select is(sincro.sdi_code_problem(v), null, pg_catalog.format('valid SDI code: %s', pg_catalog.to_json(v)))
from (values ('0000000'), ('XXXXXXX'), ('M5UXCR1'), ('KRRH6B9'), ('m5uxcr1'), (' SUBM70N '), ('UFY9MH'), ('0A1B2C')) t(v);
-- TEST: invalid SDI codes
select isnt(sincro.sdi_code_problem(v), null, pg_catalog.format('invalid SDI code: %s', pg_catalog.to_json(v)))
from (values ('000000'), ('00000000'), ('12345'), ('M5UXCR12'), ('M5U-CR1'), ('M5U CR1'), ('ÀBCDEFG'), (''), ('  ')) t(v);
-- TEST: the six zeros point to the seven
select is(sincro.sdi_code_problem('000000'), 'is six zeros: "deliver by PEC" is seven zeros, 0000000', 'six zeros: the hint names 0000000');

-- TEST: PEC addresses: syntax only
select is(sincro.pec_problem(v), null, pg_catalog.format('valid PEC: %s', pg_catalog.to_json(v)))
from (values ('rossi.srl@pec.it'), ('amministrazione@legalmail.it'), ('a@b.co'), ('  info+fatture@pec.example.it '),
             ('Mario.Rossi@PEC.Aruba.IT')) t(v);
select isnt(sincro.pec_problem(v), null, pg_catalog.format('invalid PEC: %s', pg_catalog.to_json(v)))
from (values ('rossi.srl'), ('rossi@'), ('@pec.it'), ('rossi@pec'), ('rossi@@pec.it'), ('a@b@pec.it'), ('rossi srl@pec.it'),
             ('rossi@pec..it'), ('rossi@.pec.it'), ('rossi@pec.it.'), (''), (pg_catalog.repeat('a', 250) || '@pec.it')) t(v);

-- TEST: NULL in, NULL out
select is(sincro.sdi_code_problem(null), null, 'SDI code NULL: nothing to check');
select is(sincro.pec_problem(null), null, 'PEC NULL: nothing to check');

select * from finish();
rollback;
