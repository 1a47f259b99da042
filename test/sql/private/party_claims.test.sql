-- sincro_private.current_party / set_party / restore_party: only the hub can claim a party.
begin;
select plan(5);

-- TEST: no claim, no party
select is(sincro_private.current_party(), null, 'no setting: NULL');
-- TEST: a bare claim is ignored
set local sincro.party = 'G';
select is(sincro_private.current_party(), null, 'sincro.party = G without the secret: NULL');
set local sincro.party = 'G:guess';
select is(sincro_private.current_party(), null, 'a wrong secret: NULL');
-- TEST: set_party claims with the secret, and returns the previous setting
select sincro_private.set_party('H') as previous \gset
select is(sincro_private.current_party(), 'H', 'set_party(H): H');
-- TEST: restore_party puts the previous setting back
select sincro_private.restore_party(:'previous');
select is(current_setting('sincro.party'), 'G:guess', 'restore_party restores the raw previous value');

select * from finish();
rollback;
