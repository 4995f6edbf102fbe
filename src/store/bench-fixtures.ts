import { sql } from 'kysely';
import type { Tlp } from '../domain/tlp.ts';
import type { Database } from './db.ts';
import type { StixTables } from './stix-tables.ts';
import { audienceRows, insertRows } from './stix-write.ts';
import { versionKey } from './mod-key.ts';

/** One object for a benchmark world: a single version, with its sharing. */
export interface BulkObject {
  readonly id: string;
  readonly type: string;
  readonly modified: string;
  readonly name: string;
  readonly json: string;
  readonly owner: string;
  readonly tlp: Tlp;
  readonly audience: readonly string[];
}

const ROWS_PER_INSERT = 1000;

/**
 * Benchmarks only: writes objects straight into the STIX tables as latest single versions with
 * added times from `firstAddedUs` on, skipping the version checks of putBatch (fast generation of a
 * million-object world). The ids must be new.
 */
export async function bulkLoadObjects(database: Database<unknown>, objects: readonly BulkObject[], firstAddedUs: number): Promise<void> {
  const db = database.db.withTables<StixTables>();
  await db.transaction().execute(async (trx) => {
    const w = { trx, dialect: database.dialect, runMany: database.runMany };
    const versions = objects.map((o, i) => ({
      added_us: firstAddedUs + i,
      id: o.id,
      type: o.type,
      modified: o.modified,
      mod_key: versionKey(o.modified),
      revoked: 0,
      is_latest: 1,
      name: o.name,
      description: null,
      json: o.json,
      owner: o.owner,
      tlp: o.tlp,
      audience: JSON.stringify(o.audience),
    }));
    await insertRows(w, 'stix_version', versions, ROWS_PER_INSERT);
    await insertRows(w, 'stix_audience', audienceRows(versions), ROWS_PER_INSERT * 5);
    const last = firstAddedUs + objects.length - 1;
    await trx.updateTable('stix_clock').set({ last_us: last }).where('one', '=', 1).where('last_us', '<', last).execute();
  });
}

/** Benchmarks only: refreshes the planner's statistics after a bulk load (PostgreSQL: and the visibility map, for index-only scans). */
export async function analyze(database: Database<unknown>): Promise<void> {
  await (database.dialect === 'postgres' ? sql`vacuum analyze` : sql`analyze`).execute(database.db);
}
