import type { Kysely } from 'kysely';

/**
 * Each version is bounded by its own marking (DESIGN.md): a RED version may only ever reach the
 * people it named while it was the object's newest version, so those are kept beside the audience
 * it has now (JSON array of user:<id> keys; null for other TLPs, and for versions stored before this
 * migration, whose present audience then stands for it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stix_version').addColumn('named_users', 'text').execute();
}
