-- Authorship tied to the login: a store writes orders as its customers (autore_tipo C), an app as its own
-- agent (autore_tipo T, autore_cod and cod_agente = the login's agent). Nobody writes as an ERP operator
-- (O) or as another agent, and history records the login that wrote each version.
begin;
select plan(12);

select sincro_tests.hostile_setup();
select sincro_tests.footprint('C00001') as fp1 \gset

-- TEST: an app login of agent AG1 (device 31)
set local session authorization hx_app1_31;
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '31', 'w-1', 'T', 'AG9') $$,
                 'SY111', null, 'autore_cod AG9 from AG1''s device: SY111');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod, cod_agente) values ('C00001', 'A', '31', 'w-2', 'T', 'AG1', 'AG9') $$,
                 'SY111', null, 'cod_agente AG9 from AG1''s device: SY111');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '31', 'w-3', 'O', '75') $$,
                 'SY111', null, 'autore_tipo O (an ERP operator) from an app: SY111');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '31', 'w-4', 'C', '123') $$,
                 'SY111', null, 'autore_tipo C from an agent''s app: SY111');
select lives_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '31', 'w-ok', 'T', 'AG1');
                   insert into sincro.arporrig (azi, id_pub, riga, articolo, quantita) select 'C00001', (select id_pub from sincro.arportes where id_int = 'w-ok'), 1, 'A', 1 $$,
                'as itself (T AG1): accepted');
reset session authorization;
select is((select cod_agente from sincro.arportes where id_int = 'w-ok'), 'AG1', 'the order''s agent is the login''s');

-- TEST: a store login
set local session authorization hx_store1;
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'w-5', 'O', '75') $$,
                 'SY111', null, 'autore_tipo O from the store: SY111');
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, id_int, autore_tipo, autore_cod) values ('C00001', 'S', 'w-6', 'T', 'AG1') $$,
                 'SY111', null, 'autore_tipo T (an agent) from the store: SY111');
reset session authorization;

-- TEST: an app login made without an agent writes no order
select sincro.create_login('hx_app1_33', 'app', 'C00001', '33');
set local session authorization hx_app1_33;
select throws_ok($$ insert into sincro.arportes (azi, prov_tipo, prov_id, id_int, autore_tipo, autore_cod) values ('C00001', 'A', '33', 'w-7', 'T', 'AG1') $$,
                 'SY111', null, 'a device login without an agent writing as AG1: SY111');
reset session authorization;

-- TEST: history names the login of every version
select is((select (db_user::text collate "default") from sincro.arportes_history where id_int = 'w-ok' order by history_id desc limit 1), 'hx_app1_31',
          'history: written by hx_app1_31');
set local session authorization hx_store1;
update sincro.arportes set ack_store = 1 where azi = 'C00001' and id_int = 'w-ok';
reset session authorization;
select results_eq($$ select party, (db_user::text collate "default") from sincro.arportes_history where id_int = 'w-ok' order by history_id desc limit 1 $$,
                  $$ values ('S', 'hx_store1') $$, 'history: the store''s ack, by hx_store1');

-- TEST: nothing of the refused orders was left
select is((select count(*)::int from sincro.arportes where id_int like 'w-_'), 0, 'no refused order exists');

select * from finish();
rollback;
