import type { Kysely } from 'kysely';
import type { OrgId, StixId } from '../domain/ids.ts';
import type { Result } from '../domain/result.ts';
import type { Database } from './db.ts';
import { stixReads } from './stix-read.ts';
import type { StixTables } from './stix-tables.ts';
import type { StoredIds } from './stored-ids.ts';
import { lockClock, putBatch, setSharing, sharingColumns, storedIdsOf, systemMicroClock, type MicroClock } from './stix-write.ts';
import type { Sharing, StixStore, StixWriter } from './types.ts';

export interface StixStoreOptions {
  /** Where added timestamps come from (microseconds since the epoch); the system clock by default. */
  readonly clock?: MicroClock;
}

const OWNER_LOOKUP_CHUNK = 500;

/** Who owns each of `ids` that is stored (every version carries its object's owner). */
async function ownersIn(trx: Kysely<StixTables>, ids: readonly StixId[]): Promise<ReadonlyMap<StixId, OrgId>> {
  const owners = new Map<StixId, OrgId>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += OWNER_LOOKUP_CHUNK) {
    const rows = await trx.selectFrom('stix_version').select(['id', 'owner']).where('id', 'in', unique.slice(i, i + OWNER_LOOKUP_CHUNK)).execute();
    for (const row of rows) owners.set(row.id as StixId, row.owner as OrgId);
  }
  return owners;
}

/** The STIX store over one database (SQLite or PostgreSQL); closing it is the caller's job. */
export function kyselyStixStore(database: Database<unknown>, options: StixStoreOptions = {}): Omit<StixStore, 'close'> {
  const db: Kysely<StixTables> = database.db.withTables<StixTables>();
  const { dialect, runMany } = database;
  const clock = options.clock ?? systemMicroClock;
  const reads = stixReads(db, dialect);

  async function write<T, E>(fn: (writer: StixWriter) => Promise<Result<T, E>>): Promise<Result<T, E>> {
    // An error Result leaves the transaction by this throw, so Kysely rolls everything back.
    const refused: { result: Result<T, E> | null } = { result: null };
    const marker = new Error('rampart: write refused, rolling back');
    try {
      return await db.transaction().execute(async (trx) => {
        await lockClock(trx, dialect);
        let stored: Promise<StoredIds> | null = null;
        const result = await fn({
          putBatch: async (items, policy) => putBatch({ trx, dialect, runMany }, items, policy, clock, await (stored ??= storedIdsOf(trx))),
          owners: (ids) => ownersIn(trx, ids),
        });
        if (!result.ok) {
          refused.result = result;
          throw marker;
        }
        return result;
      });
    } catch (error) {
      if (error === marker && refused.result !== null) return refused.result;
      throw error;
    }
  }

  async function reshare(id: StixId, sharing: Sharing): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const known = await trx.selectFrom('stix_version').select('id').where('id', '=', id).limit(1).executeTakeFirst();
      if (known !== undefined) await setSharing({ trx, dialect, runMany }, id, sharingColumns(sharing));
    });
  }

  return { write, reshare, list: reads.list, count: reads.count, get: reads.get, versions: reads.versions, indicators: reads.indicators };
}
