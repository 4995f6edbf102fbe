import { sql } from 'kysely';
import { openDatabase, type Database, type DialectName } from './db.ts';
import { migrateToLatest } from './migrations/index.ts';
import { kyselyStixStore, type StixStoreOptions } from './stix-store.ts';
import type { StixStore } from './types.ts';

export type { Database, DialectName } from './db.ts';
export type * from './types.ts';

/**
 * Everything the server and the CLI need of storage. Capabilities with their own tables reach
 * them through `database.db.withTables<TheirTables>()` in their own src/store/<x>.ts.
 */
export interface RampartStore {
  readonly stix: StixStore;
  readonly database: Database<unknown>;
  readonly dialect: DialectName;
  /** Resolves when the database answers a trivial query (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions extends StixStoreOptions {
  /** SQLite file path, `:memory:`, or a postgres:// URL (optionally with `?schema=`). */
  readonly url: string;
  /** PostgreSQL: every pooled connection opened at once and kept while idle (a server; OpenDatabaseOptions). */
  readonly keepConnections?: boolean;
}

// Kysely's migrator lists tables in every PostgreSQL schema; a schema dropped meanwhile (another test's) fails that listing.
const isSchemaGone = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '3F000';

async function migrate(database: Database<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateToLatest(database.db);
    } catch (error) {
      if (database.dialect !== 'postgres' || attempt >= 5 || !isSchemaGone(error)) throw error;
    }
  }
}

/** Opens the database at `url`, brings it to the latest migration, and returns the store. */
export async function openStore(options: OpenStoreOptions): Promise<RampartStore> {
  const database = await openDatabase<unknown>(options.url, { keepConnections: options.keepConnections === true });
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  let closed: Promise<void> | null = null;
  const close = () => (closed ??= database.close());
  const stix: StixStore = { ...kyselyStixStore(database, options), close };
  return {
    stix,
    database,
    dialect: database.dialect,
    ping: async () => {
      await sql`select 1`.execute(database.db);
    },
    close,
  };
}
