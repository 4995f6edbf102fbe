import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * STIX objects: one row per version (exact bytes, and the object's sharing copied on every version
 * so reads need no join), the audience keys per version in their own table (indexed by key for the
 * visibility predicate), and the store's microsecond clock.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  // SQLite: INTEGER PRIMARY KEY makes added_us the rowid, so time order is the table's own order.
  await db.schema
    .createTable('stix_version')
    .addColumn('added_us', sqlite ? 'integer' : 'bigint', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('modified', 'text')
    .addColumn('mod_key', 'text', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull())
    .addColumn('is_latest', 'integer', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('json', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('tlp', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stix_version_id_mod').unique().on('stix_version').columns(['id', 'mod_key']).execute();
  await db.schema.createIndex('stix_version_type').on('stix_version').columns(['type', 'added_us']).execute();

  await db.schema.createIndex('stix_version_owner').on('stix_version').columns(['owner', 'added_us']).execute();

  // One row per version and audience key, keyed (key, added_us): what a key may see in time order
  // (the index-driven listing), and "may one of these keys see this version" (the EXISTS form).
  const audience = db.schema
    .createTable('stix_audience')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('added_us', sqlite ? 'integer' : 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stix_audience_pk', ['key', 'added_us']);
  await (sqlite ? audience.modifyEnd(sql`without rowid`) : audience).execute();

  await db.schema
    .createTable('stix_clock')
    .addColumn('one', 'integer', (c) => c.primaryKey())
    .addColumn('last_us', sqlite ? 'integer' : 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into stix_clock (one, last_us) values (1, 0)`.execute(db);
}
