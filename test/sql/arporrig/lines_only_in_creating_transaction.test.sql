-- Line guard: a store or app writes lines only in the transaction that created the order.
begin;
select plan(4);

select sincro_tests.setup_company('C00001') as a \gset
select sincro_tests.store_order('C00001', 'o1') as id \gset

-- TEST: in the creating transaction a line can be added
select lives_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 1, 3, 'ART3', 1) $$,
                'lines may be added in the creating transaction');
-- an order as if created by an earlier, committed transaction
select sincro_tests.as_hub($$ update sincro.arportes set created_xact = '3'::xid8 where azi = 'C00001' and id_pub = 1 $$);

-- TEST: later, a new line is refused
select throws_ok($$ insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) values ('C00001', 1, 4, 'ART4', 1) $$,
                 'SY107', null, 'adding a line to a committed order: SY107');
-- TEST: later, a line cannot be changed
select throws_ok($$ update sincro.arporrig set quantita = 9 where azi = 'C00001' and id_pub = 1 and riga = 1 $$,
                 'SY107', null, 'changing a line of a committed order: SY107');
-- TEST: the lines are as written
select results_eq($$ select riga, quantita from sincro.arporrig where id_pub = 1 order by riga $$,
                  $$ values (1, 1.000), (2, 2.000), (3, 1.000) $$, 'lines unchanged by the refused writes');

select * from finish();
rollback;
