import type { Kysely } from 'kysely';

/**
 * TAXII server state: collections an org-admin defines by filter, the status resources of POSTs
 * (kept at least 24 h, TAXII §4.3), and objects withdrawn from TAXII by their owner's DELETE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('taxii_collection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('alias', 'text')
    .addColumn('types', 'text', (c) => c.notNull()) // JSON array of STIX types; empty means every type
    .addColumn('audience_key', 'text', (c) => c.notNull())
    .addColumn('created_us', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('taxii_collection_org').on('taxii_collection').columns(['org_id']).execute();
  await db.schema.createIndex('taxii_collection_alias').on('taxii_collection').columns(['org_id', 'alias']).unique().execute();

  await db.schema
    .createTable('taxii_status')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('created_us', 'bigint', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull()) // the status resource as served
    .execute();
  await db.schema.createIndex('taxii_status_created').on('taxii_status').columns(['created_us']).execute();

  // version '*' withdraws every version; otherwise the STIX version (modified) withdrawn.
  await db.schema
    .createTable('taxii_withdrawn')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('withdrawn_us', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('taxii_withdrawn_pk', ['object_id', 'version'])
    .execute();
}
