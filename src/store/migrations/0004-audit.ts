import { sql, type Kysely } from 'kysely';

/**
 * The append-only audit log, hash-chained: each entry's hash covers the previous hash and the entry.
 * `audit_head` holds the last seq and hash so a dropped tail shows, and serializes appends (row lock).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_entry')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_org', 'text')
    .addColumn('actor_user', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('subject_org', 'text') // owner of the object concerned, so owners see reads of their objects
    .addColumn('details', 'text', (c) => c.notNull()) // canonical JSON object
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_entry_actor_org').on('audit_entry').columns(['actor_org', 'seq']).execute();
  await db.schema.createIndex('audit_entry_subject_org').on('audit_entry').columns(['subject_org', 'seq']).execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);
}
