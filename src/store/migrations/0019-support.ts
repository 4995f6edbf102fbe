import { SqliteAdapter, type Kysely } from 'kysely';

/**
 * Support requests (workflow, not intelligence: plain tables, DESIGN.md): the services each provider
 * publishes, the requests offices make, the organizations a requester adds, and the messages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bigint = db.getExecutor().adapter instanceof SqliteAdapter ? 'integer' : 'bigint';
  await db.schema
    .createTable('support_offering')
    .ifNotExists()
    .addColumn('provider_org', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('support_offering_pk', ['provider_org', 'service'])
    .execute();
  await db.schema
    .createTable('support_request')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('requester_org', 'text', (c) => c.notNull())
    .addColumn('provider_org', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_for', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_request_requester').ifNotExists().on('support_request').columns(['requester_org', 'updated_at']).execute();
  await db.schema.createIndex('support_request_provider').ifNotExists().on('support_request').columns(['provider_org', 'updated_at']).execute();
  await db.schema
    .createTable('support_party')
    .ifNotExists()
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('added_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('support_party_pk', ['request_id', 'org_id'])
    .execute();
  await db.schema.createIndex('support_party_org').ifNotExists().on('support_party').column('org_id').execute();
  await db.schema
    .createTable('support_message')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('author_org', 'text', (c) => c.notNull())
    .addColumn('author_user', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_message_request').ifNotExists().on('support_message').columns(['request_id', 'at']).execute();
}
