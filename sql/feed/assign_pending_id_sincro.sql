/*
 * Gives change numbers to every order row this transaction changed on the ERP
 * side (id_sincro NULL). Runs from a deferred constraint trigger, that is at
 * commit, after every row lock the transaction needs is already held: the
 * company counter is the last lock taken, so two ERP transactions touching
 * orders in different order cannot deadlock on it, and the counter lock held
 * to the end of the commit makes numbers increase in commit order.
 *
 * Only this transaction's rows can be seen with id_sincro NULL (no committed
 * row has it), so the partial index finds exactly them. Companies are taken in
 * azi order, one counter update each.
 *
 * SECURITY DEFINER: it runs at the commit of a client's or ERP's transaction
 * and must stamp rows and history that those roles cannot write.
 */
create or replace function sincro_private.assign_pending_id_sincro()
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_azi text;
  v_count bigint;
  v_last bigint;
  v_previous_party text;
begin
  for v_azi, v_count in
    select a.azi, count(*)
    from sincro.arportes a
    where a.id_sincro is null
    group by a.azi
    order by a.azi
  loop
    -- bump: the counter lock, taken last
    update sincro_private.id_sincro_counter c
      set last_value = c.last_value + v_count
      where c.azi = v_azi
      returning c.last_value into v_last;

    -- stamp rows in id_pub order, then the history versions they wrote
    v_previous_party := sincro_private.set_party('H');
    update sincro.arportes a
      set id_sincro = v_last - v_count + s.position
      from (
        select p.id_pub, row_number() over (order by p.id_pub) as position
        from sincro.arportes p
        where p.azi = v_azi and p.id_sincro is null
      ) s
      where a.azi = v_azi and a.id_pub = s.id_pub;
    update sincro.arportes_history h
      set id_sincro = a.id_sincro
      from sincro.arportes a
      where h.azi = v_azi and h.id_sincro is null
        and a.azi = h.azi and a.id_pub = h.id_pub;
    perform sincro_private.restore_party(v_previous_party);

    -- orders that left a device slice by this change (tg_arportes__slice_move): their slice-log entries, now
    -- that the counter is held
    if pg_catalog.current_setting('sincro.order_slice_moves', true) = 'on' then
      perform sincro_private.log_order_slice_moves(v_azi);
    end if;
  end loop;
end;
$$;

comment on function sincro_private.assign_pending_id_sincro() is
  E'At commit: gives the next change numbers of each company to the order rows this transaction changed on the ERP side, taking the counter lock last.';

/*
 * Change numbers are given at commit (see assign_pending_id_sincro): the
 * first deferred event of a transaction stamps all its pending rows, the
 * others find nothing left to do.
 */
create or replace function sincro_private.tg__assign_pending_id_sincro()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  perform sincro_private.assign_pending_id_sincro();
  return null;
end;
$$;

comment on function sincro_private.tg__assign_pending_id_sincro() is
  E'Deferred (at commit), after an ERP-side write left id_sincro NULL: gives the transaction''s pending rows their change numbers. SECURITY DEFINER: fired by clients'' statements, it reaches tables they have no rights on.';

create constraint trigger _950_assign_id_sincro
  after insert or update on sincro.arportes
  deferrable initially deferred
  for each row
  when (new.id_sincro is null)
  execute function sincro_private.tg__assign_pending_id_sincro();

-- who may use it
revoke all on function sincro_private.assign_pending_id_sincro() from public;
revoke all on function sincro_private.tg__assign_pending_id_sincro() from public;
