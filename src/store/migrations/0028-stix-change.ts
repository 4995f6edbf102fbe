import { type Kysely } from 'kysely';

/**
 * A change counter per STIX type, bumped by every write transaction that inserts, replaces, demotes or
 * reshares versions of that type (src/store/stix-write.ts): what a cache of derived data (the persisted
 * match index, src/matching/persisted-index.ts) compares to know it is still current.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stix_change')
    .ifNotExists()
    .addColumn('type', 'text', (c) => c.primaryKey())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();
}
