import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';
import { openDatabase, PREPARED, type Database } from './db.ts';

describe.each(testDialects())('statements marked PREPARED on %s', (dialect) => {
  let test: TestDatabase;
  let database: Database<unknown>;
  beforeAll(async () => {
    test = testDatabase(dialect);
    database = await openDatabase(test.url);
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });

  it('answer as the same statement unmarked, each time, whatever their parameters; PostgreSQL keeps them prepared on the connection', async () => {
    const marked = (values: readonly number[]) =>
      dialect === 'postgres' ? sql<{ n: number }>`${sql.raw(PREPARED)}select count(*)::int as n from unnest(${[...values]}::int8[]) as t(v) where v > ${1}` : sql<{ n: number }>`${sql.raw(PREPARED)}select ${values.filter((v) => v > 1).length} as n`;
    await database.db.connection().execute(async (conn) => {
      for (const values of [[1, 2, 3], [5], [], [0, 7, 8, 9], [2, 2], [1], [3, 4, 5, 6, 7, 8]]) {
        const { rows } = await marked(values).execute(conn);
        expect(rows).toEqual([{ n: values.filter((v) => v > 1).length }]);
      }
      if (dialect === 'postgres') {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like ${`${PREPARED}%`}`.execute(conn);
        expect(rows).toEqual([{ n: 1 }]);
      }
    });
    if (dialect !== 'postgres') return;
    // An unmarked statement is not prepared.
    await database.db.connection().execute(async (conn) => {
      await sql`select ${1}::int as one`.execute(conn);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like ${'select $1::int as one%'}`.execute(conn);
      expect(rows).toEqual([{ n: 0 }]);
    });
  });
});
