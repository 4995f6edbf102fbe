import { sql, type Kysely } from 'kysely';

/**
 * The hub's directory (each member organization's own identity, owned by that organization) joins the
 * reference library (src/stix/reference-library.ts), so the Intelligence list leaves it out unless the
 * library is asked for, as the dashboard already did. Versions stored before this are flagged here; the write
 * path flags new ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update stix_version set reference = 1 where type = 'identity' and id = owner and reference = 0`.execute(db);
}
