import { SqliteAdapter, sql, type Kysely } from 'kysely';
import { searchValuesOf } from '../search-values.ts';

const CHUNK = 2000;

/**
 * Search (issue 14). `stix_value`: one row per stored version and observable value it names (an
 * indicator's pattern constants, addresses, domains, URLs, email addresses and hashes in its text;
 * src/store/search-values.ts), keyed (kind, value, prefix, added_us) so a value, a domain with its
 * subdomains, or the IP blocks inside or around a query block, is an index range.
 * Full text: SQLite keeps an FTS5 index of name and description keyed by added_us (contentless:
 * the text stays in stix_version alone); PostgreSQL a GIN index over their tsvector.
 * Versions stored before this migration are indexed here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const table = db.schema
    .createTable('stix_value')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('prefix', 'integer', (c) => c.notNull())
    .addColumn('added_us', sqlite ? 'integer' : 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stix_value_pk', ['kind', 'value', 'prefix', 'added_us']);
  await (sqlite ? table.modifyEnd(sql`without rowid`) : table).execute();
  // Rows of a version, to delete them when the version is replaced.
  await db.schema.createIndex('stix_value_added').on('stix_value').columns(['added_us']).execute();

  if (sqlite) {
    await sql`create virtual table stix_fts using fts5(name, description, content='', contentless_delete=1)`.execute(db);
    await sql`insert into stix_fts (rowid, name, description) select added_us, coalesce(name, ''), coalesce(description, '') from stix_version`.execute(db);
  } else {
    await sql`create index stix_version_fts on stix_version using gin (to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(description, '')))`.execute(db);
  }

  let after = -1;
  for (;;) {
    const { rows } = await sql<{ added_us: number | string; json: string }>`select added_us, json from stix_version where added_us > ${after} order by added_us limit ${CHUNK}`.execute(db);
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    after = Number(last.added_us);
    for (const r of rows) {
      for (const v of searchValuesOf(r.json)) {
        await sql`insert into stix_value (kind, value, prefix, added_us) values (${v.kind}, ${v.value}, ${v.prefix}, ${Number(r.added_us)}) on conflict do nothing`.execute(db);
      }
    }
  }
}
