/*
 * Which party a database login acts for. Store, app and ERP logins are bound
 * to one company (an app login also to one device and its agent); worker and
 * admin logins serve every company and are known by their group role alone.
 * Created by sincro.create_login; read by the policies and triggers through
 * session_user, which a client cannot change.
 */
create table sincro_private.login (
  azi text not null references sincro_private.company (azi) on delete cascade,
  login name not null,
  kind text not null,
  prov_id text,
  cod_agente text,
  created_at timestamptz not null default now(),
  primary key (azi, login),
  constraint login_is_unique unique (login),
  constraint kind_is_company_bound check (kind in ('store', 'app', 'erp')),
  constraint prov_id_only_for_app check ((kind = 'app') = (prov_id is not null)),
  constraint cod_agente_only_for_app check (kind = 'app' or cod_agente is null)
);

comment on table sincro_private.login is
  E'Database logins bound to a company: the party (store, app, erp), and for an app its device and agent. Written by sincro.create_login.';
comment on column sincro_private.login.azi is E'Company the login may see and write.';
comment on column sincro_private.login.login is E'The login role''s name (session_user when it connects).';
comment on column sincro_private.login.kind is E'store, app or erp.';
comment on column sincro_private.login.prov_id is E'For an app login: the device ID it writes as prov_id.';
comment on column sincro_private.login.cod_agente is E'For an app login: the sales agent whose ERP-made orders the device may read.';
comment on column sincro_private.login.created_at is E'When the login was created.';
