import { createHash } from 'node:crypto';
import { sql, type Insertable, type Kysely } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.ts';
import type { TransparencyEvent } from '../domain/transparency.ts';
import { appendTransparency, type TransparencyTables } from './transparency.ts';
import type { AudienceKey } from '../domain/audience.ts';
import { keptAudience, olderVersionAudience } from '../domain/sharing-rule.ts';
import { tlpLabel, tlpOfMarking, tlpOfMarkings, type Tlp } from '../domain/tlp.ts';
import type { Database, DialectName } from './db.ts';
import { versionKey } from './mod-key.ts';
import type { StixAudienceTable, StixTables, StixValueTable, StixVersionTable } from './stix-tables.ts';
import { searchValuesOf } from './search-values.ts';
import { sharingWords } from './visibility.ts';
import { NO_REFS, REF_PROPERTIES, stixRefs } from './stix-refs.ts';
import { statusIndexParts, statusRowOf, type StatusIndexParts } from './status-index.ts';
import { STATUS_REPORT_TYPE } from '../stix/rampart-extension.ts';
import { isReferenceLibrary } from '../stix/reference-library.ts';
import { anyIdMayBeStored, writtenIdsOnly, type StoredIds } from './stored-ids.ts';
import { INSERTED_KEPT, REFERENCE_DATA, type ConflictPolicy, type IncomingObject, type InsertedSoFar, type PutOutcome, type Sharing } from './types.ts';

/** Microseconds since the epoch; tests and benchmarks may give their own. */
export type MicroClock = () => number;
/**
 * The wall clock, the one a live stream starts at and the rest of the server reads (Date): the process's monotonic
 * clock from its start (performance.now) counts no time while the machine is paused and follows no step of the wall
 * clock, so after a paused VM resumed every stream opened started ahead of every version stored, by the pause (a CI
 * run's live feed test saw nothing for minutes). The store's clock row keeps added times increasing (reserveAddedUs).
 */
export const systemMicroClock: MicroClock = () => Date.now() * 1000;

// Parameters per statement stay well under SQLite's 32,766 and PostgreSQL's 65,535.
export const VERSION_ROWS_PER_INSERT = 1000;
export const SMALL_ROWS_PER_INSERT = 5000;
const IDS_PER_QUERY = 5000;

type SharingColumns = Pick<StixVersionTable, 'owner' | 'tlp' | 'audience'>;

/**
 * One record is one owner's versions of one id (migration 0011): the same observable, or an id its
 * writer could not see, may be held by several owners, each under its own sharing.
 */
const recordKey = (id: string, owner: string) => `${id}\u0000${owner}`;

/** A version of an object known to this batch: stored before it, or to be inserted at `insertAt`. */
interface KnownVersion {
  readonly json: string;
  /** Its added time; null while only in this batch. */
  readonly addedUs: number | null;
  /** Its place among the batch's inserts; -1 for a stored version. */
  readonly insertAt: number;
  /** A stored version's audience column (its stix_audience keys); null while only in this batch. */
  readonly audience: string | null;
}

interface IdState {
  readonly id: string;
  readonly owner: string;
  /** The first known version and its key; any others by key in `more` (most objects have one version: no map for them). */
  firstKey: string | null;
  first: KnownVersion | null;
  more: Map<string, KnownVersion> | null;
  /** The version key of the newest version (stored or in this batch); null for a new object. */
  latestKey: string | null;
  /** The latest version stored before this batch, which stops being latest if a newer one arrives. */
  storedLatestKey: string | null;
  /** The object's sharing as stored (its latest version's); null for a new object. */
  storedSharing: SharingColumns | null;
  /** Sharing of the newest version in this batch, if it becomes the latest: every older version follows it as far as its own TLP allows. */
  sharing: SharingColumns | null;
}

function knownVersion(s: IdState, key: string): KnownVersion | undefined {
  return s.firstKey === key ? (s.first ?? undefined) : s.more?.get(key);
}

function setKnownVersion(s: IdState, key: string, version: KnownVersion): void {
  if (s.firstKey === null || s.firstKey === key) {
    s.firstKey = key;
    s.first = version;
  } else {
    (s.more ??= new Map()).set(key, version);
  }
}

/** A version this batch inserts, with its object's state (for its sharing and whether it is the latest). */
export interface Insert {
  readonly item: IncomingObject;
  /** The version's own sharing: the item's, or with the previous version's audience kept (audienceDefault). */
  readonly sharing: Sharing;
  readonly key: string;
  readonly state: IdState;
}

// Outcomes carry no per-object data: shared, so a batch allocates none.
const ADDED: PutOutcome = { kind: 'added' };
const NEW_VERSION: PutOutcome = { kind: 'new-version' };
const UNCHANGED: PutOutcome = { kind: 'unchanged' };

/**
 * Sharing columns of incoming objects, for one batch. Nearly every audience is one key ('community',
 * an org): its JSON is built once per batch rather than once per object.
 */
function sharingColumnsOnce(): (s: Sharing) => SharingColumns {
  const oneKey = new Map<string, string>();
  return (s) => {
    const only = s.audience.length === 1 ? s.audience[0] : undefined;
    let audience = only === undefined ? undefined : oneKey.get(only);
    if (audience === undefined) {
      audience = JSON.stringify(s.audience);
      if (only !== undefined) oneKey.set(only, audience);
    }
    return { owner: s.owner, tlp: s.tlp, audience };
  };
}

const columnsOf = (s: Sharing): SharingColumns => ({ owner: s.owner, tlp: s.tlp, audience: JSON.stringify(s.audience) });

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Inserts rows into `table`: on SQLite one reused prepared single-row statement per row (several
 * times faster there than multi-row VALUES); on PostgreSQL multi-row INSERTs, to save round trips.
 */
export async function insertRows<T extends keyof StixTables>(w: WriteContext, table: T, rows: readonly Insertable<StixTables[T]>[], perInsert: number): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first) as (keyof typeof first)[];
  if (w.runMany === undefined) {
    // PostgreSQL: one array parameter per column unnested into rows; far less to compile and parse than multi-row VALUES.
    const types = PG_TYPES[table] as Readonly<Record<string, string>>;
    for (const part of chunks(rows, perInsert)) {
      const arrays = columns.map((c) => sql`${part.map((row) => row[c])}::${sql.raw(types[c as string] ?? 'text')}[]`);
      await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c as string)))}) select * from unnest(${sql.join(arrays)})`.execute(w.trx);
    }
    return;
  }
  const { sql: text } = w.trx.insertInto(table).values(first).compile();
  const params: unknown[][] = new Array<unknown[]>(rows.length);
  // Plain loops: this runs once per stored row, the hottest path of an import.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as (typeof rows)[number];
    const values: unknown[] = new Array<unknown>(columns.length);
    for (let c = 0; c < columns.length; c++) values[c] = row[columns[c] as keyof typeof row];
    params[i] = values;
  }
  w.runMany(text, params);
}

/** PostgreSQL array types of the columns insertRows writes (anything else is text). */
const PG_TYPES: { readonly [T in keyof StixTables]: Partial<Readonly<Record<keyof StixTables[T], string>>> } = {
  stix_version: { added_us: 'int8', revoked: 'int4', is_latest: 'int4', reference: 'int4' },
  stix_audience: { added_us: 'int8', reference: 'int4', is_latest: 'int4' },
  stix_ref: { added_us: 'int8' },
  stix_value: { added_us: 'int8', prefix: 'int4' },
  stix_fts: { rowid: 'int8' },
  status_report: { added_us: 'int8', reported_us: 'int8', trusted: 'int4' },
  stix_clock: { one: 'int4', last_us: 'int8' },
  stix_reshare: { seq: 'int8' },
  stix_change: { n: 'int8' },
};

/** What a write inside a transaction needs: the transaction, its dialect, and SQLite's bulk runner. */
export interface WriteContext {
  readonly trx: Kysely<StixTables>;
  readonly dialect: DialectName;
  readonly runMany: Database<unknown>['runMany'];
  /**
   * PostgreSQL: takes the store's write lock if this transaction does not hold it yet (lockClock). A batch of minted
   * ids only (nothing to read first) leaves it to the reservation's own update of the clock, one round trip less
   * under the lock. Absent: the caller took it at the transaction's start.
   */
  readonly lock?: () => Promise<void>;
  /** Whether the lock is held (the reservation took it, or lock() did). */
  readonly locked?: { held: boolean };
}

/** Takes the store's write lock: one writer at a time, so added_us follows commit order. */
export async function lockClock(trx: Kysely<StixTables>, dialect: DialectName): Promise<void> {
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

/**
 * bumpChanges and reserveAddedUs; on PostgreSQL in one statement, since the clock's row is locked from the transaction's
 * start to its commit and each round trip under it also waits for the server's event loop.
 */
async function bumpAndReserve(trx: Kysely<StixTables>, dialect: DialectName, types: ReadonlySet<string>, n: number, clock: MicroClock): Promise<number> {
  if (dialect !== 'postgres') {
    await bumpChanges(trx, types);
    return reserveAddedUs(trx, dialect, n, clock);
  }
  const now = clock();
  // Sorted as bumpChanges takes them; a data-modifying WITH runs to completion whether or not it is read.
  const { rows } = await sql<{ last_us: number }>`
    with bumped as (
      insert into stix_change (type, n) select t, 1 from unnest(${[...types].sort()}::text[]) as t
      on conflict (type) do update set n = stix_change.n + 1
    )
    update stix_clock set last_us = greatest(last_us + ${n}, ${now + n - 1}) where one = 1 returning last_us`.execute(trx);
  const row = rows[0];
  if (row === undefined) throw new Error('stix_clock has no row');
  return Number(row.last_us) - n + 1;
}

/** What a write transaction may find stored, decided at its first batch: only its own ids if the store held no versions then. */
export async function storedIdsOf(trx: Kysely<StixTables>): Promise<StoredIds> {
  const any = await trx.selectFrom('stix_version').select('added_us').limit(1).executeTakeFirst();
  return any === undefined ? writtenIdsOnly() : anyIdMayBeStored;
}

/** Each record a batch writes to, as new, and the ids of those that may already be stored (to look up). */
export function newStates(items: readonly IncomingObject[], stored: StoredIds): { state: Map<string, IdState>; lookup: Set<string> } {
  const state = new Map<string, IdState>();
  const lookup = new Set<string>();
  for (const item of items) {
    const { id, sharing } = item;
    const key = recordKey(id, sharing.owner);
    if (state.has(key)) continue;
    state.set(key, { id, owner: sharing.owner, firstKey: null, first: null, more: null, latestKey: null, storedLatestKey: null, storedSharing: null, sharing: null });
    if (item.minted !== true && stored.check(key)) lookup.add(id);
  }
  return { state, lookup };
}

async function loadState(trx: Kysely<StixTables>, items: readonly IncomingObject[], stored: StoredIds): Promise<Map<string, IdState>> {
  const { state, lookup } = newStates(items, stored);
  // Only the records this batch writes to: another owner's rows of an id are never read, so a write to an id held
  // out of the writer's sight does the same work as a write to a free id.
  const owners = [...new Set(items.map((i) => i.sharing.owner))];
  for (const part of chunks([...lookup], IDS_PER_QUERY)) {
    const rows = await trx.selectFrom('stix_version').select(['id', 'mod_key', 'json', 'added_us', 'is_latest', 'owner', 'tlp', 'audience']).where('id', 'in', part).where('owner', 'in', owners).execute();
    for (const r of rows) {
      const s = state.get(recordKey(r.id, r.owner));
      if (s === undefined) continue;
      setKnownVersion(s, r.mod_key, { json: r.json, addedUs: Number(r.added_us), insertAt: -1, audience: r.audience });
      // Versions differ in TLP and audience: the object's sharing is its latest version's.
      if (r.is_latest !== 0 || s.storedSharing === null) s.storedSharing = { owner: r.owner, tlp: r.tlp, audience: r.audience };
      if (r.is_latest !== 0) s.latestKey = s.storedLatestKey = r.mod_key;
    }
  }
  return state;
}

/** An object's JSON without its TLP marking (other markings kept), to tell a version that differs only by its TLP. */
function withoutTlp(json: string): { readonly rest: string; readonly tlp: Tlp | undefined } | null {
  let object: unknown;
  try {
    object = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return null;
  const record = { ...(object as Record<string, unknown>) };
  const refs = Array.isArray(record['object_marking_refs']) ? record['object_marking_refs'].filter((r): r is string => typeof r === 'string') : [];
  const kept = refs.filter((r) => tlpOfMarking(r) === undefined);
  if (kept.length === 0) delete record['object_marking_refs'];
  else record['object_marking_refs'] = kept;
  return { rest: JSON.stringify(record), tlp: tlpOfMarkings(refs) };
}

/**
 * When a stored version and an incoming one of the same `modified` differ only by their TLP marking (the hub's,
 * written into an unmarked object, or the object's own): the stored version's TLP; null when they differ otherwise.
 */
function tlpApart(storedJson: string, item: IncomingObject): Tlp | null {
  const stored = withoutTlp(storedJson);
  const incoming = withoutTlp(item.json);
  if (stored === null || incoming === null || stored.rest !== incoming.rest) return null;
  return stored.tlp ?? null;
}

/** Why a version that differs from the stored one only by its TLP is refused, and what to do instead. */
function tlpChangeMessage(item: IncomingObject, stored: Tlp): string {
  const version = `${item.id} version modified=${item.modified ?? '(none)'}`;
  const asked = tlpLabel(item.sharing.tlp);
  const how = item.asReceived === undefined ? `carries ${asked}` : `would be held under ${asked} (the TLP this import asks for)`;
  const keep = item.asReceived === undefined ? `remove its marking or mark it ${tlpLabel(stored)}` : `import it with ${tlpLabel(stored)} or without a TLP`;
  return `${version} is already stored under ${tlpLabel(stored)} and this copy ${how}; a version keeps the TLP it was shared with. To change its TLP, publish a new version: the same object with a later "modified" and the new marking. To leave it as it is, ${keep}.`;
}

/** What a batch decides from what is stored before writing anything: each item's outcome, the versions to insert, the stored versions they replace. */
export interface BatchPlan {
  readonly outcomes: PutOutcome[];
  readonly inserts: Insert[];
  readonly replaced: { added_us: number; audience: string; type: string; json: string }[];
}

export function planBatch(items: readonly IncomingObject[], policy: ConflictPolicy, state: ReadonlyMap<string, IdState>): BatchPlan {
  const inserts: Insert[] = [];
  const sharingOf = sharingColumnsOnce();
  const parseAudience = audienceParserOnce();
  const replaced: { added_us: number; audience: string; type: string; json: string }[] = [];
  const outcomes = new Array<PutOutcome>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as IncomingObject;
    const s = state.get(recordKey(item.id, item.sharing.owner));
    if (s === undefined) throw new Error('putBatch: state was loaded for every record');
    const key = versionKey(item.modified);
    const known = knownVersion(s, key);
    if (known !== undefined) {
      if (known.json === item.json || (item.asReceived !== undefined && known.json === item.asReceived)) {
        outcomes[i] = UNCHANGED;
        continue;
      }
      const markedApart = tlpApart(known.json, item);
      // The TLP a file's unmarked object would take by default is for new objects only: the stored version stands,
      // under either policy (a replace must not re-mark it with the default).
      if (markedApart !== null && item.tlpDefault === true) {
        outcomes[i] = UNCHANGED;
        continue;
      }
      if (policy === 'reject') {
        outcomes[i] =
          markedApart === null
            ? {
                kind: 'rejected',
                code: 'version-conflict',
                message: `${item.id} version modified=${item.modified ?? '(none)'} is already stored with different content; give the change a later "modified", or import with the replace policy`,
              }
            : { kind: 'rejected', code: 'tlp-change-needs-version', message: tlpChangeMessage(item, markedApart) };
        continue;
      }
    }
    let sharing = item.sharing;
    const previous = s.sharing ?? s.storedSharing;
    if (item.audienceDefault === true && previous !== null) {
      // A version given no audience keeps the one before it, or is refused: never a default, never narrower.
      const kept = keptAudience(item.sharing.tlp, parseAudience(previous.audience));
      if (!kept.ok) {
        outcomes[i] = { kind: 'rejected', code: kept.error.code, message: `${item.id} version modified=${item.modified ?? '(none)'}: ${kept.error.message}` };
        continue;
      }
      sharing = { ...item.sharing, audience: kept.value };
    }
    if (known !== undefined) {
      if (known.addedUs !== null && known.audience !== null) replaced.push({ added_us: known.addedUs, audience: known.audience, type: item.type, json: known.json });
      outcomes[i] = NEW_VERSION;
    } else {
      outcomes[i] = s.firstKey === null ? ADDED : NEW_VERSION;
    }
    // A version already inserted by this batch is overwritten in place; a stored one is deleted below and inserted anew.
    const insertAt = known !== undefined && known.insertAt >= 0 ? known.insertAt : inserts.length;
    inserts[insertAt] = { item, sharing, key, state: s };
    setKnownVersion(s, key, { json: item.json, addedUs: null, insertAt, audience: null });
    if (s.latestKey === null || key >= s.latestKey) {
      s.latestKey = key;
      s.sharing = sharingOf(sharing);
    }
  }
  return { outcomes, inserts, replaced };
}

/** The rows a batch's inserted versions make, added at `first`, `first + 1`, … (offsets from 0 when `first` is 0); status reports' parts with their added time. */
export function rowsOf(inserts: readonly Insert[], first: number): { rows: StixVersionTable[]; refs: { ref: string; added_us: number }[]; statuses: { at: number; parts: StatusIndexParts }[] } {
  const older = olderAudienceOnce();
  const rows = new Array<StixVersionTable>(inserts.length);
  const refs: { ref: string; added_us: number }[] = [];
  const statuses: { at: number; parts: StatusIndexParts }[] = [];
  for (let i = 0; i < inserts.length; i++) {
    const { item, sharing: own, key, state: s } = inserts[i] as Insert;
    const sharing = s.sharing ?? s.storedSharing;
    if (sharing === null) throw new Error('putBatch: every inserted version has sharing');
    const added_us = first + i;
    const isLatest = s.latestKey === key;
    const tlp = own.tlp;
    // The newest version carries the object's audience; an older one only what its own TLP lets through.
    const audience = isLatest ? sharing.audience : older(tlp, own.audience, sharing.audience);
    // One literal of fixed shape rather than spreads: cheaper per row, and the column order insertRows reads.
    rows[i] = {
      added_us,
      id: item.id,
      type: item.type,
      modified: item.modified,
      mod_key: key,
      revoked: item.revoked ? 1 : 0,
      is_latest: isLatest ? 1 : 0,
      name: item.name,
      description: item.description,
      json: item.json,
      owner: sharing.owner,
      tlp,
      audience,
      named_users: tlp === 'red' ? (isLatest ? sharing.audience : JSON.stringify(own.audience)) : null,
      reference: isReferenceLibrary({ id: item.id, type: item.type, owner: sharing.owner, json: item.json }) ? 1 : 0,
    };
    for (const ref of item.refs ?? refsOf(item.type, item.json)) refs.push({ ref, added_us });
    if (item.type === STATUS_REPORT_TYPE) {
      const parts = statusIndexParts(item.type, item.json, sharing.owner);
      if (parts !== null) statuses.push({ at: added_us, parts });
    }
  }
  return { rows, refs, statuses };
}

/**
 * Writes one batch inside the caller's transaction: versions by `modified`, identical bytes a
 * no-op, same version with other bytes refused (or replaced under policy 'replace').
 */
export async function putBatch(
  w: WriteContext,
  items: readonly IncomingObject[],
  policy: ConflictPolicy,
  clock: MicroClock,
  stored: StoredIds = anyIdMayBeStored,
  inserted?: InsertedSoFar,
): Promise<PutOutcome[]> {
  const { trx, dialect } = w;
  // What this batch reads (versions already stored, their sharing) decides what it writes: read under the lock.
  if (w.lock !== undefined && items.some((item) => item.minted !== true)) await w.lock();
  const state = await loadState(trx, items, stored);
  const { outcomes, inserts, replaced } = planBatch(items, policy, state);
  if (inserts.length === 0) return outcomes;

  await deleteAudience(trx, replaced);
  for (const r of refRows(replaced)) await trx.deleteFrom('stix_ref').where('ref', '=', r.ref).where('added_us', '=', r.added_us).execute();
  const replacedStatus = replaced.filter((r) => r.type === STATUS_REPORT_TYPE).map((r) => r.added_us);
  if (replacedStatus.length > 0) await trx.deleteFrom('status_report').where('added_us', 'in', replacedStatus).execute();
  for (const part of chunks(replaced.map((r) => r.added_us), IDS_PER_QUERY)) {
    await trx.deleteFrom('stix_value').where('added_us', 'in', part).execute();
    if (dialect === 'sqlite') await trx.deleteFrom('stix_fts').where('rowid', 'in', part).execute();
  }
  for (const part of chunks(replaced.map((r) => r.added_us), IDS_PER_QUERY)) await trx.deleteFrom('stix_version').where('added_us', 'in', part).execute();
  // Only records stored before this batch can lose their latest version or change their sharing.
  const demoted = new Map<string, string[]>();
  const reshared: { id: string; sharing: SharingColumns }[] = [];
  for (const s of state.values()) {
    if (s.storedSharing === null) continue;
    if (s.storedLatestKey !== null && s.latestKey !== s.storedLatestKey) demoted.set(s.owner, [...(demoted.get(s.owner) ?? []), s.id]);
    // An existing record whose newest version changed its audience: every stored version follows, as far as its own TLP allows.
    // A new TLP with the same audience too: the version it demotes is held to its own TLP from now on.
    if (s.sharing !== null && !sameSharing(s.storedSharing, s.sharing)) reshared.push({ id: s.id, sharing: s.sharing });
  }
  for (const [owner, ids] of demoted) {
    for (const part of chunks(ids, IDS_PER_QUERY)) {
      // Their audience rows first, found by the versions still marked latest (migration 0050).
      const latest = trx.selectFrom('stix_version').select('added_us').where('id', 'in', part).where('owner', '=', owner).where('is_latest', '=', 1);
      await trx.updateTable('stix_audience').set({ is_latest: 0 }).where('added_us', 'in', latest).execute();
      await trx.updateTable('stix_version').set({ is_latest: 0 }).where('id', 'in', part).where('owner', '=', owner).where('is_latest', '=', 1).execute();
    }
  }
  for (const { id, sharing } of reshared) {
    const at = await setSharing(w, id, sharing, clock);
    // Said to the live feeds as a re-share, as REST's is (src/alerts/publishing-store.ts).
    if (at !== null && inserted !== undefined) inserted.reshared.push({ id, owner: sharing.owner, atUs: at });
  }
  const first = await bumpAndReserve(trx, dialect, new Set(inserts.map((i) => i.item.type)), inserts.length, clock);
  // The reservation updated the clock's row: the lock is held from here to the commit, so added_us follows commit order.
  if (w.locked !== undefined) w.locked.held = true;
  const { rows, refs, statuses: statusParts } = rowsOf(inserts, first);
  const statuses = statusParts.map((s) => statusRowOf(s.at, s.parts));
  await insertRows(w, 'stix_version', rows, VERSION_ROWS_PER_INSERT);
  const audiences = audienceRows(rows);
  if (inserted !== undefined) noteInserted(inserted, rows, audiences);
  await insertRows(w, 'stix_audience', audiences, SMALL_ROWS_PER_INSERT);
  await insertRows(w, 'stix_ref', refs, SMALL_ROWS_PER_INSERT);
  await insertRows(w, 'status_report', statuses, SMALL_ROWS_PER_INSERT);
  await insertSearchRows(w, rows);
  await logPublic(trx, inserts, rows, state);
  return outcomes;
}

/** Adds a batch's versions to what its transaction inserted (the first INSERTED_KEPT of them; the rest are counted). */
export function noteInserted(inserted: InsertedSoFar, rows: readonly StixVersionTable[], audiences: readonly { key: string; added_us: number }[]): void {
  const keep = Math.min(rows.length, INSERTED_KEPT - inserted.first.length);
  if (keep > 0) {
    const keys = new Map<number, string[]>();
    for (const a of audiences) {
      const list = keys.get(a.added_us);
      if (list === undefined) keys.set(a.added_us, [a.key]);
      else list.push(a.key);
    }
    for (let i = 0; i < keep; i++) {
      const row = rows[i] as StixVersionTable;
      inserted.first.push({ id: row.id, addedUs: row.added_us, owner: row.owner, audience: keys.get(row.added_us) ?? [] });
    }
  }
  inserted.count += rows.length;
}

/** Whether a version so shared is public: TLP:CLEAR with audience public. */
export const isPublic = (tlp: string, audience: readonly string[]): boolean => tlp === 'clear' && audience.includes('public');
/** sha256 (hex) of the canonical form of a version's JSON: how the transparency log names a version's content. */
export const sha256Of = (json: string): string => createHash('sha256').update(canonicalJson(JSON.parse(json)), 'utf8').digest('hex');
const timeOfMicros = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();

/**
 * The public transparency log entries of the batch, in this transaction: one for every version stored as
 * TLP:CLEAR with audience public, in the words its item gave or else as a notice (its type, name and owner),
 * whichever path wrote it; and one for every record that was public and whose new version is not (unpublished).
 * A version stored otherwise (an older version held to a narrower audience than asked for) was not made
 * public and is not logged; nor is the hub's own reference material (REFERENCE_DATA).
 */
async function logPublic(trx: Kysely<StixTables>, inserts: readonly Insert[], rows: readonly StixVersionTable[], state: ReadonlyMap<string, IdState>): Promise<void> {
  const events: TransparencyEvent[] = [];
  // Runs for every row of an import: only CLEAR rows' audiences are read, each distinct one once.
  const parseAudience = audienceParserOnce();
  for (let i = 0; i < inserts.length; i++) {
    const { item } = inserts[i] as Insert;
    const row = rows[i] as StixVersionTable;
    if (item.transparency === REFERENCE_DATA || row.tlp !== 'clear' || !parseAudience(row.audience).includes('public')) continue;
    const event: TransparencyEvent = item.transparency ?? {
      kind: item.revoked ? 'notice-revoked' : 'notice-published',
      time: timeOfMicros(row.added_us),
      content: { type: row.type, name: row.name, publisher: { org_ref: row.owner } },
    };
    events.push({ ...event, content: { ...event.content, object: { id: row.id, modified: row.modified, sha256: sha256Of(row.json) } } });
  }
  const time = timeOfMicros(rows[0]?.added_us ?? 0);
  for (const s of state.values()) {
    const before = s.storedLatestKey === null ? undefined : knownVersion(s, s.storedLatestKey);
    if (s.storedSharing === null || s.sharing === null || before === undefined) continue;
    if (s.storedSharing.tlp !== 'clear' || !parseAudience(s.storedSharing.audience).includes('public') || isPublic(s.sharing.tlp, parseAudience(s.sharing.audience))) continue;
    // A new version shared more narrowly takes every older version from the public too: the public sees it go.
    const o = JSON.parse(before.json) as Record<string, unknown>;
    const object = { id: s.id, modified: typeof o['modified'] === 'string' ? o['modified'] : null, sha256: sha256Of(before.json) };
    events.push({ kind: 'notice-unpublished', time, content: { type: String(o['type']), name: typeof o['name'] === 'string' ? o['name'] : null, publisher: { org_ref: s.owner }, object } });
  }
  // The same transaction, seen with the log's tables (Kysely's table types do not widen by assignment).
  await appendTransparency(trx as unknown as Kysely<TransparencyTables>, events);
}

/**
 * The search index of new versions (migration 0022): the observable values each names (stix_value, with
 * the version's owner and audience: SQLite migration 0045, PostgreSQL 0047) and, on SQLite, its name and description in the FTS5 table
 * (PostgreSQL's full-text index is over stix_version's own columns).
 */
export async function insertSearchRows(w: WriteContext, rows: readonly Pick<StixVersionTable, 'added_us' | 'json' | 'name' | 'description' | 'owner' | 'audience'>[]): Promise<void> {
  await insertRows(w, 'stix_value', valueRowsOf(rows), SMALL_ROWS_PER_INSERT);
  if (w.dialect === 'sqlite') {
    const words = sharingWordsOnce();
    await insertRows(w, 'stix_fts', rows.map((r) => ({ rowid: r.added_us, name: r.name ?? '', description: r.description ?? '', sharing: words(r.owner, r.audience) })), SMALL_ROWS_PER_INSERT);
  }
}

/** The observable values each version names (stix_value), each row with the version's owner and audience (SQLite 0045, PostgreSQL 0047). */
export function valueRowsOf(rows: readonly Pick<StixVersionTable, 'added_us' | 'json' | 'owner' | 'audience'>[]): StixValueTable[] {
  return rows.flatMap(({ added_us, json, owner, audience }) => searchValuesOf(json).map((v) => ({ kind: v.kind, value: v.value, prefix: v.prefix, added_us, owner, audience })));
}

/** sharingWords for one batch: most versions of an import share an owner and audience, built once each. */
function sharingWordsOnce(): (owner: string, audience: string) => string {
  const built = new Map<string, string>();
  return (owner, audience) => {
    const key = `${owner} ${audience}`;
    let words = built.get(key);
    if (words === undefined) {
      words = sharingWords(owner, audience);
      built.set(key, words);
    }
    return words;
  };
}

/** The same, from a version's JSON (only sightings and relationships are parsed). */
function refsOf(type: string, json: string): readonly string[] {
  return REF_PROPERTIES[type] === undefined ? NO_REFS : stixRefs(type, JSON.parse(json) as Record<string, unknown>);
}

/** The stix_ref rows of some versions. */
export function refRows(versions: readonly { added_us: number; type: string; json: string }[]): { ref: string; added_us: number }[] {
  const rows: { ref: string; added_us: number }[] = [];
  for (const v of versions) for (const ref of refsOf(v.type, v.json)) rows.push({ ref, added_us: v.added_us });
  return rows;
}

/** What a version's audience rows copy from it (StixAudienceTable). */
type AudienceOf = Pick<StixVersionTable, 'added_us' | 'audience' | 'reference' | 'is_latest' | 'type'>;

/** The audience rows of some versions: one per distinct key of each version's sharing. */
export function audienceRows(versions: readonly AudienceOf[]): StixAudienceTable[] {
  const parsed = new Map<string, readonly string[]>();
  const rows: StixAudienceTable[] = [];
  for (const v of versions) {
    let keys = parsed.get(v.audience);
    if (keys === undefined) {
      keys = [...new Set(JSON.parse(v.audience) as string[])];
      parsed.set(v.audience, keys);
    }
    for (const key of keys) rows.push({ key, added_us: v.added_us, reference: v.reference, is_latest: v.is_latest, type: v.type });
  }
  return rows;
}

/** Counts one more change of each type (migration 0028), in the writing transaction: caches of derived data compare the count. */
export async function bumpChanges(trx: Kysely<StixTables>, types: ReadonlySet<string>): Promise<void> {
  for (const type of [...types].sort()) {
    await trx
      .insertInto('stix_change')
      .values({ type, n: 1 })
      .onConflict((oc) => oc.column('type').doUpdateSet({ n: sql<number>`stix_change.n + 1` }))
      .execute();
  }
}

const sameSharing = (a: SharingColumns, b: SharingColumns) => a.owner === b.owner && a.tlp === b.tlp && a.audience === b.audience;

/** Parses audience columns (JSON), each distinct value once per batch. */
function audienceParserOnce(): (column: string) => readonly AudienceKey[] {
  const parsed = new Map<string, readonly AudienceKey[]>();
  return (column) => {
    let keys = parsed.get(column);
    if (keys === undefined) {
      keys = JSON.parse(column) as AudienceKey[];
      parsed.set(column, keys);
    }
    return keys;
  };
}

/** olderVersionAudience over audience columns (JSON), for one batch. */
function olderAudienceOnce(): (tlp: Tlp, named: readonly AudienceKey[], current: string) => string {
  const parse = audienceParserOnce();
  return (tlp, named, current) => JSON.stringify(olderVersionAudience(tlp, named, parse(current)));
}

/** Deletes the audience rows of some versions, by their keys so that the (key, added_us) primary key finds them. */
async function deleteAudience(trx: Kysely<StixTables>, versions: readonly { added_us: number; audience: string }[]): Promise<void> {
  const byAudience = new Map<string, number[]>();
  for (const v of versions) byAudience.set(v.audience, [...(byAudience.get(v.audience) ?? []), Number(v.added_us)]);
  for (const [audience, addedUs] of byAudience) {
    const keys = [...new Set(JSON.parse(audience) as string[])];
    if (keys.length === 0) continue;
    for (const part of chunks(addedUs, IDS_PER_QUERY)) await trx.deleteFrom('stix_audience').where('key', 'in', keys).where('added_us', 'in', part).execute();
  }
}

/**
 * Sets the audience of one owner's record of an id (other owners' records of the id stay as they are): its latest version takes the audience as given, each
 * older version what its own TLP lets through (olderVersionAudience); every version keeps its own TLP.
 * The audience keys of the versions whose audience changed are rewritten.
 */
export async function setSharing(w: WriteContext, id: string, sharing: SharingColumns, clock: MicroClock): Promise<number | null> {
  const { trx } = w;
  const current = JSON.parse(sharing.audience) as AudienceKey[];
  const versions = await trx.selectFrom('stix_version').select(['added_us', 'tlp', 'audience', 'named_users', 'is_latest', 'reference', 'type']).where('id', '=', id).where('owner', '=', sharing.owner).execute();
  const changed: { added_us: number; before: string; after: string; named: string | null; reference: number; is_latest: number; type: string }[] = [];
  for (const v of versions) {
    const latest = v.is_latest !== 0;
    const tlp = v.tlp as Tlp;
    // Versions stored before migration 0008 have no named_users: their present audience is all they may keep.
    const after = latest ? sharing.audience : JSON.stringify(olderVersionAudience(tlp, JSON.parse(v.named_users ?? v.audience) as AudienceKey[], current));
    const named = tlp !== 'red' ? null : latest ? sharing.audience : (v.named_users ?? v.audience);
    if (after !== v.audience || named !== v.named_users) changed.push({ added_us: Number(v.added_us), before: v.audience, after, named, reference: v.reference, is_latest: v.is_latest, type: v.type });
  }
  await deleteAudience(trx, changed.map((c) => ({ added_us: c.added_us, audience: c.before })));
  for (const c of changed) {
    await trx.updateTable('stix_version').set({ audience: c.after, named_users: c.named }).where('added_us', '=', c.added_us).execute();
    if (c.after !== c.before) {
      // The value rows carry the version's audience (SQLite migration 0045, PostgreSQL 0047), and SQLite's full-text row too (0046): rewritten with it, in this transaction.
      await trx.updateTable('stix_value').set({ audience: c.after }).where('added_us', '=', c.added_us).execute();
      if (w.dialect === 'sqlite') {
        await sql`delete from stix_fts where rowid = ${c.added_us}`.execute(trx);
        await sql`insert into stix_fts (rowid, name, description, sharing)
        select added_us, coalesce(name, ''), coalesce(description, ''), ${sharingWords(sharing.owner, c.after)} from stix_version where added_us = ${c.added_us}`.execute(trx);
      }
    }
  }
  await insertRows(w, 'stix_audience', audienceRows(changed.map((c) => ({ ...c, audience: c.after }))), SMALL_ROWS_PER_INSERT);
  if (changed.length === 0) return null;
  // Logged in the same transaction: the alert matcher reads re-shares from its own cursor, even those made while no server ran.
  // At a tick of the store's clock, as a version's added time: a live stream resumed after an added time finds the re-shares made since.
  const at = await reserveAddedUs(trx, w.dialect, 1, clock);
  if (w.locked !== undefined) w.locked.held = true;
  await trx.insertInto('stix_reshare').values({ id, owner: sharing.owner, at_us: at }).execute();
  return at;
}

export { columnsOf as sharingColumns };
