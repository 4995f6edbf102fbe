import { sql, type Kysely } from 'kysely';

/**
 * Marking and extension definitions (the Rampart extension-definition among them) join the reference library
 * (src/stix/reference-library.ts VOCABULARY_TYPES): they say how to read other objects, so the Intelligence list
 * leaves them out unless the library is asked for, as the dashboard already counted them. Versions stored before
 * this are flagged here, with their audience rows (migration 0040); the write path flags new ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update stix_version set reference = 1 where type in ('marking-definition', 'extension-definition') and reference = 0`.execute(db);
  await sql`update stix_audience set reference = 1 where reference = 0 and added_us in (select added_us from stix_version where type in ('marking-definition', 'extension-definition'))`.execute(db);
}
