import { parseStixId, type OrgId, type StixId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { ListQuery, Page, Reader, ReshareEntry, StixStore, StoredVersion } from '../store/types.ts';
import type { Change } from './bus.ts';
import { isOwnKey, readerKey, sharedPart, type SharedLists } from './shared-lists.ts';

/** What a live feed says of one object: enough for a list row, never its content beyond the name. */
export interface LiveObject {
  readonly id: StixId;
  readonly type: string;
  readonly name: string | null;
  readonly tlp: Tlp;
  readonly owner: OrgId;
  readonly owner_name: string | null;
  readonly modified: string | null;
  readonly revoked: boolean;
  /** `stored`: a new object or version; `reshared`: its audience changed and this reader still sees it. */
  readonly change: 'stored' | 'reshared';
}

export interface LiveEvent {
  /** The feed's position after this event (microseconds, the store's added time): the order events go in. */
  readonly cursor: number;
  readonly object: LiveObject;
  /**
   * The entries of the store's log (versions' added times, re-shares' logged times) this event reports: a resume leaves them out.
   * Absent or empty: none said (a re-share from a process of the previous version).
   */
  readonly covers?: readonly number[];
  /** What the stream sends as this event's id (set by the feed as it sends: resumeId), for Last-Event-ID. */
  readonly lastId?: string;
}

/**
 * Where a stream resumes: every entry of the store's log (versions and re-shares, one clock in commit order) up to
 * `through` is accounted for (sent, or not for its reader); of the entries after it, `sent` were sent.
 */
export interface ResumePoint {
  readonly through: number;
  readonly sent: readonly number[];
}

/** Entries after `through` an id names at most; past them the oldest are left out (a resume would send those again, never miss one). */
export const RESUME_SENT_MAX = 100;

/** A resume point as an SSE id: `through`, then `-` and each sent entry's distance from it in base 36, `.` between. */
export function resumeId(point: ResumePoint): string {
  if (point.sent.length === 0) return String(point.through);
  return `${point.through}-${point.sent.map((t) => (t - point.through).toString(36)).join('.')}`;
}

const RESUME_ID = new RegExp(`^(\\d{1,16})(?:-([0-9a-z]{1,11}(?:\\.[0-9a-z]{1,11}){0,${RESUME_SENT_MAX - 1}}))?$`);

/** A Last-Event-ID as the stream sent it (a plain number: an id of the previous version, its position), or null. */
export function parseResumeId(text: string): ResumePoint | null {
  const m = RESUME_ID.exec(text);
  const through = m?.[1];
  if (m === null || through === undefined) return null;
  const base = Number(through);
  if (!Number.isSafeInteger(base)) return null;
  const sent = (m[2] ?? '').split('.').filter((d) => d !== '').map((d) => base + parseInt(d, 36));
  return sent.every((t) => Number.isSafeInteger(t) && t > base) ? { through: base, sent } : null;
}

export interface FeedDeps {
  readonly stix: Pick<StixStore, 'list'>;
  /** An organization's display name, or null; called once per event, so make it cheap (see cachedNames). */
  readonly ownerName?: (id: OrgId) => Promise<string | null>;
  /** Objects read per query (default 100); a fuller backlog is read in further queries at once. */
  readonly pageSize?: number;
  /**
   * The reader as its credentials stand now (keys read again: a group left, a role or key changed),
   * asked before every round; null when they no longer hold (signed out, disabled, key revoked): the
   * feed then ends with FeedEnded. Without it the feed keeps the reader it was opened with.
   */
  readonly currentReader?: () => Promise<Reader | null>;
  /**
   * Queries shared with the other feeds of this process whose readers hold the same keys (one query per
   * organization's key set instead of one per subscriber). Its `changed()` must hear every change before
   * the feeds do. Without it every feed asks the store alone.
   */
  readonly shared?: SharedLists;
  /** Told the reader each round reads with (its credentials read again), so a process can index its feeds by their keys. */
  readonly onReader?: (reader: Reader) => void;
  /**
   * For a stream resumed from a cursor (a reconnect's Last-Event-ID): the store's log of re-shares after a time
   * (StixStore.resharedAfter). Its first round reads the re-shares made after the cursor and reports, once each, the
   * objects its reader sees now, as `reshared` (a narrowing that took the object away reports nothing).
   */
  readonly resharedAfter?: (afterUs: number, limit: number) => Promise<readonly ReshareEntry[]>;
  /** For a stream resumed from a ResumePoint: the entries after its cursor (`through`) the client has; they are not sent again. */
  readonly resumeSent?: readonly number[];
}

/** The feed ended because its reader's credentials no longer hold; not a failure of the store. */
export class FeedEnded extends Error {
  constructor() {
    super('the credentials of this live feed no longer hold');
  }
}

/** A stored change that names its audience, owners and versions (src/alerts/publishing-store.ts). */
export type NamedChange = Extract<Change, { kind: 'stored' }> & { readonly audience: readonly string[]; readonly owners: readonly string[]; readonly versions: readonly { readonly id: string; readonly added_us: number }[] };

/**
 * How a feed takes a named change: not at all (nothing in it can be for its reader), by its own round
 * (as notify, while it is busy), or with `reader`: its keys but its own (src/alerts/shared-lists.ts), or its whole
 * reader when the change names its organization as owner or one of its own keys; the process then asks the store
 * once which of its feeds' readers see each version (src/alerts/fanout.ts).
 */
export type FeedRoute = { readonly kind: 'skip' } | { readonly kind: 'round' } | { readonly kind: 'shared'; readonly reader: Reader };

/** A version of a change as a feed may send it: the store said the feed's shared reader sees it. */
export interface SeenVersion {
  readonly addedUs: number;
  readonly object: LiveObject;
}

export interface Feed {
  /** Something changed somewhere: the feed will ask the store what is new for its reader. */
  notify(change: Change): void;
  /**
   * `shared` only while the feed is idle (no round running or waiting, nothing being written): with its shared part
   * when the change names neither its organization as owner nor one of its own keys (exactly when notify would run a
   * shared round), else with its whole reader (what its own round would read with).
   */
  route(change: NamedChange): FeedRoute;
  /**
   * The versions of `change` that `reader` (what route() returned) may see, oldest first: sent at once when the
   * feed still reads with that reader (or its shared part) and is idle; otherwise the change is taken as notify takes it.
   */
  offer(reader: Reader, change: NamedChange, seen: readonly SeenVersion[]): void;
  /** Ask the store again with the whole reader even without a change (a stream's first round). */
  poll(): void;
  /**
   * The heartbeat: the reader's credentials read again (the calls of one turn share their queries,
   * src/store/batched.ts) and nothing else, unless they no longer hold (the feed ends) or its keys changed
   * (a group joined: a round with the whole reader). A change lost on the way is the process's to find
   * (src/alerts/catch-up.ts), not each feed's.
   */
  beat(): void;
  /**
   * The process says every entry of the store's log up to `watermark` has been handed to its feeds (heard, or found by its
   * catch-up: src/alerts/catch-up.ts) and taken (its fan-out settled): an idle feed past its first round then counts them
   * accounted for, and the ids it sends name fewer entries.
   */
  settle(watermark: number): void;
  /** The cursor of the last event sent. */
  readonly cursor: number;
  /** Resolves when no query is running or waiting (tests). */
  settled(): Promise<void>;
  close(): void;
}

const DEFAULT_PAGE = 100;
/** Entries of the log of re-shares read per query by a resumed stream. */
const RESHARE_PAGE = 500;

// Feeds that share a query share its versions: each version's name is parsed once.
const names = new WeakMap<StoredVersion, string | null>();
function nameOf(v: StoredVersion): string | null {
  let name = names.get(v);
  if (name === undefined) {
    const value = (JSON.parse(v.json) as { name?: unknown }).name;
    name = typeof value === 'string' ? value : null;
    names.set(v, name);
  }
  return name;
}

/**
 * One reader's live feed from `cursor` on. Changes are coalesced: however many arrive, at most one
 * round of queries runs at a time, and the next round covers all that came meanwhile. Every query
 * is the store's reader-bound list, so the visibility rule stays in SQL: a reader who lost an
 * object by a narrowing re-share gets nothing further about it.
 */
export function openFeed(deps: FeedDeps, opened: Reader, cursor: number, send: (events: readonly LiveEvent[]) => Promise<void>, onError: (error: unknown) => void): Feed {
  const pageSize = deps.pageSize ?? DEFAULT_PAGE;
  const resumeSent = deps.resumeSent ?? [];
  // The resume point the ids sent name: every entry of the store's log up to `through` is accounted for; of those after it, `beyond` were sent.
  let through = cursor;
  let beyond: number[] = [...resumeSent];
  let beyondSet = new Set(beyond);
  // The id those name (resumeId), kept as entries are added: an event's id costs a concatenation, not a join of them all.
  let lastId = resumeId({ through, sent: beyond });
  // Until its first round is done, a feed has not read what came before it was heard of: settle() waits for it.
  let begun = false;
  let position = Math.max(cursor, ...resumeSent);
  // How far the client had got (the newest entry it was sent, or its cursor).
  const resumedAt = position;
  let reader = opened;
  let dirty = false;
  // Ask the store with the whole reader (not the shared part) in the next round: at first, on the
  // heartbeat (a change lost on the way may have named this reader), and after a change that named
  // its organization (as owner or org: key) or one of its user: keys, or did not say what it named.
  let personal = true;
  // Where the last personal round ended, and the versions shared rounds reported since (by added time).
  let personalFrom = cursor;
  // A resumed stream's first (personal) round reads again from the cursor, leaving out what the client has.
  const sent = new Set<number>(resumeSent);
  let closed = false;
  // Ids re-shared since the last round, each with when the newest of its re-shares was logged (0: not said).
  const reshared: Reshares = new Map();
  // A resumed stream: where to read the log of re-shares from in its first round of its own (null: done, or not resumed).
  let resumeFrom = deps.resharedAfter === undefined ? null : cursor;
  // Re-shares the resumed stream found in the log (by logged time): their changes, heard late, are not reported again.
  const fromLog = new Set<number>();
  const resumeSkip = new Set(resumeSent);
  let running: Promise<void> | null = null;
  // A heartbeat's credential check under way (only while no round runs: a round checks them itself).
  let checking: Promise<void> | null = null;

  const toEvent = async (v: StoredVersion, change: LiveObject['change'], at: number, covers: readonly number[]): Promise<LiveEvent> => ({ cursor: at, object: await liveObject(v, change, deps.ownerName), covers });

  /** `events` with the ids that name the resume point after each (the entries it reports added), then sent. */
  const sendNamed = (events: readonly LiveEvent[]): Promise<void> => {
    const named = events.map((e) => {
      for (const t of e.covers ?? []) {
        if (t <= through || beyondSet.has(t)) continue;
        beyond.push(t);
        beyondSet.add(t);
        lastId += `${beyond.length === 1 ? '-' : '.'}${(t - through).toString(36)}`;
      }
      if (beyond.length > RESUME_SENT_MAX) {
        // Too many to name: the oldest quarter is left out (the id rebuilt once per so many), and a resume from this id sends
        // them again (never misses one).
        for (const t of beyond.splice(0, beyond.length - Math.floor((RESUME_SENT_MAX * 3) / 4))) beyondSet.delete(t);
        lastId = resumeId({ through, sent: beyond });
      }
      return { ...e, lastId };
    });
    return send(named);
  };
  // What a shared send is still writing (a slow client): further changes take the round, which waits for it.
  let sending: Promise<void> | null = null;

  /**
   * The versions after `position` this round reports as stored, and the position after them. A shared
   * round reads what the reader's colleagues read. A personal round reads with the whole reader from
   * where the last personal round ended: a shared round may have moved past a version that only this
   * person may see (its change not yet heard), so such a version is reported now, once.
   */
  async function storedSince(list: (q: ListQuery) => Promise<Result<Page<StoredVersion>, Problem>>, own: boolean): Promise<{ versions: StoredVersion[]; next: number; more: boolean }> {
    const rescan = own && personalFrom < position;
    const versions: StoredVersion[] = [];
    let next = position;
    let more = false;
    let cursor: string | null = null;
    for (;;) {
      const page = await list({ addedAfterUs: rescan ? personalFrom : position, limit: pageSize, ...(cursor === null ? {} : { cursor }) });
      if (!page.ok) throw new Error(`live feed: ${page.error.message}`);
      for (const v of page.value.items) {
        if (v.addedUs > position) {
          versions.push(v);
          next = v.addedUs;
        } else if (!sent.has(v.addedUs)) versions.push(v);
      }
      cursor = page.value.nextCursor;
      if (cursor === null) break;
      // A backlog longer than a page: another round at once (a rescan first reads up to the position).
      if (next > position || !rescan) {
        more = true;
        break;
      }
    }
    return { versions, next, more };
  }

  /** The re-shares logged after `from`, added to `into` (the newest time of each record). */
  async function resharesSince(from: number, into: Reshares, read: NonNullable<FeedDeps['resharedAfter']>): Promise<void> {
    let after = from;
    for (;;) {
      const entries = await read(after, RESHARE_PAGE);
      for (const e of entries) {
        if (e.atUs === null) continue;
        // One the client had before it reconnected: not again (its change, heard late, is not reported either).
        if (!resumeSkip.has(e.atUs)) addReshare(into, e.id, e.owner, e.atUs);
        fromLog.add(e.atUs);
        after = Math.max(after, e.atUs);
      }
      if (entries.length < RESHARE_PAGE) return;
    }
  }

  async function round(taken: Reshares, own: boolean): Promise<void> {
    if (deps.currentReader !== undefined) {
      const now = await deps.currentReader();
      if (now === null) throw new FeedEnded();
      reader = now;
      deps.onReader?.(now);
    }
    const asked = reader;
    const shared = deps.shared;
    const list = own || shared === undefined ? (q: ListQuery) => deps.stix.list(asked, q) : (q: ListQuery) => shared.list(sharedPart(asked), q);
    const reshares: Reshares = new Map(taken);
    // Read before the versions: a re-share is logged at a tick after every version committed before it, so the versions
    // read next hold every one added before the re-shares found, and the position may move past those re-shares.
    const read = deps.resharedAfter;
    if (own && resumeFrom !== null && read !== undefined) {
      await resharesSince(resumeFrom, reshares, read);
      resumeFrom = null;
    }
    const { versions, next, more } = await storedSince(list, own);
    if (more) {
      dirty = true;
      // What is left may hold a version for this person alone too.
      if (own) personal = true;
    }
    const events: LiveEvent[] = [];
    // A version reported late (below the position) carries the position as its cursor: a reconnect resumes after both.
    for (const v of versions) events.push(await toEvent(v, 'stored', Math.max(v.addedUs, position), [v.addedUs]));
    // Re-shares wait for the round that reads the last of a backlog: the position moves past them only with the versions before them.
    let reached = next;
    if (more) {
      for (const r of reshares.values()) addReshare(reshared, r.id, r.owner, r.at, r.ats);
    } else {
      const fresh = new Set(events.map((e) => e.object.id));
      const freshRecords = new Map(events.map((e) => [recordKey(e.object.id, e.object.owner), e] as const));
      // By the owner whose record was re-shared: another owner's record of the id (an observable several organizations
      // hold) did not change, and reporting it would tell this reader of a record it may not see.
      const byOwner = new Map<string | null, StixId[]>();
      for (const r of reshares.values()) {
        if (r.owner === null ? fresh.has(r.id) : freshRecords.has(recordKey(r.id, r.owner))) {
          // Reported with its version: that event reports the re-share too (a resume after it leaves the re-share out), and says
          // `reshared` for a version a resumed stream's client had gone past (it could not see it when stored) re-shared since.
          const key = r.owner === null ? null : recordKey(r.id, r.owner);
          const e = key === null ? undefined : freshRecords.get(key);
          if (e !== undefined) {
            const i = events.indexOf(e);
            const stored = e.covers?.[0] ?? Number.POSITIVE_INFINITY;
            const after = stored <= resumedAt && r.at > stored;
            const merged: LiveEvent = { ...e, covers: [...(e.covers ?? []), ...r.ats], ...(after ? { object: { ...e.object, change: 'reshared' } } : {}) };
            if (i >= 0) events[i] = merged;
            if (key !== null) freshRecords.set(key, merged);
          }
          continue;
        }
        byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), r.id]);
      }
      const again: LiveEvent[] = [];
      for (const [owner, ids] of byOwner) {
        for (let from = 0; from < ids.length; from += pageSize) {
          const part = ids.slice(from, from + pageSize);
          // Not said whose record (a message from a process of the previous version): every record of the id the reader may see, page by page.
          let cursor: string | null = null;
          for (;;) {
            const page = await list({ ids: part, limit: part.length, ...(owner === null ? {} : { owners: [owner] }), ...(cursor === null ? {} : { cursor }) });
            if (!page.ok) throw new Error(`live feed: ${page.error.message}`);
            for (const v of page.value.items) {
              // At when it was logged (not said: after the versions, as before); below the position, at the position.
              const r = reshares.get(recordKey(v.id, owner));
              const at = r?.at ?? 0;
              again.push(await toEvent(v, 'reshared', at === 0 ? next : Math.max(position, at), r?.ats ?? []));
            }
            cursor = page.value.nextCursor;
            if (cursor === null) break;
          }
        }
      }
      // Each among the versions at its own time (a stable sort: a version keeps its place): a reconnect after any event
      // reads the versions and the log of re-shares again from there, and gets exactly what came after it.
      events.push(...again);
      events.sort((a, b) => a.cursor - b.cursor);
      // Past the re-shares taken (a narrowing reports nothing, and a resume from here need not read it again).
      for (const r of reshares.values()) reached = Math.max(reached, r.at);
    }
    if (closed) return;
    position = reached;
    if (own) {
      personalFrom = reached;
      sent.clear();
    } else {
      for (const v of versions) sent.add(v.addedUs);
    }
    if (events.length === 0) return;
    // The last event carries where the round reached.
    const last = events.length - 1;
    const final = events[last];
    if (final !== undefined && final.cursor < reached) events[last] = { ...final, cursor: reached };
    await sendNamed(events);
  }

  async function run(): Promise<void> {
    try {
      while (dirty && !closed) {
        // Let a burst of changes land before querying: one round for all of them.
        await new Promise((resolve) => setImmediate(resolve));
        dirty = false;
        const taken = new Map(reshared);
        reshared.clear();
        // A re-share is always read with the whole reader (it says nothing of the versions it kept narrower).
        const own = personal || taken.size > 0;
        personal = false;
        await round(taken, own);
        if (own) begun = true;
      }
    } catch (error) {
      closed = true;
      onError(error);
    } finally {
      running = null;
    }
  }

  const wake = () => {
    dirty = true;
    if (running === null && !closed) running = run();
  };

  function notify(change: Change): void {
    // Support requests are not STIX objects: the live route tells their organizations itself.
    if (closed || change.kind === 'support') return;
    // A store write that names where its versions went: a reader holding none of it has nothing new.
    // (Keys gained since the last round are picked up by the heartbeat's poll.)
    if (change.kind === 'stored' && change.audience !== undefined && change.owners !== undefined && !concerns(reader, change.audience, change.owners)) return;
    // A version below the position (another process's write heard after a later one) is found only by reading
    // again from where the last personal round ended; a round from the position would go past it.
    if (change.kind === 'stored' && (change.versions === undefined || change.versions.some((v) => v.added_us > personalFrom && v.added_us <= position && !sent.has(v.added_us)))) personal = true;
    if (change.kind === 'reshared') {
      const at = change.at_us ?? 0;
      // Found in the log by this resumed stream and reported then: its change came late.
      if (fromLog.delete(at)) return;
      // Reported already (an event named it), or accounted for (at or below the resume point): a change naming it again (the
      // catch-up matches heard re-shares by id, and may hand on an entry whose own change was heard) reports nothing twice.
      if (at !== 0 && (at <= through || beyondSet.has(at))) return;
      const id = parseStixId(change.id);
      if (id.ok) addReshare(reshared, id.value, change.owner ?? null, at);
      // A re-share says nothing of the versions it kept narrower (a TLP:RED one names people).
      personal = true;
    } else if (change.kind === 'access' || change.audience === undefined || change.owners === undefined || namesOwn(reader, change.audience, change.owners)) {
      // It may hold something for this reader alone (its organization's own, or named to it): only its whole reader finds it.
      // (An access change is a poll: its reader is read again in a personal round.)
      if (reader.kind === 'member' || change.kind === 'access') personal = true;
    }
    wake();
  }

  return {
    notify,
    route(change) {
      if (closed) return { kind: 'skip' };
      if (!concerns(reader, change.audience, change.owners)) return { kind: 'skip' };
      if (running !== null || dirty || sending !== null) return { kind: 'round' };
      // A change naming its organization as owner or one of its own keys (the posting county's own streams): asked with its whole reader.
      return { kind: 'shared', reader: namesOwn(reader, change.audience, change.owners) ? reader : sharedPart(reader) };
    },
    offer(lane, change, seen) {
      if (closed) return;
      // Its reader read again (another round ran meanwhile), or busy: the usual way, which reads with the reader as it stands.
      if (running !== null || dirty || sending !== null || (lane !== reader && lane !== sharedPart(reader))) {
        notify(change);
        return;
      }
      const events: LiveEvent[] = [];
      for (const v of seen) {
        if (v.addedUs > position) {
          events.push({ cursor: v.addedUs, object: v.object, covers: [v.addedUs] });
          position = v.addedUs;
          sent.add(v.addedUs);
        } else if (v.addedUs > personalFrom && !sent.has(v.addedUs)) {
          // Heard after a later version (another process's write): sent late, as a personal round would, at the position.
          events.push({ cursor: position, object: v.object, covers: [v.addedUs] });
          sent.add(v.addedUs);
        }
      }
      if (events.length === 0) return;
      const writing = sendNamed(events).then(
        () => {
          if (sending === writing) sending = null;
        },
        (error: unknown) => {
          closed = true;
          sending = null;
          onError(error);
        },
      );
      sending = writing;
    },
    poll() {
      personal = true;
      wake();
    },
    settle(watermark) {
      // Busy, or not yet through its first round: what it is taking may be among what the watermark counts.
      if (closed || !begun || running !== null || dirty || sending !== null || watermark <= through) return;
      through = watermark;
      beyond = beyond.filter((t) => t > watermark);
      beyondSet = new Set(beyond);
      lastId = resumeId({ through, sent: beyond });
    },
    beat() {
      const current = deps.currentReader;
      if (closed || current === undefined || running !== null || dirty || checking !== null) return;
      const check = current().then(
        (now) => {
          if (closed) return;
          if (now === null) throw new FeedEnded();
          // Same keys: the reader it has (its shared part stays the one fan-out groups it by).
          if (readerKey(now) === readerKey(reader)) return;
          reader = now;
          deps.onReader?.(now);
          // Keys gained: changes skipped before may hold something for it now.
          personal = true;
          wake();
        },
      ).catch((error: unknown) => {
        if (closed) return;
        closed = true;
        onError(error);
      }).finally(() => {
        if (checking === check) checking = null;
      });
      checking = check;
    },
    get cursor() {
      return position;
    },
    settled: async () => {
      while (running !== null || checking !== null) await (running ?? checking);
    },
    close() {
      closed = true;
    },
  };
}

/** Re-shares to report, by record (id and owner; owner null: not said, every record of the id), with when the newest was logged (0: not said). */
type Reshares = Map<string, { readonly id: StixId; readonly owner: string | null; readonly at: number; readonly ats: readonly number[] }>;

const recordKey = (id: string, owner: string | null) => `${id} ${owner ?? ''}`;

function addReshare(into: Reshares, id: StixId, owner: string | null, at: number, ats: readonly number[] = at === 0 ? [] : [at]): void {
  const key = recordKey(id, owner);
  const known = into.get(key);
  into.set(key, { id, owner, at: Math.max(known?.at ?? 0, at), ats: known === undefined ? ats : [...new Set([...known.ats, ...ats])] });
}

/** Whether a change names `reader`'s organization as owner or one of the keys no other organization holds. */
function namesOwn(reader: Reader, audience: readonly string[], owners: readonly string[]): boolean {
  return reader.kind === 'member' && (owners.includes(reader.orgId) || reader.keys.some((k) => isOwnKey(reader, k) && audience.includes(k)));
}

/** What a live feed says of a version: the same object for every feed that sends it, so its JSON is made once. */
export async function liveObject(v: StoredVersion, change: LiveObject['change'], ownerName: FeedDeps['ownerName']): Promise<LiveObject> {
  return {
    id: v.id,
    type: v.type,
    name: nameOf(v),
    tlp: v.sharing.tlp,
    owner: v.sharing.owner,
    owner_name: (await ownerName?.(v.sharing.owner)) ?? null,
    modified: v.modified,
    revoked: v.revoked,
    change,
  };
}

/** Whether a stored change with these audience keys and owners can hold anything `reader` may see. */
export function concerns(reader: Reader, audience: readonly string[], owners: readonly string[]): boolean {
  switch (reader.kind) {
    case 'operator':
      return true;
    case 'public':
      return audience.includes('public');
    case 'member':
      return owners.includes(reader.orgId) || reader.keys.some((k) => audience.includes(k));
    case 'audience':
      return reader.keys.some((k) => audience.includes(k));
  }
}

/** Organization names for events, looked up once each (names rarely change; a restart refreshes them). */
export function cachedNames(lookup: (id: OrgId) => Promise<string | null>, max = 10_000): (id: OrgId) => Promise<string | null> {
  const names = new Map<OrgId, Promise<string | null>>();
  return (id) => {
    let name = names.get(id);
    if (name === undefined) {
      if (names.size >= max) names.clear();
      name = lookup(id).catch(() => null);
      names.set(id, name);
    }
    return name;
  };
}
