import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';

export type DialectName = 'sqlite' | 'postgres';

/** An open database connection: the one Kysely instance every repository of the store shares. */
export interface Database<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

/** True for postgres:// and postgresql:// URLs; anything else is a SQLite file path (or :memory:). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

// int8 columns (microsecond timestamps, counters) come back as numbers: they stay below 2^53.
const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID ? parseInt8 : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

/**
 * Opens SQLite (WAL, foreign keys on) or PostgreSQL. A PostgreSQL URL may carry `?schema=<name>`:
 * the schema is created when missing and used as the search path (tests use one schema each).
 */
export async function openDatabase<DB>(url: string): Promise<Database<DB>> {
  if (isPostgresUrl(url)) return openPostgres<DB>(url);
  if (url !== ':memory:') mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  const handle = new SqliteDatabase(url);
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 10000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: handle }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function openPostgres<DB>(url: string): Promise<Database<DB>> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema "${schema}" in the database URL must be a lower-case SQL identifier`);
  const connectionString = parsed.toString();
  if (schema !== null) {
    const setup = new pg.Client({ connectionString });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    types: pgTypes,
    ...(schema === null ? {} : { options: `-c search_path="${schema}"` }),
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
