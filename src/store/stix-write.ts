import { sql, type Kysely, type Transaction } from 'kysely';
import type { DialectName } from './db.ts';
import { versionKey } from './mod-key.ts';
import type { StixTables, StixVersionTable } from './stix-tables.ts';
import type { ConflictPolicy, IncomingObject, PutOutcome, Sharing } from './types.ts';

/** Microseconds since the epoch; tests and benchmarks may give their own. */
export type MicroClock = () => number;
export const systemMicroClock: MicroClock = () => Math.floor((performance.timeOrigin + performance.now()) * 1000);

// Parameters per statement stay well under SQLite's 32,766 and PostgreSQL's 65,535.
const VERSION_ROWS_PER_INSERT = 1000;
const SMALL_ROWS_PER_INSERT = 5000;
const IDS_PER_QUERY = 5000;

interface KnownVersion {
  readonly json: string;
  /** Null while the version exists only in this batch. */
  readonly addedUs: number | null;
}

interface IdState {
  readonly versions: Map<string, KnownVersion>;
  /** The version key of the newest version (stored or in this batch); null when the object is new. */
  latestKey: string | null;
  /** The latest version stored before this batch, which stops being latest if a newer one arrives. */
  readonly storedLatestKey: string | null;
  /** Sharing of the newest version in this batch, applied to the object (all its versions). */
  sharing: Sharing | null;
}

type NewRow = Omit<StixVersionTable, 'added_us' | 'is_latest'>;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Takes the store's write lock: one writer at a time, so added_us follows commit order. */
export async function lockClock(trx: Transaction<StixTables>, dialect: DialectName): Promise<void> {
  // SQLite: writing first takes the write lock now (waiting on busy_timeout) rather than failing to upgrade a read later.
  if (dialect === 'postgres') await sql`select last_us from stix_clock where one = 1 for update`.execute(trx);
  else await sql`update stix_clock set last_us = last_us where one = 1`.execute(trx);
}

/** Reserves `n` increasing microsecond timestamps after the last one given out: returns the first. */
async function reserveAddedUs(trx: Kysely<StixTables>, dialect: DialectName, n: number, clock: MicroClock): Promise<number> {
  const now = clock();
  const greatest = dialect === 'postgres' ? sql`greatest` : sql`max`;
  const row = await trx
    .updateTable('stix_clock')
    .set({ last_us: sql<number>`${greatest}(last_us + ${n}, ${now + n - 1})` })
    .where('one', '=', 1)
    .returning('last_us')
    .executeTakeFirstOrThrow();
  return Number(row.last_us) - n + 1;
}

async function loadState(trx: Kysely<StixTables>, ids: readonly string[]): Promise<Map<string, IdState>> {
  const state = new Map<string, IdState>();
  for (const id of ids) state.set(id, { versions: new Map(), latestKey: null, storedLatestKey: null, sharing: null });
  for (const part of chunks(ids, IDS_PER_QUERY)) {
    const rows = await trx.selectFrom('stix_version').select(['id', 'mod_key', 'json', 'added_us', 'is_latest']).where('id', 'in', part).execute();
    for (const r of rows) {
      const s = state.get(r.id);
      if (s === undefined) continue;
      s.versions.set(r.mod_key, { json: r.json, addedUs: Number(r.added_us) });
      if (r.is_latest !== 0) state.set(r.id, { ...s, latestKey: r.mod_key, storedLatestKey: r.mod_key });
    }
  }
  return state;
}

/**
 * Writes one batch inside the caller's transaction: versions by `modified`, identical bytes a
 * no-op, same version with other bytes refused (or replaced under policy 'replace').
 */
export async function putBatch(
  trx: Kysely<StixTables>,
  dialect: DialectName,
  items: readonly IncomingObject[],
  policy: ConflictPolicy,
  clock: MicroClock,
): Promise<PutOutcome[]> {
  const state = await loadState(trx, [...new Set(items.map((i) => i.id))]);
  const inserts: NewRow[] = [];
  const insertIndex = new Map<string, number>();
  const replaced: number[] = [];
  const outcomes = items.map((item): PutOutcome => {
    const s = state.get(item.id);
    if (s === undefined) throw new Error('putBatch: state was loaded for every id');
    const key = versionKey(item.modified);
    const known = s.versions.get(key);
    const row: NewRow = { id: item.id, type: item.type, modified: item.modified, mod_key: key, revoked: item.revoked ? 1 : 0, name: item.name, description: item.description, json: item.json };
    let outcome: PutOutcome;
    if (known !== undefined) {
      if (known.json === item.json) return { kind: 'unchanged' };
      if (policy === 'reject') {
        return {
          kind: 'rejected',
          code: 'version-conflict',
          message: `${item.id} version modified=${item.modified ?? '(none)'} is already stored with different content; give the change a later "modified", or import with the replace policy`,
        };
      }
      if (known.addedUs !== null) replaced.push(known.addedUs);
      outcome = { kind: 'new-version' };
    } else {
      outcome = { kind: s.versions.size === 0 ? 'added' : 'new-version' };
    }
    const pending = insertIndex.get(`${item.id}\u0000${key}`);
    if (pending === undefined) {
      insertIndex.set(`${item.id}\u0000${key}`, inserts.length);
      inserts.push(row);
    } else {
      inserts[pending] = row;
    }
    s.versions.set(key, { json: item.json, addedUs: null });
    if (s.latestKey === null || key >= s.latestKey) {
      s.latestKey = key;
      s.sharing = item.sharing;
    }
    return outcome;
  });
  if (inserts.length === 0) return outcomes;

  for (const part of chunks(replaced, IDS_PER_QUERY)) await trx.deleteFrom('stix_version').where('added_us', 'in', part).execute();
  const demoted = [...state].filter(([, s]) => s.storedLatestKey !== null && s.latestKey !== s.storedLatestKey).map(([id]) => id);
  for (const part of chunks(demoted, IDS_PER_QUERY)) await trx.updateTable('stix_version').set({ is_latest: 0 }).where('id', 'in', part).where('is_latest', '=', 1).execute();

  const first = await reserveAddedUs(trx, dialect, inserts.length, clock);
  const rows = inserts.map((r, i) => ({ ...r, added_us: first + i, is_latest: state.get(r.id)?.latestKey === r.mod_key ? 1 : 0 }));
  for (const part of chunks(rows, VERSION_ROWS_PER_INSERT)) await trx.insertInto('stix_version').values(part).execute();
  await writeSharing(trx, [...state].flatMap(([id, s]) => (s.sharing === null ? [] : [{ id, sharing: s.sharing }])), items);
  return outcomes;
}

/** Sets owner, TLP and audience of whole objects (every version), replacing what was there. */
export async function writeSharing(trx: Kysely<StixTables>, updates: readonly { id: string; sharing: Sharing }[], items: readonly { id: string; type: string }[] = []): Promise<void> {
  if (updates.length === 0) return;
  const typeOf = new Map(items.map((i) => [i.id, i.type]));
  const objects = updates.map(({ id, sharing }) => ({
    id,
    type: typeOf.get(id) ?? id.slice(0, id.indexOf('--')),
    owner: sharing.owner,
    tlp: sharing.tlp,
    audience: JSON.stringify(sharing.audience),
  }));
  for (const part of chunks(objects, VERSION_ROWS_PER_INSERT)) {
    await trx
      .insertInto('stix_object')
      .values(part)
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), tlp: eb.ref('excluded.tlp'), audience: eb.ref('excluded.audience') })))
      .execute();
  }
  for (const part of chunks(updates.map((u) => u.id), IDS_PER_QUERY)) await trx.deleteFrom('stix_audience').where('object_id', 'in', part).execute();
  const keys = updates.flatMap(({ id, sharing }) => [...new Set(sharing.audience)].map((key) => ({ object_id: id, key })));
  for (const part of chunks(keys, SMALL_ROWS_PER_INSERT)) await trx.insertInto('stix_audience').values(part).execute();
}
