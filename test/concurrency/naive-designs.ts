/*
 * The designs the hub's counters guard against, installed into a throw-away
 * test database so that each race test can be shown failing against them
 * (STYLE.md: "each such test is shown once to fail against the naive design it
 * guards against"). Never used outside tests.
 */
import { Client } from "pg";

/**
 * Change numbers from a plain sequence, taken when the ERP writes the row
 * (instead of from the company counter at commit). A transaction holding N can
 * commit after one holding N+1, so a reader at cursor N+1 never sees N.
 */
export const PLAIN_SEQUENCE_ID_SINCRO = `
  drop trigger _950_assign_id_sincro on sincro.arportes;
  create sequence sincro_private.naive_id_sincro_seq;
  create function sincro_private.tg_arportes__naive_sequence_id_sincro()
  returns trigger language plpgsql volatile set search_path = '' as $$
  begin
    if new.id_sincro is null then
      new.id_sincro := pg_catalog.nextval('sincro_private.naive_id_sincro_seq');
    end if;
    return new;
  end;
  $$;
  create trigger _200_naive_id_sincro
    before insert or update on sincro.arportes
    for each row execute function sincro_private.tg_arportes__naive_sequence_id_sincro();
`;

/**
 * Change numbers from the company counter, but taken at the first row an ERP
 * transaction writes (a per-row BEFORE trigger) instead of at commit. Commit
 * order holds, but the counter lock is now taken between row locks: row A then
 * counter in one transaction, row B then counter in another, then A's
 * transaction wants row B: a deadlock.
 */
export const COUNTER_AT_FIRST_ROW_ID_SINCRO = `
  drop trigger _950_assign_id_sincro on sincro.arportes;
  create function sincro_private.tg_arportes__naive_counter_id_sincro()
  returns trigger language plpgsql volatile set search_path = '' as $$
  begin
    if new.id_sincro is null then
      update sincro_private.id_sincro_counter c
        set last_value = c.last_value + 1
        where c.azi = new.azi
        returning c.last_value into new.id_sincro;
    end if;
    return new;
  end;
  $$;
  create trigger _200_naive_id_sincro
    before insert or update on sincro.arportes
    for each row execute function sincro_private.tg_arportes__naive_counter_id_sincro();
`;

/**
 * Public IDs from a plain sequence (it overrides the counter's number; the
 * counter trigger still runs first, so validation and the retry check are the
 * hub's own). A rolled-back insert keeps its number: a gap.
 */
export const PLAIN_SEQUENCE_ID_PUB = `
  create sequence sincro_private.naive_id_pub_seq;
  create function sincro_private.tg_arportes__naive_sequence_id_pub()
  returns trigger language plpgsql volatile set search_path = '' as $$
  begin
    new.id_pub := pg_catalog.nextval('sincro_private.naive_id_pub_seq');
    return new;
  end;
  $$;
  create trigger _200_naive_id_pub
    before insert on sincro.arportes
    for each row execute function sincro_private.tg_arportes__naive_sequence_id_pub();
`;

/** Runs one of the scripts above; a multi-statement query is one implicit transaction. */
export async function installDesign(client: Client, sql: string): Promise<void> {
  await client.query(sql);
}
