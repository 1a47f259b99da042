/*
 * The secret behind sincro.party claims (see sincro_private.current_party):
 * only the hub's own SECURITY DEFINER functions can read it, so only they can
 * claim to act as the ERP (G) or the hub (H).
 */
create table sincro_private.party_secret (
  singleton boolean primary key default true constraint one_row check (singleton),
  secret text not null default pg_catalog.md5(pg_catalog.gen_random_uuid()::text || pg_catalog.clock_timestamp()::text)
);
insert into sincro_private.party_secret default values;

comment on table sincro_private.party_secret is
  E'One random secret that proves a sincro.party claim comes from the hub''s own functions. Readable by the owner only.';
comment on column sincro_private.party_secret.singleton is E'Always true: the table has one row.';
comment on column sincro_private.party_secret.secret is E'Random token appended to the sincro.party setting by set_party.';
