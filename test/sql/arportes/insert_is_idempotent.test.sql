-- Insert trigger: the creator's key (azi, prov_tipo, prov_id, id_int) makes retries harmless.
begin;
select plan(8);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', '150') as first \gset

-- TEST: an identical retry inserts nothing
select is_empty($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod)
                   values ('C00001', 'S', '150', 'C', '0') returning id_pub $$, 'an identical retry returns no row');
-- TEST: and burns no public ID
select is((select last_id_pub from sincro.apstatosyn where azi = 'C00001'), 1::bigint, 'the retry burned no public ID');
-- TEST: the client learns the existing id_pub
select is(sincro.find_order('C00001', 'S', null, '150'), 1::bigint, 'find_order returns the first id_pub');
-- TEST: a retry with the order date given explicitly, equal, is still the same order
select is_empty($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, data_ordine)
                   values ('C00001', 'S', '150', 'C', '0', current_date) returning id_pub $$, 'same date given explicitly: skipped');
-- TEST: the same key with different content is a conflict
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, note)
                    values ('C00001', 'S', '150', 'C', '0', 'another order') $$, 'SY106', null,
                 'same key, different content: SY106');
-- TEST: two devices may use the same id_int
select sincro_tests.app_order('C00001', '50', '150', '15') as b \gset
select sincro_tests.app_order('C00001', '51', '150', '21') as c \gset
select results_eq($$ select id_pub, prov_id from sincro.arportes where prov_tipo = 'A' order by id_pub $$,
                  $$ values (2::bigint, '50'), (3::bigint, '51') $$, 'devices 50 and 51 both have order 150');
-- TEST: the store's order 150 and an app's order 150 are different orders
select is((select count(*)::int from sincro.arportes where id_int = '150'), 3, 'three orders share id_int 150');
-- TEST: find_order distinguishes devices
select is(sincro.find_order('C00001', 'A', '51', '150'), 3::bigint, 'find_order finds device 51''s order');

select * from finish();
rollback;
