import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { Database, DialectName } from '../../src/store/db.ts';

/** Tests only: a fresh, empty database of one dialect, and how to throw it away. */
export interface TestDatabase {
  readonly dialect: DialectName;
  /** For openDatabase / openStore: a temporary SQLite file, or the PostgreSQL test URL with its own `?schema=`. */
  readonly url: string;
  drop(): Promise<void>;
}

/** The dialects every store test runs against: SQLite always, PostgreSQL when RAMPART_TEST_DATABASE_URL is set. */
export function testDialects(env: Readonly<Record<string, string | undefined>> = process.env): DialectName[] {
  return env['RAMPART_TEST_DATABASE_URL'] === undefined ? ['sqlite'] : ['sqlite', 'postgres'];
}

/** A new empty database of `dialect` (PostgreSQL: a new schema in RAMPART_TEST_DATABASE_URL, dropped afterwards). */
export function testDatabase(dialect: DialectName, env: Readonly<Record<string, string | undefined>> = process.env): TestDatabase {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'rampart-test-'));
    return {
      dialect,
      url: path.join(dir, 'rampart.sqlite'),
      drop: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const base = env['RAMPART_TEST_DATABASE_URL'];
  if (base === undefined) throw new Error('RAMPART_TEST_DATABASE_URL is not set; use testDialects() to choose dialects');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return {
    dialect,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Tests only: every table's rows (Kysely's migration tables aside) as sorted JSON lines, so a test can
 * prove a refused request changed nothing, in tables added later too. `ignore` names columns a request
 * may touch without changing data. An API key's last use is always left out: it is written behind the
 * requests (src/auth/service.ts), up to a second after the one that used the key, whatever it was answered.
 */
export async function tableRows(database: Database<unknown>, ignore: Readonly<Record<string, readonly string[]>> = {}): Promise<Map<string, string[]>> {
  // PostgreSQL: only this test's schema, read from the catalogue by name (Kysely's introspection reads every schema, and
  // fails with "schema … does not exist" when another test file drops its own schema meanwhile).
  const tables =
    database.dialect === 'postgres'
      ? (await sql<{ name: string }>`select tablename as name from pg_catalog.pg_tables where schemaname = current_schema()`.execute(database.db)).rows
      : // SQLite: one query for the names (Kysely's introspection also reads every table's columns, once per table).
        (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(database.db)).rows;
  const out = new Map<string, string[]>();
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(database.db);
    const skip = new Set([...(ignore[table.name] ?? []), ...(table.name === 'api_key' ? ['last_used_at'] : [])]);
    const lines = rows.map((row) => JSON.stringify(Object.entries(row).filter(([column]) => !skip.has(column)), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    out.set(table.name, lines.sort());
  }
  return out;
}
