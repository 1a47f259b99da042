/*
 * Writing the device slice log (sincro.device_slice_log). An entry is
 * addressed to every agent whose devices' slice the row entered or left, as
 * the relations stand when it is written: the row's agent AND that agent's
 * supervisor, each an entry of its own. A device reads only the entries
 * addressed to its own agent: whom a supervisor supervises when it reads may
 * differ from when the row moved (an agent may have changed supervisor in
 * between), so the reader never decides from today's relations who was
 * affected yesterday. Entries are
 * numbered from the company's change counter, like every change: the counter
 * is moved once by the number of entries and the entries take the numbers in
 * order. Callers already hold the counter's row lock (a sync that wrote the
 * rows a moment before, in the same transaction) or take it here after every
 * other lock they need (device_history_advance locks the company row first),
 * so numbers keep following commit order.
 *
 * `entries` is a JSON array of {"azi", "cod_agente", "entity", "key"}.
 */
create or replace function sincro_private.append_slice_log(entries jsonb, reason text, with_supervisors boolean default true)
returns integer
language sql
volatile
set search_path = pg_catalog, pg_temp
as $$
  with given as (
    select x.azi, x.cod_agente, x.entity, x.key, o.n
    from pg_catalog.jsonb_array_elements(coalesce(entries, '[]')) with ordinality o(v, n)
    cross join lateral pg_catalog.jsonb_to_record(o.v) x(azi text, cod_agente text, entity text, key jsonb)
    where x.cod_agente is not null
  ),
  e as (
    -- each entry for its agent and, when asked, for that agent's supervisor now (one entry each)
    select a.azi, a.cod_agente, a.entity, a.key,
           pg_catalog.row_number() over (partition by a.azi order by a.n, a.side) as position
    from (
      select g.azi, g.cod_agente, g.entity, g.key, g.n, 1 as side from given g
      union all
      select g.azi, s.cod_supervisore, g.entity, g.key, g.n, 2
      from given g
      join sincro.agenti s on s.azi = g.azi and s.cod_agente = g.cod_agente
      where with_supervisors and not s.deleted and s.cod_supervisore is not null and s.cod_supervisore <> g.cod_agente
    ) a
  ),
  counts as (
    select e.azi, pg_catalog.count(*) as n from e group by e.azi
  ),
  bump as (
    update sincro_private.id_sincro_counter c
      set last_value = c.last_value + k.n
      from counts k
      where c.azi = k.azi
      returning c.azi, c.last_value - k.n as base
  ),
  written as (
    insert into sincro.device_slice_log (azi, id_sincro, cod_agente, entity, key, reason)
    select e.azi, b.base + e.position, e.cod_agente, e.entity, e.key, append_slice_log.reason
    from e join bump b on b.azi = e.azi
    returning 1
  )
  select pg_catalog.count(*)::integer from written
$$;

comment on function sincro_private.append_slice_log(jsonb, text, boolean) is
  E'Appends entries [{"azi","cod_agente","entity","key"}] to sincro.device_slice_log with the next change numbers of each company, each also for its agent''s supervisor (with_supervisors); entries without an agent are skipped. Returns how many were written.';

/*
 * Every row that belongs to one customer and that a device of the customer's
 * agent may hold, as slice-log entries for an agent: the customer itself
 * (when asked), its particolarità, open items and credit data, and its
 * documents and orders inside the history window. Tombstones too: a device
 * may not have read a tombstone yet, and once the row has left its slice the
 * tombstone is no longer its to read; the entry then brings the removal.
 */
create or replace function sincro_private.customer_slice_entries(azi text, cod_cli text, cod_agente text, with_customer boolean)
returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('azi', $1, 'cod_agente', $3, 'entity', r.entity, 'key', r.key)), '[]')
  from (
    select 'customer' as entity, pg_catalog.jsonb_build_object('cod_cli', c.cod_cli) as key
      from sincro.clienti c where c.azi = $1 and c.cod_cli = $2 and $4
    union all
    select 'particolarita', pg_catalog.jsonb_build_object('cod_cli', p.cod_cli, 'cod_art', p.cod_art, 'valido_dal', p.valido_dal)
      from sincro.particolarita p where p.azi = $1 and p.cod_cli = $2
    union all
    select 'open_item', pg_catalog.jsonb_build_object('cod_cli', o.cod_cli, 'id_partita', o.id_partita)
      from sincro.partite_aperte o where o.azi = $1 and o.cod_cli = $2
    union all
    select 'customer_credit', pg_catalog.jsonb_build_object('cod_cli', f.cod_cli)
      from sincro.fidi f where f.azi = $1 and f.cod_cli = $2
    union all
    select 'document', pg_catalog.jsonb_build_object('tipo_doc', d.tipo_doc, 'numero', d.numero)
      from sincro.documenti d
      where d.azi = $1 and d.cliente_cod = $2
        and (d.data_doc is null or d.data_doc >= (select k.device_history_from from sincro_private.company k where k.azi = $1))
    union all
    select 'order', pg_catalog.jsonb_build_object('id_pub', a.id_pub)
      from sincro.arportes a
      where a.azi = $1 and a.cliente_cod = $2
        and a.data_ordine >= (select k.device_history_from from sincro_private.company k where k.azi = $1)
  ) r
$$;

comment on function sincro_private.customer_slice_entries(text, text, text, boolean) is
  E'Slice-log entries, for agent cod_agente, of every row of customer cod_cli a device may hold or may not have seen deleted yet (the customer if with_customer, particolarità, open items, credit, documents and orders in the history window; tombstones included).';

/*
 * A customer changes agent (or gets one): its rows follow it. slice_agente is
 * set on its particolarità, open items, credit data and documents, and the
 * slice log tells the agent it left (removals) and the agent it joined (its
 * rows, whatever their change numbers). The customer row itself is logged
 * for the agent it left; the agent it joined reads the customer's own change.
 * `moves` is a JSON array of {"azi", "cod_cli", "from_agente", "to_agente"}.
 */
create or replace function sincro_private.reslice_customers(moves jsonb)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_entries jsonb;
begin
  -- the rows follow their customer
  update sincro.particolarita p set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where p.azi = m.azi and p.cod_cli = m.cod_cli and p.slice_agente is distinct from m.to_agente;
  update sincro.partite_aperte o set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where o.azi = m.azi and o.cod_cli = m.cod_cli and o.slice_agente is distinct from m.to_agente;
  update sincro.fidi f set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where f.azi = m.azi and f.cod_cli = m.cod_cli and f.slice_agente is distinct from m.to_agente;
  update sincro.documenti d set slice_agente = m.to_agente
    from pg_catalog.jsonb_to_recordset(moves) m(azi text, cod_cli text, from_agente text, to_agente text)
    where d.azi = m.azi and d.cliente_cod = m.cod_cli and d.slice_agente is distinct from m.to_agente;

  -- the devices of both agents look at them again
  select coalesce(pg_catalog.jsonb_agg(x.v order by m.n, s.side, x.n), '[]') into v_entries
  from pg_catalog.jsonb_array_elements(moves) with ordinality m(v, n)
  cross join lateral (values (1, m.v ->> 'from_agente', true), (2, m.v ->> 'to_agente', false)) s(side, agent, with_customer)
  cross join lateral pg_catalog.jsonb_array_elements(
    case when s.agent is null then '[]'::jsonb
         else sincro_private.customer_slice_entries(m.v ->> 'azi', m.v ->> 'cod_cli', s.agent, s.with_customer) end)
    with ordinality x(v, n);
  perform sincro_private.append_slice_log(v_entries, 'reassigned');
end;
$$;

comment on function sincro_private.reslice_customers(jsonb) is
  E'Customers changed agent ([{"azi","cod_cli","from_agente","to_agente"}]): moves their rows'' slice_agente and logs every row for both agents'' devices.';

-- who may use it
revoke all on function sincro_private.append_slice_log(jsonb, text, boolean) from public;
revoke all on function sincro_private.customer_slice_entries(text, text, text, boolean) from public;
revoke all on function sincro_private.reslice_customers(jsonb) from public;
