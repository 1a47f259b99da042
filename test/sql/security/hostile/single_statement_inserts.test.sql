-- Clients write an order in one statement: a data-modifying CTE inserting the header (and a new
-- customer) feeding the lines. It must work for store and app logins as it does for the owner.
begin;
select plan(6);

select sincro_tests.hostile_setup();

-- TEST: a store login, header + lines in one statement
set local session authorization hx_store1;
select lives_ok($$
  with h as (
    insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'cte-1', 'C', '0')
    returning azi, id_pub)
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita, prezzo)
  select h.azi, h.id_pub, g, 'ART' || g, g, 1 from h cross join generate_series(1, 3) g $$, 'store: one statement');
select lives_ok($$
  with c as (
    insert into sincro.new_customers (azi, prov_tipo, id_int, ragione_sociale) values ('C00001', 'S', 'cte-c', 'Nuovo Cliente')
    returning azi, customer_id),
  h as (
    insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod, new_customer_id)
    select c.azi, 'S', 'cte-2', 'C', '0', c.customer_id from c
    returning azi, id_pub)
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select h.azi, h.id_pub, 1, 'A', 1 from h $$,
  'store: new customer, header and lines in one statement');
select lives_ok($$ select sincro_tests.commit_point() $$, 'store: both orders have their lines at commit');
reset session authorization;

-- TEST: an app login, likewise
set local session authorization hx_app1_31;
select lives_ok($$
  with h as (
    insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '31', 'cte-3', 'T', 'AG1')
    returning azi, id_pub)
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select h.azi, h.id_pub, 1, 'A', 2 from h $$, 'app: one statement');
reset session authorization;

-- TEST: the orders and their lines are there
select results_eq($$ select a.id_int, count(r.riga)::int from sincro.arportes a join sincro.arporrig r using (azi, id_pub)
                     where a.id_int like 'cte-%' group by a.id_int order by a.id_int $$,
                  $$ values ('cte-1', 3), ('cte-2', 1), ('cte-3', 1) $$, 'three orders with their lines');
-- TEST: and still, one statement cannot add lines to another device's order
set local session authorization hx_app1_32;
select throws_ok($$
  with h as (select 'C00001'::text as azi, 2::bigint as id_pub)
  insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select h.azi, h.id_pub, 9, 'A', 2 from h $$,
  'SY109', null, 'device 32 adding a line to device 31''s order 2: SY109');
reset session authorization;

select * from finish();
rollback;
