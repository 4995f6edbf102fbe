import { readdirSync } from 'node:fs';
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const FOLDER = new URL('./', import.meta.url);
// .ts in the sources, .js in the build (dist/).
const MIGRATION_FILE = /^(\d{4})-[a-z0-9-]+\.[jt]s$/;

/**
 * Every migration of the store, in the order of its number: each file `NNNN-name.ts` (`.js` once built) in this folder
 * exports `up(db)`. Never edited once landed: a change is a new file. Each capability that owns
 * tables adds its own (0001 STIX objects, 0002 accounts, …) without touching a shared list.
 */
async function loadMigrations(): Promise<Record<string, Migration>> {
  const files = readdirSync(FOLDER).filter((f) => MIGRATION_FILE.test(f)).sort();
  const numbers = files.map((f) => f.slice(0, 4));
  const repeated = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (repeated !== undefined) throw new Error(`two migrations are numbered ${repeated}; renumber the newer one`);
  const migrations: Record<string, Migration> = {};
  for (const file of files) {
    const module = (await import(new URL(file, FOLDER).href)) as Partial<Migration>;
    if (typeof module.up !== 'function') throw new Error(`migration ${file} exports no up(db)`);
    migrations[file.replace(/\.[jt]s$/, '')] = { up: module.up };
  }
  return migrations;
}

const provider: MigrationProvider = { getMigrations: loadMigrations };

/** Brings the database to the latest migration; throws (a bug or a broken database) when one fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  // Kysely looks for its migration tables in every PostgreSQL schema: name ours, or tables in another schema (public) hide them.
  const schema = db.getExecutor().adapter instanceof PostgresAdapter ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'rampart_migration',
    migrationLockTableName: 'rampart_migration_lock',
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
}
