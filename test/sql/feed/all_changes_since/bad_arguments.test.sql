-- sincro.all_changes_since: an unknown company or a negative cursor is refused with its code.
begin;
select plan(2);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: an unknown company
select throws_ok($$ select * from sincro.all_changes_since('NOPE', 0) $$, 'SY100', null, 'unknown company: SY100');
-- TEST: a negative cursor
select throws_ok($$ select * from sincro.all_changes_since('C00001', -1) $$, 'SY101', null, 'negative cursor: SY101');

select * from finish();
rollback;
