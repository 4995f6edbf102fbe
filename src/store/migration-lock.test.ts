import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';
import { openStore } from './index.ts';

// PostgreSQL only: SQLite has one writer per file and no migration lock to share.
describe.skipIf(!testDialects().includes('postgres'))('PostgreSQL migration lock', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(() => {
    a = testDatabase('postgres');
    b = testDatabase('postgres');
  });
  afterAll(async () => {
    await a.drop();
    await b.drop();
  });

  it("is per schema: a schema migrates while another schema's lock is held, and waits while its own is", async () => {
    const schemaA = new URL(a.url).searchParams.get('schema') ?? '';
    const holder = new pg.Client({ connectionString: process.env['RAMPART_TEST_DATABASE_URL'] });
    await holder.connect();
    try {
      // What another process migrating schema A holds (src/store/db.ts, SchemaMigrationLockAdapter).
      await holder.query('select pg_advisory_lock($1::int, hashtext($2))', [0x726d706d, schemaA]);
      const storeB = await openStore({ url: b.url });
      await storeB.close();
      let openedA = false;
      const opening = openStore({ url: a.url }).then((store) => {
        openedA = true;
        return store;
      });
      // Schema B opened, migrations and all, while A's lock was held; A waits for that lock (seen in pg_locks).
      const waiting = async () =>
        (await holder.query<{ n: string }>("select count(*) as n from pg_locks where locktype = 'advisory' and classid = $1::oid and objsubid = 2 and not granted", [0x726d706d])).rows[0]?.n !== '0';
      while (!(await waiting())) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(openedA).toBe(false);
      await holder.query('select pg_advisory_unlock($1::int, hashtext($2))', [0x726d706d, schemaA]);
      const storeA = await opening;
      expect(openedA).toBe(true);
      await storeA.close();
    } finally {
      await holder.end();
    }
  });

  it('starts while another schema is half way through a migration: only its own schema is listed', async () => {
    const schemaA = new URL(a.url).searchParams.get('schema') ?? '';
    const other = new pg.Client({ connectionString: process.env['RAMPART_TEST_DATABASE_URL'] });
    await other.connect();
    const half = `${schemaA}_half`;
    try {
      // A schema with a table created and renamed in a transaction not yet committed, as a migration of another process.
      await other.query(`create schema "${half}"`);
      await other.query('begin');
      await other.query(`create table "${half}".renamed_soon (id int)`);
      await other.query(`alter table "${half}".renamed_soon rename to renamed`);
      const store = await openStore({ url: a.url });
      try {
        const tables = await store.database.db.introspection.getTables();
        expect(tables.length).toBeGreaterThan(0);
        expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([schemaA]));
      } finally {
        await store.close();
      }
      await other.query('rollback');
    } finally {
      await other.query(`drop schema if exists "${half}" cascade`);
      await other.end();
    }
  });
});
