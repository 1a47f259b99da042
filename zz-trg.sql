select c.relname, t.tgname, pg_get_triggerdef(t.oid) ~ 'FOR EACH ROW' as row_level, p.proname
from pg_trigger t join pg_class c on c.oid=t.tgrelid join pg_proc p on p.oid=t.tgfoid
where c.relname in ('arportes','arporrig','order_push','arportes_history') and not t.tgisinternal order by 1,2;
select indexrelid::regclass, pg_get_indexdef(indexrelid) from pg_index where indrelid='sincro.arportes'::regclass;
