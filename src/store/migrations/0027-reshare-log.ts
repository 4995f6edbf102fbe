import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * Each change of an object's sharing, in the order made (`seq`): the alert matcher reads it from its
 * own cursor, so an object re-shared while no server process was running (the CLI, a restore) is
 * matched against watch rules when one starts, as a re-share heard live is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('stix_reshare')
    .addColumn('seq', sqlite ? 'integer' : sql`bigserial`, (c) => (sqlite ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .execute();
}
