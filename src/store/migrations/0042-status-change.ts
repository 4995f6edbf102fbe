import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * What a process's cache of election-day roll-ups (src/status/rollup-cache.ts) compares to know what it read
 * still holds: `status_change`, one row whose `n` moves, in the writing transaction itself (triggers, so no write
 * path can forget it), with every change to status reports that is NOT a new version being added (a stored
 * version updated or deleted: demoted by a newer version, replaced, reshared; a status_report row updated or
 * deleted) and with every change to the states' expectations. A new report only raises the election's newest
 * added time in status_report (one writer at a time, so added times follow commit order): the cache then reads
 * only the reports added since, under the visibility predicate, instead of the whole election again.
 */
const STATUS_REPORT = 'x-rampart-status-report';

export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('status_change')
    .addColumn('one', 'integer', (c) => c.primaryKey())
    .addColumn('n', sqlite ? 'integer' : 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into status_change (one, n) values (1, 0)`.execute(db);
  const bump = 'update status_change set n = n + 1 where one = 1';
  if (sqlite) {
    // Per row; each a cheap in-file update. The WHEN keeps every other type's versions out of it.
    for (const op of ['update', 'delete']) {
      await sql.raw(`create trigger stix_version_status_${op} after ${op} on stix_version when old.type = '${STATUS_REPORT}' begin ${bump}; end`).execute(db);
      await sql.raw(`create trigger status_report_change_${op} after ${op} on status_report begin ${bump}; end`).execute(db);
    }
    for (const op of ['insert', 'update', 'delete']) await sql.raw(`create trigger election_expectation_change_${op} after ${op} on election_expectation begin ${bump}; end`).execute(db);
    return;
  }
  await sql.raw(`create or replace function rampart_status_changed() returns trigger language plpgsql as $$ begin ${bump}; return null; end $$`).execute(db);
  // Per row with a WHEN on the type, evaluated without calling the function: other types' versions cost nothing more.
  await sql.raw(`create trigger stix_version_status_change after update or delete on stix_version for each row when (old.type = '${STATUS_REPORT}') execute function rampart_status_changed()`).execute(db);
  await sql.raw(`create trigger status_report_change after update or delete on status_report for each statement execute function rampart_status_changed()`).execute(db);
  await sql.raw(`create trigger election_expectation_change after insert or update or delete on election_expectation for each statement execute function rampart_status_changed()`).execute(db);
  for (const table of ['stix_version', 'status_report', 'election_expectation']) {
    await sql.raw(`create trigger ${table}_status_truncate after truncate on ${table} for each statement execute function rampart_status_changed()`).execute(db);
  }
}
