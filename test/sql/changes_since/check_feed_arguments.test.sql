-- check_feed_arguments: one set of checks for changes_since and all_changes_since.
begin;
select plan(6);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: good arguments pass
select lives_ok($$ select sincro_private.check_feed_arguments('feed', 'C00001', 0, 1000) $$, 'company, cursor 0, 1000 rows');
-- TEST: each bad argument is refused with its code
select throws_ok($$ select sincro_private.check_feed_arguments('my_feed', 'NOPE', 0, 10) $$, 'SY100', null, 'unknown company: SY100');
select throws_ok($$ select sincro_private.check_feed_arguments('feed', null, 0, 10) $$, 'SY100', null, 'no company: SY100');
select throws_ok($$ select sincro_private.check_feed_arguments('feed', 'C00001', -1, 10) $$, 'SY101', null, 'negative cursor: SY101');
select throws_ok($$ select sincro_private.check_feed_arguments('feed', 'C00001', 0, 0) $$, 'SY101', null, 'max_rows 0: SY101');
-- TEST: both feeds use it
select throws_ok($$ select * from sincro.changes_since('C00001', 0, 100001) $$, 'SY101', null, 'changes_since checks max_rows: 100001 is SY101');

select * from finish();
rollback;
