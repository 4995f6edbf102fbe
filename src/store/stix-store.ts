import { sql, type Kysely } from 'kysely';
import type { TransparencyEvent } from '../domain/transparency.ts';
import { appendTransparency, type TransparencyTables } from './transparency.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import type { Result } from '../domain/result.ts';
import type { Database } from './db.ts';
import { stixReads } from './stix-read.ts';
import type { StixTables } from './stix-tables.ts';
import { anyIdMayBeStored, type StoredIds } from './stored-ids.ts';
import { bumpChanges, isPublic, lockClock, putBatch, setSharing, sha256Of, sharingColumns, storedIdsOf, systemMicroClock, type MicroClock } from './stix-write.ts';
import type { ConflictPolicy, IncomingObject, InsertedSoFar, Reader, Sharing, StixStore, StixWriter } from './types.ts';
import { visibleTo } from './visibility.ts';
import { gateOf } from './write-gate.ts';
import { appendInTransaction, type AuditAppend, type AuditTables } from './audit-store.ts';
import { auditsOf, planAlone, putAlone, type AloneBatch } from './stix-write-alone.ts';

export interface StixStoreOptions {
  /** Where added timestamps come from (microseconds since the epoch); the system clock by default. */
  readonly clock?: MicroClock;
  /** How many of the newest matches a reader may see best match first ranks (RANKED_AMONG, src/store/stix-read.ts); tests set a few. */
  readonly rankedAmong?: number;
}

const OWNER_LOOKUP_CHUNK = 500;

/** The owners of the records of `ids` that `reader` may see (the store's one visibility rule), by id. */
async function visibleOwnersIn(trx: Kysely<StixTables>, reader: Reader, ids: readonly StixId[]): Promise<ReadonlyMap<StixId, readonly OrgId[]>> {
  const owners = new Map<StixId, OrgId[]>();
  const unique = [...new Set(ids)];
  const visible = visibleTo(reader, 'v.added_us', 'v.owner');
  for (let i = 0; i < unique.length; i += OWNER_LOOKUP_CHUNK) {
    const rows = await trx
      .selectFrom('stix_version as v')
      .select(['v.id', 'v.owner'])
      .distinct()
      .where('v.id', 'in', unique.slice(i, i + OWNER_LOOKUP_CHUNK))
      .where('v.is_latest', '=', 1)
      .$if(visible !== null, (q) => q.where(() => visible ?? sql<boolean>`true`))
      .execute();
    for (const row of rows) owners.set(row.id as StixId, [...(owners.get(row.id as StixId) ?? []), row.owner as OrgId]);
  }
  return owners;
}

/**
 * A re-share that makes an object public, or takes it back from the public, is a public event: it goes into the
 * transparency log in the same transaction (its type, name, owner and latest version, nothing else).
 */
async function logPublicReshare(trx: Kysely<StixTables>, id: StixId, sharing: Sharing, before: { type: string; name: string | null; modified: string | null; json: string; tlp: string; audience: string }, time: string): Promise<void> {
  const was = isPublic(before.tlp, JSON.parse(before.audience) as string[]);
  const is = isPublic(sharing.tlp, sharing.audience);
  if (was === is) return;
  const object = { id, modified: before.modified, sha256: sha256Of(before.json) };
  const event: TransparencyEvent = {
    kind: is ? 'notice-published' : 'notice-unpublished',
    time,
    content: { type: before.type, name: before.name, publisher: { org_ref: sharing.owner }, reshared: true, object },
  };
  // The same transaction, seen with the log's tables (Kysely's table types do not widen by assignment).
  await appendTransparency(trx as unknown as Kysely<TransparencyTables>, [event]);
}

/** The STIX store over one database (SQLite or PostgreSQL); closing it is the caller's job. */
export function kyselyStixStore(database: Database<unknown>, options: StixStoreOptions = {}): Omit<StixStore, 'close'> {
  const db: Kysely<StixTables> = database.db.withTables<StixTables>();
  const { dialect, runMany } = database;
  const clock = options.clock ?? systemMicroClock;
  const reads = stixReads(db, dialect, options.rankedAmong);

  // Once the store has held a version it never finds itself empty again: later writes need not ask (one query each).
  let heldVersions = false;
  const storedIds = async (trx: Kysely<StixTables>): Promise<StoredIds> => {
    if (heldVersions) return anyIdMayBeStored;
    const ids = await storedIdsOf(trx);
    heldVersions = ids === anyIdMayBeStored;
    return ids;
  };

  // PostgreSQL: every write waits for the clock's row; a process's writers queue for it here, not on pooled connections.
  const writers = dialect === 'postgres' ? gateOf(database, 'stix_clock') : null;
  function write<T, E>(fn: (writer: StixWriter) => Promise<Result<T, E>>): Promise<Result<T, E>> {
    return writers === null ? writeNow(fn) : writers.run(() => writeNow(fn));
  }

  async function writeNow<T, E>(fn: (writer: StixWriter) => Promise<Result<T, E>>): Promise<Result<T, E>> {
    return dialect === 'postgres' ? writePostgres(fn) : writeSqlite(fn);
  }

  /** The writer's calls inside an open transaction: what writeSqlite and writePostgres share. */
  function transactionWriter(trx: Kysely<StixTables>, lock: () => Promise<void>, locked: { held: boolean }, inserted: InsertedSoFar, audits: AuditAppend[]): StixWriter {
    let stored: Promise<StoredIds> | null = null;
    return {
      putBatch: async (items, policy) => {
        // Whether the store is empty is a read too.
        if (stored === null && !heldVersions) await lock();
        const outcomes = await putBatch({ trx, dialect, runMany, lock, locked }, items, policy, clock, await (stored ??= storedIds(trx)), inserted);
        audits.push(...auditsOf(items, outcomes));
        return outcomes;
      },
      visibleOwners: async (reader, ids) => {
        await lock();
        return visibleOwnersIn(trx, reader, ids);
      },
      inserted: () => inserted,
    };
  }

  /** A lock taken at most once per transaction (lockClock), however many calls ask for it at once. */
  function clockLock(trx: Kysely<StixTables>): { lock: () => Promise<void>; locked: { held: boolean } } {
    const locked = { held: false };
    let locking: Promise<void> | null = null;
    const lock = async () => {
      if (locked.held) return;
      await (locking ??= lockClock(trx, dialect));
      locked.held = true;
    };
    return { lock, locked };
  }

  async function writeSqlite<T, E>(fn: (writer: StixWriter) => Promise<Result<T, E>>): Promise<Result<T, E>> {
    // An error Result leaves the transaction by this throw, so Kysely rolls everything back.
    const refused: { result: Result<T, E> | null } = { result: null };
    const marker = new Error('rampart: write refused, rolling back');
    try {
      return await db.transaction().execute(async (trx) => {
        // The write lock first (see lockClock).
        const { lock, locked } = clockLock(trx);
        await lock();
        const audits: AuditAppend[] = [];
        const result = await fn(transactionWriter(trx, lock, locked, { count: 0, first: [], reshared: [] }, audits));
        if (!result.ok) {
          refused.result = result;
          throw marker;
        }
        await appendInTransaction(trx as unknown as Kysely<AuditTables>, dialect, audits);
        return result;
      });
    } catch (error) {
      if (error === marker && refused.result !== null) return refused.result;
      throw error;
    }
  }

  /**
   * PostgreSQL: a write whose only call is one batch of minted ids (a status report, an election) is one autocommitted
   * statement (planAlone, putAlone), sent once `fn` has answered: the clock's row is held for that one round trip. Any
   * other write opens a transaction at its first call (a batch planned to go alone is then written in it first). The lock
   * is taken before the first read a write decides on, or else by the reservation's update of the clock's row (putBatch):
   * every round trip under the lock also waits for this process's event loop, and under load the lock's holders were what
   * every other writer queued behind.
   */
  async function writePostgres<T, E>(fn: (writer: StixWriter) => Promise<Result<T, E>>): Promise<Result<T, E>> {
    return db.connection().execute(async (conn) => {
      const inserted: InsertedSoFar = { count: 0, first: [], reshared: [] };
      // What the write has done so far: a batch planned to go alone, or the open transaction's writer.
      const at: { alone: { batch: AloneBatch; items: readonly IncomingObject[]; policy: ConflictPolicy } | null; open: StixWriter | null } = { alone: null, open: null };
      const audits: AuditAppend[] = [];
      const transaction = async (): Promise<StixWriter> => {
        if (at.open !== null) return at.open;
        await sql`begin`.execute(conn);
        const { lock, locked } = clockLock(conn);
        const open = transactionWriter(conn, lock, locked, inserted, audits);
        at.open = open;
        const planned = at.alone;
        at.alone = null;
        if (planned !== null) await open.putBatch(planned.items, planned.policy);
        return open;
      };
      try {
        const result = await fn({
          putBatch: async (items, policy) => {
            if (at.open === null && at.alone === null) {
              const batch = planAlone(items, policy);
              if (batch !== null) {
                at.alone = { batch, items, policy };
                return batch.outcomes;
              }
            }
            return (await transaction()).putBatch(items, policy);
          },
          visibleOwners: async (reader, ids) => (await transaction()).visibleOwners(reader, ids),
          inserted: () => inserted,
        });
        if (at.open !== null) {
          // The audit entries last, as in the one statement: the clock's row is locked before the audit log's head.
          if (result.ok) await appendInTransaction(conn as unknown as Kysely<AuditTables>, dialect, audits);
          await sql`${sql.raw(result.ok ? 'commit' : 'rollback')}`.execute(conn);
        }
        else if (result.ok && at.alone !== null) await putAlone(conn, at.alone.batch, clock, inserted);
        return result;
      } catch (error) {
        // As Kysely's own transactions: rolled back, the error passed on.
        if (at.open !== null) await sql`rollback`.execute(conn);
        throw error;
      }
    });
  }

  async function reshare(id: StixId, sharing: Sharing): Promise<number | null> {
    return writers === null ? reshareNow(id, sharing) : writers.run(() => reshareNow(id, sharing));
  }

  async function reshareNow(id: StixId, sharing: Sharing): Promise<number | null> {
    return db.transaction().execute(async (trx) => {
      // The write lock, as every write takes it first: entries of the log of re-shares commit in the order of their numbers,
      // so a reader of the log that went past one never finds a smaller one committed after (the live feed's catch-up).
      await lockClock(trx, dialect);
      const known = await trx.selectFrom('stix_version').select('id').where('id', '=', id).where('owner', '=', sharing.owner).limit(1).executeTakeFirst();
      if (known === undefined) return null;
      await bumpChanges(trx, new Set([id.slice(0, id.indexOf('--'))]));
      const before = await trx.selectFrom('stix_version').select(['type', 'name', 'modified', 'json', 'tlp', 'audience']).where('id', '=', id).where('owner', '=', sharing.owner).where('is_latest', '=', 1).executeTakeFirst();
      const at = await setSharing({ trx, dialect, runMany }, id, sharingColumns(sharing), clock);
      if (before !== undefined) await logPublicReshare(trx, id, sharing, before, new Date(Math.floor(clock() / 1000)).toISOString());
      return at;
    });
  }

  return { write, reshare, list: reads.list, count: reads.count, listCounted: reads.listCounted, get: reads.get, versions: reads.versions, seenBy: reads.seenBy, indicators: reads.indicators, changeMark: reads.changeMark, changeMarks: reads.changeMarks, reshares: reads.reshares, resharedAfter: reads.resharedAfter };
}
