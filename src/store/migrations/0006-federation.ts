import type { Kysely } from 'kysely';

/**
 * Federation: remote TAXII servers an org-admin registered as feeds, where each pull stands
 * (resumable after a crash), and which objects came in through which feed (for loop detection and
 * for narrowing an object locally when it vanishes from the feed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('federation_feed')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull()) // pull | push
    .addColumn('credential_ref', 'text', (c) => c.notNull()) // env:<VAR> or none; never the secret itself
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull()) // JSON array of audience keys
    .addColumn('types', 'text') // JSON array of STIX types, or null for all
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_run_at', 'text')
    .addColumn('last_status', 'text') // ok | error
    .addColumn('last_message', 'text')
    .execute();
  await db.schema.createIndex('federation_feed_org').on('federation_feed').column('org_id').execute();

  await db.schema
    .createTable('federation_cursor')
    .addColumn('key', 'text', (c) => c.primaryKey()) // feed:<id> or pull:<url>#<collection>
    .addColumn('added_after', 'text')
    .addColumn('next', 'text')
    .addColumn('high_water', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('federation_received')
    .addColumn('source', 'text', (c) => c.notNull()) // feed:<id> or pull:<url>#<collection>
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull()) // JSON: the audience given on receipt
    .addColumn('withdrawn', 'integer', (c) => c.notNull()) // 1 once it vanished from the source and was narrowed here
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_received_pk', ['source', 'object_id'])
    .execute();
  await db.schema.createIndex('federation_received_object').on('federation_received').column('object_id').execute();
}
