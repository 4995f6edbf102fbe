import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * Faster searches and totals at 1,000,000 objects (docs/benchmarks.md, Search).
 * PostgreSQL: the full-text document of a version (its name and description) stored as a generated
 * tsvector column, `fts`, with the GIN index over it instead of over the expression: a query testing
 * rows one by one (newest first, or the recheck of a bitmap scan) no longer parses each row's text again.
 * Then fresh statistics, so the planner knows the new columns (`reference`, migration 0034, too).
 * SQLite: an index holding what the sharing rule and the list's usual filters read of a version (its
 * added time, whether latest, the reference flag, type, owner and audience), so a count tests each
 * candidate from the index alone instead of reading the version's row, JSON and all.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`create index stix_version_check on stix_version (added_us, is_latest, reference, type, owner, audience)`.execute(db);
    return;
  }
  await sql`alter table stix_version add column fts tsvector generated always as (to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(description, ''))) stored`.execute(db);
  await sql`drop index if exists stix_version_fts`.execute(db);
  await sql`create index stix_version_fts on stix_version using gin (fts)`.execute(db);
  await sql`analyze stix_version`.execute(db);
}
