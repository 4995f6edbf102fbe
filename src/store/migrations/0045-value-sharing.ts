import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * SQLite: each stix_value row carries its version's owner and audience (the version's own columns, copied), so a
 * member's value search applies the sharing rule to the value's index range as it reads it and looks up only the
 * versions it may see. Before, every version naming the value was looked up in stix_version_check to test the rule
 * there: a county member tested all 2,017 versions naming a domain (1,000,000 objects) to find the 621 it may see,
 * where the operator stops at 1,001 (docs/benchmarks.md, Search). The write path writes both columns with each row
 * and rewrites the audience in the transaction that re-shares the version (setSharing). Reads still test the rule on
 * the version itself, so these copies can only narrow what a value search finds, never widen it.
 * PostgreSQL: nothing (its value search reads stix_value as before).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await sql`alter table stix_value add column owner text not null default ''`.execute(db);
  await sql`alter table stix_value add column audience text not null default '[]'`.execute(db);
  await sql`update stix_value set owner = v.owner, audience = v.audience from stix_version v where v.added_us = stix_value.added_us`.execute(db);
}
