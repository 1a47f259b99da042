/*
 * Writes a batch of the ERP's documents (quotes, delivery notes, invoices):
 * headers through upsert_erp_rows, lines replaced for the documents whose
 * lines differ from the hub's. A document whose lines changed gets a new
 * change number even if its header did not. At most the company's
 * max_lines_per_order lines per document (SY140). Each document's header
 * also carries its lines as JSON (documenti.righe, what the device feed
 * sends; each line its fields but the document's key, as all_changes_since
 * sends them), written in the same statement as the header: whatever the
 * ERP puts in data.righe is replaced.
 */
create or replace function sincro_private.upsert_documents(azi text, rows jsonb, run_id bigint default null)
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
-- a batch against tables of millions: probe primary keys, never hash or scan the big tables
set enable_hashjoin = off
set enable_mergejoin = off
set enable_seqscan = off
-- the settings above inflate cost estimates past JIT's thresholds: compiling would cost more than running
set jit = off
as $$
#variable_conflict use_column
declare
  v_azi constant text := upsert_documents.azi;
  v_bad jsonb;
  v_lines_changed text[];
  v_changed integer;
  v_lines sincro.documenti_righe[];
  v_rows jsonb;
  v_max_lines integer := (select c.max_lines_per_order from sincro_private.company c where c.azi = upsert_documents.azi);
  v_rule text;
begin
  -- validate
  if rows is null or pg_catalog.jsonb_typeof(rows) <> 'array' then
    raise exception using errcode = 'SY201', message = 'sync: document rows must be a JSON array';
  end if;
  select x -> 'key' into v_bad from pg_catalog.jsonb_array_elements(rows) x
    where pg_catalog.jsonb_typeof(coalesce(x -> 'data' -> 'lines', '[]')) <> 'array'
       or exists (select 1 from pg_catalog.jsonb_array_elements(
                    case when pg_catalog.jsonb_typeof(x -> 'data' -> 'lines') = 'array' then x -> 'data' -> 'lines' else '[]' end) l
                  where pg_catalog.jsonb_typeof(l) <> 'object')
    limit 1;
  if found then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: document %s: "lines" must be an array of line objects', v_bad),
      hint = 'Line fields: riga, articolo, descrizione, quantita, unita_misura, prezzo, sconto, iva.';
  end if;

  select x -> 'key' into v_bad from pg_catalog.jsonb_array_elements(rows) x
    where pg_catalog.jsonb_array_length(coalesce(x -> 'data' -> 'lines', '[]')) > v_max_lines
    limit 1;
  if found then
    perform sincro_private.raise_too_large(pg_catalog.format('sync: document %s', v_bad), 'the number of lines',
                                           (select pg_catalog.max(pg_catalog.jsonb_array_length(coalesce(x -> 'data' -> 'lines', '[]')))
                                            from pg_catalog.jsonb_array_elements(rows) x),
                                           v_azi, 'max_lines_per_order', v_max_lines);
  end if;

  -- which documents' lines differ (read before anything is written). Held in a variable, never in a
  -- temporary table: a caller could have created that table first, with a trigger of its own.
  begin
    select pg_catalog.array_agg(row(v_azi, d.tipo_doc, d.numero, coalesce(l.riga, o.n::integer), l.articolo, l.descrizione, l.quantita,
                                    l.unita_misura, l.prezzo, l.sconto, l.iva)::sincro.documenti_righe)
      into v_lines
    from (
      select distinct on (x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero')
             x -> 'key' ->> 'tipo_doc' as tipo_doc, x -> 'key' ->> 'numero' as numero,
             coalesce(x -> 'data' -> 'lines', '[]') as lines
      from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
      order by x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero', e.n desc
    ) d
    cross join lateral pg_catalog.jsonb_array_elements(d.lines) with ordinality o(line, n)
    cross join lateral pg_catalog.jsonb_populate_record(null::sincro.documenti_righe, o.line) l;
  exception when data_exception then
    raise exception using
      errcode = 'SY201',
      message = pg_catalog.format('sync: a document line has an invalid value (%s)', sqlerrm),
      hint = 'Send quantities and prices as JSON numbers or decimal strings.';
  end;

  select pg_catalog.array_agg(distinct c.tipo_doc || E'\x1f' || c.numero) into v_lines_changed
  from (
    (select n.tipo_doc, n.numero, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto, n.iva
     from pg_catalog.unnest(v_lines) n
     except all
     select r.tipo_doc, r.numero, r.riga, r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva
     from sincro.documenti_righe r
     where r.azi = v_azi and (r.tipo_doc, r.numero) in (select x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero'
                                                         from pg_catalog.jsonb_array_elements(rows) x))
    union all
    (select r.tipo_doc, r.numero, r.riga, r.articolo, r.descrizione, r.quantita, r.unita_misura, r.prezzo, r.sconto, r.iva
     from sincro.documenti_righe r
     where r.azi = v_azi and (r.tipo_doc, r.numero) in (select x -> 'key' ->> 'tipo_doc', x -> 'key' ->> 'numero'
                                                         from pg_catalog.jsonb_array_elements(rows) x)
     except all
     select n.tipo_doc, n.numero, n.riga, n.articolo, n.descrizione, n.quantita, n.unita_misura, n.prezzo, n.sconto, n.iva
     from pg_catalog.unnest(v_lines) n)
  ) c;

  -- apply: headers (each with its lines as JSON: data.righe, the ERP's own replaced), then the lines of the
  -- documents whose lines changed
  select pg_catalog.jsonb_agg(e.x || pg_catalog.jsonb_build_object('data', coalesce(e.x -> 'data', '{}')
                                       || pg_catalog.jsonb_build_object('righe', coalesce(l.righe, '[]'))) order by e.n)
    into v_rows
  from pg_catalog.jsonb_array_elements(rows) with ordinality e(x, n)
  left join (
    select n.tipo_doc, n.numero, pg_catalog.jsonb_agg(pg_catalog.to_jsonb(n) - '{azi,tipo_doc,numero}'::text[] order by n.riga) as righe
    from pg_catalog.unnest(v_lines) n
    group by n.tipo_doc, n.numero
  ) l on l.tipo_doc = e.x -> 'key' ->> 'tipo_doc' and l.numero = e.x -> 'key' ->> 'numero';
  v_changed := sincro_private.upsert_erp_rows('document', v_azi, coalesce(v_rows, '[]'), run_id, coalesce(v_lines_changed, '{}'));
  if v_lines_changed is not null then
    delete from sincro.documenti_righe r
      where r.azi = v_azi and r.tipo_doc || E'\x1f' || r.numero = any (v_lines_changed);
    begin
      insert into sincro.documenti_righe
        select n.* from pg_catalog.unnest(v_lines) n where n.tipo_doc || E'\x1f' || n.numero = any (v_lines_changed);
    exception when check_violation then
      get stacked diagnostics v_rule = constraint_name;
      raise exception using
        errcode = 'SY201',
        message = pg_catalog.format('sync: a document line breaks the rule %s (%s)', v_rule, sqlerrm),
        hint = 'Numbers must be numbers (not NaN).';
    end;
  end if;
  return v_changed;
end;
$$;

comment on function sincro_private.upsert_documents(text, jsonb, bigint) is
  E'Upserts a batch of ERP documents with their lines ([{"key":{"tipo_doc","numero"},"data":{...,"lines":[...]}}]); a document whose header or lines changed gets a new change number. Returns how many changed.';

-- who may use it
revoke all on function sincro_private.upsert_documents(text,jsonb,bigint) from public;
