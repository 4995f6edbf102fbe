import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The reference flag of each version (migration 0034) copied onto its stix_audience rows, with an index of the
 * rows of everything else by key in added order. A working list (the reference library left out) walks its
 * reader's keys in added order: on a hub whose library was loaded at first start, `public` begins with
 * thousands of library versions (7,702 in bench:load's world), each read and joined to its version only to be
 * left out, before the first item of the page. The write path sets the flag on every audience row it writes.
 * PostgreSQL also keeps statistics of the key and the flag together: counted apart, it guessed that 2,403 of
 * `public`'s rows were not the library's (291 were) and read the whole key and sorted it rather than the index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table stix_audience add column reference integer not null default 0`.execute(db);
  await sql`update stix_audience set reference = 1 where added_us in (select added_us from stix_version where reference = 1)`.execute(db);
  await sql`create index stix_audience_news on stix_audience (key, added_us) where reference = 0`.execute(db);
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create statistics stix_audience_key_reference (mcv, dependencies) on key, reference from stix_audience`.execute(db);
  await sql`analyze stix_audience`.execute(db);
}
