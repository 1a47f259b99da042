/*
 * The ERP-owned entities a sync writes, other than orders: wire name, hub
 * table and key columns. The generic apply, tombstone and purge functions
 * read it, so a new entity is a table and a row here.
 */
create table sincro_private.erp_entity (
  entity text primary key,
  table_name regclass not null unique,
  key_columns text[] not null
    constraint key_columns_is_not_empty check (cardinality(key_columns) > 0)
);

insert into sincro_private.erp_entity (entity, table_name, key_columns) values
  ('accessory', 'sincro.tabelle_accessorie', '{tabella,codice}'),
  ('article', 'sincro.articoli', '{cod_art}'),
  ('customer', 'sincro.clienti', '{cod_cli}'),
  ('particolarita', 'sincro.particolarita', '{cod_cli,cod_art,valido_dal}'),
  ('document', 'sincro.documenti', '{tipo_doc,numero}');

comment on table sincro_private.erp_entity is E'ERP-owned entities other than orders: the wire name the ERP uses, the hub table, its key columns after azi.';
comment on column sincro_private.erp_entity.entity is E'Name on the wire (ERP API): accessory, article, customer, particolarita, document.';
comment on column sincro_private.erp_entity.table_name is E'Hub table holding the entity.';
comment on column sincro_private.erp_entity.key_columns is E'Key columns after azi, in primary-key order.';
