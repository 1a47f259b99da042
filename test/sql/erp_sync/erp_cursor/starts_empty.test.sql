-- sincro.erp_cursor: before any sync with the ERP, the company's ERP cursor is empty.
begin;
select plan(1);

select sincro_tests.setup_company('C00001') as a \gset

-- TEST: before any sync the cursor is empty
select is(sincro.erp_cursor('C00001'), '', 'cursor starts empty');

select * from finish();
rollback;
