import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL: the full-text document (`fts`, migration 0035) made of the same words as SQLite's FTS5 index, with
 * every ASCII punctuation mark read as a space before parsing. PostgreSQL's parser kept host names, URLs, email
 * addresses and file paths whole (`pollworker-pay-10015.example`): a search for `portal` missed `vote-portal.example`
 * that SQLite finds (its tokenizer splits on every character that is not a letter or digit), and `poll` or `portal`
 * started thousands of such lexemes, so they stayed prefixes that GIN reads whole (653 ms p99 for best match first of
 * "poll worker portal" among 1,000,000 objects). The column is added again (PostgreSQL 15 cannot change a generated
 * column's expression), its GIN index rebuilt and stix_fts_term (migration 0039) filled from the new lexemes.
 * SQLite: nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  // Kysely runs a PostgreSQL migration in one transaction: these settings end with it.
  await sql`set local maintenance_work_mem = '256MB'`.execute(db);
  await sql`alter table stix_version drop column fts`.execute(db);
  await sql`alter table stix_version add column fts tsvector generated always as (to_tsvector('simple', translate(coalesce(name, '') || ' ' || coalesce(description, ''), ${sql.lit(PUNCTUATION)}, ${sql.lit(' '.repeat(PUNCTUATION.length))}))) stored`.execute(db);
  await sql`create index stix_version_fts on stix_version using gin (fts)`.execute(db);
  await sql`truncate stix_fts_term`.execute(db);
  await sql`insert into stix_fts_term select distinct unnest(tsvector_to_array(fts)) from stix_version`.execute(db);
  await sql`analyze stix_version`.execute(db);
  await sql`analyze stix_fts_term`.execute(db);
}

/** Every ASCII character that is neither a letter, a digit nor a space: each is read as a space. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
