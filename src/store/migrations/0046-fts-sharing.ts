import { SqliteAdapter, sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * SQLite: the full-text index gets a third column, `sharing`: each version's audience keys and owner as words
 * (sharingWords, src/store/visibility.ts: `0s` and the key's letters and digits, `0o` and the owner's), so that a
 * member's words search can ask FTS5 for the matches it may see (ftsSharing) instead of looking each match up and
 * testing the rule there: a county member's capped count of `impersonat` looked up 3,300 matches to find 1,001 it may
 * see, where the operator looks up 1,001 (docs/benchmarks.md, Search). FTS5 cannot add a column: the table is built
 * again from stix_version (about a minute for 1,000,000 versions), and its vocabulary table (migration 0037) with it.
 * Searches name the `name` and `description` columns, so a search word never matches a sharing word. The write path
 * writes the column with each version and rewrites the row in the transaction that re-shares the version.
 * PostgreSQL: nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`drop table if exists stix_fts_vocab`.execute(db);
  await sql`drop table stix_fts`.execute(db);
  await sql`create virtual table stix_fts using fts5(name, description, sharing, content='', contentless_delete=1)`.execute(db);
  // The words of sharingWords: keys and organization ids are letters, digits, colons and hyphens, the last two dropped.
  const word = (mark: string, text: RawBuilder<unknown>) => sql`${sql.lit(mark)} || replace(replace(${text}, ':', ''), '-', '')`;
  await sql`insert into stix_fts (rowid, name, description, sharing)
    select v.added_us, coalesce(v.name, ''), coalesce(v.description, ''),
      coalesce((select group_concat(${word('0s', sql`k.value`)}, ' ') from json_each(v.audience) k) || ' ', '') || ${word('0o', sql`v.owner`)}
    from stix_version v`.execute(db);
  await sql`create virtual table stix_fts_vocab using fts5vocab(stix_fts, 'row')`.execute(db);
}
