import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL (as migration 0045 for SQLite): each stix_value row carries its version's owner and audience (the same columns of stix_version, kept in step by
 * the write path: inserted with the version, rewritten in the same transaction when a re-share changes the version's
 * audience), and the value index holds them (`include`), so a member's value search leaves out what it may not see inside the
 * index, before looking any version up. It looked up every version naming the value (2,017 for a common domain among
 * 1,000,000 objects, to find the 621 it may see) where the operator stops at the 1,001st. The sharing rule is still tested
 * on every version read (visibleInRow): these columns only spare lookups.
 * The columns are filled by writing the table anew, each row's read from stix_version (a change of the new columns' type to
 * the same one, USING a function of the row's added time). An UPDATE of every row left the table and its indexes half dead
 * tuples (an index built in the same transaction holds both versions of each row: 305 MB instead of 201 MB at 1,000,000
 * objects); a new table renamed in its place dropped a table from under Kysely's migrator, which reads every schema's
 * columns, in a test schema migrating beside it. Index-only scans of the value index need the table vacuumed after
 * (autovacuum does it): 34 s for the 1,000,000-object search world at load 13, then 8 s of VACUUM.
 * SQLite: nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  // Kysely runs a PostgreSQL migration in one transaction: the setting ends with it.
  await sql`set local maintenance_work_mem = '256MB'`.execute(db);
  // The primary key is built again with the sharing columns; the other index is rebuilt by the table's rewrite.
  await sql`alter table stix_value drop constraint stix_value_pk`.execute(db);
  for (const column of ['owner', 'audience']) {
    await sql`create function ${sql.raw(`migration_0047_${column}`)}(bigint) returns text language sql volatile as ${sql.lit(`select ${column} from stix_version where added_us = $1`)}`.execute(db);
  }
  await sql`alter table stix_value add column owner text, add column audience text`.execute(db);
  // A change of type (to the same) with USING makes PostgreSQL write the table anew, computing each row's new value.
  await sql`alter table stix_value alter column owner type text using migration_0047_owner(added_us), alter column audience type text using migration_0047_audience(added_us)`.execute(db);
  // A value row of no version (none is written so) has no sharing to copy: nobody reads it but to delete it.
  await sql`delete from stix_value where owner is null or audience is null`.execute(db);
  await sql`alter table stix_value alter column owner set not null, alter column audience set not null`.execute(db);
  await sql`drop function migration_0047_owner(bigint), migration_0047_audience(bigint)`.execute(db);
  await sql`alter table stix_value add constraint stix_value_pk primary key (kind, value, prefix, added_us) include (owner, audience)`.execute(db);
  await sql`analyze stix_value`.execute(db);
}
