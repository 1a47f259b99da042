/*
 * The push state of every store/app order: the record of what reached the ERP.
 * The graphile-worker job is only a doorbell; if it is lost or fails for good,
 * this row still says the order is pending, and the sweep rings again.
 */
create table sincro.order_push (
  azi text not null,
  id_pub bigint not null,
  state text not null default 'pending',
  attempts integer not null default 0,
  last_attempt_at timestamptz,
  last_error text,
  erp_message text,
  acquired_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (azi, id_pub),
  foreign key (azi, id_pub) references sincro.arportes (azi, id_pub) on delete cascade,
  constraint state_is_known check (state in ('pending', 'in_flight', 'acquired', 'rejected')),
  constraint attempts_is_not_negative check (attempts >= 0)
);

create index idx_order_push__open on sincro.order_push (azi, id_pub) where state in ('pending', 'in_flight');

comment on table sincro.order_push is
  E'Push state of each store/app order towards the ERP: pending, in_flight, acquired, or rejected with the ERP''s message. The source of truth; jobs only ring the bell.';
comment on column sincro.order_push.azi is E'Company code.';
comment on column sincro.order_push.id_pub is E'The order.';
comment on column sincro.order_push.state is E'pending (waiting to be pushed), in_flight (a push is calling the ERP), acquired (the ERP has it), rejected (the ERP refused it: see erp_message; not retried).';
comment on column sincro.order_push.attempts is E'Pushes started so far.';
comment on column sincro.order_push.last_attempt_at is E'When the last push started.';
comment on column sincro.order_push.last_error is E'Why the last push failed to reach the ERP (unreachable, timeout, server error).';
comment on column sincro.order_push.erp_message is E'The ERP''s message when it rejected the order.';
comment on column sincro.order_push.acquired_at is E'When the ERP''s answer was written back.';
comment on column sincro.order_push.created_at is E'When the order was queued for the ERP.';
comment on column sincro.order_push.updated_at is E'Last state change.';
