import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * When each re-share was made, on the store's clock (`at_us`, a tick reserved as a version's added_us is): a live
 * stream resumed with Last-Event-ID (an added time) finds in the log the re-shares made after it. Entries logged before
 * this migration have none, and are not found by a resume.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema.alterTable('stix_reshare').addColumn('at_us', sqlite ? 'integer' : 'bigint').execute();
  await sql`create index stix_reshare_at on stix_reshare (at_us)`.execute(db);
}
