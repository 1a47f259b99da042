-- The change feeds return a page (1000 rows unless max_rows says otherwise);
-- the consumer loop of README.md and docs/sync.md reads everything: ask from
-- the last id_sincro read until a page comes back shorter than asked.
begin;
select plan(7);

select sincro_tests.setup_company('C00001') as a \gset
-- 2,500 articles (change numbers 1..2500), then 1,001 orders made in the ERP (2501..3501)
select sincro_private.upsert_erp_rows('article', 'C00001',
  (select jsonb_agg(jsonb_build_object('key', jsonb_build_object('cod_art', 'A' || g), 'data', jsonb_build_object('descrizione', 'art ' || g)))
   from generate_series(1, 2500) g));
select count(sincro.erp_write_order('C00001',
  jsonb_build_object('tor_chia', 'K' || g, 'autore_tipo', 'O', 'autore_cod', '75', 'lines', jsonb_build_array(jsonb_build_object('articolo', 'A1', 'quantita', 1)))))
from generate_series(1, 1001) g;
select sincro_tests.commit_point();

-- TEST: without max_rows, a page is 1000 rows
select is((select count(*)::int from sincro.all_changes_since('C00001', 0)), 1000, 'all_changes_since: 1000 of 3501 rows');
select is((select count(*)::int from sincro.changes_since('C00001', 0)), 1000, 'changes_since: 1000 of 1001 orders');

-- the loop the docs show, as a consumer would write it
create temporary table pages (page int, rows_read int, last_read bigint) on commit drop;
do $$
declare
  v_cursor bigint := 0;
  v_page int := 0;
  v_rows int;
  v_last bigint;
begin
  loop
    select count(*), max(c.id_sincro) into v_rows, v_last from sincro.all_changes_since('C00001', v_cursor, 1000) c;
    v_page := v_page + 1;
    insert into pages values (v_page, v_rows, v_last);
    exit when v_rows = 0;
    v_cursor := v_last;                 -- then advance_consumer_cursor('C00001', 'store', v_cursor)
    exit when v_rows < 1000;            -- caught up
  end loop;
end;
$$;

-- TEST: four pages, the last one short: every change read once
select results_eq($$ select page, rows_read, last_read from pages order by page $$,
                  $$ values (1, 1000, 1000::bigint), (2, 1000, 2000), (3, 1000, 3000), (4, 501, 3501) $$,
                  'pages of 1000, 1000, 1000 and 501 rows');
select is((select sum(rows_read)::int from pages), 3501, 'the loop read all 3501 changes');
-- TEST: a full page does not mean "caught up"; an empty one does
select is((select count(*)::int from sincro.all_changes_since('C00001', 3000)), 501, 'after 3000: the rest');
select is_empty($$ select * from sincro.all_changes_since('C00001', 3501) $$, 'after the last change: nothing');
-- TEST: the page size can be raised (up to 100000)
select is((select count(*)::int from sincro.all_changes_since('C00001', 0, 5000)), 3501, 'max_rows 5000: everything at once');

select * from finish();
rollback;
