import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresAdapter, PostgresDialect, PostgresIntrospector, SqliteDialect, sql, type DatabaseIntrospector, type DialectAdapter, type MigrationLockOptions, type PostgresPool, type TableMetadata } from 'kysely';
import pg from 'pg';

export type DialectName = 'sqlite' | 'postgres';

/** An open database connection: the one Kysely instance every repository of the store shares. */
export interface Database<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  close(): Promise<void>;
  /**
   * SQLite only: runs one statement (compiled by Kysely) once per parameter row, synchronously on the
   * one connection, so inside whatever transaction is open. Bulk inserts: a reused single-row
   * statement is several times faster in SQLite than multi-row VALUES or one query call per row.
   */
  readonly runMany?: (sql: string, rows: readonly (readonly unknown[])[]) => void;
  /** PostgreSQL only: the connection pool, for /metrics (a query waits here when every connection is busy). */
  readonly pool?: PoolWatch;
}

/** What a connection pool shows of itself: its connections now, and how long each checkout waited for one. */
export interface PoolWatch {
  /** Connections open, those idle, and checkouts waiting for a connection, at this moment. */
  counts(): { readonly total: number; readonly idle: number; readonly waiting: number };
  /** `listener` hears the seconds each later checkout waited (connecting a new connection included); returns the way to stop. */
  onCheckout(listener: (seconds: number) => void): () => void;
}

/** A pg pool for Kysely whose checkouts are timed for `PoolWatch` listeners. */
function watchedPool(pool: pg.Pool): { readonly pool: PostgresPool; readonly watch: PoolWatch } {
  const listeners = new Set<(seconds: number) => void>();
  return {
    pool: {
      connect: async () => {
        const started = performance.now();
        const client = await pool.connect();
        const seconds = (performance.now() - started) / 1000;
        for (const listener of listeners) listener(seconds);
        return client;
      },
      end: () => pool.end(),
    },
    watch: {
      counts: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      onCheckout: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
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

export interface OpenDatabaseOptions {
  /**
   * PostgreSQL: open every connection of the pool before returning, and keep them open while idle. A server's
   * first burst of requests then finds them ready: opening one costs a PostgreSQL backend's start (a process and its
   * catalog caches), and a burst at start would open them all at once, each request waiting for its own.
   */
  readonly keepConnections?: boolean;
}

/** The most connections one process's pool opens to PostgreSQL. */
const POOL_SIZE = 10;

/**
 * Opens SQLite (WAL, foreign keys on) or PostgreSQL. A PostgreSQL URL may carry `?schema=<name>`:
 * the schema is created when missing and used as the search path (tests use one schema each).
 */
export async function openDatabase<DB>(url: string, options: OpenDatabaseOptions = {}): Promise<Database<DB>> {
  if (isPostgresUrl(url)) return openPostgres<DB>(url, options);
  if (url !== ':memory:') mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  const handle = new SqliteDatabase(url);
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 10000');
  handle.pragma('cache_size = -65536');
  const statements = cachingStatements(handle);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: statements }) });
  const runMany = (text: string, rows: readonly (readonly unknown[])[]) => {
    const statement = statements.prepare(text);
    for (const row of rows) statement.run(row);
  };
  return { db, dialect: 'sqlite', close: () => db.destroy(), runMany };
}

const STATEMENT_CACHE = 256;

/**
 * Kysely prepares every query anew; preparing is most of a small statement's cost in SQLite, so
 * statements are kept by their SQL text and reused (a fresh one when the kept one is still iterating).
 */
function cachingStatements(handle: SqliteDatabase.Database): { close(): void; prepare(sql: string): SqliteDatabase.Statement } {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => handle.close(),
    prepare: (sql: string) => {
      const kept = cache.get(sql);
      if (kept !== undefined && !kept.busy) return kept;
      const statement = handle.prepare(sql);
      if (kept === undefined) {
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value ?? '');
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** The advisory lock key's first half for migration locks (the second is the schema's hash): "rmpm". */
const MIGRATION_LOCK_CLASS = 0x726d706d;

/**
 * Kysely's PostgreSQL migration lock is one advisory lock for the whole database; this one is per schema (the
 * migration table's), so that migrating one schema (a long migration, each test's fresh schema) does not hold up
 * another schema's start. Two processes migrating the same schema still wait for each other.
 */
class SchemaMigrationLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    // An hour's lock timeout, as Kysely's own lock: set first (the CTE), local to the migration's transaction.
    await sql`
      with set_timeout as (select set_config('lock_timeout', '3600000', true) as config_val)
      select pg_advisory_lock(${MIGRATION_LOCK_CLASS}::int, hashtext(coalesce(${options.lockTableSchema ?? null}::text, current_schema())))
      from set_timeout`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK_CLASS}::int, hashtext(coalesce(${options.lockTableSchema ?? null}::text, current_schema())))`.execute(db);
  }
}

/**
 * Kysely's PostgreSQL introspection lists the tables of every schema of the database, calling functions that look each
 * one up by its qualified name; Kysely's migrator calls it at every start. Another process's schema changing meanwhile
 * (a test's schema dropped, a rename in a migration) fails that listing ("schema … does not exist", "relation
 * t_….taxii_withdrawn_by_owner does not exist", both seen in test runs). This one lists only the tables of the
 * connection's own schema, by name (no column metadata: nothing here reads it).
 */
class OwnSchemaIntrospector extends PostgresIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    super(db);
    this.#db = db;
  }

  override async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, ns.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname`.execute(this.#db);
    return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }));
  }
}

class SchemaLockingPostgresDialect extends PostgresDialect {
  override createAdapter(): DialectAdapter {
    return new SchemaMigrationLockAdapter();
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

async function openPostgres<DB>(url: string, options: OpenDatabaseOptions): Promise<Database<DB>> {
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
  const keep = options.keepConnections === true;
  const pool = new pg.Pool({
    connectionString,
    max: POOL_SIZE,
    // Kept: none closed for being idle (pg-pool closes idle connections above `min` after idleTimeoutMillis).
    ...(keep ? { min: POOL_SIZE } : {}),
    types: pgTypes,
    // No JIT: it compiles a search's count for tens of milliseconds before running it for a few (docs/benchmarks.md, Search).
    options: `-c jit=off${schema === null ? '' : ` -c search_path="${schema}"`}`,
  });
  const watched = watchedPool(pool);
  const db = new Kysely<DB>({ dialect: new SchemaLockingPostgresDialect({ pool: watched.pool }) });
  await sql`select 1`.execute(db);
  if (keep) {
    const opened = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
    for (const client of opened) client.release();
  }
  return { db, dialect: 'postgres', close: () => db.destroy(), pool: watched.watch };
}
