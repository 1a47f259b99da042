/*
 * Makes the lines of one order equal to the ERP's list: lines not in the list
 * are deleted, new ones inserted, changed ones updated; unchanged lines are not
 * touched. Returns whether anything changed. Lines without `riga` are numbered
 * by their position in the list. At most the company's max_lines_per_order
 * lines (SY140); each field one value, not a JSON object or list (SY201).
 */
create or replace function sincro_private.replace_order_lines(azi text, id_pub bigint, lines jsonb)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  c_line_keys constant text[] := array[
    'riga', 'articolo', 'descrizione', 'quantita', 'unita_misura', 'prezzo', 'sconto',
    'iva', 'data_consegna', 'note'];
  v_azi constant text := replace_order_lines.azi;
  v_id_pub constant bigint := replace_order_lines.id_pub;
  v_line jsonb;
  v_position integer := 0;
  v_key text;
  v_rows sincro.arporrig[] := '{}';
  v_row sincro.arporrig;
  v_deleted integer;
  v_written integer;
  v_max_lines integer;
begin
  -- validate
  if lines is null or pg_catalog.jsonb_typeof(lines) <> 'array' or pg_catalog.jsonb_array_length(lines) = 0 then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: "lines" must be a non-empty array of line objects',
      hint = 'Send every line of the order: the list replaces the lines the hub holds.';
  end if;
  select c.max_lines_per_order into v_max_lines from sincro_private.company c where c.azi = v_azi;
  if pg_catalog.jsonb_array_length(lines) > v_max_lines then
    perform sincro_private.raise_too_large('erp_write_order', 'the number of lines', pg_catalog.jsonb_array_length(lines),
                                           v_azi, 'max_lines_per_order', v_max_lines);
  end if;
  for v_line in select * from pg_catalog.jsonb_array_elements(lines) loop
    v_position := v_position + 1;
    if pg_catalog.jsonb_typeof(v_line) <> 'object' then
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('erp_write_order: lines[%s] must be an object', v_position);
    end if;
    for v_key in select k from pg_catalog.jsonb_object_keys(v_line) k loop
      if not v_key = any (c_line_keys) then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('erp_write_order: lines[%s] has unknown field "%s"', v_position, v_key),
          hint = pg_catalog.format('Line fields: %s.', pg_catalog.array_to_string(c_line_keys, ', '));
      elsif pg_catalog.jsonb_typeof(v_line -> v_key) in ('object', 'array') then
        raise exception using
          errcode = 'SY201',
          message = pg_catalog.format('erp_write_order: lines[%s] field "%s" must be a string, a number or null (got a JSON %s)',
                                      v_position, v_key, pg_catalog.jsonb_typeof(v_line -> v_key));
      end if;
    end loop;
    begin
      v_row := pg_catalog.jsonb_populate_record(null::sincro.arporrig, v_line);
    exception when data_exception then
      perform sincro_private.raise_bad_field(pg_catalog.format('erp_write_order: lines[%s]', v_position), v_line, null::sincro.arporrig);
    end;
    v_row.azi := v_azi;
    v_row.id_pub := v_id_pub;
    v_row.riga := coalesce(v_row.riga, v_position);
    v_row.prezzo := coalesce(v_row.prezzo, 0);
    v_row.sconto := coalesce(v_row.sconto, 0);
    v_rows := v_rows || v_row;
  end loop;
  if (select count(distinct r.riga) from pg_catalog.unnest(v_rows) r) <> pg_catalog.cardinality(v_rows) then
    raise exception using
      errcode = 'SY201',
      message = 'erp_write_order: two lines have the same "riga"',
      hint = 'Give each line its own riga, or omit riga on all lines to number them by position.';
  end if;

  -- apply
  delete from sincro.arporrig r
    where r.azi = v_azi and r.id_pub = v_id_pub
      and r.riga <> all (select n.riga from pg_catalog.unnest(v_rows) n);
  get diagnostics v_deleted = row_count;

  insert into sincro.arporrig as r
    (azi, id_pub, riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva, data_consegna, note)
  select n.azi, n.id_pub, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto,
         n.iva, n.data_consegna, n.note
  from pg_catalog.unnest(v_rows) n
  order by n.riga
  on conflict (azi, id_pub, riga) do update
    set articolo = excluded.articolo, descrizione = excluded.descrizione, quantita = excluded.quantita,
        unita_misura = excluded.unita_misura, prezzo = excluded.prezzo, sconto = excluded.sconto,
        iva = excluded.iva, data_consegna = excluded.data_consegna, note = excluded.note,
        updated_at = now()
    where (r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva, r.data_consegna, r.note)
      is distinct from
      (excluded.articolo, excluded.descrizione, excluded.quantita, excluded.unita_misura, excluded.prezzo,
       excluded.sconto, excluded.iva, excluded.data_consegna, excluded.note);
  get diagnostics v_written = row_count;

  return v_deleted + v_written > 0;
end;
$$;

comment on function sincro_private.replace_order_lines(text, bigint, jsonb) is
  E'Makes the lines of an order equal to the ERP''s JSON list (delete, insert, update only what differs); returns whether anything changed.';

-- who may use it
revoke all on function sincro_private.replace_order_lines(text,bigint,jsonb) from public;
