/*
 * "Particolarità": a customer's own price or discount on an article, valid
 * from a date (and possibly to one). ERP-owned: written by syncs only.
 */
create table sincro.particolarita (
  azi text not null references sincro_private.company (azi) on delete restrict,
  cod_cli text not null,
  cod_art text not null,
  valido_dal date not null,
  valido_al date,
  prezzo numeric(14, 4),
  sconto numeric(6, 2),
  id_sincro bigint not null,
  deleted boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (azi, cod_cli, cod_art, valido_dal),
  constraint id_sincro_is_positive check (id_sincro > 0)
);

create index idx_particolarita__id_sincro on sincro.particolarita (azi, id_sincro);
-- No statistics on azi: with them, a company the last ANALYZE did not see is estimated at 0 rows, and
-- the planner may probe a sync batch through (azi, id_sincro) instead of the primary key (quadratic).
alter table sincro.particolarita alter column azi set statistics 0;

comment on table sincro.particolarita is E'Customer-specific prices and discounts (particolarità) of the ERP. Written by syncs only; followed by id_sincro.';
comment on column sincro.particolarita.azi is E'Company code.';
comment on column sincro.particolarita.cod_cli is E'Customer code.';
comment on column sincro.particolarita.cod_art is E'Article code.';
comment on column sincro.particolarita.valido_dal is E'First day it applies.';
comment on column sincro.particolarita.valido_al is E'Last day it applies (empty: open-ended).';
comment on column sincro.particolarita.prezzo is E'The customer''s price (empty: list price).';
comment on column sincro.particolarita.sconto is E'The customer''s discount, percent.';
comment on column sincro.particolarita.id_sincro is E'Change number of the row''s last change, from the company''s counter (shared with orders).';
comment on column sincro.particolarita.deleted is E'Tombstone: the ERP deleted it. Kept for the company''s tombstone_retention.';
comment on column sincro.particolarita.updated_at is E'Last change in the hub.';
