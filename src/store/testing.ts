import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DialectName } from './db.ts';

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
