import type { Kysely } from 'kysely';

/**
 * Sharing: per-organization default audiences by TLP, sharing groups joined by invitation,
 * and who allowed their sightings to be counted in anonymous aggregates.
 * Org ids are STIX identity ids; no foreign keys to the accounts tables so the features stay apart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sharing_default')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull()) // JSON array of audience keys
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sharing_default_pk', ['org_id', 'tlp'])
    .execute();

  await db.schema
    .createTable('sharing_group')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_by_org', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sharing_group_member')
    .addColumn('group_id', 'text', (c) => c.notNull().references('sharing_group.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // invited | accepted | declined
    .addColumn('invited_by_org', 'text', (c) => c.notNull())
    .addColumn('invited_at', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .addPrimaryKeyConstraint('sharing_group_member_pk', ['group_id', 'org_id'])
    .execute();
  await db.schema.createIndex('sharing_group_member_org').on('sharing_group_member').columns(['org_id', 'status']).execute();

  // allow_counting: 1 yes, 0 no; an org row without a value falls back to the default rule.
  await db.schema
    .createTable('sharing_counting_org')
    .addColumn('org_id', 'text', (c) => c.primaryKey())
    .addColumn('allow_counting', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sharing_counting_object')
    .addColumn('object_id', 'text', (c) => c.primaryKey())
    .addColumn('allow_counting', 'integer', (c) => c.notNull())
    .execute();
}
