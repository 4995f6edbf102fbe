import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * What the alert matcher needs to read the directory once per change instead of once per pass, and to match in
 * one process at a time:
 * - `directory_mark`: one row whose `n` moves with every write to what the matcher reads about who watches what
 *   (organizations, people, sharing groups and their members, rules, watch lists, plans, email modes, webhooks),
 *   in the writing transaction itself (triggers here, so no write path can forget it): a process keeps the
 *   directory it read under the mark it read first, and reads it again when the mark has moved. Columns nobody
 *   matches on (a person's TOTP step, a webhook's failure count) do not move it.
 * - `notify_lease`: who matches now (owner, until when, epoch ms). Only an optimisation: the match cursor still
 *   decides, so two processes that both match record each alert once.
 */
const WATCHED: readonly { readonly table: string; readonly columns?: readonly string[] }[] = [
  { table: 'organization', columns: ['id', 'kind', 'state_fips', 'name'] },
  { table: 'account_user', columns: ['id', 'org_id', 'email', 'name', 'role', 'disabled_at'] },
  { table: 'sharing_group' },
  { table: 'sharing_group_member' },
  { table: 'notify_rule' },
  { table: 'notify_watch_item' },
  { table: 'notify_org_plan' },
  { table: 'notify_person' },
  { table: 'notify_webhook', columns: ['id', 'org_id', 'enabled'] },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const big = sqlite ? 'integer' : 'bigint';
  await db.schema
    .createTable('directory_mark')
    .addColumn('one', 'integer', (c) => c.primaryKey())
    .addColumn('n', big, (c) => c.notNull())
    .execute();
  await sql`insert into directory_mark (one, n) values (1, 0)`.execute(db);
  await db.schema
    .createTable('notify_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('until_ms', big, (c) => c.notNull())
    .execute();

  if (!sqlite) {
    await sql
      .raw(`create or replace function rampart_directory_changed() returns trigger language plpgsql as $$ begin update directory_mark set n = n + 1 where one = 1; return null; end $$`)
      .execute(db);
  }
  for (const { table, columns } of WATCHED) {
    const update = columns === undefined ? 'update' : `update of ${columns.join(', ')}`;
    if (sqlite) {
      // SQLite triggers are per row; each a cheap in-file update.
      for (const [op, event] of [
        ['insert', 'insert'],
        ['update', update],
        ['delete', 'delete'],
      ] as const) {
        await sql.raw(`create trigger ${table}_directory_${op} after ${event} on ${table} begin update directory_mark set n = n + 1 where one = 1; end`).execute(db);
      }
    } else {
      // Once per statement: seeding thousands of counties moves the mark once.
      await sql.raw(`create trigger ${table}_directory after insert or ${update} or delete on ${table} for each statement execute function rampart_directory_changed()`).execute(db);
      await sql.raw(`create trigger ${table}_directory_truncate after truncate on ${table} for each statement execute function rampart_directory_changed()`).execute(db);
    }
  }
}
