-- Table changes for the next migration (npm run sql:compose puts them after the
-- drops and before sql/): ALTER TABLE, CREATE TABLE with its comments, indexes,
-- constraints, data moves. Empty this file's statements when the migration is
-- committed (npm run migration:commit does it).

-- erp_entity's comment said a new entity is "a table and a row here"; the feed names each table too
comment on table sincro_private.erp_entity is
  E'ERP-owned entities other than orders: the wire name the ERP uses, the hub table, its key columns after azi. The generic upsert, tombstone and purge read it; sincro.all_changes_since names each table (documents carry their lines), so a new entity is a table, a row here and a branch there.';
