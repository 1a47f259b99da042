/*
 * The console's Problems inbox: every order the ERP rejected (with its
 * message), that keeps failing to reach it (attempts, last error, when the
 * next try is due) or that has been in flight too long, filtered and paged on
 * the server so thousands of problems stay cheap to show.
 *
 * SECURITY DEFINER: the next try is the push job's run_at in graphile_worker,
 * which no party may read; the company filter is therefore applied here
 * (as may_see_company: an operator's own company, every company for an admin).
 */
create or replace function sincro.order_problems(
  only_azi text default null, kind text default null, older_than interval default null,
  page_size integer default 50, page_offset integer default 0)
returns table (
  azi text, id_pub bigint, kind text, state text, prov_tipo text, prov_id text, id_int text, new_customer_id bigint,
  attempts integer, last_attempt_at timestamptz, last_error text, erp_message text,
  created_at timestamptz, next_try_at timestamptz, total bigint)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
set jit = off  -- compiling costs more than these page-sized queries take
as $$
  with problem as (
    select p.azi, p.id_pub,
           case when p.state = 'rejected' then 'rejected'
                when p.state = 'in_flight' and p.last_attempt_at < now() - interval '5 minutes' then 'stuck'
                when p.state in ('pending', 'in_flight') and p.last_error is not null then 'failing'
           end as kind,
           p.state, p.attempts, p.last_attempt_at, p.last_error, p.erp_message, p.created_at
    from sincro.order_push p
    where p.state in ('rejected', 'pending', 'in_flight')
      and (order_problems.only_azi is null or p.azi = order_problems.only_azi)
      -- may_see_company, evaluated once rather than per row: a company-bound login sees its own, others every company
      and coalesce(p.azi = (select sincro_private.session_company()), true)
  ), page as (
    select pr.*, pg_catalog.count(*) over () as total
    from problem pr
    where pr.kind is not null
      and (order_problems.kind is null or pr.kind = order_problems.kind)
      and (order_problems.older_than is null or pr.created_at < now() - order_problems.older_than)
    order by pr.created_at, pr.azi, pr.id_pub
    limit least(greatest(coalesce(order_problems.page_size, 50), 1), 500)
    offset greatest(coalesce(order_problems.page_offset, 0), 0)
  )
  -- the creator and the next try only for the page's orders
  select pg.azi, pg.id_pub, pg.kind, pg.state, a.prov_tipo, a.prov_id, a.id_int, a.new_customer_id,
         pg.attempts, pg.last_attempt_at, pg.last_error, pg.erp_message, pg.created_at,
         (select j.run_at from graphile_worker.jobs j
           where j.key = pg_catalog.format('push_order:%s:%s', pg.azi, pg.id_pub) and j.attempts < j.max_attempts),
         pg.total
  from page pg
  join sincro.arportes a on a.azi = pg.azi and a.id_pub = pg.id_pub
  order by pg.created_at, pg.azi, pg.id_pub
$$;

comment on function sincro.order_problems(text, text, interval, integer, integer) is
  E'Problem orders the caller may see, oldest first, with their creator and new customer: kind rejected (erp_message), failing (last_error, next_try_at) or stuck (in flight for over 5 minutes); filtered by company, kind and age (queued before now() - older_than), paged (page_size at most 500); total counts every match. SECURITY DEFINER: reads the job queue; filters companies itself (a company-bound login its own, others every company).';

-- who may use it
revoke all on function sincro.order_problems(text,text,interval,integer,integer) from public;
grant execute on function sincro.order_problems(text,text,interval,integer,integer) to sincro_operator, sincro_admin;
