import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL: the versions shared with every member (an audience holding `public` or `community`), outside the
 * reference library, indexed by added time. They are most of what a member sees (three in ten versions of the
 * 1,000,000 search world, its other keys a few in a thousand), so a member's search and list walk this index and
 * look up only their other keys' versions one by one, instead of filtering every version newest first (a
 * county member read about three versions for each one it could see; the operator one) or looking up every
 * version its keys hold in stix_audience. An index build only (no table rewrite), so a short hold of the
 * migration lock. SQLite: nothing (its check index already serves these reads).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  await sql`create index stix_version_shared on stix_version (added_us) where reference = 0 and (strpos(audience, '"public"') > 0 or strpos(audience, '"community"') > 0)`.execute(db);
}
