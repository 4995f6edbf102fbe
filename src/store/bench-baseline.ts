import { sql } from 'kysely';
import { openDatabase } from './db.ts';

/** A row as the import benchmark's reference sees it: parsed just enough to know its key. */
export interface BaselineRow {
  readonly id: string;
  readonly type: string;
  readonly modified: string | null;
  readonly json: string;
}

interface BareTables {
  bench_bare_insert: { id: string; type: string; modified: string | null; json: string };
}

const ROWS_PER_INSERT = 1000;

/**
 * The import benchmark's reference (bench/import.bench.ts): the same rows written with bare
 * prepared INSERTs in one transaction (SQLite: one reused single-row statement; PostgreSQL:
 * multi-row INSERTs), no versioning, visibility or indexes beyond the key.
 * Uses a scratch table that it drops again.
 */
export async function bareInsertBaseline(options: { url: string; rows: readonly BaselineRow[] }): Promise<{ rows: number }> {
  const database = await openDatabase<BareTables>(options.url);
  const db = database.db;
  try {
    await sql`drop table if exists bench_bare_insert`.execute(db);
    await sql`create table bench_bare_insert (id text not null, type text not null, modified text, json text not null, primary key (id, modified))`.execute(db);
    const runMany = database.runMany;
    await db.transaction().execute(async (trx) => {
      if (runMany !== undefined) {
        // SQLite: one prepared single-row INSERT run for every row, the fastest way it has.
        const first = options.rows[0];
        if (first === undefined) return;
        const { sql: text } = trx.insertInto('bench_bare_insert').values({ id: first.id, type: first.type, modified: first.modified, json: first.json }).compile();
        runMany(text, options.rows.map((r) => [r.id, r.type, r.modified, r.json]));
        return;
      }
      for (let i = 0; i < options.rows.length; i += ROWS_PER_INSERT) {
        const part = options.rows.slice(i, i + ROWS_PER_INSERT).map((r) => ({ id: r.id, type: r.type, modified: r.modified, json: r.json }));
        await trx.insertInto('bench_bare_insert').values(part).execute();
      }
    });
    await sql`drop table bench_bare_insert`.execute(db);
    return { rows: options.rows.length };
  } finally {
    await database.close();
  }
}
