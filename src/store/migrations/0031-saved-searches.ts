import { SqliteAdapter, type Kysely } from 'kysely';

/** Saved searches (issue 14): a person's named search of the Intelligence list, its filters kept as the list's query. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('saved_search')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', sqlite ? 'integer' : 'bigint', (c) => c.notNull())
    .addUniqueConstraint('saved_search_user_name', ['user_id', 'name'])
    .execute();
}
