/*
 * Keeping every row's slice owner (slice_agente) and the slice log current as
 * the syncs write. Only syncs write these tables (as the owner), so the
 * triggers run there; statement-level triggers see a whole batch at once
 * (transition tables), and a batch that moves nobody costs one join.
 */

/* A new row of a customer belongs to the customer's agent (article-level particolarità, cod_cli '*', to nobody). */
create or replace function sincro_private.tg__set_slice_agente()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  new.slice_agente := case when tg_table_name = 'particolarita' and new.cod_cli = '*' then null
                           else (select c.cod_agente from sincro.clienti c where c.azi = new.azi and c.cod_cli = new.cod_cli) end;
  return new;
end;
$$;

comment on function sincro_private.tg__set_slice_agente() is
  E'Before a row of a customer (particolarità, open item, credit) is inserted: slice_agente := the customer''s agent (null for article-level particolarità and customers the hub does not know yet).';

create or replace function sincro_private.tg_documenti__set_slice_agente()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  new.slice_agente := (select c.cod_agente from sincro.clienti c where c.azi = new.azi and c.cod_cli = new.cliente_cod);
  return new;
end;
$$;

comment on function sincro_private.tg_documenti__set_slice_agente() is
  E'Before a document is inserted or its customer written: slice_agente := the agent of cliente_cod.';

create trigger _100_set_slice_agente before insert on sincro.particolarita
  for each row execute function sincro_private.tg__set_slice_agente();
create trigger _100_set_slice_agente before insert on sincro.partite_aperte
  for each row execute function sincro_private.tg__set_slice_agente();
create trigger _100_set_slice_agente before insert on sincro.fidi
  for each row execute function sincro_private.tg__set_slice_agente();
create trigger _100_set_slice_agente before insert or update of cliente_cod on sincro.documenti
  for each row execute function sincro_private.tg_documenti__set_slice_agente();

/* A customer that arrives with an agent, or changes agent, takes its rows along (reslice_customers). */
create or replace function sincro_private.tg_clienti__reslice()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_moves jsonb;
begin
  if tg_op = 'INSERT' then
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_cli', n.cod_cli, 'from_agente', null, 'to_agente', n.cod_agente)
                                order by n.azi, n.cod_cli)
      into v_moves
      from new_rows n where n.cod_agente is not null;
  else
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_cli', n.cod_cli, 'from_agente', o.cod_agente, 'to_agente', n.cod_agente)
                                order by n.azi, n.cod_cli)
      into v_moves
      from new_rows n join old_rows o on o.azi = n.azi and o.cod_cli = n.cod_cli
      where o.cod_agente is distinct from n.cod_agente;
  end if;
  if v_moves is not null then
    perform sincro_private.reslice_customers(v_moves);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_clienti__reslice() is
  E'After customers are written: those whose agent changed (or who arrived with one) take their rows to the new agent''s slice and are logged for both agents'' devices.';

create trigger _500_reslice_inserted after insert on sincro.clienti
  referencing new table as new_rows
  for each statement execute function sincro_private.tg_clienti__reslice();
create trigger _500_reslice_updated after update on sincro.clienti
  referencing old table as old_rows new table as new_rows
  for each statement execute function sincro_private.tg_clienti__reslice();

/*
 * An agent's supervisor changes (or the agent arrives with one, or is deleted
 * or comes back): the old supervisor's devices lose the agent and its
 * customers' rows, the new one's gain them. Nothing moves in the tables
 * (slice_agente stays the agent's); only the log tells the two supervisors.
 */
create or replace function sincro_private.tg_agenti__supervisor()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_moves jsonb;
  v_entries jsonb;
begin
  -- the agents whose supervisor changed (a new agent had none; a deleted one has none)
  if tg_op = 'INSERT' then
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_agente', n.cod_agente, 'from_sup', null, 'to_sup', n.cod_supervisore))
      into v_moves
      from new_rows n where n.cod_supervisore is not null and not n.deleted;
  else
    select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', n.azi, 'cod_agente', n.cod_agente,
             'from_sup', case when o.deleted then null else o.cod_supervisore end,
             'to_sup', case when n.deleted then null else n.cod_supervisore end))
      into v_moves
      from new_rows n join old_rows o on o.azi = n.azi and o.cod_agente = n.cod_agente
      where (case when o.deleted then null else o.cod_supervisore end) is distinct from (case when n.deleted then null else n.cod_supervisore end);
  end if;
  if v_moves is null then
    return null;
  end if;

  -- the agent and every row of its customers, for both supervisors' devices
  select pg_catalog.jsonb_agg(e.v order by m.n, s.side, e.o1, e.o2) into v_entries
  from pg_catalog.jsonb_array_elements(v_moves) with ordinality m(m, n)
  cross join lateral (values (1, m.m ->> 'from_sup'), (2, m.m ->> 'to_sup')) s(side, sup)
  cross join lateral (
    select pg_catalog.jsonb_build_object('azi', m.m ->> 'azi', 'cod_agente', s.sup, 'entity', 'agent',
                                         'key', pg_catalog.jsonb_build_object('cod_agente', m.m ->> 'cod_agente')) as v, '' as o1, 0::bigint as o2
    union all
    select x.v, c.cod_cli, x.n
    from sincro.clienti c
    cross join lateral pg_catalog.jsonb_array_elements(sincro_private.customer_slice_entries(c.azi, c.cod_cli, s.sup, true))
      with ordinality x(v, n)
    where c.azi = m.m ->> 'azi' and c.cod_agente = m.m ->> 'cod_agente'
  ) e
  where s.sup is not null;
  if v_entries is not null then
    -- addressed to the supervisors themselves (not to their own supervisors: supervision is one level)
    perform sincro_private.append_slice_log(v_entries, 'supervisor', false);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_agenti__supervisor() is
  E'After agents are written: for those whose supervisor changed, logs the agent and every row of its customers for the old and the new supervisor''s devices.';

create trigger _500_supervisor_inserted after insert on sincro.agenti
  referencing new table as new_rows
  for each statement execute function sincro_private.tg_agenti__supervisor();
create trigger _500_supervisor_updated after update on sincro.agenti
  referencing old table as old_rows new table as new_rows
  for each statement execute function sincro_private.tg_agenti__supervisor();

/*
 * A document that changes customer, or whose date moves before the history
 * window, leaves its agent's slice: its own new change number is invisible to
 * that agent's devices, so the log tells them.
 */
create or replace function sincro_private.tg_documenti__moved()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_entries jsonb;
begin
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'azi', o.azi, 'cod_agente', o.slice_agente, 'entity', 'document',
           'key', pg_catalog.jsonb_build_object('tipo_doc', o.tipo_doc, 'numero', o.numero)) order by o.azi, o.tipo_doc, o.numero)
    into v_entries
  from old_rows o
  join new_rows n on n.azi = o.azi and n.tipo_doc = o.tipo_doc and n.numero = o.numero
  join sincro_private.company k on k.azi = o.azi
  -- tombstones too: a device may not have read the tombstone before the row left its slice
  where o.slice_agente is not null
    and (o.data_doc is null or o.data_doc >= k.device_history_from)
    and (n.cliente_cod is distinct from o.cliente_cod or n.data_doc is distinct from o.data_doc)
    and (n.slice_agente is distinct from o.slice_agente or n.data_doc < k.device_history_from);
  if v_entries is not null then
    perform sincro_private.append_slice_log(v_entries, 'moved');
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_documenti__moved() is
  E'After documents are updated: those that left their agent''s slice (another customer, or dated before the history window) are logged for that agent''s devices.';

create trigger _500_moved after update on sincro.documenti
  referencing old table as old_rows new table as new_rows
  for each statement execute function sincro_private.tg_documenti__moved();

-- who may use it
revoke all on function sincro_private.tg__set_slice_agente() from public;
revoke all on function sincro_private.tg_documenti__set_slice_agente() from public;
revoke all on function sincro_private.tg_clienti__reslice() from public;
revoke all on function sincro_private.tg_agenti__supervisor() from public;
revoke all on function sincro_private.tg_documenti__moved() from public;

/*
 * An order the ERP gives to another customer, or dates before the history
 * window, leaves the slice of the agent of its former customer. Orders get
 * their change numbers at commit (the counter is the last lock taken, see
 * assign_pending_id_sincro), so the slice-log entry is too: this trigger only
 * notes the order and the agent, and says so in a transaction-local setting
 * that assign_pending_id_sincro reads. SECURITY DEFINER: fired by the ERP's
 * and the worker's statements, it writes a table they have no rights on.
 */
create or replace function sincro_private.tg_arportes__slice_move()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_agent text;
begin
  select c.cod_agente into v_agent from sincro.clienti c where c.azi = old.azi and c.cod_cli = old.cliente_cod;
  if v_agent is not null
     and old.data_ordine >= (select k.device_history_from from sincro_private.company k where k.azi = old.azi) then
    insert into sincro_private.order_slice_moves (azi, id_pub, cod_agente) values (old.azi, old.id_pub, v_agent)
      on conflict do nothing;
    perform pg_catalog.set_config('sincro.order_slice_moves', 'on', true);
  end if;
  return null;
end;
$$;

comment on function sincro_private.tg_arportes__slice_move() is
  E'After an order changes customer or date: notes it for the slice log of the agent whose devices held it (written at commit). SECURITY DEFINER: fired by the ERP''s statements, it writes a private table.';

create trigger _600_slice_move after update on sincro.arportes
  for each row
  when (old.cliente_cod is distinct from new.cliente_cod or old.data_ordine is distinct from new.data_ordine)
  execute function sincro_private.tg_arportes__slice_move();

/* At commit, with the company's counter already held: the noted orders into the slice log. */
create or replace function sincro_private.log_order_slice_moves(azi text)
returns integer
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
  with moved as (
    delete from sincro_private.order_slice_moves m where m.azi = log_order_slice_moves.azi
    returning m.azi, m.id_pub, m.cod_agente)
  select sincro_private.append_slice_log(
    (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', m.azi, 'cod_agente', m.cod_agente, 'entity', 'order',
                                                                'key', pg_catalog.jsonb_build_object('id_pub', m.id_pub)) order by m.id_pub)
     from moved m),
    'moved')
$$;

comment on function sincro_private.log_order_slice_moves(text) is
  E'Writes the slice-log entries of the orders of a company noted by tg_arportes__slice_move, and forgets them. Called at commit by assign_pending_id_sincro, which holds the counter.';

revoke all on function sincro_private.tg_arportes__slice_move() from public;
revoke all on function sincro_private.log_order_slice_moves(text) from public;
