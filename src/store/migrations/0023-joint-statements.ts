import { SqliteAdapter, type Kysely } from 'kysely';

/**
 * Joint statements before they are published (plain workflow tables, DESIGN.md) and the organizations'
 * Ed25519 signing keys (private keys sealed with the server key). The published statement is a STIX report.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bigint = db.getExecutor().adapter instanceof SqliteAdapter ? 'integer' : 'bigint';
  await db.schema
    .createTable('signing_key')
    .ifNotExists()
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sealed_private', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('retired_at', bigint)
    .addColumn('revoked_at', bigint)
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema.createIndex('signing_key_org').ifNotExists().on('signing_key').columns(['org_id', 'status']).execute();
  await db.schema
    .createTable('statement')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('author_org', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stix_id', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addColumn('published_at', bigint)
    .execute();
  await db.schema
    .createTable('statement_signer')
    .ifNotExists()
    .addColumn('statement_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('approved_hash', 'text')
    .addColumn('approved_at', bigint)
    .addColumn('approved_by', 'text')
    .addPrimaryKeyConstraint('statement_signer_pk', ['statement_id', 'org_id'])
    .execute();
  await db.schema.createIndex('statement_signer_org').ifNotExists().on('statement_signer').columns(['org_id']).execute();
}
