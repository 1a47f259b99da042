/*
 * What a console operator (sincro_operator, bound to one company) may read:
 * its company's orders with their lines, new customers, history, push state
 * and events, its sync runs, status, consumers' lag, quota. Nothing is
 * writable directly: the operator acts only through push_retry, push_resolve
 * and order_problems (console/), which check the company themselves. The
 * policies say "its company" once per table; the history, push state, lines
 * and events follow the order's visibility (their own visible_order
 * policies). Kept in one file so a reader sees the operator's whole reach.
 */
create policy operator_company on sincro.arportes for select to sincro_operator
  using (azi = sincro_private.session_company());
create policy operator_company on sincro.new_customers for select to sincro_operator
  using (azi = sincro_private.session_company());
create policy operator_company on sincro.sync_runs for select to sincro_operator
  using (azi = sincro_private.session_company());

-- who may use it
grant usage on schema sincro to sincro_operator;
grant usage on schema sincro_private to sincro_operator;
grant execute on function sincro_private.session_company() to sincro_operator;
grant execute on function sincro_private.may_see_company(text) to sincro_operator;
grant select on sincro.arportes, sincro.arporrig, sincro.new_customers, sincro.arportes_history,
                sincro.order_push, sincro.sync_runs to sincro_operator;
grant select on sincro.apstatosyn, sincro.company_status, sincro.consumer_lag, sincro.push_problems to sincro_operator;
grant execute on function sincro.quota(text) to sincro_operator;
