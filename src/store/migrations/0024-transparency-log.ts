import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * The public transparency log (docs/transparency.md): hash-chained entries and the hub's signed checkpoints,
 * both append-only (a trigger refuses UPDATE and DELETE, TRUNCATE too on PostgreSQL); `transparency_head`
 * holds the last seq and hash and serializes appends. `platform_share` records reports officials shared
 * with platform partners (workflow, not STIX); each share and response is also an entry of the log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const bigint = sqlite ? 'integer' : 'bigint';
  await db.schema
    .createTable('transparency_entry')
    .addColumn('seq', bigint, (c) => c.primaryKey())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull()) // RFC 8785 canonical JSON
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('transparency_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', bigint, (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into transparency_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);
  await db.schema
    .createTable('transparency_checkpoint')
    .addColumn('id', bigint, (c) => c.primaryKey())
    .addColumn('tree_size', bigint, (c) => c.notNull())
    .addColumn('head_hash', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('hub', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('platform_share')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('object_public', 'integer', (c) => c.notNull())
    .addColumn('shared_by_org', 'text', (c) => c.notNull())
    .addColumn('shared_by_user', 'text')
    .addColumn('platform_org', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('shared_at', 'text', (c) => c.notNull())
    .addColumn('response', 'text')
    .addColumn('response_outcome', 'text')
    .addColumn('response_at', 'text')
    .addColumn('response_by_org', 'text')
    .addColumn('seq', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('platform_share_by').on('platform_share').columns(['shared_by_org', 'shared_at']).execute();
  await db.schema.createIndex('platform_share_platform').on('platform_share').columns(['platform_org', 'shared_at']).execute();

  for (const table of ['transparency_entry', 'transparency_checkpoint']) {
    if (sqlite) {
      for (const op of ['update', 'delete']) {
        await sql
          .raw(`create trigger ${table}_no_${op} before ${op} on ${table} begin select raise(abort, '${table} is append-only: entries are never changed or removed'); end`)
          .execute(db);
      }
    } else {
      await sql
        .raw(
          `create or replace function rampart_append_only() returns trigger language plpgsql as $$ begin raise exception '% is append-only: entries are never changed or removed', tg_table_name; end $$`,
        )
        .execute(db);
      await sql.raw(`create trigger ${table}_append_only before update or delete on ${table} for each row execute function rampart_append_only()`).execute(db);
      await sql.raw(`create trigger ${table}_no_truncate before truncate on ${table} for each statement execute function rampart_append_only()`).execute(db);
    }
  }
}
