-- The reference ERP's own schema: created at start if missing, in the ERP's own database.
create schema if not exists erp_ref;

create table if not exists erp_ref.company (
  azi text primary key,
  last_order_number bigint not null default 0,
  last_customer_number bigint not null default 0
);

create table if not exists erp_ref.customer (
  azi text not null references erp_ref.company (azi),
  code text not null,
  web_id bigint,
  data jsonb not null,
  created_at timestamptz not null default now(),
  primary key (azi, code),
  unique (azi, web_id)
);

create table if not exists erp_ref.orders (
  azi text not null references erp_ref.company (azi),
  tor_chia text not null,
  web_id bigint,
  conferma text,
  cliente_cod text,
  operatore_cod text,
  data jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (azi, tor_chia),
  unique (azi, web_id)
);

create table if not exists erp_ref.change_log (
  seq bigserial primary key,
  azi text not null,
  entity text not null,
  key text not null,
  op text not null,
  at timestamptz not null default now()
);
