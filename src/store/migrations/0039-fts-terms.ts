import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL: every lexeme of the versions' full-text documents (the `fts` column, migration 0035) in a
 * table of its own, kept by a trigger on each statement that adds versions (a version's text never changes
 * once stored: updates set is_latest and the audience), so a words search can
 * ask the GIN index for the lexemes that start each word instead of for the prefix: GIN reads every
 * posting list a prefix covers (600 ms for `poll:* & worker:* & portal:*` among 1,000,000 objects at load
 * 11, against 33 ms for the three lexemes). SQLite reads its index's terms from stix_fts_vocab (0037).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  await sql`create table stix_fts_term (term text collate "C" primary key)`.execute(db);
  await sql`insert into stix_fts_term select distinct unnest(tsvector_to_array(fts)) from stix_version on conflict do nothing`.execute(db);
  await sql`create function stix_fts_term_add() returns trigger language plpgsql as $$
    begin
      insert into stix_fts_term select distinct unnest(tsvector_to_array(fts)) from added on conflict do nothing;
      return null;
    end $$`.execute(db);
  await sql`create trigger stix_fts_term_insert after insert on stix_version referencing new table as added for each statement execute function stix_fts_term_add()`.execute(db);
  await sql`analyze stix_fts_term`.execute(db);
}
